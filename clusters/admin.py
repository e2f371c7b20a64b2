"""The Django admin, for superusers only (emulation.admin_site): read-mostly.

Every model is shown read-only; the only writes are a province created or edited and an
account created, both through the audited services. Province admins use the app's screens."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from . import accounts, services
from .models import (
    AuditEvent,
    Cluster,
    ClusterYear,
    Membership,
    Province,
    Role,
    Unit,
    UnitEvent,
    UnitEventLink,
    UnitVersion,
    User,
    UserRole,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never written: changes are made in the app's screens, through the services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProvinceForm(forms.ModelForm):
    class Meta:
        model = Province
        fields = ["code", "name", "place_name"]


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdmin):
    """Provinces are created and renamed here (there is no other place); audited."""

    list_display = ["code", "name", "place_name"]
    form = ProvinceForm

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        services.province_save(
            actor=request.user,
            province=Province.objects.get(pk=obj.pk) if change else None,
            code=obj.code,
            name=data["name"],
            place_name=data.get("place_name", ""),
        )


class UnitVersionInline(ReadOnlyInline):
    model = UnitVersion


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "province", "kind", "started_on", "ended_on", "merged_into"]
    list_filter = ["province", "kind"]
    list_select_related = ["province", "merged_into"]
    search_fields = ["name", "code"]
    inlines = [UnitVersionInline]


class UnitEventLinkInline(ReadOnlyInline):
    model = UnitEventLink


@admin.register(UnitEvent)
class UnitEventAdmin(ReadOnlyAdmin):
    """Unit changes are recorded in the app's screens (clusters.unit_events), never here."""

    list_display = ["effective", "kind", "province", "from_province", "decision_number", "decision_date"]
    list_filter = ["kind", "province"]
    list_select_related = ["province", "from_province"]
    search_fields = ["decision_number", "links__unit__name"]
    inlines = [UnitEventLinkInline]


@admin.register(Cluster)
class ClusterAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "province", "kind"]
    list_filter = ["province"]
    list_select_related = ["province"]


class MembershipInline(ReadOnlyInline):
    model = Membership


@admin.register(ClusterYear)
class ClusterYearAdmin(ReadOnlyAdmin):
    list_display = ["cluster", "year", "stage"]
    list_filter = ["cluster__province", "year", "stage"]
    list_select_related = ["cluster"]
    inlines = [MembershipInline]


class UserRoleInline(ReadOnlyInline):
    model = UserRole


class AccountCreateForm(forms.ModelForm):
    """A first account of a province (usually its province admin), made by a superuser."""

    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, min_length=8)

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "province", "unit"]

    def clean(self):
        data = super().clean()
        unit, province = data.get("unit"), data.get("province")
        if province is None:
            self.add_error("province", _("Choose the province."))
        elif unit is not None and unit.province_id != province.pk:
            self.add_error("unit", _("The unit belongs to another province."))
        return data


@admin.register(User)
class UserAdmin(ReadOnlyAdmin, BaseUserAdmin):
    list_display = ["username", "full_name", "unit", "province", "is_active"]
    list_filter = ["province", "is_active"]
    list_select_related = ["unit", "province"]
    add_form = AccountCreateForm
    add_fieldsets = (
        (None, {"fields": ("username", "full_name", "email", "province", "unit", "roles", "password")}),
    )
    fieldsets = (
        (None, {"fields": ("username", "full_name", "job_title", "email")}),
        (_("Unit and province"), {"fields": ("province", "unit")}),
        (_("State"), {"fields": ("is_active", "is_superuser", "last_login", "date_joined")}),
    )
    inlines = [UserRoleInline]

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def add_view(self, request, form_url="", extra_context=None):
        # BaseUserAdmin asks for the change permission too (it goes on to the password form);
        # here an account is made in one form and is then read-only.
        return admin.ModelAdmin.add_view(self, request, form_url, extra_context)

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def save_model(self, request, obj, form, change):
        # The form has checked what the service refuses (unique name, unit in the province).
        data = form.cleaned_data
        obj.pk = accounts.user_create(
            province=data["province"],
            unit=data.get("unit"),
            username=data["username"],
            password=data["password"],
            full_name=data["full_name"],
            email=data.get("email", ""),
            roles=data["roles"],
            actor=request.user,
        ).pk

    def save_related(self, request, form, formsets, change):
        """Roles were saved by the service."""


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "province", "actor", "action", "object_type", "object_id"]
    list_filter = ["province", "action"]
    list_select_related = ["province", "actor"]


# Roles are the app's permissions; groups are not used.
admin.site.unregister(Group)


# Log-in attempts and lockouts: shown only (a lockout ends with its cool-down; each is audited).
for _model, _base in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, type(f"ReadOnly{_base.__name__}", (ReadOnlyAdmin, _base), {}))
