"""Anonymisation keeps the figures, the access log records who looked, the export holds
everything, deletion keeps what the law asks."""

import datetime as dt
import json
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from helpdesk.models import AccessLog, HelpRequest, Resident, TimelineEvent
from helpdesk.privacy import (
    anonymise_daily,
    anonymise_due,
    anonymise_schedule_ensure,
    resident_export,
)
from helpdesk.reports import needs_report
from helpdesk.services import helprequest_transition
from notifications.models import Message
from tests.factories import helprequest_make, resident_make
from tests.reports.world import NOW, equity_world

pytestmark = pytest.mark.django_db
S = HelpRequest.Status


def snapshot(report) -> dict:
    """Every figure the report shows, in a comparable form."""

    def row(f):
        return (f.requests, f.matched, f.unmet, f.escalated, f.p50_seconds, f.p90_seconds)

    return {
        "total": row(report.total),
        "districts": [(d.pk if d else None, row(f)) for d, f in report.districts],
        "cells": {k: row(f) for k, f in report.cells.items()},
        "language": {k: row(f) for k, f in report.by_language.items()},
        "channel": {k: row(f) for k, f in report.by_channel.items()},
        "risk": {k: row(f) for k, f in report.by_risk.items()},
        "series": report.series,
    }


def test_anonymising_everything_keeps_every_figure(settings):
    world = equity_world()
    for request in world["requests"].values():
        Message.objects.create(
            direction="in",
            phone=str(request.resident.phone),
            body="Jag behöver mat",
            status="received",
        )
    before = {days: snapshot(needs_report(days=days, now=NOW)) for days in (7, 30, 90)}
    settings.ANONYMISE_AFTER_DAYS = 0
    # Close what is open, as would have happened long before anonymisation.
    for request in HelpRequest.objects.filter(status__in=HelpRequest.OPEN_STATUSES):
        helprequest_transition(request=request, to=S.CANCELLED)
    # Closing moved the open ones: take the figures again, then anonymise.
    before = {days: snapshot(needs_report(days=days, now=NOW)) for days in (7, 30, 90)}
    assert anonymise_due() == 8
    after = {days: snapshot(needs_report(days=days, now=NOW)) for days in (7, 30, 90)}
    assert after == before
    assert not Resident.objects.exclude(name="").exists()
    assert not Resident.objects.filter(phone__isnull=False).exists()
    assert not Resident.objects.exclude(address="").exists()
    assert not HelpRequest.objects.exclude(task_text="").exists()
    assert not HelpRequest.objects.exclude(internal_notes="").exists()
    assert not TimelineEvent.objects.exclude(text="").exists()
    assert not Message.objects.exclude(body="").exists()
    assert not Message.objects.exclude(phone="").exists()


def test_only_closed_requests_past_the_retention_period_are_anonymised(settings):
    settings.ANONYMISE_AFTER_DAYS = 90
    old = helprequest_make(internal_notes="Hemlig")
    helprequest_transition(request=old, to=S.DONE)
    HelpRequest.objects.filter(pk=old.pk).update(closed_at=NOW - dt.timedelta(days=91))
    recent = helprequest_make()
    helprequest_transition(request=recent, to=S.DONE)
    HelpRequest.objects.filter(pk=recent.pk).update(closed_at=NOW - dt.timedelta(days=89))
    still_open = helprequest_make()
    HelpRequest.objects.filter(pk=still_open.pk).update(created_at=NOW - dt.timedelta(days=200))
    assert anonymise_due(now=NOW) == 1
    old.resident.refresh_from_db()
    assert old.resident.anonymised_at and old.resident.name == ""
    recent.resident.refresh_from_db()
    still_open.resident.refresh_from_db()
    assert recent.resident.name and still_open.resident.name
    assert anonymise_due(now=NOW) == 0  # idempotent


def test_the_command_anonymises_and_reports(settings, capsys):
    settings.ANONYMISE_AFTER_DAYS = 0
    request = helprequest_make()
    helprequest_transition(request=request, to=S.DONE)
    call_command("anonymise", "--dry-run")
    assert "1 residents are due" in capsys.readouterr().out
    call_command("anonymise")
    assert "Anonymised 1" in capsys.readouterr().out
    request.resident.refresh_from_db()
    assert request.resident.anonymised_at is not None


def test_the_daily_task_reschedules_itself_once(settings, run_tasks):
    settings.ANONYMISE_AFTER_DAYS = 0
    DBTaskResult.objects.all().delete()
    assert anonymise_schedule_ensure() is True
    assert anonymise_schedule_ensure() is False  # never a second one
    waiting = DBTaskResult.objects.filter(task_path=anonymise_daily.module_path, status="READY")
    assert waiting.count() == 1
    request = helprequest_make()
    helprequest_transition(request=request, to=S.DONE)
    run_tasks(now=waiting.get().run_after + dt.timedelta(minutes=1))
    request.resident.refresh_from_db()
    assert request.resident.anonymised_at is not None
    # It ran and booked exactly one next run, a day later.
    assert waiting.count() == 1


def test_export_holds_everything_and_is_logged(operator_client, operator):
    resident = resident_make(name="Greta", internal_notes="Hör dåligt", consent_version="2026-01")
    request = helprequest_make(resident=resident, task_text="Mjölk")
    Message.objects.create(direction="in", phone=str(resident.phone), body="Hej", status="received")
    data = resident_export(resident)
    assert data["resident"]["name"] == "Greta" and data["resident"]["consent_version"] == "2026-01"
    assert data["requests"][0]["code"] == request.code and data["messages"][0]["body"] == "Hej"

    response = operator_client.get(f"/privacy/residents/{resident.pk}/export.json")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    exported = json.loads(response.content)
    assert exported["resident"]["internal_notes"] == "Hör dåligt"
    entry = AccessLog.objects.get()
    assert (entry.user, entry.resident, entry.action) == (operator, resident, "export")


def test_opening_a_residents_data_is_logged(operator_client, operator, analyst):
    resident = resident_make(name="Greta")
    assert "Greta" in operator_client.get(f"/privacy/residents/{resident.pk}/").content.decode()
    entry = AccessLog.objects.get()
    assert (entry.username, entry.resident_ref, entry.action) == ("olivia", resident.pk, "view")
    assert operator_client.get("/privacy/log/").status_code == 403
    operator_client.force_login(analyst)
    log = operator_client.get(f"/privacy/log/?resident={resident.pk}").content.decode()
    assert "olivia" in log


def test_deleting_a_resident_on_request(operator_client):
    with_history = helprequest_make(task_text="Mjölk").resident
    without = resident_make(name="Ny")
    response = operator_client.post(
        f"/privacy/residents/{with_history.pk}/delete/", {"confirm": "yes"}
    )
    assert response.status_code == 302
    with_history.refresh_from_db()
    request = with_history.requests.get()
    assert with_history.name == "" and with_history.phone is None
    assert request.status == S.CANCELLED and request.task_text == ""
    # Not confirmed: nothing happens.
    operator_client.post(f"/privacy/residents/{without.pk}/delete/")
    assert Resident.objects.filter(pk=without.pk).exists()
    operator_client.post(f"/privacy/residents/{without.pk}/delete/", {"confirm": "yes"})
    assert not Resident.objects.filter(pk=without.pk).exists()
    # The log outlives the resident.
    assert AccessLog.objects.filter(resident_ref=without.pk, action="delete").exists()


def test_consent_is_recorded_with_the_wording_version(settings):
    from helpdesk.privacy import consent_text, resident_consent_record

    settings.CONSENT_VERSION = "2026-02"
    settings.ANONYMISE_AFTER_DAYS = 60
    resident = resident_make()
    resident_consent_record(resident=resident, at=NOW)
    resident.refresh_from_db()
    assert (resident.consent_at, resident.consent_version) == (NOW, "2026-02")
    assert "60" in consent_text()


def test_deleting_withdraws_pending_offers(operator_client):
    from matching.models import Offer
    from tests.factories import volunteer_make

    request = helprequest_make()
    helprequest_transition(request=request, to=S.MATCHING)
    offer = Offer.objects.create(
        request=request, volunteer=volunteer_make(), expires_at=request.created_at
    )
    operator_client.post(f"/privacy/residents/{request.resident.pk}/delete/", {"confirm": "yes"})
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN


class Forms(HTMLParser):
    """Each <form>: its action, the fields it would send, and whether a danger button sends it."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "data": {}, "danger": False})
        elif self.forms and tag in ("input", "button"):
            form = self.forms[-1]
            form["danger"] |= tag == "button" and "danger" in (attrs.get("class") or "").split()
            unticked = attrs.get("type") == "checkbox" and "checked" not in attrs
            if attrs.get("name") and not unticked:
                form["data"][attrs["name"]] = attrs.get("value") or ""


def forms(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


def test_deleting_asks_on_a_page_of_its_own_what_will_be_removed(operator_client):
    resident = resident_make(name="Greta Ek", address="Ekvägen 3", internal_notes="Hör dåligt")
    request = helprequest_make(resident=resident, task_text="Mjölk")
    page = operator_client.get(f"/privacy/residents/{resident.pk}/").content.decode()
    (delete,) = [f for f in forms(page) if f["danger"]]
    assert "confirm" not in delete["data"]  # no way to delete from this page in one go

    step = operator_client.post(delete["action"], delete["data"])
    assert step.status_code == 200
    html = step.content.decode()
    for shown in ["Greta Ek", "Ekvägen 3", str(resident.phone), "1 öppet ärende avbryts"]:
        assert shown in html, shown
    resident.refresh_from_db()
    request.refresh_from_db()
    assert resident.name == "Greta Ek" and request.status == S.NEW
    assert not AccessLog.objects.filter(action="delete").exists()

    (confirm,) = [f for f in forms(html) if "confirm" in f["data"]]
    assert operator_client.post(confirm["action"], confirm["data"]).status_code == 302
    resident.refresh_from_db()
    assert resident.name == "" and resident.anonymised_at is not None
