import threading

import pytest
from django.db import connection
from django.utils import timezone

from helpdesk.models import HelpRequest
from helpdesk.offers import OfferClosed, offer_accept
from matching.models import Offer
from tests.factories import CENTRE, helprequest_make, volunteer_make


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_volunteers_accepting_at_once_give_exactly_one_assignment():
    request = helprequest_make()
    expires = timezone.now() + timezone.timedelta(minutes=20)
    offers = [
        Offer.objects.create(
            request=request,
            volunteer=volunteer_make(lat=CENTRE[0], lon=CENTRE[1]),
            expires_at=expires,
        )
        for _ in range(20)
    ]
    HelpRequest.objects.filter(pk=request.pk).update(status=HelpRequest.Status.OFFERED)
    barrier = threading.Barrier(20, timeout=30)
    outcomes: list[str] = []

    def accept(offer: Offer) -> None:
        try:
            barrier.wait()
            offer_accept(offer=Offer.objects.get(pk=offer.pk))
            outcomes.append("won")
        except OfferClosed as closed:
            outcomes.append(closed.reason)
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(o,)) for o in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 20, outcomes
    assert outcomes.count("won") == 1, outcomes
    assert outcomes.count(OfferClosed.TAKEN) == 19
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.ASSIGNED
    assert Offer.objects.filter(request=request, status=Offer.Status.ACCEPTED).count() == 1
    assert Offer.objects.filter(request=request, status=Offer.Status.WITHDRAWN).count() == 19
