"""A request's priority folds the resident's risk flags in with urgency, waiting time and the
district's weight. Everyone who sees a card knows the other three, so the flags can be worked
out of the number: only those who may read the flags get it."""

import pytest

from helpdesk.board import board_snapshot
from helpdesk.offers import offers_send
from matching.priority import helprequest_priority
from tests.conftest import make_user
from tests.factories import helprequest_make, organisation_make, resident_make, volunteer_make

pytestmark = pytest.mark.django_db


def test_only_those_who_read_risk_flags_get_the_priority(operator, analyst):
    coordinator = make_user("cecilia", "coordinator")
    organisation = organisation_make(coordinators=[coordinator])
    volunteer = volunteer_make(organisation=organisation)
    ill = resident_make(chronic_illness=True)
    request = helprequest_make(resident=ill)
    offers_send(request=request, volunteers=[volunteer], actor=operator)
    # Without the flag the same request would rank lower: the number carries it.
    assert helprequest_priority(request) > helprequest_priority(
        helprequest_make(resident=resident_make())
    )

    def card(user) -> dict:
        (found,) = [c for c in board_snapshot(user) if c["id"] == request.pk]
        return found

    assert card(operator)["priority"] == pytest.approx(request.priority)
    for user in (coordinator, analyst):
        assert "priority" not in card(user), user
