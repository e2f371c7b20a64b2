import datetime

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Cluster, ClusterKind, MemberRole, Role, Unit, UnitKind


class ClusterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ClusterKind.choices)
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)


class ClusterYearCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    copy_previous = forms.BooleanField(label=_("Copy last year's members"), required=False, initial=True)


class UnitForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    kind = forms.ChoiceField(label=_("Type"), choices=UnitKind.choices)
    name = forms.CharField(label=_("Name"), max_length=160)
    short_name = forms.CharField(label=_("Short name"), max_length=80, required=False)
    leader_name = forms.CharField(label=_("Leader's name"), max_length=120, required=False)


class MembershipAddForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.MEMBER)

    def __init__(self, *args, cluster_year, **kwargs):
        super().__init__(*args, **kwargs)
        taken = cluster_year.memberships.values("unit_id")
        first, last = datetime.date(cluster_year.year, 1, 1), datetime.date(cluster_year.year, 12, 31)
        # units that exist at some time in the year (one abolished before it, or formed after, do not)
        self.fields["unit"].queryset = (
            Unit.objects.filter(province_id=cluster_year.cluster.province_id)
            .filter(Q(ended_on=None) | Q(ended_on__gt=first))
            .filter(Q(started_on=None) | Q(started_on__lte=last))
            .exclude(pk__in=taken)
        )


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)


class StageRevertForm(forms.Form):
    reason = forms.CharField(label=_("Reason for moving back"), widget=forms.Textarea(attrs={"rows": 2}))


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, min_length=8)

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(province=province, ended_on=None)


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(province=province, ended_on=None)


class UserRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )


__all__ = ["Cluster"]


class ChainExpectForm(forms.Form):
    """A chain head read from a printed document, to check against the database."""

    seq = forms.IntegerField(label=_("Event number printed"), min_value=1)
    hash = forms.RegexField(
        label=_("Hash printed"),
        regex=r"^[0-9a-fA-F ]{64,80}$",
        error_messages={"invalid": _("Enter the 64 hexadecimal digits of the hash (spaces allowed).")},
    )

    def clean_hash(self):
        value = self.cleaned_data["hash"].replace(" ", "").lower()
        if len(value) != 64:
            raise forms.ValidationError(_("Enter the 64 hexadecimal digits of the hash (spaces allowed)."))
        return value
