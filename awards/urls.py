from django.urls import path

from . import views

app_name = "awards"
urlpatterns = [
    path("types/", views.award_types, name="types"),
    path("types/<int:pk>/", views.award_type_edit, name="type_edit"),
    path("clusters/<int:pk>/", views.cluster_awards, name="cluster"),
    path("years/<int:pk>/", views.year_awards, name="year"),
    path("years/<int:pk>/rules/<int:type_pk>/", views.rule_edit, name="rule_edit"),
    path("years/<int:pk>/polls/new/", views.poll_create, name="poll_create"),
    path("years/<int:pk>/dossier/", views.dossier, name="dossier"),
    path("years/<int:pk>/dossier/<str:kind>.pdf", views.dossier_document, name="dossier_document"),
    path("years/<int:pk>/dossier/submit/", views.dossier_submit, name="dossier_submit"),
    path("polls/<int:pk>/", views.poll_detail, name="poll"),
    path("polls/<int:pk>/turnout/", views.poll_turnout, name="turnout"),
    path("polls/<int:pk>/close/", views.poll_close, name="poll_close"),
    path("polls/<int:pk>/publish/", views.poll_publish, name="poll_publish"),
    path("polls/<int:pk>/runoff/", views.poll_runoff, name="poll_runoff"),
    path("polls/<int:pk>/vote/", views.vote, name="vote"),
    path("ballots/", views.my_ballots, name="my_ballots"),
    path("receipt/", views.receipt_check, name="receipt"),
    path("nominations/<int:pk>/report/", views.report_upload, name="report_upload"),
    path("nominations/<int:pk>/report.pdf", views.report_download, name="report_download"),
    path("nominations/<int:pk>/decision/", views.decision, name="decision"),
]
