from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """One SMS, in or out. The row is written before the provider is called, so nothing is lost.

    Outbound statuses, in the order a message moves through them:

    - queued: stored, a send task is enqueued (or will be, by the sweep).
    - sending: a worker has claimed the row and is talking to the provider. A worker that
      dies here leaves the row behind; `sms_sweep` puts it back to queued after a lease.
    - sent: the provider accepted it and gave us its id.
    - delivered: the handset confirmed it (a status callback).
    - undelivered / failed: the provider gave up; error_code says why.
    - refused: we never sent it (opted-out number, landline, invalid number).

    Inbound messages are `received`; provider_id holds Twilio's MessageSid, unique per
    direction, so a repeated webhook finds its row, and claimed_at marks the one time its
    handlers ran.

    Status callbacks may come late, twice or out of order, so a status only ever moves to a
    higher rank (see STATUS_RANK).
    """

    class Direction(models.TextChoices):
        INBOUND = "in", _("Inbound")
        OUTBOUND = "out", _("Outbound")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        UNDELIVERED = "undelivered", _("Undelivered")
        FAILED = "failed", _("Failed")
        REFUSED = "refused", _("Refused")
        RECEIVED = "received", _("Received")

    STATUS_RANK = {
        Status.QUEUED: 0,
        Status.SENDING: 1,
        Status.SENT: 2,
        Status.DELIVERED: 3,
        Status.UNDELIVERED: 3,
        Status.FAILED: 3,
        Status.REFUSED: 3,
        Status.RECEIVED: 3,
    }
    FINAL_STATUSES = {Status.DELIVERED, Status.UNDELIVERED, Status.FAILED, Status.REFUSED}

    direction = models.CharField(max_length=3, choices=Direction.choices)
    # Inbound `From` may be anything a network sends, so this is text, normalised where valid.
    phone = models.CharField(max_length=64, db_index=True)
    body = models.TextField(blank=True)
    language = models.CharField(max_length=8, blank=True)
    # Unique per direction (see Meta): an outbound row's Sid, stored from a status callback,
    # must never make an inbound message with the same Sid look like a repeat of it.
    provider_id = models.CharField(max_length=64, null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    status_rank = models.PositiveSmallIntegerField(default=0)
    error_code = models.CharField(max_length=16, blank=True)
    error_message = models.CharField(max_length=255, blank=True)
    segments = models.PositiveSmallIntegerField(default=1)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # When the pending task is due (a retry waits out its backoff); the sweep looks past it.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)

    about_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "claimed_at"]),
            models.Index(fields=["about_type", "about_id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "provider_id"], name="message_provider_id_per_direction"
            ),
        ]

    def __str__(self) -> str:
        arrow = "→" if self.direction == self.Direction.OUTBOUND else "←"
        return f"{arrow} {self.phone}: {self.body[:40]}"

    def save(self, *args, **kwargs):
        self.status_rank = self.STATUS_RANK.get(self.status, 0)
        super().save(*args, **kwargs)

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATUSES


class OptOut(models.Model):
    """Opt-out state per number, kept here because Twilio's own list is invisible to operators."""

    phone = models.CharField(max_length=20, unique=True)
    opted_out = models.BooleanField(default=True)
    keyword = models.CharField(max_length=32, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.phone}: {'opted out' if self.opted_out else 'opted in'}"


class SweepSchedule(models.Model):
    """The next run of a periodic task that reschedules itself. Only the task enqueued for
    `next_run_at` may continue the chain, so duplicates die out instead of multiplying."""

    name = models.CharField(max_length=40, unique=True)
    next_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.next_run_at:%Y-%m-%d %H:%M:%S}"


class WorkerHeartbeat(models.Model):
    """One row per background worker process, stamped every WORKER_HEARTBEAT_INTERVAL seconds
    while it runs (notifications.health). `/readyz` and `/metrics` read the newest beat: a
    worker that stopped, hung or lost the database stops beating."""

    worker_id = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
