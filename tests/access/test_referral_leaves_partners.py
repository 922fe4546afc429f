"""A request that becomes operators-only (a danger text turns it into a referral, or its
resident opens one) leaves the partner organisations whose volunteers were offered or held it:
their coordinators no longer find it on the board or its page. Only the organisation the
referral is routed to sees it."""

import pytest

from helpdesk.board import board_snapshot
from helpdesk.offers import offers_send
from helpdesk.realtime import request_organisation_ids
from tests.conftest import make_user
from tests.factories import helprequest_make, organisation_make, resident_make, volunteer_make
from tests.notifications.conftest import inbound_params, signed_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def offered(operator):
    coordinator = make_user("cecilia", "coordinator")
    organisation = organisation_make(coordinators=[coordinator])
    volunteer = volunteer_make(organisation=organisation)
    resident = resident_make(language="sv")
    request = helprequest_make(resident=resident)
    offers_send(request=request, volunteers=[volunteer], actor=operator)
    return coordinator, organisation, resident, request


def coordinator_sees(client, coordinator, request) -> tuple[int, bool]:
    client.force_login(coordinator)
    page = client.get(f"/requests/{request.pk}/").status_code
    on_board = any(card["id"] == request.pk for card in board_snapshot(coordinator))
    # The partner task list shows their volunteers' tasks (a routed referral is not one).
    for organisation in coordinator.coordinated_organisations.exclude(pk=request.routed_to_id):
        tasks = client.get(f"/partners/{organisation.pk}/tasks/").content.decode()
        assert (f"#{request.code}" in tasks) == on_board, "the partner task list disagrees"
    return page, on_board


@pytest.mark.parametrize("how", ["danger_text", "another_referral"])
def test_an_offered_request_leaves_the_partner_once_it_is_for_operators(
    client, run_tasks, offered, how
):
    coordinator, organisation, resident, request = offered
    assert coordinator_sees(client, coordinator, request) == (200, True)

    if how == "danger_text":
        body = "min man slår mig, jag vågar inte gå hem"
        response = signed_post(client, "/sms/inbound/", inbound_params(str(resident.phone), body))
        assert response.status_code == 200
        run_tasks()
    else:
        helprequest_make(resident=resident, kind="referral", task_text="")
    request.refresh_from_db()
    assert request.operators_only

    assert coordinator_sees(client, coordinator, request) == (404, False)
    assert organisation.pk not in request_organisation_ids(request)


def test_the_organisation_a_referral_is_routed_to_still_sees_it(client, offered):
    coordinator, organisation, resident, request = offered
    desk = make_user("dagny", "coordinator")
    shelter = organisation_make(
        coordinators=[desk], kind="shelter", takes_sensitive_cases=True, languages={"sv"}
    )
    referral = helprequest_make(resident=resident, kind="referral", task_text="")
    referral.refresh_from_db()
    assert referral.routed_to_id in (None, shelter.pk)
    if referral.routed_to_id is None:
        type(referral).objects.filter(pk=referral.pk).update(routed_to=shelter)
        referral.refresh_from_db()
    assert coordinator_sees(client, desk, referral) == (200, True)
    assert shelter.pk in request_organisation_ids(referral)
