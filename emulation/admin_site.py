"""The Django admin: superusers only (finding 1 of the hardening issue).

Province admins and every other role work in the application's own screens, where each object
is looked up within the user's province and each write goes through an audited service. The
admin is read-mostly: the few writes it allows (provinces, first accounts) call the services."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class SuperuserAdminSite(admin.AdminSite):
    site_header = "Quản trị Thi đua - Khen thưởng"
    site_title = "Thi đua - Khen thưởng"

    def has_permission(self, request):
        # Not is_staff: a staff flag or model permissions never open the admin.
        return request.user.is_active and request.user.is_superuser


class SuperuserAdminConfig(AdminConfig):
    default_site = "emulation.admin_site.SuperuserAdminSite"
