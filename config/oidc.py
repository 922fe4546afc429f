"""Single sign-on with OpenID Connect (mozilla-django-oidc), configured only from the
environment (settings.OIDC_*). Off unless OIDC_RP_CLIENT_ID is set: then there is no SSO
button, no OIDC backend, and these routes answer 404.

The provider decides who may sign in and as what: a claim (OIDC_ROLE_CLAIM, e.g. `groups`)
maps through OIDC_ROLE_MAP to the roles in config/roles.py. An account is created at its first
sign-in and is matched by the provider's subject, never by e-mail (an e-mail address the
provider lets someone choose must not open an existing local account). When the claim no
longer names a role, or says `disabled`, the account is deactivated and the sign-in refused.
"""

import functools
import hashlib
import logging

import requests
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import Group, User
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404
from django.urls import path
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from .login import name_mask
from .roles import ADMIN, ALL_ROLES

log = logging.getLogger("samhjalp.login")

# Settings that may come from the provider's discovery document instead.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


@functools.cache
def oidc_discovery(url: str) -> dict:
    response = requests.get(url, timeout=getattr(settings, "OIDC_TIMEOUT", 10))
    response.raise_for_status()
    return response.json()


def oidc_setting(attr: str, *default):
    """mozilla-django-oidc's get_settings, reading endpoints from discovery when not set."""
    if attr in DISCOVERED and not hasattr(settings, attr):
        url = getattr(settings, "OIDC_OP_DISCOVERY_URL", "")
        if url and oidc_discovery(url).get(DISCOVERED[attr]):
            return oidc_discovery(url)[DISCOVERED[attr]]
    return import_from_settings(attr, *default)


def oidc_roles(claims: dict) -> set[str]:
    value = claims.get(getattr(settings, "OIDC_ROLE_CLAIM", "groups"))
    if isinstance(value, str):
        values = value.replace(",", " ").split()
    elif isinstance(value, (list, tuple)):
        values = [str(v) for v in value]
    else:
        values = []
    mapping = getattr(settings, "OIDC_ROLE_MAP", None) or {role: role for role in ALL_ROLES}
    return {mapping[v] for v in values if mapping.get(v) in ALL_ROLES}


def oidc_username(claims: dict) -> str:
    """A stable local name for the provider's subject (subjects can be long or reused text)."""
    return "sso-" + hashlib.sha256(str(claims["sub"]).encode()).hexdigest()[:24]


def oidc_account_sync(*, user: User, claims: dict, roles: set[str]) -> User:
    """Bring a local account in line with what the provider says about it."""
    disabled = str(claims.get("disabled", "")).lower() in ("1", "true", "yes")
    active = bool(roles) and not disabled
    with transaction.atomic():
        user.first_name = str(claims.get("given_name", user.first_name))[:150]
        user.last_name = str(claims.get("family_name", user.last_name))[:150]
        user.email = str(claims.get("email", user.email))[:254]
        user.is_active = active
        user.is_staff = active and ADMIN in roles
        user.is_superuser = False
        user.set_unusable_password()
        user.save()
        keep = roles if active else set()
        user.groups.remove(*Group.objects.filter(name__in=set(ALL_ROLES) - keep))
        user.groups.add(*[Group.objects.get_or_create(name=role)[0] for role in keep])
    if not active:
        log.warning(
            "SSO account %s deactivated: the provider gives it no role", name_mask(user.username)
        )
    return user


class RoleOIDCBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(oidc_setting)

    def authenticate(self, request, **kwargs):
        # Password forms pass these; only the OIDC callback (code and state) is ours.
        if request is None or "username" in kwargs or "password" in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation) as exc:
            # Returned as a failed sign-in, so django-axes counts it against the address.
            log.warning("SSO sign-in refused: %s", type(exc).__name__)
            return None

    def get_or_create_user(self, access_token, id_token, payload):
        claims = {**payload, **self.get_userinfo(access_token, id_token, payload)}
        if not claims.get("sub"):
            raise SuspiciousOperation("no subject in the provider's claims")
        username = oidc_username(claims)
        # Failures from here on count against this account, not the whole address.
        self.request.login_attempt_name = username
        roles = oidc_roles(claims)
        user = User.objects.filter(username=username).first()
        if user is None:
            if not roles:
                log.warning("SSO sign-in refused: %s has no role", name_mask(username))
                return None
            user = User.objects.create_user(username)
            log.info("SSO account %s created", name_mask(username))
        user = oidc_account_sync(user=user, claims=claims, roles=roles)
        return user if user.is_active else None


def _enabled_only(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return login_not_required(wrapper)


class OIDCLoginStartView(OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)


urlpatterns = [
    path(
        "callback/",
        _enabled_only(OIDCCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    path(
        "authenticate/",
        _enabled_only(OIDCLoginStartView.as_view()),
        name="oidc_authentication_init",
    ),
]
