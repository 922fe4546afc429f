"""What a board shows: the snapshot a socket gets on connect, scoped by role."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from config.roles import ADMIN, OPERATOR, has_role

from .models import HelpRequest
from .realtime import board_card


def board_organisation_ids(user) -> list[int] | None:
    """None for operators and admins (everything); a coordinator's organisation ids otherwise."""
    if has_role(user, OPERATOR, ADMIN):
        return None
    return list(user.coordinated_organisations.values_list("pk", flat=True))


def board_requests(user) -> QuerySet[HelpRequest]:
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    visible = Q(status__in=HelpRequest.OPEN_STATUSES) | Q(
        status=HelpRequest.Status.DONE, closed_at__gte=today
    )
    requests = HelpRequest.objects.filter(visible).select_related("district")
    organisation_ids = board_organisation_ids(user)
    if organisation_ids is not None:
        requests = requests.filter(
            Q(assigned_volunteer__organisation__in=organisation_ids)
            | Q(offers__volunteer__organisation__in=organisation_ids)
        ).distinct()
    return requests.order_by("-priority", "created_at")


def board_snapshot(user) -> list[dict]:
    return [board_card(r) for r in board_requests(user)[:500]]
