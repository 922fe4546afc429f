"""What changes a volunteer alone. Whatever touches a request or an offer is in
helpdesk.offers."""

from .models import Volunteer


def volunteer_pause(*, volunteer: Volunteer, paused: bool) -> bool:
    """Pause or resume offers for a volunteer. True when that changed something."""
    return bool(
        Volunteer.objects.filter(pk=volunteer.pk).exclude(paused=paused).update(paused=paused)
    )
