from django.urls import path

from . import account_views, views, views_audit, views_units
from .bulk import views as bulk_views

app_name = "clusters"
urlpatterns = [
    path("", views.cluster_list, name="cluster_list"),
    path("new/", views.cluster_create, name="cluster_create"),
    path("<int:pk>/", views.cluster_detail, name="cluster_detail"),
    path("<int:pk>/years/new/", views.cluster_year_create, name="year_create"),
    path("years/<int:pk>/", views.year_detail, name="year_detail"),
    path("years/<int:pk>/members/add/", views.membership_add, name="membership_add"),
    path("years/<int:pk>/member-list.pdf", views.member_list_pdf, name="member_list_pdf"),
    path("years/<int:pk>/advance/", views.stage_advance, name="stage_advance"),
    path("years/<int:pk>/revert/", views.stage_revert, name="stage_revert"),
    path("memberships/<int:pk>/role/", views.membership_role, name="membership_role"),
    path("memberships/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/merge/", views_units.units_merge, name="units_merge"),
    path("units/<int:pk>/", views_units.unit_detail, name="unit_detail"),
    path("units/<int:pk>/rename/", views_units.unit_rename, name="unit_rename"),
    path("units/<int:pk>/split/", views_units.unit_split, name="unit_split"),
    path("units/<int:pk>/abolish/", views_units.unit_abolish, name="unit_abolish"),
    path("provinces/changes/", views_units.province_changes, name="province_changes"),
    path("accounts/", account_views.user_list, name="user_list"),
    path("accounts/new/", account_views.user_create, name="user_create"),
    path("accounts/<int:pk>/edit/", account_views.user_edit, name="user_edit"),
    path("accounts/<int:pk>/roles/", account_views.user_roles, name="user_roles"),
    path("accounts/<int:pk>/active/", account_views.user_active, name="user_active"),
    path("setup/", bulk_views.setup, name="bulk_setup"),
    path("setup/template.xlsx", bulk_views.template_download, name="bulk_template"),
    path("setup/export.xlsx", bulk_views.export_download, name="bulk_export"),
    path("setup/preview/", bulk_views.preview, name="bulk_preview"),
    path("setup/apply/", bulk_views.apply_upload, name="bulk_apply"),
    path("accounts/<int:pk>/password-link/", account_views.user_password_link, name="user_password_link"),
    path("audit/chain/", views_audit.audit_chain, name="audit_chain"),
]
