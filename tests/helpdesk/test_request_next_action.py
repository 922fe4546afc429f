"""The one next action a request's page offers first: never matching for a request no
volunteer may get."""

import pytest

from helpdesk.models import HelpRequest
from tests.factories import helprequest_make

pytestmark = pytest.mark.django_db


def next_action(client, request) -> str:
    page = client.get(f"/requests/{request.pk}/").content.decode()
    start = page.index('id="next-action"')
    return page[start : page.index("</div>", start)]


def test_a_referral_offers_no_matching(operator_client):
    actions = next_action(operator_client, helprequest_make(kind=HelpRequest.Kind.REFERRAL))
    assert "/rematch/" not in actions
    assert 'class="primary">Markera som klar' in actions


def test_a_new_request_offers_matching_first(operator_client):
    actions = next_action(operator_client, helprequest_make())
    assert 'class="primary">Kör matchningen igen' in actions
