"""How pressing a request is: read from the request, never changed here. Higher first."""

from django.utils import timezone

from helpdesk.models import HelpRequest

URGENCY_WEIGHT = {
    HelpRequest.Urgency.LOW: 0.0,
    HelpRequest.Urgency.NORMAL: 10.0,
    HelpRequest.Urgency.URGENT: 30.0,
}


def helprequest_priority(request: HelpRequest, *, now=None) -> float:
    """Urgency, the resident's risk flags, hours waited (up to two days), times the district's
    equity weight."""
    now = now or timezone.now()
    resident = request.resident
    risk = sum(
        (
            4.0 * resident.is_70_plus,
            4.0 * resident.lives_alone,
            3.0 * resident.chronic_illness,
            2.0 * resident.no_internet,
        )
    )
    waited_hours = max(0.0, (now - request.created_at).total_seconds() / 3600)
    weight = request.district.equity_weight if request.district_id else 1.0
    return round((URGENCY_WEIGHT[request.urgency] + risk + min(waited_hours, 48.0)) * weight, 3)
