from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from . import metrics, oidc, probes, twofactor, views
from .login import LoginView, PasswordResetView

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("livez", probes.livez, name="livez"),
    path("readyz", probes.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("login/", LoginView.as_view(), name="login"),
    path("login/verify/", twofactor.login_verify, name="login_verify"),
    path("login/two-factor/", twofactor.two_factor_setup, name="two_factor_setup"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("oidc/", include(oidc.urlpatterns)),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("sms/", include("notifications.urls")),
    path("reports/", include("helpdesk.report_urls")),
    path("partners/", include("helpdesk.partner_urls")),
    path("privacy/", include("helpdesk.privacy_urls")),
    path("voice/", include("helpdesk.voice_urls")),
    path("", include("matching.urls")),
    path("", include("helpdesk.urls")),
]
