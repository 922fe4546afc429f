"""What a board shows: the snapshot a socket gets on connect, scoped by role."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from config.roles import ADMIN, OPERATOR, has_role

from .access import card_for, viewer_of
from .models import HelpRequest
from .realtime import board_card, board_version


def board_organisation_ids(user) -> list[int] | None:
    """None for operators and admins (everything); a coordinator's organisation ids otherwise."""
    if has_role(user, OPERATOR, ADMIN):
        return None
    return list(user.coordinated_organisations.values_list("pk", flat=True))


def organisations_scope(organisation_ids: list[int]) -> Q:
    """Requests these organisations' coordinators may see: offered to or assigned to one of
    their volunteers, or routed to them as a referral. A request for operators only (a
    referral, or any request of a resident with an open one) leaves the organisations whose
    volunteers were offered it: only the one it is routed to still sees it."""
    return (
        Q(operators_only=False)
        & (
            Q(assigned_volunteer__organisation__in=organisation_ids)
            | Q(offers__volunteer__organisation__in=organisation_ids)
        )
    ) | Q(routed_to__in=organisation_ids)


def board_requests(user) -> QuerySet[HelpRequest]:
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    visible = Q(status__in=HelpRequest.OPEN_STATUSES) | Q(
        status=HelpRequest.Status.DONE, closed_at__gte=today
    )
    requests = HelpRequest.objects.filter(visible).select_related(
        "district", "assigned_volunteer", "callback", "resident"
    )
    organisation_ids = board_organisation_ids(user)
    if organisation_ids is not None:
        requests = requests.filter(organisations_scope(organisation_ids)).distinct()
    return requests.order_by("-priority", "created_at")


def board_snapshot(user) -> list[dict]:
    """The viewer's cards: what helpdesk.access lets them read of each (card_for)."""
    viewer = viewer_of(user)
    requests = board_requests(user).prefetch_related("offers__volunteer")[:500]
    return [card_for(board_card(r), viewer) for r in requests]


def board_state(user) -> dict:
    """The snapshot with the outbox version it includes. The version is read first, so an
    event committed while the snapshot is read is delivered again rather than missed."""
    version = board_version()
    return {"version": version, "cards": board_snapshot(user)}
