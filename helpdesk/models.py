import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from languages.fields import LanguageField
from matching import kinds
from places.models import Address, District

# Draws of a new request code before giving up (each draw already avoids codes in use).
CODE_ATTEMPTS = 5


class Resident(models.Model):
    """Someone the support line helps. Personal data is minimised and can be anonymised."""

    phone = PhoneNumberField(unique=True, null=True, blank=True)
    name = models.CharField(max_length=120, blank=True)
    address = models.CharField(max_length=200, blank=True)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.SET_NULL)
    # The address picked from the register, whose door gives lat/lon. None when the address
    # was typed and matched nothing: then the position is the district's centre and
    # position_approximate says so.
    place = models.ForeignKey(
        Address, null=True, blank=True, on_delete=models.SET_NULL, related_name="residents"
    )
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    position_approximate = models.BooleanField(_("position approximate"), default=False)
    language = LanguageField(default=settings.LANGUAGE_CODE)

    is_70_plus = models.BooleanField(_("70 or older"), default=False)
    lives_alone = models.BooleanField(default=False)
    chronic_illness = models.BooleanField(default=False)
    no_internet = models.BooleanField(default=False)

    consent_at = models.DateTimeField(null=True, blank=True)
    consent_version = models.CharField(max_length=20, blank=True)
    # Operators only. Never sent to a volunteer, never in an SMS.
    internal_notes = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name or str(self.phone or _("Anonymous resident"))

    @property
    def risk_flags(self) -> list[str]:
        flags = [
            (self.is_70_plus, _("70+")),
            (self.lives_alone, _("lives alone")),
            (self.chronic_illness, _("chronic illness")),
            (self.no_internet, _("no internet")),
        ]
        return [str(label) for on, label in flags if on]


class InvalidTransition(ValidationError):
    pass


class HelpRequest(models.Model):
    # The registry of task kinds (matching.kinds) read as an enum: Kind.GROCERIES, .choices.
    Kind = kinds.Kind

    class Status(models.TextChoices):
        NEW = "new", _("New / triage")
        MATCHING = "matching", _("Matching")
        OFFERED = "offered", _("Offered")
        ASSIGNED = "assigned", _("Assigned")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")
        ESCALATED = "escalated", _("Escalated")

    class Urgency(models.IntegerChoices):
        LOW = 0, _("Within a few days")
        NORMAL = 1, _("Today or tomorrow")
        URGENT = 2, _("Urgent, within hours")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        SMS = "sms", _("SMS")
        VOICE = "voice", _("Voice menu")

    # Live views of the registry (matching.kinds): a kind registered later is in them too.
    HOME_VISIT_KINDS = kinds.HOME_VISIT_KINDS
    CONVERSATION_KINDS = kinds.CONVERSATION_KINDS
    SENSITIVE_KINDS = kinds.SENSITIVE_KINDS
    OPERATOR_KINDS = kinds.OPERATOR_KINDS
    # Why a request may not reach a volunteer, for the operator and the escalation reason.
    SENSITIVE_REASON = _(
        "Sensitive request: never offered to volunteers. Call back with the safe-callback note, "
        "or refer it to an organisation that takes sensitive cases."
    )
    OPEN_REFERRAL_REASON = _(
        "The resident has an open referral: the support line handles this request, never a "
        "volunteer."
    )

    TRANSITIONS = {
        Status.NEW: {
            Status.MATCHING,
            Status.ASSIGNED,
            Status.ESCALATED,
            Status.CANCELLED,
            Status.DONE,
        },
        Status.MATCHING: {Status.OFFERED, Status.ASSIGNED, Status.ESCALATED, Status.CANCELLED},
        Status.OFFERED: {Status.MATCHING, Status.ASSIGNED, Status.ESCALATED, Status.CANCELLED},
        Status.ASSIGNED: {Status.DONE, Status.MATCHING, Status.ESCALATED, Status.CANCELLED},
        Status.ESCALATED: {Status.MATCHING, Status.ASSIGNED, Status.DONE, Status.CANCELLED},
        Status.DONE: set(),
        Status.CANCELLED: set(),
    }
    # Waiting for an operator's call (a text from a new number, a lone HELP, a text that may
    # signal danger): an operator speaks to the resident first, so nothing matches it by itself.
    AWAITING_CALL = Q(callback__isnull=False, callback__done_at__isnull=True)
    OPEN_STATUSES = frozenset(
        {Status.NEW, Status.MATCHING, Status.OFFERED, Status.ASSIGNED, Status.ESCALATED}
    )

    code = models.CharField(max_length=8, unique=True, editable=False)
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="requests")
    # Copied from the resident at intake, so district figures survive anonymisation.
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.SET_NULL)
    # The kind's code; the choices are read from the registry, so no migration holds them.
    kind = models.CharField(max_length=kinds.KIND_MAX_LENGTH, choices=kinds.kind_choices)
    # What the volunteer is told. Kept apart from internal_notes, which never leave the office.
    task_text = models.CharField(_("task for the volunteer"), max_length=300, blank=True)
    internal_notes = models.TextField(blank=True)
    urgency = models.PositiveSmallIntegerField(choices=Urgency.choices, default=Urgency.NORMAL)
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.PHONE)
    language = LanguageField(default=settings.LANGUAGE_CODE)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    priority = models.FloatField(default=0, db_index=True)
    radius_km = models.FloatField(default=5.0)
    sensitive = models.BooleanField(default=False)
    # Never offered or given to a volunteer: set for a sensitive request, and for every open
    # request of a resident who has an open referral (helpdesk.referrals keeps it in step as
    # referrals open and close). The constraints below and on Offer make the database refuse
    # a volunteer for it, whichever code writes the row.
    operators_only = models.BooleanField(default=False, editable=False)
    # For referrals: when it is safe to call and whether a message may be left.
    safe_callback_note = models.CharField(max_length=300, blank=True)
    assigned_volunteer = models.ForeignKey(
        "matching.Volunteer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_requests",
    )
    # For referrals: the organisation that takes this sensitive case. Its coordinators see the
    # request (with the phone and safe-callback note); no volunteer ever does.
    routed_to = models.ForeignKey(
        "matching.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="routed_requests",
    )
    escalation_reason = models.CharField(max_length=300, blank=True)
    # A callback turned into another request (helpdesk.callbacks.callback_convert). The
    # resident hears about that request, and is never told that this one is "done".
    converted_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="converted_from",
    )
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # The intake form's one-time token: a double-submitted form finds the request the first
    # submit made instead of creating a second one. Unique, so the database is the guard.
    intake_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "-priority"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "new",
                        "matching",
                        "offered",
                        "assigned",
                        "done",
                        "cancelled",
                        "escalated",
                    ]
                ),
                name="helprequest_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="assigned") | Q(assigned_volunteer__isnull=False),
                name="helprequest_assigned_has_volunteer",
            ),
            models.CheckConstraint(
                condition=Q(assigned_volunteer__isnull=True)
                | Q(sensitive=False, operators_only=False),
                name="helprequest_sensitive_never_to_volunteer",
            ),
            models.CheckConstraint(
                condition=Q(sensitive=False) | Q(operators_only=True),
                name="helprequest_sensitive_is_operators_only",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="helprequest_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.code} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.kind in self.SENSITIVE_KINDS:
            self.sensitive = True
        if self.sensitive or (self._state.adding and self.resident_has_open_referral()):
            self.operators_only = True
        if self.code:
            return super().save(*args, **kwargs)
        # Two requests created at once can draw the same free code; the unique constraint
        # refuses the second, which then draws again instead of failing its whole intake.
        for _attempt in range(CODE_ATTEMPTS):
            self.code = self.new_code()
            try:
                with transaction.atomic(using=kwargs.get("using")):
                    return super().save(*args, **kwargs)
            except IntegrityError:
                taken = type(self).objects.filter(code=self.code).exists()
                self.code = ""
                if not taken:
                    raise  # another constraint: not ours to retry
        raise IntegrityError(f"no free request code after {CODE_ATTEMPTS} draws")

    @classmethod
    def new_code(cls) -> str:
        """A short numeric code for SMS: four digits while they last, then longer.

        The unique constraint is the real guard (see save()); this only makes collisions rare.
        """
        for digits in (4, 4, 4, 5, 5, 6, 6, 7, 8):
            code = str(secrets.randbelow(9 * 10 ** (digits - 1)) + 10 ** (digits - 1))
            if not cls.objects.filter(code=code).exists():
                return code
        raise RuntimeError("Could not find a free request code.")

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_home_visit(self) -> bool:
        return self.kind in self.HOME_VISIT_KINDS

    @property
    def is_conversation(self) -> bool:
        return self.kind in self.CONVERSATION_KINDS

    def resident_has_open_referral(self) -> bool:
        """Whether another open request of this resident is a referral (sensitive)."""
        return (
            type(self)
            .objects.filter(
                resident_id=self.resident_id, sensitive=True, status__in=self.OPEN_STATUSES
            )
            .exclude(pk=self.pk)
            .exists()
        )

    def operators_only_reason(self) -> str:
        """Why this request may never reach a volunteer (a lazy text, translated where it is
        shown), or "" when it may. The one rule that every offer and assignment checks
        (helpdesk.offers.operators_only_check)."""
        if self.sensitive or self.kind in self.SENSITIVE_KINDS:
            return self.SENSITIVE_REASON
        if self.operators_only or self.resident_has_open_referral():
            return self.OPEN_REFERRAL_REASON
        return ""

    def can_transition(self, to: str) -> bool:
        return to in self.TRANSITIONS.get(self.status, set())

    def check_transition(self, to: str) -> None:
        if not self.can_transition(to):
            raise InvalidTransition(
                _("A request that is %(current)s cannot become %(to)s."),
                code="invalid_transition",
                params={
                    "current": self.get_status_display(),
                    "to": self.Status(to).label if to in self.Status.values else to,
                },
            )


class Callback(models.Model):
    """A call the support line owes a resident. Claimed by one operator at a time."""

    request = models.OneToOneField(HelpRequest, on_delete=models.CASCADE, related_name="callback")
    due_at = models.DateTimeField(db_index=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claimed_callbacks",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=300, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    # A recurring check-in call: when one is done, the next is created this many days later.
    repeat_every_days = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"Callback for #{self.request.code} at {self.due_at:%Y-%m-%d %H:%M}"


class TimelineEvent(models.Model):
    """Who did what to a request, and when. The audit trail and the source of report figures."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status changed")
        NOTE = "note", _("Note")
        OFFER_SENT = "offer_sent", _("Offer sent")
        OFFER_ACCEPTED = "offer_accepted", _("Offer accepted")
        OFFER_DECLINED = "offer_declined", _("Offer declined")
        OFFER_EXPIRED = "offer_expired", _("Offer expired")
        OFFER_FAILED = "offer_failed", _("Offer not delivered")
        SMS_IN = "sms_in", _("SMS received")
        SMS_OUT = "sms_out", _("SMS sent")
        CALLBACK = "callback", _("Callback")
        ESCALATED = "escalated", _("Escalated")

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Who acted when it was not a logged-in user: "SMS", "system", a volunteer's first name.
    actor_label = models.CharField(max_length=80, blank=True)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    text = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["kind", "at"]),
            # Covers the report's questions per request: when created, when first assigned.
            models.Index(fields=["request", "kind", "to_status", "at"], name="timeline_report_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} #{self.request_id} {self.kind}"


class AccessLog(models.Model):
    """Who opened which resident's personal data, and when. Kept when the resident is deleted:
    the law asks us to be able to answer who saw what, so the resident's id stays as a number."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")
        DELETE = "delete", _("Deleted")
        ANONYMISE = "anonymise", _("Anonymised")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # The user name at the time, so the entry still reads right after the account is removed.
    username = models.CharField(max_length=150, blank=True)
    resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.SET_NULL, related_name="access_log"
    )
    resident_ref = models.PositiveBigIntegerField(db_index=True)
    action = models.CharField(max_length=12, choices=Action.choices)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} resident {self.resident_ref}"
        )


class BoardEvent(models.Model):
    """The board's outbox: one row per change operators see, written in the same transaction
    as the change. Its id is the event's version, so a board that misses one can tell, and any
    process (the web server relaying the worker's changes) can read what it missed."""

    at = models.DateTimeField(default=timezone.now)
    event = models.CharField(max_length=20)
    request = models.ForeignKey(
        HelpRequest, null=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    card = models.JSONField(default=dict)
    # Organisations whose coordinators may see this change; empty means operators only.
    organisation_ids = models.JSONField(default=list)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"v{self.pk} {self.event} #{self.card.get('code', '')}"
