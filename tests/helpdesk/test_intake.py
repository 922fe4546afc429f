import uuid

import pytest
from django.urls import reverse

from helpdesk.models import Callback, HelpRequest, Resident
from notifications.models import Message
from tests.factories import district_make, helprequest_make, landline, resident_make

pytestmark = pytest.mark.django_db


def intake_data(**extra) -> dict:
    data = {
        "token": str(uuid.uuid4()),
        "phone": "070-174 06 11",
        "name": "Karin Berg",
        "language": "sv",
        "kind": "groceries",
        "urgency": "1",
        "task_text": "Mjölk och bröd",
        "internal_notes": "Hörselskadad, ring länge",
        "consent": "on",
        "send_summary": "on",
        "is_70_plus": "on",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("raw", ["070-123 45 67", "+46 70 123 45 67", "0046701234567"])
def test_lookup_finds_the_resident_in_any_format(operator_client, raw):
    resident = resident_make(phone="+46701234567", name="Greta")
    open_request = helprequest_make(resident=resident)
    data = operator_client.get(reverse("resident_lookup"), {"phone": raw}).json()
    assert data["valid"] and data["mobile"]
    assert data["resident"]["name"] == "Greta"
    assert [r["code"] for r in data["open_requests"]] == [open_request.code]


def test_lookup_of_garbage_says_invalid(operator_client):
    assert operator_client.get(reverse("resident_lookup"), {"phone": "12ab"}).json() == {
        "valid": False
    }


def test_intake_creates_resident_request_and_summary_then_lands_on_the_request(
    operator_client, settings, sms_outbox
):
    settings.CONSENT_VERSION = "v7"
    district = district_make()
    response = operator_client.post(reverse("intake"), intake_data(district=district.pk))
    request = HelpRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("request_detail", args=[request.pk])
    resident = request.resident
    assert str(resident.phone) == "+46701740611"
    assert resident.consent_version == "v7" and resident.consent_at is not None
    assert resident.is_70_plus and resident.lat == district.lat
    assert request.internal_notes == "Hörselskadad, ring länge"
    summary = Message.objects.get(about_id=request.pk)
    assert request.code in summary.body
    assert "Hörselskadad" not in summary.body  # internal notes are never sent


def test_double_submit_creates_one_request(operator_client):
    data = intake_data()
    first = operator_client.post(reverse("intake"), data)
    second = operator_client.post(reverse("intake"), data)
    assert HelpRequest.objects.count() == 1
    assert first.url == second.url


def test_token_is_enforced_by_the_database():
    from django.db import IntegrityError, transaction

    token = uuid.uuid4()
    helprequest_make(intake_token=token)
    with pytest.raises(IntegrityError), transaction.atomic():
        helprequest_make(intake_token=token)


def test_known_resident_is_updated_not_duplicated(operator_client):
    resident = resident_make(phone="+46701740611", name="")
    operator_client.post(reverse("intake"), intake_data(name="Karin B"))
    assert Resident.objects.count() == 1
    resident.refresh_from_db()
    assert resident.name == "Karin B"


def test_landline_gets_no_sms_but_the_request_is_saved(operator_client):
    operator_client.post(reverse("intake"), intake_data(phone=landline()))
    request = HelpRequest.objects.get()
    assert not Message.objects.filter(about_id=request.pk).exists()


def test_summary_goes_out_in_the_residents_language(operator_client):
    operator_client.post(reverse("intake"), intake_data(language="en"))
    message = Message.objects.get()
    assert message.language == "en"
    assert "We will text you" in message.body


def test_bad_input_is_answered_on_the_form(operator_client):
    response = operator_client.post(
        reverse("intake"), intake_data(phone="not a number", consent="")
    )
    assert response.status_code == 200
    assert not HelpRequest.objects.exists()
    assert response.context["form"].errors.keys() >= {"phone", "consent"}


def test_referral_needs_a_safe_callback_note(operator_client):
    response = operator_client.post(reverse("intake"), intake_data(kind="referral"))
    assert "safe_callback_note" in response.context["form"].errors


def test_callback_kind_creates_a_callback(operator_client):
    operator_client.post(reverse("intake"), intake_data(kind="callback"))
    assert Callback.objects.get().request.kind == "callback"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_concern_is_asked_only_for_a_referral_and_enter_still_only_looks_up(live_server):
    """In a browser: the choice appears with the referral fields, and Enter in the number
    saves nothing (the kind has no default either)."""
    import shutil

    if not shutil.which("/usr/bin/chromium"):
        from tests.conftest import service_missing

        service_missing("browser", "needs Debian's chromium (apt-get install chromium)")
    from django.test import Client
    from playwright.sync_api import expect, sync_playwright

    from tests.conftest import make_user

    client = Client()
    client.force_login(make_user("olivia", "operator"))
    session = client.cookies["sessionid"].value
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context()
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        page.goto(live_server.url + reverse("intake"))
        concern = page.locator("#id_concern")
        expect(concern).to_be_hidden()
        page.select_option("#id_kind", "referral")
        expect(concern).to_be_visible()
        expect(page.locator("#id_safe_callback_note")).to_be_visible()
        page.select_option("#id_kind", "groceries")
        expect(concern).to_be_hidden()
        page.select_option("#id_kind", "")
        page.fill("#id_phone", "070-174 06 11")
        page.press("#id_phone", "Enter")
        expect(page.locator("#lookup-result p")).to_be_visible()
        assert page.url.endswith(reverse("intake"))
        browser.close()
    assert not HelpRequest.objects.exists()


def test_the_lookup_dates_a_residents_requests_in_the_readers_words(operator_client):
    import datetime as dt

    from django.utils import timezone

    from tests.factories import helprequest_make, resident_make

    resident = resident_make(phone="+46701740699")
    request = helprequest_make(resident=resident)
    HelpRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.make_aware(dt.datetime(2026, 11, 3, 14, 30))
    )
    rows = operator_client.get("/intake/lookup/", {"phone": "070-174 06 99"}).json()
    assert rows["open_requests"][0]["created_at"] == "3 november 2026 14:30"
