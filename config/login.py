"""Login with throttling: after too many failed attempts for one user name or one address,
further attempts are refused for a while, with a message that says so."""

import hashlib

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


def _keys(request: HttpRequest) -> list[str]:
    username = (request.POST.get("username") or "").strip().lower()
    address = request.META.get("REMOTE_ADDR", "")
    # Hashed so that user names typed into the login form never sit in the cache in clear.
    return [
        "login-fail:user:" + hashlib.sha256(username.encode()).hexdigest(),
        "login-fail:addr:" + hashlib.sha256(address.encode()).hexdigest(),
    ]


def login_attempts_exceeded(request: HttpRequest) -> bool:
    limit = settings.LOGIN_FAILURE_LIMIT
    return any((cache.get(key) or 0) >= limit for key in _keys(request))


def login_failure_record(request: HttpRequest) -> None:
    for key in _keys(request):
        cache.add(key, 0, timeout=settings.LOGIN_FAILURE_WINDOW)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW)


class ThrottledLoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if login_attempts_exceeded(request):
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None,
                _("Too many failed attempts. Wait %(minutes)d minutes and try again.")
                % {"minutes": settings.LOGIN_FAILURE_WINDOW // 60},
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        login_failure_record(self.request)
        return super().form_invalid(form)
