from django.urls import path

from .views import decisions, dossier, paper, polls, province_report, voting, year

app_name = "awards"
urlpatterns = [
    path("types/", year.award_types, name="types"),
    path("types/<int:pk>/", year.award_type_edit, name="type_edit"),
    path("clusters/<int:pk>/", year.cluster_awards, name="cluster"),
    path("years/<int:pk>/", year.year_awards, name="year"),
    path("years/<int:pk>/rules/<int:type_pk>/", year.rule_edit, name="rule_edit"),
    path("years/<int:pk>/polls/new/", polls.poll_create, name="poll_create"),
    path("years/<int:pk>/dossier/", dossier.dossier, name="dossier"),
    path("years/<int:pk>/dossier/<str:kind>.pdf", dossier.dossier_document, name="dossier_document"),
    path("years/<int:pk>/dossier/submit/", dossier.dossier_submit, name="dossier_submit"),
    path("polls/<int:pk>/", polls.poll_detail, name="poll"),
    path("polls/<int:pk>/turnout/", polls.poll_turnout, name="turnout"),
    path("polls/<int:pk>/close/", polls.poll_close, name="poll_close"),
    path("polls/<int:pk>/paper-count/", paper.poll_paper_count, name="poll_paper_count"),
    path("polls/<int:pk>/publish/", polls.poll_publish, name="poll_publish"),
    path("polls/<int:pk>/runoff/", polls.poll_runoff, name="poll_runoff"),
    path("polls/<int:pk>/vote/", voting.vote, name="vote"),
    path("ballots/", voting.my_ballots, name="my_ballots"),
    path("receipt/", voting.receipt_check, name="receipt"),
    path("nominations/<int:pk>/report/", dossier.report_upload, name="report_upload"),
    path("nominations/<int:pk>/report.pdf", dossier.report_download, name="report_download"),
    path("nominations/<int:pk>/decision/", dossier.decision, name="decision"),
    path("decisions/", decisions.decisions_bulk, name="decisions_bulk"),
    path("decisions/import/", decisions.decisions_import, name="decisions_import"),
    path("decisions/sheet.xlsx", decisions.decisions_template, name="decisions_template"),
    path("decisions/report/", province_report.report_page, name="province_report"),
    path("decisions/report.xlsx", province_report.report_xlsx, name="province_report_xlsx"),
    path("decisions/report.pdf", province_report.report_pdf, name="province_report_pdf"),
]
