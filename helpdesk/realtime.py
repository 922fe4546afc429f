"""Board events. Services call board_publish() inside their transaction; the event goes out
to the channel layer only after commit, so no board ever shows a change that rolled back."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from .models import HelpRequest

log = logging.getLogger(__name__)

BOARD_GROUP = "board"


def organisation_group(organisation_id: int) -> str:
    return f"board.org.{organisation_id}"


def board_card(request: HelpRequest) -> dict:
    """What a board shows of a request. No personal data beyond the district."""
    return {
        "id": request.pk,
        "code": request.code,
        "kind": request.kind,
        "kind_label": str(request.get_kind_display()),
        "status": request.status,
        "urgency": request.urgency,
        "priority": request.priority,
        "district": request.district.name if request.district_id else "",
        "language": request.language,
        "sensitive": request.sensitive,
        "created_at": request.created_at.isoformat(),
        "updated_at": request.updated_at.isoformat() if request.updated_at else None,
    }


def board_publish(*, request: HelpRequest, event: str) -> None:
    card = board_card(request)
    organisation_id = (
        request.assigned_volunteer.organisation_id if request.assigned_volunteer_id else None
    )

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        message = {"type": "board.event", "event": event, "card": card}
        try:
            async_to_sync(layer.group_send)(BOARD_GROUP, message)
            if organisation_id:
                async_to_sync(layer.group_send)(organisation_group(organisation_id), message)
        except Exception:
            # The database is the source of truth: a board that misses this resyncs.
            log.exception("board event %s for request %s not delivered", event, request.pk)

    transaction.on_commit(send)
