from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.dates import DayField
from clusters.models import Stage, Unit, User

from .models import EmailChoice, HandOverMethod


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return getattr(obj, "display_name", None) or obj.name


class NextYearForm(forms.Form):
    head = UnitChoiceField(queryset=Unit.objects.none(), label=_("Next year's head unit"))
    deputy = UnitChoiceField(queryset=Unit.objects.none(), label=_("Next year's deputy unit"), required=False)
    handed_over_on = DayField(label=_("Date of the hand-over"))
    secretaries = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Secretary account(s) at the new head unit"),
        help_text=_(
            "They receive the cluster secretary role and run next year; needed unless the new head "
            "unit already has a secretary account."
        ),
    )
    method = forms.ChoiceField(label=_("How the head was chosen"), choices=HandOverMethod.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, members=(), **kwargs):
        kwargs.setdefault("initial", {}).setdefault("handed_over_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        ids = [m.unit_id for m in members]
        qs = Unit.objects.filter(pk__in=ids)
        self.fields["head"].queryset = qs
        self.fields["deputy"].queryset = qs
        names = {m.unit_id: m.display_name for m in members}
        choices = [("", "---------")] + sorted(
            ((m.unit_id, names[m.unit_id]) for m in members), key=lambda c: c[1]
        )
        self.fields["head"].choices = choices
        self.fields["deputy"].choices = choices
        self.fields["head"].error_messages["invalid_choice"] = _("Choose a member unit of this year.")
        self.fields["deputy"].error_messages["invalid_choice"] = _("Choose a member unit of this year.")
        accounts = User.objects.filter(unit_id__in=ids, is_active=True).select_related("unit")
        self.fields["secretaries"].queryset = accounts.order_by("unit__name", "full_name", "username")
        self.fields["secretaries"].label_from_instance = lambda u: (
            f"{u.full_name or u.username} ({u.username}) – {names.get(u.unit_id, u.unit.name)}"
        )

    def clean(self):
        data = super().clean()
        if data.get("head") and data.get("deputy") and data["head"].pk == data["deputy"].pk:
            raise forms.ValidationError(_("The head and the deputy must be different units."))
        head = data.get("head")
        if head and any(u.unit_id != head.pk for u in data.get("secretaries") or ()):
            raise forms.ValidationError(_("Choose secretary accounts of next year's head unit."))
        return data


class HandOverCorrectForm(forms.Form):
    head = UnitChoiceField(queryset=Unit.objects.none(), label=_("Head unit"))
    deputy = UnitChoiceField(queryset=Unit.objects.none(), label=_("Deputy unit"), required=False)
    handed_over_on = DayField(label=_("Date of the hand-over"))
    reason = forms.CharField(label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, next_members=(), **kwargs):
        super().__init__(*args, **kwargs)
        qs = Unit.objects.filter(pk__in=[m.unit_id for m in next_members])
        self.fields["head"].queryset = qs
        self.fields["deputy"].queryset = qs


class ProvinceFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("All stages")), *Stage.choices]
    )
    overdue = forms.BooleanField(label=_("Only clusters with overdue items"), required=False)


class SummaryReportForm(forms.Form):
    """The narrative sections of the year-end report (any may stay empty while drafting)."""

    results = forms.CharField(
        label=_("Results of the year"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    strengths = forms.CharField(
        label=_("Strengths"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    shortcomings = forms.CharField(
        label=_("Shortcomings and their causes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    lessons = forms.CharField(
        label=_("Lessons learnt"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    direction = forms.CharField(
        label=_("Direction and tasks for next year"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    recipients = forms.CharField(
        label=_("Recipients (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, instance_data=None, **kwargs):
        if instance_data is not None and not args:
            kwargs.setdefault("initial", {name: getattr(instance_data, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        if instance_data is not None and instance_data.issued_at:
            for field in self.fields.values():
                field.disabled = True


class NotificationPreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label=_("Notifications by e-mail"), choices=EmailChoice.choices, widget=forms.RadioSelect
    )
