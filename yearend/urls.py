from django.urls import path

from . import report_views, views, views_notifications

app_name = "yearend"
urlpatterns = [
    path("years/<int:pk>/", views.year_summary, name="year"),
    path("years/<int:pk>/next-year/", views.start_next_year, name="start_next_year"),
    path("years/<int:pk>/handover/correct/", views.handover_correct, name="handover_correct"),
    path("years/<int:pk>/report/pdf/", views.summary_pdf, name="summary_pdf"),
    path("years/<int:pk>/report/", report_views.report_edit, name="report_edit"),
    path("years/<int:pk>/report.xlsx", views.summary_xlsx, name="summary_xlsx"),
    path("clusters/<int:pk>/history/", views.cluster_history, name="cluster_history"),
    path("province/", views.province_overview, name="province"),
    path("units/<int:pk>/", views.unit_history, name="unit_history"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/count/", views_notifications.notification_count, name="notification_count"),
    path(
        "notifications/settings/",
        views_notifications.notification_preferences,
        name="notification_preferences",
    ),
]
