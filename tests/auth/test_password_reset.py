"""Password reset by e-mail with Django's views: a link built from PUBLIC_BASE_URL, which
works once; the second factor still stands after it."""

import re

import pytest
from django.core import mail

from tests.conftest import make_user

NEW_PASSWORD = "lingonberry-kayak-7"  # noqa: S105 (test data)


@pytest.mark.django_db
def test_a_forgotten_password_is_reset_from_an_emailed_link(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PUBLIC_BASE_URL = "https://samhjalp.example.se"
    make_user("olivia", "operator", email="olivia@example.se")
    assert client.get("/login/").content.decode().count('href="/password-reset/"') == 1

    response = client.post("/password-reset/", {"email": "olivia@example.se"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "välja ett nytt lösenord" in body or "Välj ett nytt här" in body
    link = re.search(r"https://samhjalp\.example\.se(/password-reset/\S+/)", body)
    assert link, body

    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response.url == "/password-reset/done/"
    assert (
        client.post("/login/", {"username": "olivia", "password": NEW_PASSWORD}).status_code == 302
    )
    # The link was for one use.
    client.logout()
    again = client.get(link.group(1), follow=True)
    assert "new_password1" not in again.content.decode()


@pytest.mark.django_db
def test_no_mail_for_an_unknown_address_and_the_page_says_the_same(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post("/password-reset/", {"email": "nobody@example.se"}, follow=True)
    assert response.status_code == 200
    assert "Titta i din e-post" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.django_db
def test_reset_mails_are_limited_per_address_and_the_page_says_the_same(client, settings):
    """Nobody can fill a colleague's mailbox with reset links: past the hour's limit the page
    answers as always, and no more mail goes out."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_RESET_PER_HOUR = 3
    make_user("olivia", "operator", email="olivia@example.se")
    for _ in range(6):
        response = client.post("/password-reset/", {"email": "Olivia@example.se "}, follow=True)
        assert response.status_code == 200
        assert "Titta i din e-post" in response.content.decode()
    assert len(mail.outbox) == 3
