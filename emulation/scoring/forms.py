from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AdjustmentKind, CriterionKind, TieBreak


class CriterionForm(forms.Form):
    parent = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Parent criterion"),
        empty_label=_("— none (a major criterion) —"),
    )
    code = forms.CharField(label=_("Code"), max_length=20)
    text = forms.CharField(label=_("Criterion"), widget=forms.Textarea(attrs={"rows": 2}))
    max_points = forms.CharField(label=_("Maximum points"), max_length=20)
    kind = forms.ChoiceField(label=_("Kind"), choices=CriterionKind.choices)
    guidance = forms.CharField(label=_("Guidance"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    target_key = forms.SlugField(label=_("Target key"), required=False)
    target_value = forms.CharField(label=_("Default target"), required=False, max_length=30)
    reason = forms.CharField(
        label=_("Reason for the change (required once scoring has opened)"), required=False
    )

    def __init__(self, *args, criteria=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = criteria


class TieBreakForm(forms.Form):
    rule = forms.ChoiceField(label=_("Tie-break rule"), choices=TieBreak.choices)
    criterion = forms.ModelChoiceField(queryset=None, required=False, label=_("Criterion that breaks ties"))

    def __init__(self, *args, criteria=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = criteria


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
    reason = forms.CharField(label=_("Reason (required once scoring has opened)"), required=False)


class AdjustmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AdjustmentKind.choices)
    points = forms.CharField(label=_("Points"), max_length=20)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class EligibilityForm(forms.Form):
    ineligible = forms.BooleanField(label=_("Ineligible for awards"), required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CriterionEditForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    text = forms.CharField(label=_("Criterion"), widget=forms.Textarea(attrs={"rows": 2}))
    max_points = forms.CharField(label=_("Maximum points"), max_length=20)
    kind = forms.ChoiceField(label=_("Kind"), choices=CriterionKind.choices)
    guidance = forms.CharField(label=_("Guidance"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    target_key = forms.SlugField(label=_("Target key"), required=False)
    target_value = forms.CharField(label=_("Default target"), required=False, max_length=30)
    reason = forms.CharField(
        label=_("Reason for the change (required once scoring has opened)"), required=False
    )
