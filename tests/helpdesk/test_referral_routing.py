"""A referral routed to an organisation that takes sensitive cases is that organisation's to
see: on its coordinators' board (snapshot and live), and on the request page with the phone and
the safe-callback note. Other organisations get nothing, and no volunteer is ever offered it."""

import io

import pytest
from channels.db import database_sync_to_async
from django.db import transaction
from django.urls import reverse
from django.utils.translation import override

from helpdesk.board import board_snapshot
from helpdesk.models import BoardEvent, HelpRequest, TimelineEvent
from helpdesk.safety import Concern, referral_organisation, referral_route
from helpdesk.services import helprequest_create
from helpdesk.timeline_texts import timeline_text
from matching.models import Offer, Organisation
from tests.conftest import make_user
from tests.factories import (
    district_make,
    helprequest_make,
    organisation_make,
    resident_make,
    volunteer_make,
)
from tests.residents.conftest import sms_receive

from .test_consumer import connect
from .test_intake import intake_data

NOTE = "Ring vardagar 10–12. Lämna inget meddelande."


def english(event) -> str:
    """The timeline text as a reader with the English UI reads it."""
    with override("en"):
        return timeline_text(event)


def swedish(event) -> str:
    with override("sv"):
        return timeline_text(event)


def concern_label(concern) -> str:
    with override("en"):
        return str(dict(Organisation.Concern.choices)[str(concern)]).lower()


@pytest.fixture
def desks(db):
    """The shelter's coordinator, and a coordinator of an ordinary volunteer organisation."""
    shelter_user = make_user("siv", "coordinator")
    other_user = make_user("otto", "coordinator")
    shelter = organisation_make(
        name="Kvinnojouren", takes_sensitive_cases=True, coordinators=[shelter_user]
    )
    other = organisation_make(name="Idrottsklubben", coordinators=[other_user])
    volunteer_make(organisation=other, skills={"groceries", "callback", "phone_friend"})
    return shelter, shelter_user, other_user


def referral_make(note: str = NOTE) -> HelpRequest:
    with transaction.atomic():
        referral = helprequest_create(
            resident=resident_make(),
            kind=HelpRequest.Kind.REFERRAL,
            safe_callback_note=note,
            urgency=HelpRequest.Urgency.URGENT,
        )
        referral_route(request=referral)
    return referral


@pytest.mark.django_db
def test_routing_is_recorded_on_the_request_and_in_its_live_event(desks):
    shelter, _, _ = desks
    referral = referral_make()
    referral.refresh_from_db()
    assert referral.routed_to == shelter
    event = BoardEvent.objects.filter(request=referral).latest("pk")
    assert event.event == "routed"
    assert event.organisation_ids == [shelter.pk]
    assert event.card["organisations"] == [shelter.pk]
    # The card stays without personal data: no phone, no note, no task text.
    assert event.card["task"] == ""
    assert str(referral.resident.phone) not in str(event.card)
    assert "10–12" not in str(event.card)


@pytest.mark.django_db
def test_routed_referral_is_on_the_shelters_board_only(desks):
    shelter, shelter_user, other_user = desks
    referral = referral_make()
    plain = helprequest_make()
    shelter_cards = board_snapshot(shelter_user)
    assert [c["code"] for c in shelter_cards] == [referral.code]
    assert shelter_cards[0]["organisations"] == [shelter.pk]
    assert referral.code not in [c["code"] for c in board_snapshot(other_user)]
    assert plain.code not in [c["code"] for c in shelter_cards]


@pytest.mark.django_db
def test_shelter_coordinator_sees_phone_and_note_other_coordinator_gets_404(client, desks):
    _, shelter_user, other_user = desks
    referral = referral_make()
    url = reverse("request_detail", args=[referral.pk])

    client.force_login(shelter_user)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="safety"' in page and NOTE in page
    assert str(referral.resident.phone) in page
    assert "Kvinnojouren" in page

    client.force_login(other_user)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_operator_sees_the_safe_callback_note_prominently(operator_client, desks):
    referral = referral_make()
    page = operator_client.get(reverse("request_detail", args=[referral.pk])).content.decode()
    assert 'id="safety"' in page and NOTE in page
    assert page.count(NOTE) == 1


@pytest.mark.django_db
def test_a_referral_without_a_note_yet_tells_the_caller_to_leave_no_message(client, desks):
    _, shelter_user, _ = desks
    referral = referral_make(note="")
    client.force_login(shelter_user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("request_detail", args=[referral.pk])).content.decode()
    assert "leave no message" in page


@pytest.mark.django_db
def test_volunteer_organisations_never_see_the_safety_block(client, desks):
    _, _, other_user = desks
    other = other_user.coordinated_organisations.get()
    request = helprequest_make(task_text="Handla", safe_callback_note="Ring efter 18")
    Offer.objects.create(
        request=request,
        volunteer=other.volunteers.get(),
        expires_at="2099-01-01T00:00:00Z",
    )
    client.force_login(other_user)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert 'id="safety"' not in page and "Ring efter 18" not in page


@pytest.mark.django_db
def test_referral_from_the_intake_form_is_routed_never_offered_nor_texted(
    operator_client, desks, run_tasks, sms_outbox
):
    shelter, _, _ = desks
    data = intake_data(kind="referral", task_text="", safe_callback_note=NOTE)
    response = operator_client.post(reverse("intake"), data)
    assert response.status_code == 302
    referral = HelpRequest.objects.get()
    assert referral.routed_to == shelter
    run_tasks()
    referral.refresh_from_db()
    assert not Offer.objects.exists()
    assert referral.assigned_volunteer is None
    assert referral.status == HelpRequest.Status.ESCALATED
    # No summary SMS: someone else reading the phone must not learn what was asked for.
    assert sms_outbox == []


@pytest.mark.django_db
def test_without_a_sensitive_organisation_the_support_line_keeps_it(client, desks):
    shelter, shelter_user, _ = desks
    shelter.takes_sensitive_cases = False
    shelter.save()
    referral = referral_make()
    referral.refresh_from_db()
    assert referral.routed_to is None
    client.force_login(shelter_user)
    assert client.get(reverse("request_detail", args=[referral.pk])).status_code == 404


# Ids from 1, as the board sockets see them: a version gap wider than MAX_REPLAY after
# earlier tests would bring a fresh snapshot instead of the event.
@pytest.mark.django_db(transaction=True, reset_sequences=True)
async def test_live_event_reaches_the_shelter_socket_and_not_another(desks):
    shelter, shelter_user, other_user = desks
    shelter_socket, connected = await connect(shelter_user)
    assert connected
    other_socket, connected = await connect(other_user)
    assert connected
    assert (await shelter_socket.receive_json_from(timeout=5))["cards"] == []
    assert (await other_socket.receive_json_from(timeout=5))["type"] == "snapshot"

    referral = await database_sync_to_async(referral_make)()
    event = await shelter_socket.receive_json_from(timeout=5)
    assert event["type"] == "event" and event["event"] == "routed"
    assert event["card"]["code"] == referral.code
    assert event["card"]["organisations"] == [shelter.pk]
    assert await other_socket.receive_nothing(timeout=0.5)
    await shelter_socket.disconnect()
    await other_socket.disconnect()


def test_organisations_take_the_concerns_that_texts_are_read_as():
    assert {str(concern) for concern in Concern} == set(Organisation.Concern.values)


@pytest.fixture
def lines(db):
    """A shelter, a youth line and the municipal line, all taking sensitive cases, named so
    that alphabetical order would pick the municipal line every time."""
    municipal = organisation_make(
        name="A kommunens stödlinje",
        kind=Organisation.Kind.MUNICIPAL,
        takes_sensitive_cases=True,
        languages={"sv", "tr"},
    )
    shelter = organisation_make(
        name="Ö kvinnojour",
        kind=Organisation.Kind.SHELTER,
        takes_sensitive_cases=True,
        referral_concerns={Concern.VIOLENCE, Concern.SEXUAL},
    )
    youth = organisation_make(
        name="Ö ungdomsjour",
        kind=Organisation.Kind.YOUTH,
        takes_sensitive_cases=True,
        referral_concerns={Concern.YOUTH},
    )
    return municipal, shelter, youth


def routed(concern, **fields) -> tuple[HelpRequest, TimelineEvent]:
    with transaction.atomic():
        referral = helprequest_create(
            resident=resident_make(), kind=HelpRequest.Kind.REFERRAL, **fields
        )
        referral_route(request=referral, concern=concern)
    referral.refresh_from_db()
    return referral, referral.timeline.get(data__referral=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "concern, expected",
    [
        (Concern.VIOLENCE, "shelter"),
        (Concern.SEXUAL, "shelter"),
        (Concern.YOUTH, "youth"),
        (Concern.SELF_HARM, "municipal"),
        (Concern.ELDER_ABUSE, "municipal"),
        (None, "municipal"),
    ],
)
def test_a_referral_goes_to_the_organisation_that_takes_its_concern(lines, concern, expected):
    municipal, shelter, youth = lines
    organisation = {"municipal": municipal, "shelter": shelter, "youth": youth}[expected]
    referral, note = routed(concern, language="tr")
    assert referral.routed_to == organisation
    assert note.data["organisation_id"] == organisation.pk
    assert note.data["concern"] == (str(concern) if concern else None)
    # The timeline says which organisation and why, in the reader's language.
    assert english(note).startswith(f"Referral routed to {organisation.name}: ")
    assert swedish(note).startswith(f"Hänvisning skickad till {organisation.name}: ")
    assert note.data["reason"]
    if expected != "municipal":
        assert f"takes cases of {concern_label(concern)}" in english(note)
    else:
        assert "municipal line" in english(note)


@pytest.mark.django_db
def test_without_a_shelter_or_youth_line_the_municipal_line_takes_them(lines):
    municipal, shelter, youth = lines
    shelter.delete()
    youth.delete()
    for concern in Concern:
        referral, note = routed(concern)
        assert referral.routed_to == municipal, concern
        assert "no organisation lists this concern" in english(note)


@pytest.mark.django_db
def test_an_organisation_taking_other_concerns_never_gets_the_case(lines):
    municipal, shelter, youth = lines
    municipal.delete()
    referral, note = routed(Concern.SELF_HARM)
    assert referral.routed_to is None
    assert note.data["organisation_id"] is None
    assert english(note) == (
        "The support line handles this referral: "
        "no organisation takes cases of suicidal thoughts or self-harm."
    )


@pytest.mark.django_db
def test_among_shelters_the_district_and_language_decide_then_the_load(lines):
    _, shelter, _ = lines
    district = district_make()
    local = organisation_make(
        name="B kvinnojour",
        kind=Organisation.Kind.SHELTER,
        takes_sensitive_cases=True,
        referral_concerns={Concern.VIOLENCE},
    )
    local.districts.add(district)
    with transaction.atomic():
        referral = helprequest_create(
            resident=resident_make(district=district), kind=HelpRequest.Kind.REFERRAL
        )
        referral_route(request=referral, concern=Concern.VIOLENCE)
    assert referral.routed_to == local
    assert "serves the district" in english(referral.timeline.get(data__referral=True))
    # Elsewhere, the two shelters are equal but for their open referrals: the local one has
    # one now, so the next goes to the other.
    elsewhere, _ = routed(Concern.VIOLENCE)
    assert elsewhere.routed_to == shelter


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Kocam bana vuruyor, eve gitmeye korkuyorum", "shelter"),
        ("min man slår mig", "shelter"),
        ("pappa slår mig när jag kommer från skolan", "youth"),
        ("I'm 13 and my stepdad beats me", "youth"),
        ("jag vill inte leva längre", "municipal"),
    ],
)
def test_a_danger_text_by_sms_is_routed_by_what_it_is_about(lines, text, expected):
    municipal, shelter, youth = lines
    organisation = {"municipal": municipal, "shelter": shelter, "youth": youth}[expected]
    resident = resident_make()
    sms_receive(str(resident.phone), text)
    referral = resident.requests.get(kind=HelpRequest.Kind.REFERRAL)
    assert referral.routed_to == organisation


@pytest.mark.django_db
def test_the_demo_has_a_shelter_and_a_youth_line_that_take_their_cases():
    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    referral = helprequest_make(kind=HelpRequest.Kind.REFERRAL, language="tr")
    kinds = {concern: referral_organisation(referral, concern=concern).kind for concern in Concern}
    assert kinds == {
        Concern.VIOLENCE: Organisation.Kind.SHELTER,
        Concern.SEXUAL: Organisation.Kind.SHELTER,
        Concern.YOUTH: Organisation.Kind.YOUTH,
        Concern.SELF_HARM: Organisation.Kind.MUNICIPAL,
        Concern.ELDER_ABUSE: Organisation.Kind.MUNICIPAL,
    }
    # The demo's referral is about violence: it is on the shelter's board.
    demo = HelpRequest.objects.filter(kind=HelpRequest.Kind.REFERRAL).exclude(pk=referral.pk)
    assert demo.get().routed_to.kind == Organisation.Kind.SHELTER


def line_named(lines) -> dict[str, Organisation]:
    return dict(zip(("municipal", "shelter", "youth"), lines, strict=True))


def intake_referral(operator_client, **fields) -> tuple[HelpRequest, TimelineEvent]:
    """A referral taken on the intake form, as an operator sends it."""
    data = intake_data(kind="referral", task_text="", internal_notes="", safe_callback_note=NOTE)
    data.update(fields)
    response = operator_client.post(reverse("intake"), data)
    assert response.status_code == 302, response.context["form"].errors
    referral = HelpRequest.objects.get(kind=HelpRequest.Kind.REFERRAL, intake_token=data["token"])
    return referral, referral.timeline.get(data__referral=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Min man slår mig", "shelter"),
        ("my husband hits me", "shelter"),
        ("زوجي يضربني", "shelter"),
        ("Jag är 16 år och mår dåligt", "youth"),
        ("Jag är 14", "youth"),
    ],
)
def test_an_intake_referral_is_routed_by_what_the_operator_typed(
    operator_client, lines, text, expected
):
    organisation = line_named(lines)[expected]
    referral, note = intake_referral(operator_client, task_text=text)
    assert referral.routed_to == organisation
    assert not referral.offers.exists()


# One text per concern, each in another of the fields the operator writes.
READ = {
    Concern.VIOLENCE: {"task_text": "Min man slår mig"},
    Concern.SEXUAL: {"internal_notes": "Han tvingade mig till sex"},
    Concern.YOUTH: {"safe_callback_note": "Ring efter skolan, lämna inget meddelande"},
    Concern.SELF_HARM: {"internal_notes": "Jag vill ta mitt liv"},
    Concern.ELDER_ABUSE: {"task_text": "Min dotter låser in mig"},
}
ORGANISATION = {
    Concern.VIOLENCE: "shelter",
    Concern.SEXUAL: "shelter",
    Concern.YOUTH: "youth",
    Concern.SELF_HARM: "municipal",
    Concern.ELDER_ABUSE: "municipal",
}


def test_every_concern_has_a_text_to_read_it_from():
    assert set(READ) == set(ORGANISATION) == set(Concern)


@pytest.mark.django_db
@pytest.mark.parametrize("concern", list(Concern))
def test_the_concern_the_operator_chooses_decides_and_the_timeline_says_so(
    operator_client, lines, concern
):
    organisation = line_named(lines)[ORGANISATION[concern]]
    # A text that reads as another concern: the operator's choice wins.
    other = next(c for c in Concern if ORGANISATION[c] != ORGANISATION[concern])
    referral, note = intake_referral(operator_client, concern=concern, **READ[other])
    assert referral.routed_to == organisation
    assert note.data["concern"] == concern
    stated = referral.timeline.get(data__concern_chosen=True)
    assert english(stated) == f"Concern: {concern_label(concern)}, chosen by the operator."


@pytest.mark.django_db
@pytest.mark.parametrize("concern", list(Concern))
def test_a_blank_concern_is_read_from_what_the_operator_wrote(operator_client, lines, concern):
    organisation = line_named(lines)[ORGANISATION[concern]]
    referral, note = intake_referral(operator_client, concern="", **READ[concern])
    assert referral.routed_to == organisation
    assert note.data["concern"] == concern
    stated = referral.timeline.get(data__concern=str(concern), data__concern_chosen=False)
    assert (
        english(stated) == f"Concern: {concern_label(concern)}, read from what the operator wrote."
    )


@pytest.mark.django_db
def test_a_blank_concern_and_nothing_telling_goes_to_the_municipal_line(operator_client, lines):
    municipal, _, _ = lines
    referral, note = intake_referral(
        operator_client, concern="", task_text="Vill prata med någon", internal_notes="Lugn röst"
    )
    assert referral.routed_to == municipal
    assert note.data["concern"] is None
    assert "the concern is not known" in english(note)
    assert referral.timeline.filter(data__msg="concern_unknown").exists()


@pytest.mark.django_db
def test_the_intake_page_offers_every_concern_in_swedish(operator_client):
    operator_client.cookies["django_language"] = "sv"
    page = operator_client.get(reverse("intake")).content.decode()
    assert "Vad gäller det" in page
    for label in ("Våld eller hot", "Sexuellt våld", "Övergrepp mot äldre", "Barn eller ungdom"):
        assert label in page
    form = operator_client.get(reverse("intake")).context["form"]
    assert {v for v, _ in form.fields["concern"].choices} == {"", *map(str, Concern)}


@pytest.mark.django_db
def test_a_concern_left_from_a_referral_is_void_for_another_kind():
    from helpdesk.forms import IntakeForm

    form = IntakeForm(intake_data(kind="groceries", concern="youth"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["concern"] == ""
    form = IntakeForm(intake_data(kind="referral", concern="youth", safe_callback_note=NOTE))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["concern"] == "youth"
