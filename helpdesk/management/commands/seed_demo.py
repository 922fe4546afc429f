"""Demo data for Huddinge: districts, partner organisations, volunteers, residents, requests in
every status, and an operator, a coordinator and an admin login.

Idempotent: every row is found by a natural key before it is created, so running it twice
changes nothing. Phone numbers come from the ranges the Swedish regulator (PTS) reserves for
fiction (070-174 06 05–99 and 08-465 004 00–99), so no real person is ever texted.
"""

import random
from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from config.roles import ADMIN, COORDINATOR, OPERATOR
from helpdesk.models import Callback, HelpRequest, Resident, TimelineEvent
from helpdesk.safety import Concern, referral_route
from helpdesk.services import helprequest_create, helprequest_transition, timeline_record
from matching.fields import codes_parse
from matching.models import Capacity, Offer, Organisation, Volunteer
from places.demo import DEMO_SOURCE, demo_register_seed
from places.models import Address, District
from places.positions import position_of

# name, code, lat, lon, population, aged 70+, equity weight
DISTRICTS = [
    ("Flemingsberg", "flemingsberg", 59.2185, 17.9470, 13200, 820, 1.35),
    ("Vårby", "varby", 59.2640, 17.8850, 9800, 760, 1.30),
    ("Skogås", "skogas", 59.2180, 18.1530, 15600, 1900, 1.10),
    ("Trångsund", "trangsund", 59.2270, 18.1280, 10400, 1450, 0.95),
    ("Stuvsta", "stuvsta", 59.2530, 17.9960, 9900, 1350, 0.85),
    ("Snättringe", "snattringe", 59.2620, 17.9850, 8100, 1200, 0.80),
    ("Segeltorp", "segeltorp", 59.2730, 17.9350, 9300, 1300, 0.85),
    ("Huddinge centrum", "huddinge-centrum", 59.2365, 17.9820, 12300, 1700, 1.00),
    ("Sjödalen-Fullersta", "sjodalen-fullersta", 59.2400, 17.9700, 14100, 2100, 0.95),
    ("Glömsta", "glomsta", 59.2470, 17.9290, 4200, 480, 0.90),
    ("Vistaberg", "vistaberg", 59.2220, 17.9850, 5100, 420, 1.05),
    ("Länna", "lanna", 59.2220, 18.0980, 1600, 190, 0.95),
    ("Kungens kurva", "kungens-kurva", 59.2700, 17.9170, 1100, 90, 1.00),
    ("Visättra", "visattra", 59.2130, 17.9630, 4600, 310, 1.30),
    ("Masmo", "masmo", 59.2500, 17.8820, 5200, 480, 1.30),
]

# name, kind, languages, takes sensitive cases, districts served (codes, or None for all)
ORGANISATIONS = [
    ("Huddinge församling", "faith", "sv,en,fi", False, None),
    (
        "Flemingsbergs moskéförening",
        "faith",
        "ar,sv,so,tr",
        False,
        ["flemingsberg", "visattra", "vistaberg", "glomsta", "huddinge-centrum"],
    ),
    (
        "Huddinge IK",
        "sports",
        "sv,en,fi",
        False,
        ["huddinge-centrum", "sjodalen-fullersta", "stuvsta", "snattringe", "segeltorp"],
    ),
    ("Röda Korset Huddinge", "ngo", "sv,en,ar,fa,ti", False, None),
    (
        "Vårby Turkiska Förening",
        "ngo",
        "tr,ku,sv",
        False,
        ["varby", "masmo", "kungens-kurva", "segeltorp"],
    ),
    (
        "Skogås-Trångsunds pensionärsförening",
        "ngo",
        "sv,fi",
        False,
        ["skogas", "trangsund", "lanna"],
    ),
    ("Kvinnojouren Huddinge", "shelter", "sv,en,ar,tr,fi", True, None),
    ("Ungdomsjouren Huddinge", "youth", "sv,en,ar,tr,fi", True, None),
    ("Huddinge kommuns stödlinje", "municipal", "sv,en,ar,tr,fi", True, None),
]

# The referrals that go to an organisation first; the municipal line takes the rest.
REFERRAL_CONCERNS = {
    "Kvinnojouren Huddinge": "violence,sexual",
    "Ungdomsjouren Huddinge": "youth",
}

FIRST_NAMES = {
    "sv": [
        "Anna",
        "Lars",
        "Karin",
        "Erik",
        "Maria",
        "Johan",
        "Eva",
        "Per",
        "Lena",
        "Nils",
        "Sara",
        "Olof",
        "Ingrid",
        "Gustav",
        "Elsa",
        "Maja",
    ],
    "fi": ["Aino", "Mikko", "Liisa", "Jari", "Tuula", "Pekka"],
    "ar": ["Ahmad", "Fatima", "Omar", "Layla", "Yusuf", "Amira", "Khalid", "Noor"],
    "tr": ["Mehmet", "Ayşe", "Emre", "Elif", "Can", "Zeynep"],
    "so": ["Hodan", "Abdi", "Sahra", "Farah"],
    "fa": ["Dariush", "Shirin"],
    "ti": ["Senait", "Yonas"],
}
LAST_NAMES = {
    "sv": [
        "Andersson",
        "Johansson",
        "Karlsson",
        "Nilsson",
        "Eriksson",
        "Larsson",
        "Berg",
        "Lindqvist",
        "Holm",
        "Sandberg",
    ],
    "fi": ["Virtanen", "Korhonen", "Mäkinen", "Nieminen"],
    "ar": ["Haddad", "Al-Sayed", "Khalil", "Mansour", "Nasser"],
    "tr": ["Yılmaz", "Kaya", "Demir", "Şahin"],
    "so": ["Warsame", "Hassan", "Ali"],
    "fa": ["Rahimi", "Karimi"],
    "ti": ["Tesfaye", "Gebre"],
}
STREETS = [
    "Storvretsvägen",
    "Diagnosvägen",
    "Vårdvägen",
    "Skogåsvägen",
    "Stuvstavägen",
    "Sjödalsvägen",
    "Glömstavägen",
    "Vårby allé",
    "Masmovägen",
    "Segeltorpsvägen",
    "Trångsundsvägen",
    "Lännavägen",
    "Visättravägen",
    "Kommunalvägen",
    "Fullerstavägen",
]

VOLUNTEER_PHONES = [f"+467017406{n:02d}" for n in range(5, 85)]  # 80 fictional mobiles
RESIDENT_MOBILES = [f"+467017406{n:02d}" for n in range(85, 100)]  # 15 fictional mobiles
RESIDENT_LANDLINES = [f"+468465004{n:02d}" for n in range(0, 100)]  # fictional landlines

DEMO_PASSWORD = "samhjalp-demo"  # noqa: S105 (printed demo login, not a secret)
USERS = [
    ("operator", "Olivia", "Operatör", OPERATOR, None),
    ("operator2", "Oskar", "Operatör", OPERATOR, None),
    ("coordinator", "Cecilia", "Koordinator", COORDINATOR, "Röda Korset Huddinge"),
    ("coordinator2", "Kemal", "Koordinator", COORDINATOR, "Vårby Turkiska Förening"),
    ("analyst", "Anders", "Analytiker", ADMIN, None),
]

REQUEST_TEXTS = {
    HelpRequest.Kind.GROCERIES: "Handla mat enligt lista, ca 10 varor. Lämna vid dörren.",
    HelpRequest.Kind.PHARMACY: "Hämta ut recept på Apoteket Flemingsberg.",
    HelpRequest.Kind.ERRAND: "Posta ett brev och hämta ett paket.",
    HelpRequest.Kind.CALLBACK: "Vill bli uppringd om hjälp med handling.",
    HelpRequest.Kind.PHONE_FRIEND: "Önskar en telefonvän, samtal en gång i veckan.",
    HelpRequest.Kind.TRANSPORT: "Skjuts till vårdcentralen på torsdag.",
    HelpRequest.Kind.OTHER: "Behöver hjälp att byta en glödlampa.",
}


# Days back that the demo's history of met requests reaches.
HISTORY_DAYS = 21


def name_unused(firsts: list[str], lasts: list[str], start: int, taken: set) -> tuple[str, str]:
    """The first (first name, last name) from `start` on that nobody has yet; taken then."""
    for step in range(len(firsts) * len(lasts)):
        n = start + step
        name = (firsts[n % len(firsts)], lasts[(n // len(firsts)) % len(lasts)])
        if name not in taken:
            taken.add(name)
            return name
    raise ValueError("more people than names: add names to FIRST_NAMES and LAST_NAMES")


class Command(BaseCommand):
    help = "Load Huddinge demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has districts (used by `make run`).",
        )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        if options["if_empty"] and District.objects.exists():
            self.stdout.write("Demo data already loaded; logins: operator, coordinator, analyst.")
            return
        rng = random.Random(2020)
        districts = self.seed_districts()
        demo_register_seed(list(districts.values()), rng)
        self.doors = {
            code: list(Address.objects.filter(source=DEMO_SOURCE, district=district))
            for code, district in districts.items()
        }
        organisations = self.seed_organisations(districts)
        users = self.seed_users(organisations)
        volunteers = self.seed_volunteers(rng, districts, organisations)
        residents = self.seed_residents(rng, districts)
        self.seed_requests(rng, residents, volunteers, users["operator"])
        self.seed_history(rng, residents, volunteers)

        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(
            f"  {District.objects.count()} districts, {Organisation.objects.count()} "
            f"organisations, {Volunteer.objects.count()} volunteers, "
            f"{Resident.objects.count()} residents, {HelpRequest.objects.count()} requests"
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, first, last, role, org in USERS:
            where = f" for {org}" if org else ""
            self.stdout.write(f"  {role:<12} {username:<13} {first} {last}{where}")

    def seed_districts(self) -> dict[str, District]:
        districts = {}
        for name, code, lat, lon, population, aged, weight in DISTRICTS:
            districts[code], _ = District.objects.get_or_create(
                code=code,
                defaults=dict(
                    name=name,
                    lat=lat,
                    lon=lon,
                    population=population,
                    population_70_plus=aged,
                    equity_weight=weight,
                ),
            )
        return districts

    def seed_organisations(self, districts) -> dict[str, Organisation]:
        organisations = {}
        for name, kind, languages, sensitive, served in ORGANISATIONS:
            organisation, created = Organisation.objects.get_or_create(
                name=name,
                defaults=dict(kind=kind, languages=languages, takes_sensitive_cases=sensitive),
            )
            concerns = codes_parse(REFERRAL_CONCERNS.get(name, ""))
            if organisation.referral_concerns != concerns:  # also a demo seeded before them
                organisation.referral_concerns = concerns
                organisation.save(update_fields=["referral_concerns"])
            if created:
                codes = served or list(districts)
                organisation.districts.set([districts[c] for c in codes])
                if not sensitive:
                    for kind_value in ("groceries", "pharmacy", "phone_friend"):
                        Capacity.objects.create(
                            organisation=organisation, kind=kind_value, per_week=10 + len(name) % 15
                        )
            organisations[name] = organisation
        return organisations

    def seed_users(self, organisations) -> dict[str, User]:
        users = {}
        for username, first, last, role, org_name in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults=dict(first_name=first, last_name=last, is_staff=(role == ADMIN)),
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.add(Group.objects.get(name=role))
            if org_name:
                organisations[org_name].coordinators.add(user)
            users[username] = user
        return users

    def seed_volunteers(self, rng, districts, organisations) -> list[Volunteer]:
        # One name per person: an operator tells candidates apart by name first.
        taken = {(v.first_name, v.last_name) for v in Volunteer.objects.all()}
        helping = [o for o in organisations.values() if not o.takes_sensitive_cases]
        district_list = list(districts.values())
        volunteers = []
        for i, phone in enumerate(VOLUNTEER_PHONES):
            existing = Volunteer.objects.filter(phone=phone).first()
            if existing:
                volunteers.append(existing)
                continue
            organisation = helping[i % len(helping)]
            org_languages = sorted(organisation.languages)
            mother_tongue = org_languages[i % len(org_languages)]
            served = list(organisation.districts.all()) or district_list
            # Most at a door of the demo register; some with no address given, placed at
            # their district's centre and flagged so.
            place = self.door_pick(rng, served[rng.randrange(len(served))]) if i % 10 else None
            position = position_of(place, served[rng.randrange(len(served))])
            languages = {mother_tongue, "sv"} | ({"en"} if rng.random() < 0.5 else set())
            languages |= {code for code in org_languages if rng.random() < 0.3}
            skills = {"groceries", "pharmacy"} | set(
                rng.sample(["errand", "callback", "phone_friend", "transport", "other"], 2)
            )
            first, last = name_unused(
                FIRST_NAMES.get(mother_tongue, FIRST_NAMES["sv"]),
                LAST_NAMES.get(mother_tongue, LAST_NAMES["sv"]),
                i,
                taken,
            )
            volunteers.append(
                Volunteer.objects.create(
                    first_name=first,
                    last_name=last,
                    phone=phone,
                    organisation=organisation,
                    languages=languages,
                    skills=skills,
                    address=place.door if place else "",
                    place=place,
                    district=position.district,
                    lat=position.lat,
                    lon=position.lon,
                    position_approximate=position.approximate,
                    max_distance_km=rng.choice([3.0, 5.0, 5.0, 8.0]),
                    max_open_tasks=rng.choice([1, 2, 2, 3]),
                    vetted=rng.random() < 0.8,
                    paused=i % 23 == 7,
                )
            )
        return volunteers

    def door_pick(self, rng, district: District) -> Address | None:
        doors = self.doors.get(district.code) or []
        return doors[rng.randrange(len(doors))] if doors else None

    def seed_residents(self, rng, districts) -> list[Resident]:
        # Nor a volunteer's: a resident and a volunteer of one name read as one person.
        taken = {tuple(r.name.split(" ", 1)) for r in Resident.objects.exclude(name="")}
        taken |= {(v.first_name, v.last_name) for v in Volunteer.objects.all()}
        district_list = list(districts.values())
        languages = ["sv"] * 5 + ["ar"] * 2 + ["tr", "fi", "en"]
        residents = []
        phones = RESIDENT_MOBILES + RESIDENT_LANDLINES[:20]
        for i, phone in enumerate(phones):
            existing = Resident.objects.filter(phone=phone).first()
            if existing:
                residents.append(existing)
                continue
            language = languages[i % len(languages)]
            pool_key = language if language in FIRST_NAMES else "sv"
            first, last = name_unused(FIRST_NAMES[pool_key], LAST_NAMES[pool_key], i * 3, taken)
            district = district_list[i % len(district_list)]
            # Most picked from the register; every eighth typed as said on the phone and not
            # found (a number the register lacks): the district's centre, approximate.
            place = self.door_pick(rng, district) if i % 8 else None
            address = place.door if place else f"{STREETS[i % len(STREETS)]} {200 + i}"
            position = position_of(place, district)
            residents.append(
                Resident.objects.create(
                    phone=phone,
                    name=f"{first} {last}",
                    address=address,
                    place=place,
                    district=position.district,
                    lat=position.lat,
                    lon=position.lon,
                    position_approximate=position.approximate,
                    language=language,
                    is_70_plus=rng.random() < 0.8,
                    lives_alone=rng.random() < 0.5,
                    chronic_illness=rng.random() < 0.3,
                    no_internet=phone in RESIDENT_LANDLINES or rng.random() < 0.3,
                    consent_at=timezone.now(),
                    consent_version="2026-01",
                )
            )
        return residents

    def seed_requests(self, rng, residents, volunteers, operator) -> None:
        S = HelpRequest.Status
        plan = [
            S.NEW,
            S.NEW,
            S.NEW,
            S.MATCHING,
            S.MATCHING,
            S.OFFERED,
            S.OFFERED,
            S.OFFERED,
            S.ASSIGNED,
            S.ASSIGNED,
            S.ASSIGNED,
            S.ASSIGNED,
            S.DONE,
            S.DONE,
            S.DONE,
            S.DONE,
            S.CANCELLED,
            S.ESCALATED,
            S.ESCALATED,
        ]
        kinds = [k for k in HelpRequest.Kind if k not in HelpRequest.SENSITIVE_KINDS]
        for i, status in enumerate(plan):
            resident = residents[i % len(residents)]
            kind = kinds[i % len(kinds)]
            text = REQUEST_TEXTS[kind]
            if HelpRequest.objects.filter(resident=resident, kind=kind, task_text=text).exists():
                continue
            request = helprequest_create(
                resident=resident,
                kind=kind,
                task_text=text,
                urgency=rng.choice(list(HelpRequest.Urgency)),
                channel=rng.choice([HelpRequest.Channel.PHONE, HelpRequest.Channel.SMS]),
                actor=operator,
            )
            self.advance(rng, request, status, volunteers, operator)

        # A scheduled callback and a sensitive referral, so both queues have something in them.
        resident = residents[-1]
        if not HelpRequest.objects.filter(resident=resident, kind=HelpRequest.Kind.CALLBACK):
            callback = helprequest_create(
                resident=resident,
                kind=HelpRequest.Kind.CALLBACK,
                task_text="Veckovis avstämning: hur mår du?",
                actor=operator,
            )
            Callback.objects.create(
                request=callback,
                due_at=timezone.now() + timedelta(minutes=30),
                repeat_every_days=7,
            )
        resident = residents[1]
        if not HelpRequest.objects.filter(resident=resident, kind=HelpRequest.Kind.REFERRAL):
            referral = helprequest_create(
                resident=resident,
                kind=HelpRequest.Kind.REFERRAL,
                safe_callback_note="Ring vardagar 10–12. Lämna inget meddelande.",
                actor=operator,
            )
            referral_route(request=referral, concern=Concern.VIOLENCE, actor=operator)

    def seed_history(self, rng, residents, volunteers) -> None:
        """Requests met over the last weeks, so the needs page's daily chart shows a series.
        Written as their timeline says they went (created, offered, assigned, done), dated in
        the past; nobody is texted about the past."""
        if HelpRequest.objects.filter(created_at__lt=timezone.now() - timedelta(days=1)).exists():
            return
        S = HelpRequest.Status
        kinds = [
            k
            for k in HelpRequest.Kind
            if k in REQUEST_TEXTS and k not in HelpRequest.OPERATOR_KINDS
        ]
        now = timezone.now()
        # A resident with an open referral has every request kept from volunteers.
        referred = set(
            HelpRequest.objects.filter(
                sensitive=True, status__in=HelpRequest.OPEN_STATUSES
            ).values_list("resident_id", flat=True)
        )
        residents = [r for r in residents if r.pk not in referred]
        for days_ago in range(HISTORY_DAYS, 0, -1):
            for _ in range(rng.randint(1, 4)):
                resident = rng.choice(residents)
                kind = rng.choice(kinds)
                helpers = [v for v in volunteers if kind in v.skills]
                if not helpers:
                    continue
                volunteer = rng.choice(helpers)
                created = now - timedelta(days=days_ago, hours=rng.uniform(0, 9))
                matched = created + timedelta(minutes=rng.uniform(4, 240))
                closed = matched + timedelta(hours=rng.uniform(1, 30))
                request = helprequest_create(
                    resident=resident, kind=kind, task_text=REQUEST_TEXTS[kind]
                )
                offer = Offer.objects.create(
                    request=request,
                    volunteer=volunteer,
                    code=request.code,
                    status=Offer.Status.DONE,
                    responded_at=matched,
                    expires_at=created + timedelta(minutes=20),
                )
                Offer.objects.filter(pk=offer.pk).update(created_at=created)
                steps = [
                    (S.NEW, S.MATCHING, created),
                    (S.MATCHING, S.OFFERED, created),
                    (S.OFFERED, S.ASSIGNED, matched),
                    (S.ASSIGNED, S.DONE, closed),
                ]
                for before, after, at in steps:
                    TimelineEvent.objects.create(
                        request=request,
                        kind=TimelineEvent.Kind.STATUS,
                        actor_label="system",
                        from_status=before,
                        to_status=after,
                        at=at,
                    )
                request.timeline.filter(kind=TimelineEvent.Kind.CREATED).update(at=created)
                HelpRequest.objects.filter(pk=request.pk).update(
                    status=S.DONE,
                    assigned_volunteer=volunteer,
                    created_at=created,
                    closed_at=closed,
                    updated_at=closed,
                )

    def advance(self, rng, request, status, volunteers, operator) -> None:
        S = HelpRequest.Status
        if status == S.NEW:
            return
        if status == S.CANCELLED:
            helprequest_transition(
                request=request, to=S.CANCELLED, actor=operator, text="Löst på annat sätt."
            )
            return
        helprequest_transition(request=request, to=S.MATCHING, actor_label="system")
        if status == S.MATCHING:
            return
        if status == S.ESCALATED:
            helprequest_transition(
                request=request,
                to=S.ESCALATED,
                actor_label="system",
                escalation_reason="Ingen volontär i närheten svarade.",
            )
            return
        candidates = [v for v in volunteers if request.kind in v.skills and v.available]
        chosen = rng.sample(candidates, min(3, len(candidates)))
        for volunteer in chosen:
            Offer.objects.create(
                request=request,
                volunteer=volunteer,
                expires_at=timezone.now() + timedelta(minutes=20),
            )
            timeline_record(
                request=request,
                kind=TimelineEvent.Kind.OFFER_SENT,
                actor_label="system",
                text=str(volunteer),
            )
        helprequest_transition(request=request, to=S.OFFERED, actor_label="system")
        if status == S.OFFERED:
            return
        winner = chosen[0]
        Offer.objects.filter(request=request, volunteer=winner).update(
            status=Offer.Status.ACCEPTED, responded_at=timezone.now()
        )
        Offer.objects.filter(request=request).exclude(volunteer=winner).update(
            status=Offer.Status.WITHDRAWN
        )
        timeline_record(
            request=request, kind=TimelineEvent.Kind.OFFER_ACCEPTED, actor_label=winner.first_name
        )
        helprequest_transition(
            request=request, to=S.ASSIGNED, actor_label=winner.first_name, assigned_volunteer=winner
        )
        if status == S.DONE:
            Offer.objects.filter(request=request, volunteer=winner).update(status=Offer.Status.DONE)
            helprequest_transition(request=request, to=S.DONE, actor_label=winner.first_name)
