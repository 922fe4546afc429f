"""Need to know: what each role may read of a request, its resident, its timeline, its SMS
thread and its volunteers. One table (POLICY), read by the request page, the board's cards
(snapshot and socket events), the partner pages and the admin, so that the answer to "who
sees what" is written once.

An audience is the viewer's relation to one request, not only their role: a coordinator
whose volunteer holds the task reads the resident's contact, the same coordinator reads only
the task once it is done or taken by another organisation's volunteer.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from config.roles import ADMIN, OPERATOR, has_role

from .models import HelpRequest, TimelineEvent
from .timeline_texts import timeline_text


class Audience(StrEnum):
    OPERATOR = "operator"  # the support line (superusers too): everything
    HOLDER = "holder"  # a coordinator whose volunteer holds the accepted task
    OFFERED = "offered"  # a coordinator whose volunteer was offered it (any offer state)
    REFERRAL_DESK = "referral_desk"  # a coordinator of the organisation a referral is routed to
    ANALYST = "analyst"  # the admin role without the operator role: figures, not people
    NONE = "none"  # no relation: the request is a 404


class Field(StrEnum):
    FACTS = "facts"  # code, kind, status, urgency, language, times, status history
    DISTRICT = "district"
    WINDOW = "window"  # the time window
    TASK_TEXT = "task_text"  # what the volunteer is told
    RESIDENT_NAME = "resident_name"
    RESIDENT_ADDRESS = "resident_address"
    RESIDENT_PHONE = "resident_phone"
    RISK_FLAGS = "risk_flags"  # 70+, lives alone, chronic illness: health data
    # Internal notes of request and resident, operators' notes and callback outcomes, the
    # texts and actors of status changes (a cancel reason, another organisation's volunteer).
    NOTES = "notes"
    RESIDENT_SMS = "resident_sms"  # the resident's own texts and the SMS sent to them
    SAFE_CALLBACK_NOTE = "safe_callback_note"
    ROUTED_TO = "routed_to"
    VOLUNTEERS_OWN = "volunteers_own"  # the viewer's organisations' volunteers and their offers
    VOLUNTEERS_OTHER = "volunteers_other"  # everyone else's volunteers, phones, organisations
    CANDIDATES = "candidates"  # the ranked search, and the buttons that act on a request
    # The resident's position on a board card. Cards read the same for every coordinator
    # (card_for), so operators only; a holder reads the door on the request page, with the
    # address.
    BOARD_POSITION = "board_position"


F = Field
TASK = frozenset({F.FACTS, F.DISTRICT, F.WINDOW, F.TASK_TEXT})

POLICY: dict[Audience, frozenset[Field]] = {
    Audience.OPERATOR: frozenset(Field),
    # The task as their volunteer sees it, and the contact only while the volunteer holds it.
    Audience.HOLDER: TASK
    | {F.RESIDENT_NAME, F.RESIDENT_ADDRESS, F.RESIDENT_PHONE, F.VOLUNTEERS_OWN},
    Audience.OFFERED: TASK | {F.VOLUNTEERS_OWN},
    # What calling back safely needs, as HelpRequest.routed_to says; no task text is kept.
    Audience.REFERRAL_DESK: frozenset(
        {F.FACTS, F.DISTRICT, F.RESIDENT_PHONE, F.SAFE_CALLBACK_NOTE, F.ROUTED_TO}
    ),
    # Needs per district and kind; a resident's data only through /privacy/, which logs it.
    Audience.ANALYST: frozenset({F.FACTS, F.DISTRICT, F.WINDOW}),
    Audience.NONE: frozenset(),
}

# Which field a timeline event belongs to; offer events belong to their volunteer's side.
EVENT_FIELDS: dict[str, Field] = {
    TimelineEvent.Kind.CREATED: F.FACTS,
    TimelineEvent.Kind.STATUS: F.FACTS,
    TimelineEvent.Kind.ESCALATED: F.FACTS,
    TimelineEvent.Kind.NOTE: F.NOTES,
    TimelineEvent.Kind.CALLBACK: F.NOTES,
    TimelineEvent.Kind.SMS_IN: F.RESIDENT_SMS,
    TimelineEvent.Kind.SMS_OUT: F.RESIDENT_SMS,
}
OFFER_EVENTS = frozenset(
    {
        TimelineEvent.Kind.OFFER_SENT,
        TimelineEvent.Kind.OFFER_ACCEPTED,
        TimelineEvent.Kind.OFFER_DECLINED,
        TimelineEvent.Kind.OFFER_EXPIRED,
        TimelineEvent.Kind.OFFER_FAILED,
    }
)

# What each key of a board card (realtime.board_card) belongs to. A key not listed here is
# never sent to anyone but operators, so a new key is hidden until someone decides.
CARD_FIELDS: dict[str, Field] = {
    "id": F.FACTS,
    "code": F.FACTS,
    "kind": F.FACTS,
    "kind_label": F.FACTS,
    "status": F.FACTS,
    "status_label": F.FACTS,
    "urgency": F.FACTS,
    "urgency_label": F.FACTS,
    # A number for ordering: urgency, waiting time and district weight with the risk flags
    # folded in. Knowing the other three, the flags can be worked out of it (3 points alone
    # is a chronic illness), so it goes with them. Others' boards order by time.
    "priority": F.RISK_FLAGS,
    "district": F.DISTRICT,
    "district_id": F.DISTRICT,
    # The resident's point on the board map; others place the card at its district's centre.
    "position": F.BOARD_POSITION,
    "approximate": F.BOARD_POSITION,
    "language": F.FACTS,
    "sensitive": F.FACTS,
    "task": F.TASK_TEXT,
    "organisations": F.FACTS,  # cut to the viewer's own organisations below
    "callback_due_at": F.FACTS,
    "created_at": F.FACTS,
    "updated_at": F.FACTS,
}


# What each column of a help request belongs to, for the admin. A column not listed is shown
# to superusers only.
REQUEST_COLUMNS: dict[str, Field] = {
    "id": F.FACTS,
    "code": F.FACTS,
    "kind": F.FACTS,
    "urgency": F.FACTS,
    "channel": F.FACTS,
    "language": F.FACTS,
    "status": F.FACTS,
    "priority": F.RISK_FLAGS,  # the risk flags can be worked out of it (see CARD_FIELDS)
    "sensitive": F.FACTS,
    "rating": F.FACTS,
    "created_at": F.FACTS,
    "updated_at": F.FACTS,
    "closed_at": F.FACTS,
    "district": F.DISTRICT,
    "window_start": F.WINDOW,
    "window_end": F.WINDOW,
    "task_text": F.TASK_TEXT,
    "internal_notes": F.NOTES,
    "escalation_reason": F.NOTES,
    "safe_callback_note": F.SAFE_CALLBACK_NOTE,
    "routed_to": F.ROUTED_TO,
    "assigned_volunteer": F.VOLUNTEERS_OTHER,
    # The resident as a link shows their name: the admin shows its number instead.
    "resident": F.RESIDENT_NAME,
}


def admin_audience(user) -> Audience:
    """The admin reads help requests as an analyst does; only superusers read everything.
    Residents' personal data is for /privacy/ (and the admin's resident page), which log it."""
    return Audience.OPERATOR if user.is_superuser else Audience.ANALYST


def admin_request_columns(user) -> list[str]:
    allowed = POLICY[admin_audience(user)]
    names = [f.name for f in HelpRequest._meta.concrete_fields]
    if user.is_superuser:
        return names
    return [name for name in names if REQUEST_COLUMNS.get(name) in allowed]


@dataclass(frozen=True)
class Viewer:
    """Who is looking. `organisation_ids` is None for operators and analysts (not scoped to
    organisations), a coordinator's organisations otherwise."""

    is_operator: bool
    organisation_ids: frozenset[int] | None

    def owns(self, organisation_id: int | None) -> bool:
        return self.organisation_ids is not None and organisation_id in self.organisation_ids


def viewer_of(user) -> Viewer:
    if has_role(user, OPERATOR):
        return Viewer(is_operator=True, organisation_ids=None)
    if has_role(user, ADMIN):
        return Viewer(is_operator=False, organisation_ids=None)
    ids = user.coordinated_organisations.values_list("pk", flat=True)
    return Viewer(is_operator=False, organisation_ids=frozenset(ids))


def request_audience(viewer: Viewer, request: HelpRequest) -> Audience:
    if viewer.is_operator:
        return Audience.OPERATOR
    if viewer.organisation_ids is None:
        return Audience.ANALYST
    if viewer.owns(request.routed_to_id):
        return Audience.REFERRAL_DESK
    volunteer = request.assigned_volunteer
    ours = volunteer is not None and viewer.owns(volunteer.organisation_id)
    if ours and request.status == HelpRequest.Status.ASSIGNED:
        return Audience.HOLDER
    offered = request.offers.filter(volunteer__organisation__in=viewer.organisation_ids)
    if ours or offered.exists():
        return Audience.OFFERED
    return Audience.NONE


@dataclass(frozen=True)
class RequestView:
    """What one viewer may read of one request."""

    viewer: Viewer
    audience: Audience

    @property
    def fields(self) -> frozenset[Field]:
        return POLICY[self.audience]

    def may(self, field: Field) -> bool:
        return field in self.fields

    @property
    def flags(self) -> dict[str, bool]:
        """For templates: {"task_text": True, ...}."""
        return {field.value: field in self.fields for field in Field}

    def volunteer_field(self, organisation_id: int | None) -> Field:
        return F.VOLUNTEERS_OWN if self.viewer.owns(organisation_id) else F.VOLUNTEERS_OTHER

    def may_see_volunteer(self, volunteer) -> bool:
        return volunteer is not None and self.may(self.volunteer_field(volunteer.organisation_id))

    @property
    def shows_contact(self) -> bool:
        """Whether this view opens the resident's personal data (for the access log)."""
        return bool(self.fields & {F.RESIDENT_NAME, F.RESIDENT_ADDRESS, F.RESIDENT_PHONE, F.NOTES})


def request_view(user, request: HelpRequest) -> RequestView:
    viewer = viewer_of(user)
    return RequestView(viewer=viewer, audience=request_audience(viewer, request))


@dataclass(frozen=True)
class TimelineRow:
    at: object
    label: str
    to_status: str
    actor: str
    text: str


# Who acted when no user did, as the services write it, in the reader's language.
ACTOR_LABELS = {"system": _lazy("system"), "voice menu": _lazy("voice menu"), "SMS": "SMS"}


def _actor(event: TimelineEvent) -> str:
    if event.actor is not None:
        return event.actor.get_full_name() or event.actor.get_username()
    return str(ACTOR_LABELS.get(event.actor_label, event.actor_label))


def _status_label(status: str) -> str:
    try:
        return str(HelpRequest.Status(status).label)
    except ValueError:
        return status


def timeline_rows(view: RequestView, events, volunteer_organisations: dict[int, int]) -> list:
    """The timeline as `view` may read it. `volunteer_organisations` maps the ids of the
    request's offered volunteers to their organisations, for the offer events."""
    rows = []
    for event in events:
        if event.kind in OFFER_EVENTS:
            volunteer_id = (event.data or {}).get("volunteer")
            # An offer event that names no volunteer is treated as someone else's.
            field = view.volunteer_field(volunteer_organisations.get(volunteer_id))
            if not view.may(field):
                continue
            detailed = True
        else:
            if not view.may(EVENT_FIELDS.get(event.kind, F.NOTES)):
                continue
            detailed = view.may(F.NOTES) or event.kind not in EVENT_FIELDS
        rows.append(
            TimelineRow(
                at=event.at,
                label=str(event.get_kind_display()),
                to_status=_status_label(event.to_status) if event.to_status else "",
                actor=_actor(event) if detailed else "",
                text=timeline_text(event) if detailed else "",
            )
        )
    return rows


def card_for(card: dict, viewer: Viewer) -> dict:
    """A viewer's copy of a board card.

    A card carries no contact details, so a holder's card and an offered coordinator's read
    the same; a sensitive card reaches a coordinator only when routed to their organisation.
    """
    if viewer.is_operator:
        return card
    if viewer.organisation_ids is None:
        audience = Audience.ANALYST
    elif card.get("sensitive"):
        audience = Audience.REFERRAL_DESK
    else:
        audience = Audience.OFFERED
    allowed = POLICY[audience]
    shown = {k: v for k, v in card.items() if CARD_FIELDS.get(k) in allowed}
    if viewer.organisation_ids is not None:
        mine = viewer.organisation_ids
        shown["organisations"] = [o for o in card.get("organisations", []) if o in mine]
    return shown


def volunteer_label(view: RequestView, volunteer) -> str:
    """A volunteer's name where the view may read it, or whose they are where it may not."""
    if view.may_see_volunteer(volunteer):
        return f"{volunteer} ({volunteer.organisation})"
    return _("another organisation")
