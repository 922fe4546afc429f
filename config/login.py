"""Staff sign-in with a password, throttled by django-axes on every path that authenticates
(/login/, /admin/login/, the OpenID Connect callback).

Failures are counted per user name AND address together: after LOGIN_FAILURE_LIMIT wrong
passwords for one user from one address, that pair waits LOGIN_FAILURE_WINDOW seconds.
Colleagues behind the same office NAT keep signing in, and made-up user names lock nobody out.
axes' backend comes first in AUTHENTICATION_BACKENDS, so a locked-out attempt is refused
before any backend hashes a password: a flood of refused guesses costs a cache read each.

Lock-outs and their end are logged with the user name and address masked.
"""

import hashlib
import logging
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlsplit

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.core.cache import caches
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from .twofactor import second_factor_asked, second_factor_pending_start

log = logging.getLogger("samhjalp.login")

# What a failed callback counts against when the provider never said who it was (a forged
# or replayed code): the address, for SSO only.
SSO_UNKNOWN = "sso:unknown"
LOCK_MARK = "login-locked:"


def name_mask(value: str | None) -> str:
    """A user name as logs may show it: first and last letter, never the whole."""
    if not value:
        return "-"
    if len(value) <= 3:
        return value[0] + "**"
    return f"{value[0]}{'*' * (len(value) - 2)}{value[-1]}"


def address_mask(value: str | None) -> str:
    """An address as logs may show it: the network, not the host (203.0.*.*, 2001:db8:*)."""
    if not value:
        return "-"
    if ":" in value:
        return ":".join(value.split(":")[:2]) + ":*"
    parts = value.split(".")
    return ".".join(parts[:2] + ["*"] * (len(parts) - 2))


def _is_sso_callback(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and match.url_name == "oidc_authentication_callback"


def login_attempt_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The user name an attempt counts against (axes' AXES_USERNAME_CALLABLE)."""
    name = (credentials or {}).get("username")
    if name is None:
        # Set by the OIDC backend once the provider has said who signs in.
        name = getattr(request, "login_attempt_name", None)
    if name is None and _is_sso_callback(request):
        name = SSO_UNKNOWN
    if name is None:
        name = request.POST.get("username")
    # Case folded, so Analyst and analyst share one count.
    return str(name).strip().lower()[:150] if name is not None else None


def login_client_str(username, ip_address, user_agent, path_info, request) -> str:
    """How axes' own log lines name a client (AXES_CLIENT_STR_CALLABLE): masked."""
    return f"user {name_mask(username)} from {address_mask(ip_address)} at {path_info}"


def login_failure_limit(request: HttpRequest, credentials: dict | None = None) -> int:
    return settings.LOGIN_FAILURE_LIMIT


def login_cool_off(request: HttpRequest | None = None) -> timedelta:
    return timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)


def lock_minutes() -> int:
    return math.ceil(settings.LOGIN_FAILURE_WINDOW / 60)


def login_locked_response(request: HttpRequest, original_response=None, credentials=None):
    """The page a locked-out attempt gets (AXES_LOCKOUT_CALLABLE)."""
    context = {
        "minutes": lock_minutes(),
        "sso": request.resolver_match is not None
        and request.resolver_match.url_name == "oidc_authentication_callback",
    }
    response = render(request, "registration/locked.html", context, status=429)
    response["Retry-After"] = str(settings.LOGIN_FAILURE_WINDOW)
    return response


def _lock_key(username: str | None, address: str | None) -> str:
    return f"{LOCK_MARK}{username or ''}|{address or ''}"


@receiver(user_locked_out, dispatch_uid="samhjalp-login-locked")
def login_locked_log(sender, request, username=None, ip_address=None, **kwargs) -> None:
    # axes signals every refused attempt; the mark makes one log line per lock-out.
    key = _lock_key(username, ip_address)
    if caches[settings.AXES_CACHE].add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW + 24 * 3600):
        log.warning(
            "Sign-in locked for %d minutes: user %s from %s after %d failed attempts",
            lock_minutes(),
            name_mask(username),
            address_mask(ip_address),
            settings.LOGIN_FAILURE_LIMIT,
        )


class LockoutBackend(AxesStandaloneBackend):
    """axes' backend, which also logs the end of a lock-out at the first attempt allowed
    after it (the cache handler has no event of its own when a lock expires)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        super().authenticate(request, username=username, password=password, **kwargs)
        if request is None:
            return None
        name = login_attempt_username(request, {"username": username, **kwargs})
        key = _lock_key(name, getattr(request, "axes_ip_address", None))
        marks = caches[settings.AXES_CACHE]
        if marks.get(key) is not None:
            marks.delete(key)
            log.info(
                "Sign-in lock over: user %s from %s may try again",
                name_mask(name),
                address_mask(getattr(request, "axes_ip_address", None)),
            )
        return None


_password_checks: dict[int, threading.BoundedSemaphore] = {}


@contextmanager
def login_password_check_slot() -> Iterator[bool]:
    """One of LOGIN_PASSWORD_CHECKS_AT_ONCE places (per process) to check a password in.

    A password check is a PBKDF2 hash, slow on purpose; sixteen guesses for real
    names at once would take every core from the operators. With one place, hashing takes at
    most one core; a check waits its turn (LOGIN_PASSWORD_CHECK_WAIT at most) instead of being
    refused. `taken` says whether the place was had in that time."""
    size = settings.LOGIN_PASSWORD_CHECKS_AT_ONCE
    slots = _password_checks.setdefault(size, threading.BoundedSemaphore(size))
    taken = slots.acquire(timeout=settings.LOGIN_PASSWORD_CHECK_WAIT)
    try:
        yield taken
    finally:
        if taken:
            slots.release()


class LoginView(auth_views.LoginView):
    """The password step. An account with a second factor (or one that must have it) is not
    logged in here: it goes on to the one-time code, and is logged in only after that."""

    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Refused before the form is even read: no password hashed, no login page rendered.
        # (axes' backend would refuse it too, but only after the form had been evaluated.)
        if not AxesProxyHandler.is_allowed(request, {"username": request.POST.get("username")}):
            return login_locked_response(request)
        # The password itself is checked in config.passwords.PasswordBackend, a few at a time.
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = settings.OIDC_ENABLED
        context["sso_failed"] = self.request.GET.get("sso") == "failed"
        return context

    def form_valid(self, form) -> HttpResponse:
        user = form.get_user()
        if second_factor_asked(user):
            second_factor_pending_start(self.request, user=user, next_url=self.get_success_url())
            return redirect("login_verify")
        return super().form_valid(form)


class AdminLoginView(LoginView):
    """/admin/login/: staff only, and the same two steps and throttle as /login/."""

    authentication_form = AdminAuthenticationForm
    redirect_authenticated_user = False

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        from django.contrib import admin

        if request.user.is_authenticated and admin.site.has_permission(request):
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def get_default_redirect_url(self) -> str:
        return reverse("admin:index")

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["admin_refused"] = self.request.user.is_authenticated
        return context


def password_reset_allowed(request: HttpRequest, email: str) -> bool:
    """Whether another reset e-mail may go out: PASSWORD_RESET_PER_HOUR for one e-mail
    address, and ten times that from one client address, so nobody fills a colleague's mailbox
    (or the mail server's quota) with reset links. Counted where the login counts are, so every
    web process sees them; the keys are hashed, no address is kept in clear."""
    store = caches[settings.AXES_CACHE]
    limit = settings.PASSWORD_RESET_PER_HOUR
    keys = [
        (
            "password-reset:email:" + hashlib.sha256(email.strip().lower().encode()).hexdigest(),
            limit,
        ),
        (
            "password-reset:addr:"
            + hashlib.sha256(str(request.META.get("REMOTE_ADDR", "")).encode()).hexdigest(),
            10 * limit,
        ),
    ]
    allowed = True
    for key, most in keys:
        store.add(key, 0, timeout=3600)
        try:
            count = store.incr(key)
        except ValueError:  # expired between add and incr
            store.set(key, 1, timeout=3600)
            count = 1
        allowed = allowed and count <= most
    return allowed


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail, with the link built from PUBLIC_BASE_URL, never from the
    Host header of the request that asked for it, and at most PASSWORD_RESET_PER_HOUR e-mails
    an hour to one address."""

    def form_valid(self, form) -> HttpResponse:
        if not password_reset_allowed(self.request, form.cleaned_data["email"]):
            # The same answer as a sent one: the page must not tell whether the address is
            # known, nor that a limit was reached for it.
            log.warning(
                "Password reset e-mail not sent: limit reached for %s",
                address_mask(self.request.META.get("REMOTE_ADDR")),
            )
            return redirect(self.get_success_url())
        base = urlsplit(settings.PUBLIC_BASE_URL)
        self.extra_email_context = {"domain": base.netloc, "protocol": base.scheme}
        return super().form_valid(form)
