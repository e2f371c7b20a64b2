from django.urls import path

from . import views

app_name = "scoring"
urlpatterns = [
    path("criteria-template.xlsx", views.criteria_template, name="criteria_template"),
    path("year/<int:pk>/criteria/", views.criteria, name="criteria"),
    path("year/<int:pk>/criteria/add/", views.criterion_add, name="criterion_add"),
    path("year/<int:pk>/criteria/<int:criterion_pk>/edit/", views.criterion_edit, name="criterion_edit"),
    path(
        "year/<int:pk>/criteria/<int:criterion_pk>/delete/", views.criterion_delete, name="criterion_delete"
    ),
    path("year/<int:pk>/criteria/tie-break/", views.tie_break, name="tie_break"),
    path("year/<int:pk>/criteria/copy/", views.criteria_copy, name="criteria_copy"),
    path("year/<int:pk>/criteria/import/", views.criteria_import, name="criteria_import"),
    path("year/<int:pk>/criteria.xlsx", views.criteria_export, name="criteria_export"),
    path("year/<int:pk>/", views.overview, name="overview"),
    path("year/<int:pk>/lock/", views.lock, name="lock"),
    path("year/<int:pk>/reviewer/", views.reviewer, name="reviewer"),
    path("year/<int:pk>/unlock/", views.unlock, name="unlock"),
    path("year/<int:pk>/ranking/", views.ranking, name="ranking"),
    path("year/<int:pk>/ranking.xlsx", views.ranking_export, name="ranking_export"),
    path("year/<int:pk>/ranking/pdf/", views.ranking_pdf, name="ranking_pdf"),
    path("year/<int:pk>/unit/<int:unit_pk>/", views.sheet, name="sheet"),
    path("year/<int:pk>/unit/<int:unit_pk>/row/<int:criterion_pk>/", views.row_save, name="row_save"),
    path(
        "year/<int:pk>/unit/<int:unit_pk>/row/<int:criterion_pk>/evidence/",
        views.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "year/<int:pk>/unit/<int:unit_pk>/row/<int:criterion_pk>/review/",
        views.review_save,
        name="review_save",
    ),
    path("year/<int:pk>/unit/<int:unit_pk>/submit/", views.sheet_submit, name="sheet_submit"),
    path("year/<int:pk>/unit/<int:unit_pk>/reopen/", views.sheet_reopen, name="sheet_reopen"),
    path("year/<int:pk>/unit/<int:unit_pk>/adjustments/", views.adjustment_add, name="adjustment_add"),
    path("year/<int:pk>/unit/<int:unit_pk>/eligibility/", views.eligibility, name="eligibility"),
    path("year/<int:pk>/unit/<int:unit_pk>/sheet.xlsx", views.sheet_export, name="sheet_export"),
    path("year/<int:pk>/unit/<int:unit_pk>/import/", views.sheet_import, name="sheet_import"),
    path("adjustment/<int:pk>/remove/", views.adjustment_remove, name="adjustment_remove"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
]
