"""Erasure leaves nothing: a resident with unmistakable details goes through every flow we can
reach (intake, texts in and out, an offer accepted by SMS, the voice menu, a callback, a
referral, the exports), is deleted or anonymised, and then every text, char and JSON column of
every model (third-party apps' tables included) is searched for anything of theirs."""

import json
import uuid

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from helpdesk.models import Callback, HelpRequest, Resident
from helpdesk.report_views import report_tables
from helpdesk.reports import needs_report
from matching.models import Offer
from notifications.phones import phone_display
from places.models import Address
from places.text import search_text
from tests.conftest import make_user
from tests.factories import CENTRE, district_make, organisation_make, volunteer_make
from tests.notifications.conftest import inbound_params, signed_post
from tests.residents.test_voice import walk

pytestmark = pytest.mark.django_db

NAME = "Zqxwella Förnamnsdottir"
STREET = "Qwvartsgränd"
ADDRESS = f"{STREET} 77"
PHONE = "+46709871234"
DOOR_ID = "erasure-test-door"
LAT, LON = CENTRE[0] + 0.0001113, CENTRE[1] + 0.0001117
# One made-up word for each place the resident's own words can land.
WORDS = {
    "task": "xyzzordia",
    "notes": "plomqvistar",
    "text": "zorblattet",
    "note": "vrumfjell",
    "sms_to_resident": "krampelunda",
    "callback": "klyxtorpa",
    "referral": "snarvikla",
    "safe_callback": "grusbackla",
}


def needles() -> list[str]:
    """Everything that would point back to the resident, in every form it may be written."""
    digits = PHONE.lstrip("+")
    national = "0" + digits[2:]
    return [
        NAME,
        *NAME.split(),
        ADDRESS,
        STREET,
        PHONE,
        digits,
        national,
        phone_display(PHONE),
        f"{LAT:.7f}",
        f"{LON:.7f}",
        *WORDS.values(),
    ]


def text_columns(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField, models.JSONField))
    ]


def as_text(value) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def door_make() -> Address:
    """The resident's door in the address register. The register is everybody's doors, a
    public record: what is the resident's is the link to it, not the row."""
    return Address.objects.create(
        street=STREET,
        number="77",
        lat=LAT,
        lon=LON,
        source="test",
        source_id=DOOR_ID,
        search_text=search_text(STREET, "77", "", "", ""),
    )


def scan() -> list[tuple[str, str, object, str]]:
    """(model, column, pk, needle) for every value of the resident's anywhere in the database.
    Columns are discovered, so a table added tomorrow is searched too. Sessions are stored
    encoded, so they are decoded and searched as what they hold. A link to the resident's
    door in the address register, from any table, is a hit too."""
    wanted = [n.lower() for n in needles()]
    hits = []
    door = Address.objects.filter(source_id=DOOR_ID).values_list("pk", flat=True).first()
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        for link in model._meta.concrete_fields:
            if link.is_relation and link.related_model is Address and door is not None:
                rows = model._base_manager.filter(**{link.attname: door})
                hits += [
                    (label, link.attname, pk, "door") for pk in rows.values_list("pk", flat=True)
                ]
        if model is Address:
            continue
        columns = text_columns(model)
        floats = [f for f in model._meta.concrete_fields if isinstance(f, models.FloatField)]
        for row in model._base_manager.values("pk", *[f.attname for f in columns + floats]):
            for field in columns:
                value = row[field.attname]
                if model is Session and field.attname == "session_data":
                    value = Session.objects.get(pk=row["pk"]).get_decoded()
                text = as_text(value).lower()
                hits += [(label, field.attname, row["pk"], n) for n in wanted if n in text]
            for field in floats:
                if row[field.attname] in (LAT, LON):
                    hits.append((label, field.attname, row["pk"], "position"))
    return hits


def text_in(client, run_tasks, phone: str, body: str) -> None:
    assert signed_post(client, "/sms/inbound/", inbound_params(phone, body)).status_code == 200
    run_tasks()


def footprint(client, operator_client, run_tasks) -> Resident:
    """The resident, put through every flow with the real services, pages and webhooks."""
    district = district_make(name="Östra Zentrum")
    volunteer = volunteer_make(first_name="Vera")
    organisation_make(takes_sensitive_cases=True, name="Kvinnojouren")

    response = operator_client.post(
        reverse("intake"),
        {
            "token": str(uuid.uuid4()),
            "phone": phone_display(PHONE),
            "name": NAME,
            "address": ADDRESS,
            "district": district.pk,
            "language": "sv",
            "kind": "groceries",
            "urgency": "1",
            "task_text": f"Handla {WORDS['task']} och bröd",
            "internal_notes": f"Nyckeln hos {WORDS['notes']}",
            "consent": "on",
            "send_summary": "on",
            "lives_alone": "on",
        },
    )
    assert response.status_code == 302
    resident = Resident.objects.get(phone=PHONE)
    # The resident's door in the register, as picking the address on intake links it.
    Resident.objects.filter(pk=resident.pk).update(
        lat=LAT, lon=LON, place=door_make(), position_approximate=False
    )
    groceries = resident.requests.get()
    run_tasks()

    offer = Offer.objects.get(request=groceries, volunteer=volunteer)
    text_in(client, run_tasks, str(volunteer.phone), f"1 {offer.code}")
    groceries.refresh_from_db()
    assert groceries.status == HelpRequest.Status.ASSIGNED

    text_in(client, run_tasks, PHONE, f"Glöm inte {WORDS['text']}")
    page = f"/requests/{groceries.pk}"
    note = {"text": f"Ringde grannen {WORDS['note']}", "token": str(uuid.uuid4())}
    operator_client.post(f"{page}/note/", note)
    sms = {"body": f"Hej {NAME}, {WORDS['sms_to_resident']}", "token": str(uuid.uuid4())}
    operator_client.post(f"{page}/text/", sms)
    run_tasks()

    walk(client, PHONE, "1", "3", sid="CAerasure")
    callback = Callback.objects.get(request__resident=resident)
    operator_client.post(f"/callbacks/{callback.pk}/claim/")
    operator_client.post(
        f"/callbacks/{callback.pk}/complete/", {"outcome": f"Pratade om {WORDS['callback']}"}
    )

    text_in(client, run_tasks, PHONE, f"Min man slår mig, {WORDS['referral']}")
    text_in(client, run_tasks, PHONE, f"Ring efter 18, {WORDS['safe_callback']}")
    referral = resident.requests.get(kind=HelpRequest.Kind.REFERRAL)
    assert WORDS["safe_callback"] in referral.safe_callback_note

    assert operator_client.get(f"/privacy/residents/{resident.pk}/").status_code == 200
    assert operator_client.get(f"/privacy/residents/{resident.pk}/export.json").status_code == 200
    for table in report_tables(needs_report(days=30)):
        assert operator_client.get(f"/reports/needs/{table}.csv").status_code == 200

    text_in(client, run_tasks, str(volunteer.phone), f"3 {offer.code}")
    text_in(client, run_tasks, PHONE, "5")
    run_tasks()
    return resident


def task_ids_named(hits) -> dict[str, set]:
    """The ids of the rows that held the resident's data, as task arguments name them."""
    rows = {(label, pk) for label, _column, pk, _needle in hits}
    return {
        "message_id": {pk for label, pk in rows if label == "notifications.Message"},
        "request_id": {pk for label, pk in rows if label == "helpdesk.HelpRequest"},
        "callback_id": {pk for label, pk in rows if label == "helpdesk.Callback"},
    }


def assert_erased(before) -> None:
    left = scan()
    assert left == [], "\n".join(f"{m}.{c} #{pk}: {n}" for m, c, pk, n in left)
    named = task_ids_named(before)
    for result in DBTaskResult.objects.exclude(status="READY"):
        kwargs = result.args_kwargs.get("kwargs", {})
        for key, ids in named.items():
            assert kwargs.get(key) not in ids, (result.task_path, kwargs)


def assert_setup_reaches_everywhere(before) -> None:
    """The scan can fail: before erasure it finds the resident wherever the flows wrote."""
    found = {label for label, *_ in before}
    for label in [
        "helpdesk.Resident",
        "helpdesk.HelpRequest",
        "helpdesk.TimelineEvent",
        "helpdesk.Callback",
        "helpdesk.BoardEvent",
        "notifications.Message",
    ]:
        assert label in found, label
    assert ("place_id", "door") in {(column, n) for _label, column, _pk, n in before}
    volunteer_sms = {
        pk for label, column, pk, n in before if column == "body" and n == NAME.lower()
    }
    assert volunteer_sms, "the volunteer's acceptance SMS names the resident"


def test_deleting_a_resident_leaves_nothing_of_theirs(client, operator_client, run_tasks):
    resident = footprint(client, operator_client, run_tasks)
    before = scan()
    assert_setup_reaches_everywhere(before)
    counted = sorted(resident.requests.values_list("pk", "kind", "district", "created_at"))

    url = f"/privacy/residents/{resident.pk}/delete/"
    assert operator_client.post(url, {"confirm": "yes"}).status_code == 302
    run_tasks()
    assert_erased(before)
    # What the reports count stays.
    assert sorted(resident.requests.values_list("pk", "kind", "district", "created_at")) == counted


def test_anonymising_a_resident_leaves_nothing_of_theirs(
    client, operator_client, run_tasks, settings
):
    resident = footprint(client, operator_client, run_tasks)
    for request in resident.requests.filter(status__in=HelpRequest.OPEN_STATUSES):
        form = {"reason": "Klart i telefon", "confirm": "yes"}
        operator_client.post(f"/requests/{request.pk}/cancel/", form)
    assert not resident.requests.filter(status__in=HelpRequest.OPEN_STATUSES).exists()
    before = scan()
    assert_setup_reaches_everywhere(before)

    settings.ANONYMISE_AFTER_DAYS = 0
    call_command("anonymise")
    run_tasks()
    assert_erased(before)
    resident.refresh_from_db()
    assert resident.anonymised_at is not None and resident.lives_alone


def test_after_deletion_the_request_page_and_the_phone_simulator_show_nothing_of_theirs(
    client, operator_client, run_tasks, settings
):
    resident = footprint(client, operator_client, run_tasks)
    volunteer_phone = str(Offer.objects.get().volunteer.phone)
    operator_client.post(f"/privacy/residents/{resident.pk}/delete/", {"confirm": "yes"})
    run_tasks()

    settings.SMS_BACKEND = "console"
    pages = [f"/requests/{pk}/" for pk in resident.requests.values_list("pk", flat=True)]
    # The simulator's list of phones, the volunteer's handset, and both threads (a page for
    # the resident's number itself would only echo the number asked for).
    pages += ["/sms/simulator/", f"/sms/simulator/?phone={volunteer_phone}"]
    pages += [f"/sms/simulator/thread/?phone={phone}" for phone in (volunteer_phone, PHONE)]
    pages += ["/", "/callbacks/"]
    # An operator, and a superuser who sees every page there is (the operators' pages are
    # not the analyst's: tests/reports/test_pages_and_roles.py).
    superuser = make_user("adam", is_staff=True, is_superuser=True)
    for user in (None, superuser):
        if user:
            operator_client.force_login(user)
        for page in pages:
            response = operator_client.get(page)
            assert response.status_code == 200, page
            html = response.content.decode().lower()
            shown = [n for n in needles() if n.lower() in html]
            assert shown == [], (page, shown)


def test_deleting_a_resident_without_requests_leaves_nothing_of_theirs(
    client, operator_client, run_tasks
):
    """Someone known only by their number and details, who texted STOP: no request to keep."""
    resident = Resident.objects.create(
        phone=PHONE, name=NAME, address=ADDRESS, lat=LAT, lon=LON, internal_notes=WORDS["notes"]
    )
    text_in(client, run_tasks, PHONE, "STOP")
    assert operator_client.get(f"/privacy/residents/{resident.pk}/export.json").status_code == 200
    before = scan()
    assert {"helpdesk.Resident", "notifications.Message", "notifications.OptOut"} <= {
        label for label, *_ in before
    }
    url = f"/privacy/residents/{resident.pk}/delete/"
    assert operator_client.post(url, {"confirm": "yes"}).status_code == 302
    run_tasks()
    assert not Resident.objects.filter(pk=resident.pk).exists()
    assert_erased(before)


def test_a_volunteer_still_hears_that_the_deleted_residents_task_is_withdrawn(
    operator_client, run_tasks
):
    from helpdesk.offers import offers_send
    from notifications.models import Message
    from tests.factories import helprequest_make, resident_make

    request = helprequest_make(resident=resident_make(name=NAME), task_text=WORDS["task"])
    volunteer = volunteer_make()
    offers_send(request=request, volunteers=[volunteer])
    run_tasks()
    operator_client.post(f"/privacy/residents/{request.resident.pk}/delete/", {"confirm": "yes"})
    run_tasks()
    to_volunteer = Message.objects.filter(phone=str(volunteer.phone)).order_by("pk")
    offer_sms, withdrawn = to_volunteer
    assert offer_sms.body == ""
    assert withdrawn.status == Message.Status.SENT and request.code in withdrawn.body
