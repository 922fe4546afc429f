"""Error pages speak the reader's language, as every other page does: a 404, a refused page
(403) and a server error (500), in Swedish by default and in English when chosen."""

import pytest
from django.test import Client
from django.urls import path

from config.urls import urlpatterns as project_urls
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def broken(request):
    raise RuntimeError("a page that fails")


urlpatterns = [path("fails/", broken), *project_urls]

PAGES = {
    "sv": {404: "Sidan finns inte", 403: "Ingen behörighet", 500: "Något gick fel"},
    "en": {404: "Page not found", 403: "Not allowed", 500: "Something went wrong"},
}


@pytest.mark.parametrize("language", PAGES)
def test_error_pages_are_in_the_readers_language(language, settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    client.force_login(make_user("cora", "coordinator"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    answers = {
        404: client.get("/requests/99999999/"),
        403: client.get("/reports/needs/"),
        500: client.get("/fails/"),
    }
    for status, response in answers.items():
        assert response.status_code == status
        page = response.content.decode()
        assert PAGES[language][status] in page, (status, page[:300])
        assert f'<html lang="{language}">' in page
        others = [t for lang, texts in PAGES.items() if lang != language for t in texts.values()]
        assert not any(text in page for text in others)


# (The probes answer a prober on the machine whatever its Host: config/probes.py.)
@pytest.mark.parametrize("path", ["/login/", "/", "/healthz", "/no-such-page/"])
def test_a_foreign_host_gets_a_plain_400_not_an_error(path, client):
    """Scanners send any Host header: the answer is the 400 page, with nothing for an error
    report (it used to fail rendering it, before any user was known)."""
    response = client.get(path, HTTP_HOST="scan.example")
    assert response.status_code == 400
    assert "Felaktig begäran" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "title"), [("sv", "Formuläret har gått ut"), ("en", "The form has expired")]
)
def test_a_form_refused_by_the_csrf_check_says_so_in_the_readers_language(
    language, title, settings
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("olle", "operator"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post("/intake/", {"phone": "0701740685"})
    assert response.status_code == 403
    page = response.content.decode()
    assert title in page and f'<html lang="{language}">' in page
