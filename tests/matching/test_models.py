from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from matching.models import Offer, Volunteer
from tests.factories import helprequest_make, organisation_make, volunteer_make

pytestmark = pytest.mark.django_db


def offer_make(request, volunteer, **fields):
    return Offer.objects.create(
        request=request,
        volunteer=volunteer,
        expires_at=timezone.now() + timedelta(minutes=20),
        **fields,
    )


def test_duplicate_volunteer_phone_in_another_format_is_refused():
    volunteer_make(phone="+46 70 123 45 67")
    with pytest.raises(IntegrityError), transaction.atomic():
        volunteer_make(phone="070-123 45 67")


def test_invalid_volunteer_phone_is_refused_with_a_clear_message():
    volunteer = Volunteer(
        first_name="X", phone="not a number", organisation=organisation_make(), lat=59, lon=18
    )
    with pytest.raises(ValidationError) as excinfo:
        volunteer.full_clean()
    assert "phone" in excinfo.value.message_dict


def test_two_accepted_offers_for_one_request_are_refused_by_the_database():
    request = helprequest_make()
    offer_make(request, volunteer_make(), status=Offer.Status.ACCEPTED)
    second = offer_make(request, volunteer_make())
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.filter(pk=second.pk).update(status=Offer.Status.ACCEPTED)


def test_many_declined_offers_for_one_request_are_fine():
    request = helprequest_make()
    for _ in range(3):
        offer_make(request, volunteer_make(), status=Offer.Status.DECLINED)
    assert request.offers.count() == 3


def test_a_volunteer_gets_one_offer_per_request():
    request = helprequest_make()
    volunteer = volunteer_make()
    offer_make(request, volunteer)
    with pytest.raises(IntegrityError), transaction.atomic():
        offer_make(request, volunteer, wave=2)


def test_offer_code_is_the_requests_code():
    request = helprequest_make()
    assert offer_make(request, volunteer_make()).code == request.code


def test_language_and_skill_sets_are_queried_exactly():
    arabic = volunteer_make(languages={"ar", "sv"}, skills={"pharmacy"})
    volunteer_make(languages="sv, en", skills=["groceries"])
    assert list(Volunteer.objects.filter(languages__has="ar")) == [arabic]
    assert Volunteer.objects.filter(languages__has="a").count() == 0
    assert Volunteer.objects.filter(skills__has="pharmacy").get() == arabic
    assert Volunteer.objects.get(pk=arabic.pk).languages == frozenset({"ar", "sv"})
