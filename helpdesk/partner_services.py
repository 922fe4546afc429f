"""What a partner organisation's coordinator does to its volunteers and capacity."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from config.roles import ADMIN, COORDINATOR, OPERATOR, has_role
from matching.models import Offer, Organisation, Volunteer
from matching.volunteer_positions import volunteer_address_forget

from .models import HelpRequest
from .offers import volunteer_offers_withdraw


def organisations_visible(user: AbstractBaseUser) -> QuerySet[Organisation]:
    """Operators and admins see every organisation; a coordinator only their own."""
    if has_role(user, OPERATOR, ADMIN):
        return Organisation.objects.all()
    if has_role(user, COORDINATOR):
        return Organisation.objects.filter(coordinators=user)
    return Organisation.objects.none()


def organisation_get(user: AbstractBaseUser, pk: int) -> Organisation:
    """The organisation, or 404 when the user may not see it: another organisation's id
    gives nothing away, not even that it exists."""
    organisation = organisations_visible(user).filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation


def organisation_can_edit(user: AbstractBaseUser, organisation: Organisation) -> bool:
    """Coordinators edit their own organisation, admins any; operators only look."""
    if has_role(user, ADMIN):
        return True
    return has_role(user, COORDINATOR) and organisation.coordinators.filter(pk=user.pk).exists()


def volunteer_open_tasks(volunteer: Volunteer) -> QuerySet[HelpRequest]:
    return HelpRequest.objects.filter(
        assigned_volunteer=volunteer, status=HelpRequest.Status.ASSIGNED
    )


@transaction.atomic
def volunteer_remove(*, volunteer: Volunteer) -> str:
    """Delete a volunteer who never did anything; deactivate one with history, so the
    requests and offers they were part of keep their record. Returns "deleted" or
    "deactivated"; ValidationError while they hold an accepted task."""
    locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer_open_tasks(locked).exists():
        raise ValidationError(
            _("%(name)s holds an accepted task. Reassign it before removing them.")
            % {"name": locked}
        )
    has_history = (
        Offer.objects.filter(volunteer=locked).exists()
        or HelpRequest.objects.filter(assigned_volunteer=locked).exists()
    )
    if has_history:
        locked.is_active = False
        locked.paused = True
        # The home address and its door were kept for matching only, which has ended: the
        # name and phone stay with the tasks' record, where they live does not.
        forgotten = volunteer_address_forget(locked)
        locked.save(update_fields=["is_active", "paused", *forgotten])
        # Someone no longer with the organisation must not be able to accept, and so learn a
        # resident's address, by answering an offer still out.
        volunteer_offers_withdraw(volunteer=locked, reason={"msg": "volunteer_removed"})
        return "deactivated"
    locked.delete()
    return "deleted"
