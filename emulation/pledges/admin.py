"""Read-mostly admin views (every change goes through services.py, so nothing is editable here)."""

from django.contrib import admin

from .models import Pledge, PledgeSignature, PledgeVersion, Registration, RegistrationTarget


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TargetInline(admin.TabularInline):
    model = RegistrationTarget
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ("unit", "cluster_year", "submitted_at")
    list_select_related = ("unit", "cluster_year__cluster")
    inlines = [TargetInline]


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdmin):
    list_display = ("cluster_year", "state", "finalised_at")
    list_select_related = ("cluster_year__cluster",)


@admin.register(PledgeVersion)
class PledgeVersionAdmin(ReadOnlyAdmin):
    list_display = ("title", "number", "code", "created_at")


@admin.register(PledgeSignature)
class PledgeSignatureAdmin(ReadOnlyAdmin):
    list_display = ("unit", "signer_name", "state", "signed_at", "external")
    list_select_related = ("unit",)
