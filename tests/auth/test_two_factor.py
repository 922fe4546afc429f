"""Two-step sign-in: admins and superusers give a TOTP code after the password (enrolling on
first sign-in), others may turn it on; the admin site lets those roles in only verified."""

from base64 import b32encode

import pytest
from django.contrib.auth.models import User
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import DEMO_PASSWORD, make_user
from tests.test_access import PUBLIC, WEBHOOK_PREFIXES, concrete_paths

LOGIN_PATHS = ["/login/", "/admin/login/"]


def code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def admin_user(db) -> User:
    return make_user("anna.admin", "admin", is_staff=True)


@pytest.fixture
def superuser(db) -> User:
    return make_user("root.user", is_staff=True, is_superuser=True)


@pytest.mark.django_db
@pytest.mark.parametrize("path", LOGIN_PATHS)
def test_an_admin_gives_a_code_after_the_password(client, admin_user, path):
    device = TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    response = client.post(path, {"username": "anna.admin", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.url == "/login/verify/"
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302

    response = client.post("/login/verify/", {"token": "000000"})
    assert response.status_code == 200 and not signed_in(client)
    assert "Koden stämde inte" in response.content.decode()

    response = client.post("/login/verify/", {"token": code(device)})
    assert response.status_code == 302
    assert signed_in(client)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_wrong_codes_lock_that_user_from_that_address_only(admin_user, settings):
    """Wrong codes count like wrong passwords, per user name and address: whoever has the
    password and guesses codes locks themselves out, not the real user elsewhere."""
    from django.test import Client

    device = TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    guesser.post("/login/", {"username": "anna.admin", "password": DEMO_PASSWORD})
    for attempt in range(1, settings.LOGIN_FAILURE_LIMIT + 1):
        response = guesser.post("/login/verify/", {"token": "000000"})
        last = attempt == settings.LOGIN_FAILURE_LIMIT
        assert response.status_code == (429 if last else 200) and not signed_in(guesser)
    response = guesser.post("/login/verify/", {"token": code(device)})
    assert response.status_code == 429 and not signed_in(guesser)

    real = Client(REMOTE_ADDR="198.51.100.20")
    real.post("/login/", {"username": "anna.admin", "password": DEMO_PASSWORD})
    response = real.post("/login/verify/", {"token": code(device)})
    assert response.status_code == 302 and signed_in(real)


@pytest.mark.django_db
def test_an_admin_without_a_device_sets_one_up_at_first_sign_in(client, admin_user):
    response = client.post("/login/", {"username": "anna.admin", "password": DEMO_PASSWORD})
    assert client.get(response.url).url == "/login/two-factor/"
    page = client.get("/login/two-factor/").content.decode()
    assert "otpauth://totp/Samhj%C3%A4lp%3Aanna.admin?secret=" in page
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    # The key as text too, for an app that cannot scan.
    assert f'id="totp-secret">{b32encode(device.bin_key).decode()}<' in page

    assert client.post("/login/two-factor/", {"token": "000000"}).status_code == 200
    assert not signed_in(client)
    device.throttle_reset()
    response = client.post("/login/two-factor/", {"token": code(device)})
    assert response.status_code == 302 and signed_in(client)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_pending_sign_in_opens_no_page(client, admin_user):
    client.post("/login/", {"username": "anna.admin", "password": DEMO_PASSWORD})
    for path in concrete_paths():
        if path in PUBLIC or path.startswith(WEBHOOK_PREFIXES) or path.startswith("/login/"):
            continue
        response = client.get(path)
        assert response.status_code in (302, 405), path
        if response.status_code == 302:
            assert "/login/" in response.url, path


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["admin_user", "superuser"])
def test_the_admin_site_wants_a_verified_device_from_admins(client, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
    # The admin login page says why instead of sending a signed-in user round in circles.
    assert "engångskod" in client.get(response.url).content.decode()

    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_others_sign_in_with_the_password_alone_until_they_turn_it_on(client, operator):
    response = client.post("/login/", {"username": "olivia", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and signed_in(client)

    page = client.get("/login/two-factor/").content.decode()
    assert "otpauth://totp/" in page
    device = TOTPDevice.objects.get(user=operator, confirmed=False)
    response = client.post("/login/two-factor/", {"token": code(device)})
    assert response.status_code == 302
    assert "Tvåstegsinloggning är på" in client.get(response.url).content.decode()

    client.logout()
    response = client.post("/login/", {"username": "olivia", "password": DEMO_PASSWORD})
    assert response.url == "/login/verify/" and not signed_in(client)
