from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Cluster, ClusterYear, Membership, Province, Unit, UnitVersion, User, UserRole


class ProvinceScopedAdmin(admin.ModelAdmin):
    """The Django admin is a fallback for province admins: they see their province only."""

    province_lookup = "province"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{self.province_lookup: request.user.province_id})


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


class UnitVersionInline(admin.TabularInline):
    model = UnitVersion
    extra = 0


@admin.register(Unit)
class UnitAdmin(ProvinceScopedAdmin):
    list_display = ["code", "name", "kind", "merged_into", "merged_on"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    inlines = [UnitVersionInline]


@admin.register(Cluster)
class ClusterAdmin(ProvinceScopedAdmin):
    list_display = ["code", "name", "kind"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(ClusterYear)
class ClusterYearAdmin(ProvinceScopedAdmin):
    province_lookup = "cluster__province"
    list_display = ["cluster", "year", "stage"]
    list_filter = ["year", "stage"]
    inlines = [MembershipInline]
    readonly_fields = ["stage"]


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "unit", "province", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Unit and province"), {"fields": ("province", "unit", "full_name", "job_title")}),
    )
    inlines = [UserRoleInline]

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated, never deleted: the audit trail keeps naming its authors.
        return False

    def get_readonly_fields(self, request, obj=None):
        # A province admin must not be able to grant more than they have.
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return [
            "is_superuser",
            "is_staff",
            "groups",
            "user_permissions",
            "province",
            "last_login",
            "date_joined",
        ]

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.province_id = request.user.province_id
        super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(province_id=request.user.province_id)


@admin.register(AuditEvent)
class AuditEventAdmin(ProvinceScopedAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
