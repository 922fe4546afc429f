"""Erasing a resident so that nothing of theirs is left in any table.

Two passes. The first follows the links: the resident's row, their requests, the requests'
timeline, callbacks and board outbox rows, the SMS about any of them (a volunteer's offer and
acceptance SMS included) and to or from their number, and the task results that name those
rows. Every text, char and JSON column of those rows is emptied except the few that only
classify (kind, status, language, ...), so a column added tomorrow is emptied too.

The second pass is the safety net for copies the links do not reach: every text, char and
JSON column of every model is searched for the resident's name, address and number (in each
form it is written) and the value is cut out. Only those identifiers are searched for: a
resident's free text ("Handla mat") would match other people's rows and destroy them.
"""

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass, field

import phonenumbers
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from matching.models import Offer, Volunteer
from notifications.forget import messages_forget
from notifications.models import Message
from places.models import Address

from .models import BoardEvent, Callback, HelpRequest, Resident, TimelineEvent

log = logging.getLogger(__name__)

# Columns that classify and count, and identify no one: what the reports and the statistics
# the municipality must keep are computed from. Every other text column of these rows goes.
KEEP = {
    Resident: {"language", "consent_version"},
    HelpRequest: {"code", "kind", "channel", "language", "status"},
    TimelineEvent: {"kind", "from_status", "to_status"},
    Callback: set(),
}
# What a board card may keep of an erased request; any other key (one added later) is emptied.
CARD_KEEP = {
    "id",
    "code",
    "kind",
    "kind_label",
    "status",
    "status_label",
    "urgency",
    "urgency_label",
    "priority",
    "district",
    "district_id",
    "language",
    "sensitive",
    "organisations",
    "callback_due_at",
    "created_at",
    "updated_at",
}
# Shorter values would match other people's rows ("Ali", "Storg").
MIN_NEEDLE = 6
REDACTED = "***"
# Task arguments that name rows we erase.
TASK_KEYS = {"message_id": "messages", "request_id": "requests", "callback_id": "callbacks"}


def phone_forms(phone: str) -> list[str]:
    """A number as it may be written anywhere: E.164, digits only, national, formatted."""
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return [phone]
    formats = [
        phonenumbers.PhoneNumberFormat.NATIONAL,
        phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    ]
    forms = {phone, phone.lstrip("+"), *(phonenumbers.format_number(number, f) for f in formats)}
    forms.add(re.sub(r"\D", "", phonenumbers.format_number(number, formats[0])))
    return sorted(forms, key=len, reverse=True)


@dataclass
class Footprint:
    """What is the resident's, by id, and the values that identify them."""

    phones: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    requests: set[int] = field(default_factory=set)
    offers: set[int] = field(default_factory=set)
    callbacks: set[int] = field(default_factory=set)
    messages: set[int] = field(default_factory=set)


def resident_footprint(resident: Resident) -> Footprint:
    phones = phone_forms(str(resident.phone)) if resident.phone else []
    values = [resident.name.strip(), resident.address.strip(), *phones]
    found = Footprint(phones=phones, identifiers=[v for v in values if len(v) >= MIN_NEEDLE])
    found.requests = set(resident.requests.values_list("pk", flat=True))
    found.offers = set(
        Offer.objects.filter(request__in=found.requests).values_list("pk", flat=True)
    )
    found.callbacks = set(
        Callback.objects.filter(request__in=found.requests).values_list("pk", flat=True)
    )
    timeline = TimelineEvent.objects.filter(request__in=found.requests)
    mentioned = set()
    for data in timeline.exclude(data={}).values_list("data", flat=True):
        mentioned.update(v for k, v in data.items() if k in ("message", "message_id"))
    about = {HelpRequest: found.requests, Offer: found.offers, Callback: found.callbacks}
    linked = Q(pk__in=[m for m in mentioned if isinstance(m, int)])
    if phones:
        linked |= Q(phone__in=phones)
    for model, ids in about.items():
        linked |= Q(about_type=ContentType.objects.get_for_model(model), about_id__in=ids)
    messages = set(Message.objects.filter(linked).values_list("pk", flat=True))
    # Replies are filed under the message they answer (a volunteer's "1 4821").
    message_type = ContentType.objects.get_for_model(Message)
    while True:
        replies = Message.objects.filter(about_type=message_type, about_id__in=messages)
        more = set(replies.values_list("pk", flat=True)) - messages
        if not more:
            break
        messages |= more
    found.messages = messages
    return found


def _empty(model: type[models.Model], keep: set[str]) -> dict:
    """An update that empties every text, char, JSON and position column not in `keep`, and
    the link to the address register (a door is a position)."""
    updates = {}
    for column in model._meta.concrete_fields:
        if column.is_relation and column.related_model is Address and column.null:
            updates[column.name] = None
        if column.primary_key or column.is_relation or column.name in keep:
            continue
        if isinstance(column, models.JSONField):
            updates[column.name] = column.get_default()
        elif isinstance(column, (models.CharField, models.TextField)):
            updates[column.name] = None if column.null else ""
        elif isinstance(column, models.FloatField) and column.null:
            updates[column.name] = None
    return updates


def _card_scrub(card: dict) -> dict:
    return {
        k: (v if k in CARD_KEEP else type(v)() if v is not None else None) for k, v in card.items()
    }


def _tasks_prune(found: Footprint) -> int:
    """Finished task results whose arguments name erased rows; waiting ones must still run."""
    from django_tasks_db.models import DBTaskResult

    named = Q(pk__in=[])
    for key, attr in TASK_KEYS.items():
        ids = sorted(getattr(found, attr))
        if ids:
            named |= Q(**{f"args_kwargs__kwargs__{key}__in": ids})
    return DBTaskResult.objects.filter(named, finished_at__isnull=False).delete()[0]


def _admin_log_scrub(resident: Resident, found: Footprint) -> None:
    """The admin's change history writes the object's name (str(resident)) beside its id."""
    rows = Q(content_type=ContentType.objects.get_for_model(Resident), object_id=str(resident.pk))
    for model, ids in ((HelpRequest, found.requests), (Callback, found.callbacks)):
        type_ = ContentType.objects.get_for_model(model)
        rows |= Q(content_type=type_, object_id__in=[str(i) for i in ids])
    LogEntry.objects.filter(rows).update(object_repr=REDACTED, change_message="")


@transaction.atomic
def resident_erase(
    *, resident: Resident, now: dt.datetime | None = None, delete: bool = False
) -> Footprint:
    """Empty every row of the resident's (see the module's docstring); keep the resident's row
    and requests, anonymous, for the statistics. `delete` removes the resident's row and their
    own SMS instead (for one with no requests to keep). Returns what was erased."""
    found = resident_footprint(resident)
    messages_forget(
        phones=found.phones, message_ids=found.messages, texts=found.identifiers, delete_own=delete
    )
    requests = HelpRequest.objects.filter(pk__in=found.requests)
    TimelineEvent.objects.filter(request__in=requests).update(
        **_empty(TimelineEvent, KEEP[TimelineEvent])
    )
    Callback.objects.filter(pk__in=found.callbacks).update(**_empty(Callback, KEEP[Callback]))
    requests.update(**_empty(HelpRequest, KEEP[HelpRequest]))
    for event in BoardEvent.objects.filter(request_id__in=found.requests).only("pk", "card"):
        BoardEvent.objects.filter(pk=event.pk).update(card=_card_scrub(event.card))
    _tasks_prune(found)
    _admin_log_scrub(resident, found)
    Resident.objects.filter(pk=resident.pk).update(
        **_empty(Resident, KEEP[Resident]), anonymised_at=now or timezone.now()
    )
    identifiers_sweep(values=found.identifiers)
    if delete:
        resident.delete()
    else:
        resident.refresh_from_db()
    return found


def _people() -> set[type[models.Model]]:
    # Rows of these are someone's own record: another resident of the same name, the same
    # person as a volunteer. The resident's own row is emptied by link, not by the sweep.
    return {Resident, Volunteer, get_user_model()}


def _replace(value, pattern: re.Pattern):
    if isinstance(value, str):
        return pattern.sub(REDACTED, value)
    if isinstance(value, list):
        return [_replace(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, pattern) for k, v in value.items()}
    return value


def identifiers_sweep(*, values: list[str]) -> int:
    """Cut `values` out of every text, char and JSON column of every model, wherever a copy
    landed. A full scan per erasure: erasures are rare and the night run has time. Returns
    how many rows changed."""
    values = [v for v in values if len(v) >= MIN_NEEDLE]
    if not values:
        return 0
    pattern = re.compile("|".join(re.escape(v) for v in values), re.IGNORECASE)
    changed = 0
    people = _people()
    for model in apps.get_models(include_auto_created=True):
        if model in people:
            continue
        columns = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
            and not f.primary_key
        ]
        match = Q(pk__in=[])
        for column in columns:
            for value in values:
                match |= Q(**{f"{column.attname}__icontains": value})
                if isinstance(column, models.JSONField):
                    # SQLite keeps JSON with non-ASCII letters escaped ("\u00f6").
                    escaped = json.dumps(value)[1:-1]
                    if escaped != value:
                        match |= Q(**{f"{column.attname}__icontains": escaped})
        if not columns:
            continue
        rows = model._base_manager.filter(match)
        for row in rows.values("pk", *[c.attname for c in columns]):
            updates = {}
            for column in columns:
                before = row[column.attname]
                after = _replace(before, pattern)
                if after != before:
                    unique_whole = (
                        column.unique and column.null and before and pattern.fullmatch(before)
                    )
                    updates[column.attname] = None if unique_whole else after
            if updates:
                changed += model._base_manager.filter(pk=row["pk"]).update(**updates)
    if changed:
        log.info("erasure: cut identifiers out of %s rows found outside the links", changed)
    return changed


@dataclass
class ErasurePreview:
    """What deleting the resident will remove, for the confirmation page."""

    details: list[str]
    requests: int
    open_requests: int
    messages: int
    timeline: int
    callbacks: int


def erasure_preview(resident: Resident) -> ErasurePreview:
    found = resident_footprint(resident)
    present = {
        "name": resident.name,
        "phone": resident.phone,
        "address": resident.address,
        "position": resident.lat is not None,
        "internal_notes": resident.internal_notes,
    }
    return ErasurePreview(
        details=[key for key, value in present.items() if value],
        requests=len(found.requests),
        open_requests=resident.requests.filter(status__in=HelpRequest.OPEN_STATUSES).count(),
        messages=len(found.messages),
        timeline=TimelineEvent.objects.filter(request__in=found.requests).count(),
        callbacks=len(found.callbacks),
    )
