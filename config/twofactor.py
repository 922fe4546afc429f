"""Second factor for local accounts: a TOTP code from an authenticator app (django-otp).

Required for the admin role and superusers, optional for everyone else. After the password
the account is only *pending* (its id in the session, not logged in); the code, or for a
required account without a device the enrolment, completes the login. An account signed in
through OpenID Connect has its provider's second factor and is not asked again.

Wrong codes are counted by django-axes with the passwords (OTP_TOTP_THROTTLE_FACTOR is 0:
the device itself keeps no throttle, which a flood could use to lock a colleague out).
"""

import time
from base64 import b32encode

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AbstractBaseUser, User
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import ADMIN, user_roles

PENDING = "login_pending"
# How long the code step may take after the password.
PENDING_SECONDS = 5 * 60
OIDC_BACKEND = "config.oidc.RoleOIDCBackend"


def second_factor_required(user: AbstractBaseUser) -> bool:
    return bool(user.is_superuser or ADMIN in user_roles(user))


def second_factor_asked(user: AbstractBaseUser) -> bool:
    """Whether the password step must be followed by a code for this account."""
    return second_factor_required(user) or user_has_device(user, confirmed=True)


def second_factor_satisfied(request: HttpRequest) -> bool:
    """True unless the signed-in account needs a second factor it has not given."""
    user = request.user
    if not user.is_authenticated or not second_factor_required(user):
        return True
    if request.session.get(BACKEND_SESSION_KEY) == OIDC_BACKEND:
        return True
    return bool(getattr(user, "is_verified", lambda: False)())


def second_factor_pending_start(request: HttpRequest, *, user: User, next_url: str) -> None:
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        "next": next_url,
        "at": time.time(),
    }


def _pending(request: HttpRequest) -> tuple[User | None, dict]:
    pending = request.session.get(PENDING) or {}
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, {}
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


def _login_complete(request: HttpRequest, user: User, pending: dict, device) -> HttpResponse:
    request.session.pop(PENDING, None)
    auth.login(request, user, backend=pending["backend"])
    otp_login(request, device)
    next_url = pending.get("next") or settings.LOGIN_REDIRECT_URL
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = settings.LOGIN_REDIRECT_URL
    return redirect(next_url)


@login_not_required
@never_cache
@sensitive_post_parameters("token")
def login_verify(request: HttpRequest) -> HttpResponse:
    """The code step after a correct password."""
    user, pending = _pending(request)
    if user is None:
        return redirect("login")
    if not user_has_device(user, confirmed=True):
        return redirect("two_factor_setup")
    error = None
    if request.method == "POST":
        # Wrong codes count with wrong passwords, per user name and address (django-axes), not
        # per device: a device's own throttle would let whoever has the password, from any
        # address, keep the real user's codes refused for ever longer. The locked page is
        # axes' AXES_LOCKOUT_CALLABLE, as for a refused password.
        credentials = {"username": user.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return get_lockout_response(request, credentials=credentials)
        if device := match_token(user, request.POST.get("token", "").strip()):
            return _login_complete(request, user, pending, device)
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        error = _("The code was not right. Codes change every 30 seconds; try the newest one.")
    return render(request, "registration/verify.html", {"error": error})


@login_not_required
@never_cache
@sensitive_post_parameters("token")
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Turn on the second factor: scan the QR code (or type the key), then give a code.

    Reached by a logged-in user, or by a pending one whose account requires a second factor
    and has none yet (the demo's analyst on first login)."""
    if request.user.is_authenticated:
        user, pending = request.user, None
    else:
        user, pending = _pending(request)
        if user is None:
            return redirect("login")
    if user_has_device(user, confirmed=True):
        if pending is not None:
            return redirect("login_verify")
        return render(request, "registration/two_factor.html", {"enabled": True})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    error = None
    if request.method == "POST":
        if device.verify_token(request.POST.get("token", "").strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            if pending is not None:
                return _login_complete(request, user, pending, device)
            otp_login(request, device)
            messages.success(request, _("Two-step sign-in is on."))
            return redirect("two_factor_setup")
        error = _("The code was not right. Codes change every 30 seconds; try the newest one.")
    uri = device.config_url
    context = {
        "enabled": False,
        "required": second_factor_required(user),
        "uri": uri,
        "qr": segno.make(uri, error="m").svg_inline(scale=4, title=_("QR code")),
        "secret": b32encode(device.bin_key).decode(),
        "error": error,
    }
    return render(request, "registration/two_factor.html", context)
