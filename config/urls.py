from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from . import views
from .login import ThrottledLoginView

admin.site.site_header = "Samhjälp"
admin.site.site_title = "Samhjälp"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("sms/", include("notifications.urls")),
    path("voice/", include("helpdesk.voice_urls")),
    path("", include("matching.urls")),
    path("", include("helpdesk.urls")),
]
