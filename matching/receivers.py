"""STOP and START at the SMS gateway mirror onto the volunteer's opted_out flag."""

from notifications.phones import phone_try_normalise

from .models import Volunteer


def volunteer_opt_out_changed(sender, phone: str, opted_out: bool, **kwargs) -> None:
    normalised = phone_try_normalise(str(phone))
    if normalised:
        Volunteer.objects.filter(phone=normalised).update(opted_out=opted_out)
