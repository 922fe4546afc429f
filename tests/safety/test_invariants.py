"""Whatever path creates, converts, matches, offers or assigns a request, a sensitive request and
every request of a resident with an open referral get no offer and no volunteer.

The paths are found by walking the public functions of helpdesk and matching: a new function
whose name says it creates, converts, matches, offers, assigns, accepts, submits or routes
fails test_every_path_is_walked until it is exercised here."""

import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from helpdesk.models import Callback, HelpRequest, Resident
from helpdesk.offers import OfferClosed, OperatorsOnly, helprequest_match
from helpdesk.safety import referral_route
from helpdesk.services import helprequest_create
from matching.models import Offer, Volunteer
from notifications.models import Message
from tests.factories import helprequest_make, resident_make, volunteer_make

pytestmark = pytest.mark.django_db

PATH_WORDS = re.compile(r"create|convert|match|offer|assign|accept|submit|route")
# Modules that only show or wire things: their functions are views, forms and set-up.
NOT_SERVICES = re.compile(r"\.(migrations|management|views|urls|admin|apps|forms)\b|_views$|_urls$")
# Found by the walk, but not a way to a volunteer: what each one is instead.
NOT_PATHS = {
    "helpdesk.offers.offer_minutes": "how long an offer stays open: a number",
    "matching.batch.assignment_solve": "arithmetic on arrays, no rows; match_batch uses it",
}
# The resident's own texts reach requests through the inbound handler, whose name says neither.
ALSO_WALKED = {"helpdesk.resident_sms.resident_sms_handle"}


def paths_found() -> set[str]:
    found = set()
    for package in ("helpdesk", "matching"):
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if NOT_SERVICES.search(info.name):
                continue
            module = importlib.import_module(info.name)
            for name, function in inspect.getmembers(module, inspect.isfunction):
                if function.__module__ != module.__name__ or name.startswith("_"):
                    continue
                # SMS wording ("offer_text", "text_request_created") builds strings only.
                wording = name.endswith("_text") or name.startswith("text_")
                if PATH_WORDS.search(name) and not wording:
                    found.add(f"{module.__name__}.{name}")
    return found - set(NOT_PATHS)


@dataclass
class Case:
    """A resident whose requests must stay with operators, and the request a path acts on."""

    scenario: str
    resident: Resident
    request: HelpRequest
    operator: object
    volunteers: list[Volunteer]
    offers_before: set[int] = field(default_factory=set)

    def new_request(self, kind: str = HelpRequest.Kind.GROCERIES) -> dict:
        """What a path asks for: in the sensitive case a referral, else a task for volunteers."""
        if self.scenario == "sensitive":
            return {"kind": HelpRequest.Kind.REFERRAL, "safe_callback_note": "Ring 10–12"}
        return {"kind": kind, "task_text": "Handla mat"}


def case_make(scenario: str, operator, *, offered_first: bool = False) -> Case:
    """`sensitive`: the request is a referral. `open_referral`: a grocery request of a resident
    with an open referral. With `offered_first`, the grocery request was offered to volunteers
    before the referral opened (or before it was made a referral)."""
    volunteers = [volunteer_make(first_name=f"V{i}") for i in range(4)]
    resident = resident_make()
    if scenario == "sensitive" and not offered_first:
        request = helprequest_make(
            resident=resident, kind="referral", task_text="", safe_callback_note="Ring 10–12"
        )
        referral_route(request=request)
    elif scenario == "sensitive":
        request = helprequest_make(resident=resident)
        helprequest_match(request=request)
        request.refresh_from_db()
        request.kind = HelpRequest.Kind.REFERRAL
        request.save()  # as the admin saves it
    else:
        if offered_first:
            request = helprequest_make(resident=resident)
            helprequest_match(request=request)
        helprequest_make(
            resident=resident, kind="referral", task_text="", safe_callback_note="Ring 10–12"
        )
        if not offered_first:
            request = helprequest_make(resident=resident)
    request.refresh_from_db()
    offers = set(Offer.objects.values_list("pk", flat=True))
    return Case(scenario, resident, request, operator, volunteers, offers)


def assert_with_operators(case: Case) -> None:
    requests = HelpRequest.objects.filter(resident=case.resident)
    offers = Offer.objects.filter(request__in=requests)
    assert not offers.exclude(pk__in=case.offers_before).exists(), "a new offer was made"
    assert not offers.filter(status__in=["pending", "accepted", "done"]).exists()
    assert not requests.filter(assigned_volunteer__isnull=False).exists()
    assert not requests.filter(status__in=HelpRequest.OPEN_STATUSES, operators_only=False).exists()
    assert not offers.filter(request_operators_only=False, request__status__in=["new"]).exists()


def callback_of(case: Case) -> Callback:
    callback, _ = Callback.objects.get_or_create(
        request=case.request, defaults={"due_at": timezone.now(), "repeat_every_days": 7}
    )
    callback.claimed_by, callback.claimed_at = case.operator, timezone.now()
    callback.save()
    return callback


def via_create(case, run_tasks):
    helprequest_create(resident=case.resident, actor=case.operator, **case.new_request())
    run_tasks()


def via_callback_create(case, run_tasks):
    from helpdesk.callbacks import callback_create

    callback_create(request=case.request, due_at=timezone.now())
    run_tasks(now=timezone.now() + timedelta(minutes=5))


def via_callback_next_create(case, run_tasks):
    from helpdesk.callbacks import callback_next_create

    callback_next_create(callback=callback_of(case), actor=case.operator)
    run_tasks()


def via_callback_convert(case, run_tasks):
    from helpdesk.callbacks import callback_convert

    callback = callback_of(case)
    if case.scenario == "sensitive":
        with pytest.raises(ValidationError), transaction.atomic():
            callback_convert(callback=callback, user=case.operator, kind="groceries", task_text="x")
    callback_convert(
        callback=callback, user=case.operator, kind=case.new_request()["kind"], task_text="Handla"
    )
    run_tasks()


def via_intake_submit(case, run_tasks):
    import uuid

    from helpdesk.intake import intake_submit

    fields = case.new_request()
    intake_submit(
        token=uuid.uuid4(),
        phone=str(case.resident.phone),
        resident_data={},
        consent=True,
        kind=fields["kind"],
        urgency=HelpRequest.Urgency.NORMAL,
        task_text=fields.get("task_text", ""),
        safe_callback_note=fields.get("safe_callback_note", ""),
        actor=case.operator,
    )
    run_tasks()


def via_voice(case, run_tasks):
    from helpdesk.voice import voice_request_create

    voice_request_create(
        phone=str(case.resident.phone), call_sid="CA1", language="sv", kind="groceries"
    )
    run_tasks(now=timezone.now() + timedelta(hours=1))


def via_rematch(case, run_tasks):
    from helpdesk.actions import helprequest_rematch

    helprequest_rematch(request=case.request, actor=case.operator)
    run_tasks()


def via_referral_route(case, run_tasks):
    referral_route(request=case.request, actor=case.operator)
    run_tasks()


def via_match(case, run_tasks):
    helprequest_match(request=case.request)
    helprequest_match(request=case.request, actor=case.operator)
    run_tasks()


def via_match_open(case, run_tasks):
    from helpdesk.offers import helprequests_match_open

    helprequests_match_open()
    run_tasks()


def via_match_enqueue(case, run_tasks):
    from helpdesk.offers import helprequest_match_enqueue

    helprequest_match_enqueue(request=case.request)
    run_tasks()


def via_offers_send(case, run_tasks):
    from helpdesk.offers import offers_send

    with pytest.raises(OperatorsOnly):
        offers_send(request=case.request, volunteers=case.volunteers, actor=case.operator)


def via_assign(case, run_tasks):
    from helpdesk.offers import helprequest_assign

    with pytest.raises(OperatorsOnly):
        helprequest_assign(request=case.request, volunteer=case.volunteers[0], actor=case.operator)


def via_transition(case, run_tasks):
    from helpdesk.services import helprequest_transition

    with pytest.raises(IntegrityError), transaction.atomic():
        helprequest_transition(
            request=HelpRequest.objects.get(pk=case.request.pk),
            to=HelpRequest.Status.ASSIGNED,
            assigned_volunteer=case.volunteers[0],
        )


def via_batch(case, run_tasks):
    from helpdesk.offers import match_batch

    match_batch()
    match_batch(requests=[HelpRequest.objects.get(pk=case.request.pk)])
    run_tasks()


def via_batch_plan(case, run_tasks):
    from matching.batch import match_batch_plan

    plan = match_batch_plan(requests=list(HelpRequest.objects.filter(resident=case.resident)))
    assert not plan.pairs


def via_withdraw(case, run_tasks):
    from helpdesk.offers import offers_withdraw

    offers_withdraw(request=case.request, actor=case.operator)
    run_tasks()


def via_volunteer_offers_withdraw(case, run_tasks):
    """A volunteer removed while offers were out: their offers go, and the request's search for
    someone else (the next wave) must stay away from volunteers too."""
    from helpdesk.offers import volunteer_offers_withdraw

    for volunteer in case.volunteers:
        volunteer_offers_withdraw(volunteer=volunteer, reason="removed")
    run_tasks(now=timezone.now() + timedelta(hours=1))


via_volunteer_offers_withdraw.offered_first = True


def answered(action: str):
    """An answer to an offer sent before the request became operators-only."""

    def run(case, run_tasks):
        from helpdesk import offers as services

        for offer in Offer.objects.filter(request=case.request):
            if action == "offers_expire":
                services.offers_expire(request_id=case.request.pk, wave=offer.wave)
            elif action == "offer_delivery_failed":
                services.offer_delivery_failed(offer_id=offer.pk, why="30003")
            else:
                with pytest.raises(OfferClosed):
                    getattr(services, action)(offer=offer)
        run_tasks(now=timezone.now() + timedelta(hours=1))

    run.offered_first = True
    return run


def via_undelivered_offer_sms(case, run_tasks):
    from helpdesk.offer_receivers import offer_message_status_changed

    for offer in Offer.objects.filter(request=case.request):
        message = Message.objects.create(
            direction="out",
            phone=str(offer.volunteer.phone),
            body="...",
            status=Message.Status.FAILED,
            about_type=ContentType.objects.get_for_model(Offer),
            about_id=offer.pk,
        )
        offer_message_status_changed(sender=Message, message=message)
    run_tasks()


via_undelivered_offer_sms.offered_first = True


def via_resident_sms(case, run_tasks):
    from tests.residents.conftest import sms_receive

    sms_receive(str(case.resident.phone), "Kan någon handla mat åt mig?")
    run_tasks()


EXERCISED = {
    "helpdesk.services.helprequest_create": via_create,
    "helpdesk.callbacks.callback_create": via_callback_create,
    "helpdesk.callbacks.callback_next_create": via_callback_next_create,
    "helpdesk.callbacks.callback_convert": via_callback_convert,
    "helpdesk.intake.intake_submit": via_intake_submit,
    "helpdesk.voice.voice_request_create": via_voice,
    "helpdesk.actions.helprequest_rematch": via_rematch,
    "helpdesk.safety.referral_route": via_referral_route,
    "helpdesk.resident_sms.resident_sms_handle": via_resident_sms,
    "helpdesk.offers.helprequest_match": via_match,
    "helpdesk.offers.helprequests_match_open": via_match_open,
    "helpdesk.offers.helprequest_match_enqueue": via_match_enqueue,
    "helpdesk.offers.offers_send": via_offers_send,
    "helpdesk.offers.helprequest_assign": via_assign,
    "helpdesk.offers.offers_withdraw": via_withdraw,
    "helpdesk.offers.volunteer_offers_withdraw": via_volunteer_offers_withdraw,
    "helpdesk.offers.match_batch": via_batch,
    "matching.batch.match_batch_plan": via_batch_plan,
    "helpdesk.offers.offer_accept": answered("offer_accept"),
    "helpdesk.offers.offer_decline": answered("offer_decline"),
    "helpdesk.offers.offer_done": answered("offer_done"),
    "helpdesk.offers.offers_expire": answered("offers_expire"),
    "helpdesk.offers.offer_delivery_failed": answered("offer_delivery_failed"),
    "helpdesk.offer_receivers.offer_message_status_changed": via_undelivered_offer_sms,
    # Not found by name, but the one function that writes a volunteer onto a request.
    "helpdesk.services.helprequest_transition": via_transition,
}


def test_every_path_is_walked():
    found = paths_found() | ALSO_WALKED
    missing = sorted(found - set(EXERCISED))
    assert not missing, f"paths to a volunteer that this test does not exercise: {missing}"
    stale = sorted(set(EXERCISED) - found - {"helpdesk.services.helprequest_transition"})
    assert not stale, f"exercised here but gone from the code: {stale}"


@pytest.mark.parametrize("scenario", ["sensitive", "open_referral"])
@pytest.mark.parametrize("path", sorted(EXERCISED))
def test_no_path_reaches_a_volunteer(path, scenario, operator, run_tasks):
    exercise = EXERCISED[path]
    case = case_make(scenario, operator, offered_first=getattr(exercise, "offered_first", False))
    assert_with_operators(case)
    exercise(case, run_tasks)
    assert_with_operators(case)


@pytest.mark.parametrize("scenario", ["sensitive", "open_referral"])
def test_an_answer_past_the_sync_still_goes_to_operators(scenario, operator):
    """A request made operators-only by a bare update (no save, so no sync): the volunteer's
    accept finds the guard below, the request goes to operators and nobody gets it."""
    from helpdesk.offers import offer_accept

    volunteer_make()
    request = helprequest_make()
    helprequest_match(request=request)
    if scenario == "sensitive":
        HelpRequest.objects.filter(pk=request.pk).update(
            kind="referral", sensitive=True, operators_only=True
        )
    else:
        # A referral written past save(): no sync ran, the grocery request's flag is unset.
        HelpRequest.objects.bulk_create(
            [
                HelpRequest(
                    resident=request.resident,
                    kind="referral",
                    code="99999999",
                    sensitive=True,
                    operators_only=True,
                )
            ]
        )
    offer = Offer.objects.filter(request=request).first()
    result = offer_accept(offer=offer)
    request.refresh_from_db()
    assert result.status == Offer.Status.WITHDRAWN
    assert request.status == HelpRequest.Status.ESCALATED and request.assigned_volunteer is None
    assert not Offer.objects.filter(request=request, status__in=["pending", "accepted"]).exists()
