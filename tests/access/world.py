"""One request per offer state, each with its own distinctive values, made through the real
services: offers sent and answered, the resident's own SMS through the inbound webhook's
handler, an operator's note and SMS. Values are unusual words, so that a value missing from a
page means the page hides it."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format

from helpdesk import actions
from helpdesk import offers as matching
from helpdesk.access import Audience, Field
from helpdesk.models import HelpRequest
from helpdesk.offers import (
    offer_accept,
    offer_decline,
    offer_delivery_failed,
    offer_done,
    offers_expire,
)
from matching.models import Offer
from notifications.inbound import inbound_receive
from notifications.phones import phone_display
from tests.conftest import make_user
from tests.factories import (
    district_make,
    helprequest_make,
    organisation_make,
    resident_make,
    volunteer_make,
)

STATES = [
    "pending",
    "accepted",
    "done",
    "declined",
    "expired",
    "withdrawn",
    "failed",
    "taken",
    "referral",
]
ROLES = ["operator", "coordinator_own", "coordinator_rival", "coordinator_unrelated", "analyst"]

A = Audience
# The spec: each role's relation to a request in each state. `own` is the organisation whose
# volunteer the states are about (and that takes sensitive cases); `rival` has a volunteer who
# was offered the same requests; `unrelated` has nothing to do with them.
OWN = dict.fromkeys(STATES, A.OFFERED) | {"accepted": A.HOLDER, "referral": A.REFERRAL_DESK}
RIVAL = dict.fromkeys(STATES, A.OFFERED) | {"taken": A.HOLDER, "referral": A.NONE}
EXPECTED_AUDIENCE = {
    "operator": dict.fromkeys(STATES, A.OPERATOR),
    "coordinator_own": OWN,
    "coordinator_rival": RIVAL,
    "coordinator_unrelated": dict.fromkeys(STATES, A.NONE),
    "analyst": dict.fromkeys(STATES, A.ANALYST),
}

WINDOW_START = datetime(2031, 5, 17, 13, 37)


@dataclass
class Case:
    state: str
    request: HelpRequest
    values: dict[Field, list[str]] = field(default_factory=dict)
    # Values that must never leak where the field is hidden, but need not all be on a page
    # that may show it (another volunteer's phone, the resident's own internal notes).
    extra: dict[Field, list[str]] = field(default_factory=dict)
    own_volunteer_names: list[str] = field(default_factory=list)
    rival_volunteer_names: list[str] = field(default_factory=list)


@dataclass
class World:
    users: dict
    own: object
    rival: object
    cases: dict[str, Case]

    def volunteers(self, role: str, case: Case) -> tuple[list[str], list[str]]:
        """(own, other) volunteer names as `role` sees them: a coordinator's own volunteers,
        and everyone else's."""
        if role == "coordinator_own":
            return case.own_volunteer_names, case.rival_volunteer_names
        if role == "coordinator_rival":
            return case.rival_volunteer_names, case.own_volunteer_names
        return [], case.own_volunteer_names + case.rival_volunteer_names


def inbound(phone: str, body: str, sid: str, run_tasks) -> None:
    inbound_receive(payload={"MessageSid": sid, "From": phone, "Body": body})
    run_tasks()


def case_make(state: str, *, world_parts: dict, run_tasks) -> Case:
    tag = state.capitalize()
    operator = world_parts["operator"]
    district = district_make(name=f"Distriktet Snättringe{tag}")
    resident = resident_make(
        name=f"Ingegerd Zackariasson{tag}",
        address=f"Kvarnbäcksvägen {len(state)}{tag}",
        district=district,
        chronic_illness=True,
        internal_notes=f"Resnotat hörapparat{tag}",
    )
    start = timezone.make_aware(WINDOW_START + timedelta(days=STATES.index(state)))
    values, extra = {}, {}
    if state == "referral":
        request = None
        inbound(str(resident.phone), f"Min man slår mig {tag}", f"SMref{tag}1", run_tasks)
        request = HelpRequest.objects.get(resident=resident)
        inbound(str(resident.phone), f"Ring efter sjutton Trygghet{tag}", f"SMref{tag}2", run_tasks)
        request.refresh_from_db()
        values[Field.RESIDENT_SMS] = [f"Min man slår mig {tag}"]
        values[Field.SAFE_CALLBACK_NOTE] = [f"Ring efter sjutton Trygghet{tag}"]
        values[Field.ROUTED_TO] = [world_parts["own"].name]
    else:
        request = helprequest_make(
            resident=resident,
            task_text=f"Hämta pelargonprimulor{tag}",
            internal_notes=f"Ärendenotat dörrkod{tag}",
            window_start=start,
            window_end=start + timedelta(hours=2),
        )
        inbound(str(resident.phone), f"Insulinet står i kylen {tag}", f"SMin{tag}", run_tasks)
        values[Field.RESIDENT_SMS] = [f"Insulinet står i kylen {tag}"]
        values[Field.TASK_TEXT] = [request.task_text]
        # As the page writes it: in its language's words (the pages are Swedish here).
        with translation.override("sv"):
            window = date_format(timezone.localtime(start), "j F H:i")
        values[Field.WINDOW] = [window]
    with transaction.atomic():
        actions.helprequest_note(
            request=request, text=f"Operatörsnotat katten{tag}", actor=operator
        )
        actions.helprequest_text_resident(
            request=request, body=f"Vi kommer vid tretiden {tag}", actor=operator
        )
    values[Field.RESIDENT_SMS].append(f"Vi kommer vid tretiden {tag}")
    values[Field.NOTES] = [f"Operatörsnotat katten{tag}"]
    if request.internal_notes:
        values[Field.NOTES].append(request.internal_notes)
    extra[Field.NOTES] = [resident.internal_notes]
    values[Field.FACTS] = [f"#{request.code}"]
    values[Field.DISTRICT] = [district.name]
    values[Field.RESIDENT_NAME] = [resident.name]
    values[Field.RESIDENT_ADDRESS] = [resident.address]
    values[Field.RESIDENT_PHONE] = [str(resident.phone)]
    extra[Field.RESIDENT_PHONE] = [phone_display(str(resident.phone))]
    with translation.override("sv"):
        values[Field.RISK_FLAGS] = [str(resident.risk_flags[-1])]
    case = Case(state=state, request=request, values=values, extra=extra)
    if state != "referral":
        offers_for(case, world_parts, tag, operator)
    request.refresh_from_db()
    return case


def offers_for(case: Case, parts: dict, tag: str, operator) -> None:
    ours = volunteer_make(
        organisation=parts["own"], first_name="Märta", last_name=f"Egenvolontär{tag}"
    )
    theirs = volunteer_make(
        organisation=parts["rival"], first_name="Bertil", last_name=f"Rivalvolontär{tag}"
    )
    request = case.request
    matching.offers_send(request=request, volunteers=[ours, theirs], actor=operator)
    our_offer = Offer.objects.get(request=request, volunteer=ours)
    their_offer = Offer.objects.get(request=request, volunteer=theirs)
    state = case.state
    if state in ("accepted", "done"):
        offer_accept(offer=our_offer)
        if state == "done":
            offer_done(offer=our_offer)
    elif state == "declined":
        offer_decline(offer=our_offer)
    elif state == "expired":
        offers_expire(request_id=request.pk, wave=our_offer.wave)
    elif state == "withdrawn":
        matching.offers_withdraw(request=request, actor=operator, reason="ändrade planer")
    elif state == "failed":
        offer_delivery_failed(offer_id=our_offer.pk, why="nummer saknas")
    elif state == "taken":
        offer_accept(offer=their_offer)
    case.own_volunteer_names = [str(ours)]
    case.rival_volunteer_names = [str(theirs)]
    # Another organisation's volunteers: their phones and their organisation's name too.
    case.extra[Field.VOLUNTEERS_OTHER] = [str(theirs.phone), str(ours.phone)]


def world_make(run_tasks) -> World:
    users = {
        "operator": make_user("olle", "operator", first_name="Olle"),
        "coordinator_own": make_user("cecilia", "coordinator"),
        "coordinator_rival": make_user("kemal", "coordinator"),
        "coordinator_unrelated": make_user("ulla", "coordinator"),
        "analyst": make_user("anders", "admin", is_staff=True),
    }
    own = organisation_make(
        name="Röda Korset Fjärilen",
        takes_sensitive_cases=True,
        coordinators=[users["coordinator_own"]],
    )
    rival = organisation_make(
        name="Grannföreningen Tussilago", coordinators=[users["coordinator_rival"]]
    )
    organisation_make(name="Idrottsklubben Ensam", coordinators=[users["coordinator_unrelated"]])
    parts = {"operator": users["operator"], "own": own, "rival": rival}
    cases = {state: case_make(state, world_parts=parts, run_tasks=run_tasks) for state in STATES}
    return World(users=users, own=own, rival=rival, cases=cases)


def expected(world: World, role: str, case: Case, allowed: frozenset) -> tuple[list, list]:
    """(values that must be shown, values that must not) for `role` on `case`."""
    own, other = world.volunteers(role, case)
    values = {**case.values, Field.VOLUNTEERS_OWN: own, Field.VOLUNTEERS_OTHER: other}
    shown, hidden = [], []
    for name in Field:
        if name in allowed:
            shown += values.get(name, [])
        else:
            hidden += values.get(name, []) + case.extra.get(name, [])
    if Field.VOLUNTEERS_OTHER not in allowed:
        hidden += [world.rival.name if role != "coordinator_rival" else world.own.name]
    return shown, hidden
