"""The database itself refuses a volunteer or a live offer for a request that is for operators
only, however the row is written: past save(), in bulk, or by a bare update."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from helpdesk.models import HelpRequest
from matching.models import Offer

from .test_invariants import assert_with_operators, case_make

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("scenario", ["sensitive", "open_referral"])
def test_the_database_refuses_an_offer_or_a_volunteer_past_the_services(scenario, operator):
    case = case_make(scenario, operator)
    request, volunteer = case.request, case.volunteers[0]
    expires = timezone.now() + timedelta(minutes=20)
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.create(request=request, volunteer=volunteer, expires_at=expires)
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.create(
            request=request, volunteer=volunteer, expires_at=expires, status="accepted"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        # Without the flag stated, an insert past save() is refused too.
        Offer.objects.bulk_create(
            [Offer(request=request, volunteer=volunteer, code=request.code, expires_at=expires)]
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        HelpRequest.objects.filter(pk=request.pk).update(assigned_volunteer=volunteer)
    with pytest.raises(IntegrityError), transaction.atomic():
        HelpRequest.objects.filter(pk=request.pk).update(
            status="assigned", assigned_volunteer=volunteer
        )
    if scenario == "sensitive":
        with pytest.raises(IntegrityError), transaction.atomic():
            HelpRequest.objects.filter(pk=request.pk).update(operators_only=False)
    assert_with_operators(case)


def test_an_operators_only_offer_cannot_be_brought_back_to_life(operator):
    """A withdrawn offer of an operators-only request stays dead: the database refuses to make
    it pending or accepted again."""
    case = case_make("open_referral", operator, offered_first=True)
    offer = Offer.objects.filter(request=case.request).first()
    assert offer.request_operators_only and offer.status == Offer.Status.WITHDRAWN
    for status in ("pending", "accepted"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Offer.objects.filter(pk=offer.pk).update(status=status)
