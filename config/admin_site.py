"""Django's admin, with a site that lets in an account needing a second factor only once it
has given one this session (and sends its login to the project's own two-step sign-in)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.auth.decorators import login_not_required
from django.db.models.signals import post_migrate
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache


class SamhjalpAdminSite(admin.AdminSite):
    site_header = "Samhjälp"
    site_title = "Samhjälp"

    def has_permission(self, request: HttpRequest) -> bool:
        from .twofactor import second_factor_satisfied

        return super().has_permission(request) and second_factor_satisfied(request)

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        # The admin's own login would log in on the password alone; this one asks for the
        # one-time code first, and is throttled like /login/.
        from .login import AdminLoginView

        return AdminLoginView.as_view(extra_context=extra_context)(request)


class AdminConfig(DjangoAdminConfig):
    default_site = "config.admin_site.SamhjalpAdminSite"

    def ready(self) -> None:
        super().ready()
        # Lock-out logging listens to axes' signals from the start, not from the first request.
        from . import login  # noqa: F401

        post_migrate.connect(login_cache_table_ensure, sender=self)


def login_cache_table_ensure(using: str = "default", **kwargs) -> None:
    """Without Redis the login counts live in a database cache table; migrate does not make
    cache tables, so this does, after every migrate (createcachetable skips existing ones)."""
    from django.conf import settings
    from django.core.management import call_command

    if any(c["BACKEND"].endswith("DatabaseCache") for c in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=0)
