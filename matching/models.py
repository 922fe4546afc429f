from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

import languages
from helpdesk.models import HelpRequest
from languages.fields import LanguageField
from places.models import Address, District

from . import kinds
from .fields import CodeSetField, LatCell, PostcodeField
from .language_names import language_name

# Languages volunteers speak. Residents are written to in the languages of the packs (the
# package `languages`), but a conversation (a callback, a phone friend) can be in any of these.
SPOKEN_LANGUAGES = [
    ("sv", "svenska"),
    ("en", "engelska"),
    ("ar", "arabiska"),
    ("tr", "turkiska"),
    ("fi", "finska"),
    ("so", "somaliska"),
    ("fa", "persiska"),
    ("ku", "kurdiska"),
    ("ti", "tigrinja"),
    ("pl", "polska"),
    ("bs", "bosniska"),
    ("es", "spanska"),
]


def spoken_language_choices():
    """SPOKEN_LANGUAGES and every language pack's language, so a volunteer can be matched to
    a resident in a language added by a pack alone."""
    listed = {code for code, _name in SPOKEN_LANGUAGES}
    return SPOKEN_LANGUAGES + [(p.code, p.name) for p in languages.packs() if p.code not in listed]


def referral_concern_choices():
    return Organisation.Concern.choices


def skill_choices():
    return kinds.skill_choices()


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NGO = "ngo", _("NGO")
        FAITH = "faith", _("Faith community")
        SPORTS = "sports", _("Sports club")
        MUNICIPAL = "municipal", _("Municipal unit")
        SHELTER = "shelter", _("Shelter")
        YOUTH = "youth", _("Youth helpline")

    class Concern(models.TextChoices):
        """The kinds of sensitive case an organisation takes; helpdesk.safety.Concern reads
        the same values from residents' texts."""

        VIOLENCE = "violence", _("Violence or threats")
        SEXUAL = "sexual", _("Sexual violence")
        ELDER_ABUSE = "elder_abuse", _("Abuse of an older person")
        YOUTH = "youth", _("A child or young person")
        SELF_HARM = "self_harm", _("Suicidal thoughts or self-harm")

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    districts = models.ManyToManyField(District, blank=True, related_name="organisations")
    languages = CodeSetField(choices_source=spoken_language_choices)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="coordinated_organisations"
    )
    takes_sensitive_cases = models.BooleanField(
        default=False,
        help_text=_("Receives shelter and youth-helpline referrals. Never volunteers by SMS."),
    )
    # Which referrals come here first. A sensitive organisation listing none takes any kind
    # after those that list it; the municipal line is the fallback (helpdesk.safety).
    referral_concerns = CodeSetField(
        _("referral concerns"),
        choices_source=referral_concern_choices,
        help_text=_("The kinds of sensitive case this organisation takes first."),
    )
    contact_phone = PhoneNumberField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Capacity(models.Model):
    """What an organisation declares it can take on per week, per task kind and district."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="capacities"
    )
    kind = models.CharField(max_length=kinds.KIND_MAX_LENGTH, choices=kinds.kind_choices)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.CASCADE)
    per_week = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "capacities"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "district"], name="capacity_unique_per_district"
            ),
            models.UniqueConstraint(
                fields=["organisation", "kind"],
                condition=Q(district__isnull=True),
                name="capacity_unique_all_districts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.per_week}/week {self.kind}"


def volunteer_name(first_name: str, last_name: str) -> str:
    return f"{first_name} {last_name}".strip()


class Volunteer(models.Model):
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60, blank=True)
    phone = PhoneNumberField(unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="volunteers"
    )
    languages = CodeSetField(choices_source=spoken_language_choices)
    skills = CodeSetField(choices_source=skill_choices)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.SET_NULL)
    # Home address as given, and the register's entry it was found as (its door gives
    # lat/lon). Not found: the district's centre, and position_approximate says so.
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = PostcodeField(_("postcode"))  # digits: "14152"
    place = models.ForeignKey(
        Address, null=True, blank=True, on_delete=models.SET_NULL, related_name="volunteers"
    )
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    position_approximate = models.BooleanField(_("position approximate"), default=False)
    # A 0.01° band of latitude (about 1.1 km), kept by the database. With (lat_cell, lon)
    # indexed (see Meta), a bounding box becomes a few short index ranges on SQLite too,
    # which otherwise uses an index for one of latitude or longitude only.
    lat_cell = models.GeneratedField(
        expression=LatCell("lat"), output_field=models.IntegerField(), db_persist=True
    )
    # The language offers and replies are written in: one of the language packs.
    language = LanguageField(_("SMS language"), default=settings.LANGUAGE_CODE)
    max_distance_km = models.FloatField(default=5.0)
    max_open_tasks = models.PositiveSmallIntegerField(default=2)
    is_active = models.BooleanField(default=True)
    paused = models.BooleanField(default=False)
    vetted = models.BooleanField(
        default=False, help_text=_("Background-checked; needed for home visits.")
    )
    opted_out = models.BooleanField(default=False)
    last_task_at = models.DateTimeField(null=True, blank=True)
    # The response record, a soft signal in ranking: offers received, and how many of them
    # got an answer (accept or decline) before they expired.
    offers_received = models.PositiveIntegerField(default=0)
    offers_answered = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["first_name", "last_name"]
        indexes = [
            # The ranking's box query (matching.search) reads ranges of (lat_cell, lon) and
            # every other column it needs from this index alone, without visiting the
            # table: a dense town's box holds a thousand volunteers on as many pages.
            models.Index(
                fields=[
                    "lat_cell",
                    "lon",
                    "lat",
                    "id",
                    "is_active",
                    "paused",
                    "opted_out",
                    "vetted",
                    "skills",
                    "languages",
                    "max_distance_km",
                    "offers_received",
                    "offers_answered",
                    "last_task_at",
                ],
                name="volunteer_box",
            )
        ]

    def __str__(self) -> str:
        return volunteer_name(self.first_name, self.last_name)

    @property
    def available(self) -> bool:
        return self.is_active and not self.paused and not self.opted_out

    @property
    def languages_text(self) -> str:
        """The languages in words, in the active language ("svenska, tigrinja")."""
        return ", ".join(sorted(language_name(code) for code in self.languages))

    @property
    def skills_text(self) -> str:
        """The task kinds in words, in the active language ("Matinköp, Telefonvän")."""
        labels = dict(skill_choices())
        return ", ".join(sorted(str(labels.get(code, code)) for code in self.skills))


class Offer(models.Model):
    """A request offered to one volunteer by SMS. First accept wins; the database makes sure."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        FAILED = "failed", _("Not delivered")
        DONE = "done", _("Done")

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="offers")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="offers")
    wave = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # What the volunteer types back ("1 4821"). The request's code: unique among a
    # volunteer's offers for different requests.
    code = models.CharField(max_length=8)
    score = models.FloatField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    # The request's operators_only, copied from the database on every save and kept in step
    # by helpdesk.referrals. No default: an insert that does not say it is refused, and with
    # it the constraint below lets the database refuse a live offer for an operators-only
    # request however the row is written.
    request_operators_only = models.BooleanField(editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(request_operators_only=False) | ~Q(status__in=["pending", "accepted"]),
                name="offer_never_live_for_operators_only",
            ),
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status__in=["accepted", "done"]),
                name="offer_one_accepted_per_request",
            ),
            models.UniqueConstraint(
                fields=["request", "volunteer"], name="offer_once_per_volunteer"
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "status"])]

    def __str__(self) -> str:
        return f"Offer #{self.code} to {self.volunteer} ({self.status})"

    def save(self, *args, **kwargs):
        if not self.code:
            self.code = self.request.code
        # Read from the row, not the caller's copy, which may predate a referral.
        self.request_operators_only = bool(
            HelpRequest.objects.filter(pk=self.request_id)
            .values_list("operators_only", flat=True)
            .first()
        )
        super().save(*args, **kwargs)
