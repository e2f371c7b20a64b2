from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clusters.reauth import PasswordChangeView
from clusters.views import home

from .health import healthz

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # new accounts (bulk set-up) choose their password through a one-time link sent by e-mail
    path(
        "password/set/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/set/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("clusters/", include("clusters.urls")),
    path("documents/", include("documents.urls")),
    path("scoring/", include("emulation.scoring.urls")),
    path("pledges/", include("emulation.pledges.urls")),
    path("awards/", include("awards.urls")),
    path("year-end/", include("yearend.urls")),
    path("admin/", admin.site.urls),
]
