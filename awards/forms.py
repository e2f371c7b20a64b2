import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.dates import ClockInput, DayField, DayInput, MomentField
from clusters.models import User
from emulation.scoring.values import DecimalInput

from .models import AwardRule, AwardType, Dossier, ElectorateKind, Outcome
from .models.rules import RULE_FIELDS


class LocalDateTimeField(MomentField):
    """A poll's window: typed and shown as dd/mm/yyyy hh:mm whatever the browser's language."""


class AwardTypeForm(forms.ModelForm):
    class Meta:
        model = AwardType
        fields = ["code", "name", "precedence", "active"]


class AwardRuleForm(forms.ModelForm):
    min_total = DecimalInput(
        label=_("minimum total score"), required=False, minimum=Decimal(0), maximum=Decimal("99999.99")
    )

    class Meta:
        model = AwardRule
        fields = list(RULE_FIELDS)
        help_texts = {
            "quota_num": _("For a share, e.g. 1 of 1/3."),
            "quota_den": _("For a share, e.g. 3 of 1/3."),
            "threshold_num": _("e.g. 1 and 2 for half; 70 and 100 for 70%."),
            "quorum_num": _("e.g. 2 and 3 for two thirds of the voters."),
        }

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        for name in ("tie_break", "remaining_base"):  # an older form without them keeps the default
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        for name in ("tie_break", "remaining_base"):
            if not data.get(name):
                data[name] = AwardRule._meta.get_field(name).get_default()
        return data


def _window_initial():
    now = timezone.localtime().replace(second=0, microsecond=0)
    return now, now + datetime.timedelta(hours=2)


NEVER_SUBMITTED = _("never submitted its scores")


class PollWindowForm(forms.Form):
    """A poll's window, offered from now for two hours: every form that opens a poll or a round."""

    opens_at = LocalDateTimeField(label=_("Opens at"))
    closes_at = LocalDateTimeField(label=_("Closes at"))

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        if not self.is_bound:
            opens, closes = _window_initial()
            self.initial.setdefault("opens_at", opens)
            self.initial.setdefault("closes_at", closes)


class PollForm(PollWindowForm):
    field_order = ["title", "opens_at", "closes_at"]
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    electorate_kind = forms.ChoiceField(label=_("Who votes"), choices=ElectorateKind.choices)
    candidates = forms.MultipleChoiceField(
        label=_("Candidates"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one candidate.")},
    )
    voters = forms.ModelMultipleChoiceField(
        label=_("Voters"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one voter.")},
    )

    def __init__(self, *args, options, voter_queryset, **kw):
        super().__init__(*args, **kw)
        self.fields["candidates"].choices = [
            (
                str(o.unit_id),
                o.name
                + (f" — {o.total} ({_('rank')} {o.rank})" if o.total is not None else "")
                + ("" if o.submitted else " — " + str(NEVER_SUBMITTED)),
            )
            for o in options
            if o.allowed
        ]
        self.fields["voters"].queryset = voter_queryset
        self.fields["voters"].label_from_instance = lambda u: (
            f"{u.full_name or u.username}" + (f" — {u.unit.short_name or u.unit.name}" if u.unit_id else "")
        )


class RunoffForm(PollWindowForm):
    pass


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=40,
        help_text=_("The code shown when you voted, e.g. ABCD-EFGH-JKLM-NPQR."),
    )


class DossierForm(forms.ModelForm):
    class Meta:
        model = Dossier
        fields = [
            "meeting_date",
            "meeting_place",
            "chair_name",
            "chair_title",
            "secretary_name",
            "started_at",
            "ended_at",
            "attendance",
            "council_size",
            "absentees",
            "counting_committee",
            "cover_number",
        ]
        field_classes = {"meeting_date": DayField}
        widgets = {
            "meeting_date": DayInput(),
            "started_at": ClockInput(),
            "ended_at": ClockInput(),
            "attendance": forms.Textarea(attrs={"rows": 4}),
            "absentees": forms.Textarea(attrs={"rows": 2}),
            "counting_committee": forms.Textarea(attrs={"rows": 3}),
        }


class ReportUploadForm(forms.Form):
    report = forms.FileField(label=_("Achievement report (PDF)"))


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Decision number"), max_length=60)
    date = DayField(label=_("Decision date"), help_text=_("dd/mm/yyyy"))
    signer = forms.CharField(label=_("Signed by"), max_length=120, required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    granted_award = forms.ModelChoiceField(
        label=_("Award granted instead"),
        queryset=AwardType.objects.none(),
        required=False,
        help_text=_("Only when the province granted a lower award."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, province, award_types=None, **kw):
        super().__init__(*args, **kw)
        field = self.fields["granted_award"]
        field.queryset = AwardType.objects.filter(province=province).order_by("precedence")
        if award_types is not None:  # already read by the page: no query to list them
            field.choices = [("", "---------"), *((t.pk, t.name) for t in award_types)]


class IdsField(forms.Field):
    """Checked rows of a table: a list of ids (which province they belong to is the view's
    and the service's business)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        try:
            return sorted({int(v) for v in (value or [])})
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(_("Choose the nominations in the table.")) from exc

    def validate(self, value):
        if not value:
            raise forms.ValidationError(_("Choose at least one nomination."))


class DecisionUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet of decisions (.xlsx)"),
        help_text=_("The sheet downloaded from this page, with the number, date and outcome filled in."),
    )


class BulkDecisionForm(DecisionForm):
    """One decision for every nomination ticked in the table."""

    nominations = IdsField(label=_("Nominations"))

    field_order = ["nominations", "number", "date", "signer", "outcome", "granted_award", "note"]


class PaperCountForm(forms.Form):
    """The Ban kiểm phiếu's count of a paper vote: ballots, then the votes of each candidate."""

    issued = forms.IntegerField(label=_("Ballots issued"), min_value=0)
    received = forms.IntegerField(label=_("Ballots received"), min_value=0)
    invalid = forms.IntegerField(label=_("Invalid ballots"), min_value=0, initial=0)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        for c in self.candidates:
            self.fields[f"votes_{c.pk}"] = forms.IntegerField(
                label=_("Votes for %(name)s") % {"name": c.name}, min_value=0, initial=0
            )

    def votes(self):
        return {c.pk: self.cleaned_data[f"votes_{c.pk}"] for c in self.candidates}
