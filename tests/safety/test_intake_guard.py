"""Intake cannot save by accident: the operator chooses the kind, a request for volunteers
says what the task is, and a resident with an open referral stays with operators."""

import pytest
from django.urls import reverse

from helpdesk.models import HelpRequest
from matching.models import Offer
from notifications.models import Message
from tests.factories import helprequest_make, resident_make, volunteer_make
from tests.helpdesk.test_intake import intake_data

pytestmark = pytest.mark.django_db


def test_the_kind_has_no_default_and_is_required(operator_client):
    """The operator chooses the kind: a blank choice first, selected, and required."""
    page = operator_client.get(reverse("intake")).content.decode()
    select = page.split('name="kind"')[1].split("</select>")[0]
    first = select.split("<option")[1]
    assert 'value=""' in first and "selected" in first
    tag = page.split('<select name="kind"')[1].split(">")[0]
    assert "required" in tag
    response = operator_client.post(reverse("intake"), intake_data(kind=""))
    assert response.status_code == 200 and not HelpRequest.objects.exists()


def test_what_enter_in_the_phone_field_used_to_send_saves_nothing(operator_client):
    """Enter in the phone field of a known resident (consent already ticked by the lookup)
    sent the form with the kind menu's first option and no task: nothing may be saved."""
    resident_make(phone="+46701740686")
    posted = intake_data(phone="070-174 06 86", task_text="", internal_notes="", name="")
    response = operator_client.post(reverse("intake"), posted)
    assert response.status_code == 200
    assert not HelpRequest.objects.exists()
    assert "task_text" in response.context["form"].errors


@pytest.mark.parametrize("kind", list(HelpRequest.Kind.values))
def test_the_task_text_is_required_for_volunteer_kinds_only(operator_client, kind):
    extra = {"safe_callback_note": "Ring 10–12"} if kind in HelpRequest.SENSITIVE_KINDS else {}
    operator_client.post(reverse("intake"), intake_data(kind=kind, task_text="", **extra))
    for_volunteers = kind not in (HelpRequest.Kind.CALLBACK, *HelpRequest.SENSITIVE_KINDS)
    assert HelpRequest.objects.exists() is not for_volunteers


def test_a_resident_with_an_open_referral_is_shown_and_kept_with_operators(
    operator_client, run_tasks, sms_outbox
):

    resident = resident_make(phone="+46701740686")
    helprequest_make(resident=resident, kind="referral", task_text="", safe_callback_note="10–12")
    for _ in range(3):
        volunteer_make()
    data = operator_client.get(reverse("resident_lookup"), {"phone": "070-174 06 86"}).json()
    assert data["open_referral"] is True
    page = operator_client.get(reverse("intake")).content.decode()
    assert "data-referral=" in page
    operator_client.post(reverse("intake"), intake_data(phone="070-174 06 86"))
    run_tasks()
    created = HelpRequest.objects.get(kind="groceries")
    assert created.operators_only and created.assigned_volunteer is None
    assert created.status == HelpRequest.Status.ESCALATED
    assert Offer.objects.count() == 0
    # Nothing is texted to a phone someone else may read.
    assert not Message.objects.filter(direction="out", phone="+46701740686").exists()


@pytest.mark.parametrize(
    "field, text",
    [
        ("task_text", "Handla mat, min man slår mig när jag går ut"),
        ("internal_notes", 'She says: "my son locks me in and takes all my money"'),
        ("task_text", "Kocam beni dövüyor, market alışverişi lazım"),
        ("internal_notes", "Hän sanoi: haluan kuolla"),
        ("task_text", "زوجي يضربني، أحتاج طعام"),
    ],
)
def test_a_volunteer_request_whose_text_reads_as_danger_is_not_saved(operator_client, field, text):
    """What an operator writes is read as an SMS is: danger never goes to a volunteer, and the
    form says to choose Referral."""
    for_volunteers = {"task_text": "Handla mat", "internal_notes": ""} | {field: text}
    response = operator_client.post(reverse("intake"), intake_data(**for_volunteers))
    assert response.status_code == 200 and not HelpRequest.objects.exists()
    assert "kind" in response.context["form"].errors


def test_worry_in_a_volunteer_request_is_not_danger(operator_client):
    response = operator_client.post(
        reverse("intake"), intake_data(task_text="Handla mat, hon är rädd för viruset")
    )
    assert response.status_code == 302 and HelpRequest.objects.exists()
