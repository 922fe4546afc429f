"""Single sign-on against a local fake OpenID Connect provider: accounts are made at the first
sign-in with the roles the provider's group claim maps to, follow its changes, and are
deactivated when it gives no role or says disabled. The callback is throttled like /login/."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User

from config.roles import user_roles

from .fake_provider import CLIENT_ID, CLIENT_SECRET, FakeProvider

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def provider(settings):
    with FakeProvider() as fake:
        settings.OIDC_ENABLED = True
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_OP_DISCOVERY_URL = fake.base + "/.well-known/openid-configuration"
        settings.OIDC_RP_SIGN_ALGO = "RS256"
        settings.OIDC_RP_SCOPES = "openid email profile"
        settings.OIDC_USE_PKCE = True
        settings.OIDC_TIMEOUT = 5
        settings.OIDC_ROLE_CLAIM = "groups"
        settings.OIDC_ROLE_MAP = {"hd-linjen": "operator", "hd-analys": "admin"}
        settings.LOGIN_REDIRECT_URL_FAILURE = "/login/?sso=failed"
        settings.AUTHENTICATION_BACKENDS = [
            "config.login.LockoutBackend",
            "config.oidc.RoleOIDCBackend",
            "config.passwords.PasswordBackend",
        ]
        yield fake


def sso(client, provider: FakeProvider, claims: dict, *, code: str | None = None):
    """One sign-in: our redirect to the provider, its redirect back with a code."""
    start = client.get("/oidc/authenticate/", {"next": "/"})
    assert start.status_code == 302 and start.url.startswith(provider.base + "/authorize")
    query = {k: v[0] for k, v in parse_qs(urlsplit(start.url).query).items()}
    assert query["client_id"] == CLIENT_ID and query["code_challenge_method"] == "S256"
    code = code or provider.code_issue(claims=claims, nonce=query["nonce"])
    return client.get("/oidc/callback/", {"code": code, "state": query["state"]})


def signed_in_as(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


@pytest.mark.django_db
def test_the_login_page_offers_sso_only_when_configured(client, provider, settings):
    assert "/oidc/authenticate/" in client.get("/login/").content.decode()
    settings.OIDC_ENABLED = False
    assert "/oidc/authenticate/" not in client.get("/login/").content.decode()
    assert client.get("/oidc/authenticate/").status_code == 404


@pytest.mark.django_db
def test_a_first_sign_in_makes_the_account_with_its_mapped_role(client, provider):
    claims = {
        "sub": "huddinge-4711",
        "email": "olle@example.se",
        "given_name": "Olle",
        "family_name": "Ek",
        "groups": ["hd-linjen", "alla-anstallda"],
    }
    response = sso(client, provider, claims)
    assert response.status_code == 302 and response.url == "/"
    user = signed_in_as(client)
    assert user is not None and user.first_name == "Olle" and user.email == "olle@example.se"
    assert user_roles(user) == {"operator"} and not user.is_staff and user.is_active
    assert not user.has_usable_password()
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_roles_follow_the_provider_and_no_role_deactivates(client, provider):
    claims = {"sub": "huddinge-4712", "groups": ["hd-analys"]}
    sso(client, provider, claims)
    user = signed_in_as(client)
    assert user_roles(user) == {"admin"} and user.is_staff
    # Its provider gave the second factor: the admin site lets an SSO admin in.
    assert client.get("/admin/").status_code == 200

    client.logout()
    sso(client, provider, {**claims, "groups": ["hd-linjen"]})
    user.refresh_from_db()
    user._samhjalp_roles = None
    assert user_roles(user) == {"operator"} and not user.is_staff

    client.logout()
    response = sso(client, provider, {**claims, "groups": ["alla-anstallda"]})
    assert response.url == "/login/?sso=failed" and signed_in_as(client) is None
    user.refresh_from_db()
    assert not user.is_active and not user.groups.exists()
    assert "lyckades inte" in client.get(response.url).content.decode()


@pytest.mark.django_db
def test_a_disabled_claim_deactivates_and_ends_the_session(client, provider):
    claims = {"sub": "huddinge-4713", "groups": ["hd-linjen"]}
    sso(client, provider, claims)
    user = signed_in_as(client)
    other = client.__class__()
    other.force_login(user, backend="config.oidc.RoleOIDCBackend")
    assert other.get("/").status_code == 200

    client.logout()
    sso(client, provider, {**claims, "disabled": True})
    user.refresh_from_db()
    assert not user.is_active
    # A session it still had elsewhere no longer opens anything.
    assert other.get("/").status_code == 302


@pytest.mark.django_db
def test_no_account_is_made_for_someone_without_a_role(client, provider):
    sso(client, provider, {"sub": "huddinge-4714", "groups": ["alla-anstallda"]})
    assert signed_in_as(client) is None
    assert not User.objects.filter(username__startswith="sso-").exists()


@pytest.mark.django_db
def test_sso_never_takes_over_a_local_account_with_the_same_email(client, provider, operator):
    operator.email = "olivia@example.se"
    operator.save()
    sso(client, provider, {"sub": "x-1", "email": "olivia@example.se", "groups": ["hd-analys"]})
    assert signed_in_as(client) != operator
    operator.refresh_from_db()
    assert not operator.is_staff


@pytest.mark.django_db
def test_failed_callbacks_lock_the_callback_before_the_provider_is_asked(client, provider):
    claims = {"sub": "huddinge-4715", "groups": ["hd-linjen"]}
    for _ in range(django_settings.LOGIN_FAILURE_LIMIT - 1):
        response = sso(client, provider, claims, code="forged-code")
        assert response.url == "/login/?sso=failed"
    sso(client, provider, claims, code="forged-code")
    asked = provider.token_requests
    response = sso(client, provider, claims)
    assert response.status_code == 429
    assert "låst" in response.content.decode()
    assert provider.token_requests == asked, "a locked-out callback still reached the provider"
    assert signed_in_as(client) is None


@pytest.mark.django_db
def test_a_deactivated_colleague_does_not_lock_sso_for_the_office(client, provider):
    gone = {"sub": "huddinge-4716", "groups": []}
    for _ in range(django_settings.LOGIN_FAILURE_LIMIT + 2):
        sso(client, provider, gone)
    sso(client, provider, {"sub": "huddinge-4717", "groups": ["hd-linjen"]})
    assert signed_in_as(client) is not None


@pytest.mark.parametrize("configured", [True, False])
def test_sso_is_configured_from_the_environment_only(configured):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    if configured:
        env.update(
            OIDC_RP_CLIENT_ID="samhjalp",
            OIDC_RP_CLIENT_SECRET="s",
            OIDC_OP_DISCOVERY_URL="https://idp.example.se/.well-known/openid-configuration",
            OIDC_ROLE_CLAIM="roles",
            OIDC_ROLE_MAP="linjen=operator, analys=admin",
        )
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.OIDC_ENABLED, 'config.oidc.RoleOIDCBackend' in s.AUTHENTICATION_BACKENDS, "
        "getattr(s, 'OIDC_ROLE_MAP', None), getattr(s, 'OIDC_ROLE_CLAIM', None))"
    )
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    last = out.stdout.strip().splitlines()[-1]
    if configured:
        assert last == "True True {'linjen': 'operator', 'analys': 'admin'} roles"
    else:
        assert last == "False False None None"
