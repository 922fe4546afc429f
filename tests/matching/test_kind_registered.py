"""A task kind is one registry entry: one registered at run time is in the intake form's
menu, can be taken in, is matched to a volunteer with its skill (vetted, as a home visit)
and offered with its own phrase, with no other file changed."""

import re

import pytest
from django.urls import reverse

from helpdesk.forms import IntakeForm
from helpdesk.models import HelpRequest
from matching.kinds import TaskKind, kind_registered
from matching.models import Offer, skill_choices
from matching.search import candidates_rank
from notifications.models import Message
from tests.factories import resident_make, volunteer_make
from tests.helpdesk.test_intake import intake_data

pytestmark = pytest.mark.django_db

GARDEN = TaskKind(
    "garden",
    "Garden work",
    skill="garden",
    home_visit=True,
    offer_phrase="help in the garden",
)


@pytest.fixture
def garden():
    with kind_registered(GARDEN) as kind:
        yield kind


def test_a_kind_registered_at_run_time_is_taken_in_matched_and_offered(
    garden, operator_client, run_tasks
):
    assert ("garden", "Garden work") in IntakeForm().fields["kind"].choices
    assert ("garden", "Garden work") in skill_choices()
    assert "garden" in HelpRequest.HOME_VISIT_KINDS and HelpRequest.Kind.GARDEN == "garden"
    page = operator_client.get(reverse("intake")).content.decode()
    # The option carries the kind's phrase and urgency for the form's script.
    assert re.search(r'<option value="garden"[^>]*>Garden work</option>', page)

    resident_make(phone="+46701740611")  # the caller intake_data() phones for, at home
    gardener = volunteer_make(skills={"garden"}, vetted=True)
    volunteer_make(skills={"garden"}, vetted=False)  # a home visit: vetted only
    volunteer_make(skills={"groceries"}, vetted=True)  # not their skill
    response = operator_client.post(
        reverse("intake"), intake_data(kind="garden", task_text="Klipp gräsmattan")
    )
    assert response.status_code == 302, response.context["form"].errors
    request = HelpRequest.objects.get(kind="garden")
    request.full_clean()  # the code is valid against the registry
    assert request.get_kind_display() == "Garden work"
    assert [c.volunteer_id for c in candidates_rank(request=request)] == [gardener.pk]

    run_tasks()
    offer = Offer.objects.get(request=request)
    assert offer.volunteer == gardener
    body = Message.objects.get(direction="out", phone=str(gardener.phone)).body
    assert "help in the garden" in body and "Klipp gräsmattan" in body


def test_the_kind_is_gone_after_the_block():
    with kind_registered(GARDEN):
        assert "garden" in HelpRequest.Kind
    assert "garden" not in HelpRequest.Kind
    assert "garden" not in HelpRequest.HOME_VISIT_KINDS
    assert "garden" not in dict(IntakeForm().fields["kind"].choices)


def test_a_kind_registered_at_run_time_is_read_from_a_residents_text(garden_read):
    """Its words in a pack make a resident's text ask for it, and the confirmation names it
    by the registry's phrase for residents."""
    from helpdesk.models import HelpRequest
    from tests.residents.conftest import sms_receive

    resident = resident_make(phone="+46701740612", language="sv")
    _message, reply = sms_receive(str(resident.phone), "Kan någon hjälpa mig i trädgården?")

    request = HelpRequest.objects.get(resident=resident)
    assert request.kind == "garden"
    assert "(trädgårdshjälp)" in reply


@pytest.fixture
def garden_read():
    """GARDEN read from texts, with its Swedish need phrase in the Swedish pack."""
    import dataclasses

    import languages

    swedish = languages.pack("sv")
    phrases = {**swedish.need_phrases, "garden": ("trädgård*",)}
    kind = dataclasses.replace(GARDEN, resident_phrase="trädgårdshjälp", read_rank=5)
    languages.pack_register(dataclasses.replace(swedish, need_phrases=phrases))
    try:
        with kind_registered(kind):
            yield kind
    finally:
        languages.pack_register(swedish)


def test_the_needs_report_counts_volunteers_for_a_kind_registered_at_run_time(garden):
    from helpdesk.reports import active_volunteers, volunteer_kinds

    gardener = volunteer_make(skills={"garden"}, vetted=True)
    assert "garden" in volunteer_kinds()
    assert active_volunteers()[(gardener.district_id or 0, "garden")] == 1
