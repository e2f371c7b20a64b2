"""Forms of the council: its roster, a new round, the chair's tie decision, a province poll."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.models import User

from .forms import PollWindowForm, RunoffForm
from .models import CouncilRole, TieBreak


class CouncilSeatForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Role in the council"), choices=CouncilRole.choices, initial=CouncilRole.MEMBER
    )
    user = forms.ModelChoiceField(
        label=_("Account (to vote online)"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, users=None, **kw):
        super().__init__(*args, **kw)
        if users is not None:
            self.fields["user"].queryset = users


CouncilFormSet = forms.formset_factory(CouncilSeatForm, extra=3, max_num=200)


def council_formset(data=None, *, users, initial=None):
    return CouncilFormSet(data, initial=initial, form_kwargs={"users": users}, prefix="seat")


def seats_from(formset):
    """The roster rows filled in (a row without a name or an account is left out)."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if data and (data.get("name") or data.get("user")):
            rows.append({k: data.get(k) for k in ("name", "title", "role", "user")})
    return rows


class NewRoundForm(RunoffForm):
    """The window of a new round (same voters as the earlier one)."""


class TieDecisionForm(forms.Form):
    candidates = forms.MultipleChoiceField(
        label=_("Units the chair chose"), widget=forms.CheckboxSelectMultiple
    )
    chair_name = forms.CharField(label=_("Chair who decided"), max_length=150)
    note = forms.CharField(label=_("Note (reason, meeting)"), max_length=300, required=False)

    def __init__(self, *args, tied=(), chair_name="", **kw):
        super().__init__(*args, **kw)
        self.fields["candidates"].choices = [(str(c.pk), c.name) for c in tied]
        if not self.is_bound and chair_name:
            self.initial["chair_name"] = chair_name


class ProvincePollForm(PollWindowForm):
    field_order = ["title", "opens_at", "closes_at"]
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    seats = forms.IntegerField(label=_("Units the council may propose"), min_value=1, max_value=999)
    threshold_num = forms.IntegerField(label=_("vote threshold: numerator"), min_value=0, initial=1)
    threshold_den = forms.IntegerField(label=_("vote threshold: denominator"), min_value=1, initial=2)
    quorum_num = forms.IntegerField(label=_("quorum: numerator"), min_value=0, initial=2)
    quorum_den = forms.IntegerField(label=_("quorum: denominator"), min_value=1, initial=3)
    tie_break = forms.ChoiceField(
        label=_("a tie for the last seat is broken by"),
        choices=[(TieBreak.RUNOFF, TieBreak.RUNOFF.label), (TieBreak.CHAIR, TieBreak.CHAIR.label)],
    )
    nominations = forms.MultipleChoiceField(
        label=_("Nominations voted on"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one candidate.")},
    )
    voters = forms.ModelMultipleChoiceField(
        label=_("Voters"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one voter.")},
    )

    def __init__(self, *args, nominations, voters, **kw):
        super().__init__(*args, **kw)
        self.fields["nominations"].choices = [
            (str(n.pk), f"{n.unit_name} — {n.cluster_year.cluster.name}") for n in nominations
        ]
        self.fields["voters"].queryset = voters
        if not self.is_bound:
            self.initial.setdefault("nominations", [str(n.pk) for n in nominations])
            self.initial.setdefault("voters", list(voters))
