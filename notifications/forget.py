"""Forgetting a person's SMS, for the apps that erase people (this app knows no people).

The caller names the messages that are about that person and the numbers that were theirs.
Their own messages lose body, payload and number; a message to or from someone else (a
volunteer's offer or acceptance SMS) loses its body. A message still waiting to go out is
refused instead of sent, unless it carries nothing of theirs: a volunteer must still hear that
the task they hold is withdrawn.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from .models import Message, OptOut

PENDING = (Message.Status.QUEUED, Message.Status.SENDING)
ERASED = "erased"


def _carries(body: str, texts: list[str]) -> bool:
    lowered = body.lower()
    return any(text in lowered for text in texts)


@transaction.atomic
def messages_forget(
    *,
    phones: Iterable[str],
    message_ids: Iterable[int] = (),
    texts: Iterable[str] = (),
    delete_own: bool = False,
) -> int:
    """Forget the messages to and from `phones` and those in `message_ids`. `texts` are the
    person's identifying values (name, address, number): a pending message to someone else
    that holds none of them is still sent. `delete_own` deletes the person's own messages
    instead of emptying them. Opt-out rows of the numbers go too: nothing of the number is
    kept, and there is nothing left to text. Returns how many messages were changed."""
    phones = {p for p in phones if p}
    wanted = [t.lower() for t in texts if t]
    own = Message.objects.filter(phone__in=phones) if phones else Message.objects.none()
    linked = Message.objects.filter(pk__in=list(message_ids)).exclude(phone__in=phones)
    OptOut.objects.filter(phone__in=phones).delete()

    changed = 0
    for message in linked.only("pk", "status", "direction", "body"):
        pending = message.direction == Message.Direction.OUTBOUND and message.status in PENDING
        if pending and not _carries(message.body, wanted):
            continue
        updates = {"body": "", "payload": {}, "error_message": ""}
        if pending:
            updates.update(status=Message.Status.REFUSED, error_code=ERASED)
            updates["status_rank"] = Message.STATUS_RANK[Message.Status.REFUSED]
        changed += Message.objects.filter(pk=message.pk).update(**updates)

    if delete_own:
        return changed + own.delete()[0]
    own.filter(Q(direction=Message.Direction.OUTBOUND, status__in=PENDING)).update(
        status=Message.Status.REFUSED,
        status_rank=Message.STATUS_RANK[Message.Status.REFUSED],
        error_code=ERASED,
    )
    return changed + own.update(body="", payload={}, phone="", error_message="")
