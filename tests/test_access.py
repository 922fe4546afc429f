"""Login is required everywhere, except the few pages that must work without it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PUBLIC = {"/login/", "/healthz", "/livez", "/readyz", "/metrics", "/i18n/setlang/"}
# Signing in: password reset, and single sign-on (404 unless OIDC is configured).
PUBLIC |= {"/password-reset/", "/password-reset/sent/", "/password-reset/done/"}
PUBLIC |= {"/oidc/callback/", "/oidc/authenticate/"}
# Signed by Twilio instead of a session; their own tests check signatures.
WEBHOOK_PREFIXES = ("/sms/inbound/", "/sms/status/", "/voice/")


def concrete_paths(resolver=None, prefix="/") -> list[str]:
    """Every URL with its parameters filled by sample values."""
    resolver = resolver or get_resolver()
    paths = []
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        for name, sample in (
            ("<int:pk>", "1"),
            ("<int:id>", "1"),
            ("<str:code>", "1234"),
            ("<int:message_id>", "1"),
            ("<slug:code>", "x"),
        ):
            route = route.replace(name, sample)
        if "<" in route or "(?P" in route or route.startswith("^"):
            continue
        if isinstance(pattern, URLResolver):
            if route.startswith("admin/"):
                continue
            paths += concrete_paths(pattern, prefix + route)
        elif isinstance(pattern, URLPattern):
            paths.append(prefix + route)
    return paths


def test_every_page_redirects_anonymous_users_to_login(client):
    checked = 0
    for path in concrete_paths():
        if path in PUBLIC or path.startswith(WEBHOOK_PREFIXES):
            continue
        response = client.get(path)
        assert response.status_code in (302, 405), path
        if response.status_code == 302:
            assert response.url.startswith("/login/"), path
        checked += 1
    assert checked >= 1


def test_admin_needs_a_staff_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login/" in response.url


def test_login_page_is_public_and_swedish_by_default(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert 'lang="sv"' in response.content.decode()


def test_demo_style_login_reaches_the_board(client, operator):
    response = client.post("/login/", {"username": "olivia", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_a_user_without_a_role_is_refused(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(user)
    assert client.get("/").status_code == 403


def test_healthz_checks_database_and_channel_layer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["channel_layer"]["status"] == "ok"


def test_healthz_reports_a_broken_channel_layer(client, settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # Port 9 (discard) on loopback: nothing listens, the connection is refused.
            "CONFIG": {"hosts": ["redis://127.0.0.1:9/0"]},
        }
    }
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    try:
        response = client.get("/healthz")
    finally:
        channel_layers.backends.clear()
    assert response.status_code == 503
    assert response.json()["checks"]["channel_layer"]["status"].startswith("error")


def test_interface_is_swedish_by_default_and_english_on_request(client):
    assert "Logga in" in client.get("/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Log in" in client.get("/login/").content.decode()
