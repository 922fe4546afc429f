import datetime
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from languages import language_choices
from matching.kinds import kind_phrase, kind_urgency
from matching.models import Organisation
from notifications.phones import phone_normalise
from places.models import District

from .models import HelpRequest
from .resident_places import place_read
from .safety import danger_read

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

# The time window as the caller says it; "a time" opens the two pickers.
WHEN_CHOICES = [
    ("", _("Any time")),
    ("today", _("Today")),
    ("tomorrow", _("Tomorrow")),
    ("week", _("This week")),
    ("time", _("A time")),
]


def window_for(when: str, now: datetime.datetime | None = None) -> tuple:
    """The window a quick choice stands for, in local time: today from now until 20:00,
    tomorrow 08:00-20:00, this week from now until Sunday 20:00."""
    now = timezone.localtime(now)
    evening = now.replace(hour=20, minute=0, second=0, microsecond=0)
    if when == "today":
        return now, max(evening, now + datetime.timedelta(hours=1))
    if when == "tomorrow":
        morning = now.replace(hour=8, minute=0, second=0, microsecond=0)
        return morning + datetime.timedelta(days=1), evening + datetime.timedelta(days=1)
    if when == "week":
        sunday = evening + datetime.timedelta(days=6 - now.weekday())
        return now, max(sunday, now + datetime.timedelta(hours=1))
    return None, None


class KindSelect(forms.Select):
    """Each kind carries its phrase and default urgency: intake.js fills in the task and the
    urgency from them, so a plain request needs no typing beyond the kind."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["data-phrase"] = kind_phrase(value)
            option["attrs"]["data-urgency"] = kind_urgency(value)
        return option


# Kinds the support line handles itself: no task for a volunteer to read.
OPERATOR_KINDS = HelpRequest.OPERATOR_KINDS


def kind_choices(kinds=None) -> list[tuple[str, str]]:
    """A blank choice first: the operator picks the kind, nothing picks it for them."""
    chosen = [c for c in HelpRequest.Kind.choices if kinds is None or c[0] in kinds]
    return [("", _("Choose the kind of help")), *chosen]


# What intake may set on a resident (besides phone and consent).
RESIDENT_FIELDS = (
    "name",
    "address",
    "district",
    "language",
    "is_70_plus",
    "lives_alone",
    "chronic_illness",
    "no_internet",
)


def address_input(auto_id: str) -> forms.TextInput:
    """The address field, which address.js turns into a list of the register's suggestions
    as it is typed: a pick fills the hidden `place` and the district; the texts here are
    what the list says to the operator and to a screen reader."""
    return forms.TextInput(
        attrs={
            "autocomplete": "off",
            "spellcheck": "false",
            "data-suggest": reverse_lazy("address_suggest"),
            "data-place": auto_id % "place",
            "data-district": auto_id % "district",
            "data-list-label": _("Addresses in the register"),
            "data-found-one": _("1 address in the register. Arrow down to choose."),
            "data-found-many": _("%(n)s addresses in the register. Arrow down to choose."),
            "data-found-none": _(
                "Not in the register: saved as typed, position approximate (district centre)."
            ),
            "data-picked": _("From the register: the position is the door."),
        }
    )


def place_clean(form: forms.Form, data: dict) -> None:
    """Read the hidden `place` into data["place"] (an Address or None). A pick the register
    no longer has is said on the address field and emptied, so the form shown again does not
    send it a second time; the address text is kept."""
    place, error = place_read(data.get("place") or "", data.get("address") or "")
    if error:
        form.add_error("address", error)
        form.data = form.data.copy()
        form.data[form.add_prefix("place")] = ""
    data["place"] = place


class IntakeForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "tel", "autofocus": True}
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    address = forms.CharField(
        label=_("Address"), max_length=200, required=False, widget=address_input("id_%s")
    )
    # The id of the address picked from the register's suggestions; empty when typed.
    place = forms.CharField(required=False, widget=forms.HiddenInput)
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=language_choices, initial=settings.LANGUAGE_CODE
    )
    is_70_plus = forms.BooleanField(label=_("70 or older"), required=False)
    lives_alone = forms.BooleanField(label=_("Lives alone"), required=False)
    chronic_illness = forms.BooleanField(label=_("Chronic illness"), required=False)
    no_internet = forms.BooleanField(label=_("No internet"), required=False)
    kind = forms.ChoiceField(label=_("Kind of help"), choices=kind_choices, widget=KindSelect)
    when = forms.ChoiceField(
        label=_("When"), choices=WHEN_CHOICES, required=False, initial="", widget=forms.RadioSelect
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgency"),
        choices=HelpRequest.Urgency.choices,
        coerce=int,
        initial=HelpRequest.Urgency.NORMAL,
    )
    window_start = forms.DateTimeField(label=_("From"), required=False, widget=DATETIME)
    window_end = forms.DateTimeField(label=_("Until"), required=False, widget=DATETIME)
    task_text = forms.CharField(
        label=_("Task for the volunteer"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent to the volunteer. No health details."),
    )
    internal_notes = forms.CharField(
        label=_("Internal notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Never sent to anyone."),
    )
    safe_callback_note = forms.CharField(
        label=_("Safe callback note"),
        max_length=300,
        required=False,
        help_text=_("Referrals: when it is safe to call, whether a message may be left."),
    )
    # The values are helpdesk.safety.Concern's (a test holds the two together).
    concern = forms.ChoiceField(
        label=_("What is it about"),
        choices=[("", _("Not chosen: read from what is written")), *Organisation.Concern.choices],
        required=False,
        help_text=_("Referrals: decides the organisation the case goes to."),
    )
    consent = forms.BooleanField(label=_("The resident agrees that we store these details"))
    send_summary = forms.BooleanField(
        label=_("Send the resident an SMS summary"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].help_text = _("Consent wording version %(version)s") % {
            "version": settings.CONSENT_VERSION
        }
        # intake.js shows the choice only for these kinds.
        self.fields["concern"].widget.attrs["data-kinds"] = " ".join(HelpRequest.SENSITIVE_KINDS)

    def clean_phone(self) -> str:
        return phone_normalise(self.cleaned_data["phone"])

    def clean(self) -> dict:
        data = super().clean()
        place_clean(self, data)
        if data.get("when") in ("today", "tomorrow", "week"):
            data["window_start"], data["window_end"] = window_for(data["when"])
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end <= start:
            self.add_error("window_end", _("The window must end after it starts."))
        kind = data.get("kind")
        if kind and kind not in OPERATOR_KINDS and not data.get("task_text", "").strip():
            self.add_error("task_text", _("Say what the volunteer is to do."))
        if kind in HelpRequest.SENSITIVE_KINDS and not data.get("safe_callback_note"):
            self.add_error(
                "safe_callback_note", _("Say when it is safe to call before saving a referral.")
            )
        if kind not in HelpRequest.SENSITIVE_KINDS:
            # Left over from choosing a referral first: the field was hidden, the choice is void.
            data["concern"] = ""
            written = " ".join(filter(None, (data.get("task_text"), data.get("internal_notes"))))
            danger = danger_read(written)
            if kind and danger is not None and danger.certain:
                # The same reading an SMS gets: what reads as danger never goes to a volunteer.
                self.add_error(
                    "kind",
                    _(
                        "What is written reads as danger. Choose Referral: it goes to the support "
                        "line and the organisation that takes such cases, never to a volunteer."
                    ),
                )
        return data

    def resident_data(self) -> dict:
        """The resident's fields, and the register entry picked for the address (or None)."""
        data = {f: self.cleaned_data[f] for f in RESIDENT_FIELDS}
        return data | {"place": self.cleaned_data.get("place")}


class TextResidentForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=600, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=500)


class RescheduleForm(forms.Form):
    due_at = forms.DateTimeField(label=_("New time"), widget=DATETIME)
    outcome = forms.CharField(label=_("Outcome"), max_length=300, required=False)

    def clean_due_at(self):
        due_at = self.cleaned_data["due_at"]
        # A minute's grace for the time it took to type; a time past is a slip of the finger.
        if due_at < timezone.now() - datetime.timedelta(minutes=1):
            raise forms.ValidationError(_("Choose a time that has not passed."), code="past")
        return due_at


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), max_length=300)


class ConvertForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of help"),
        choices=lambda: kind_choices(set(HelpRequest.Kind) - {HelpRequest.Kind.CALLBACK}),
    )
    # A referral's call can only stay a referral (callbacks.callback_convert says so too).
    referral_choices = kind_choices(HelpRequest.SENSITIVE_KINDS)[1:]
    task_text = forms.CharField(label=_("Task for the volunteer"), max_length=300)


def phone_error(raw: str) -> str | None:
    try:
        phone_normalise(raw)
    except ValidationError as error:
        return error.messages[0]
    return None
