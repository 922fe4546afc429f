"""The resident's details as an operator completes or corrects them on a request's page."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from languages import language_choices
from places.models import District

from .forms import address_input, place_clean
from .models import HelpRequest, Resident

# The resident fields an operator may set here (the phone number names the resident and is
# not edited; consent is given at intake).
DETAIL_FIELDS = (
    "name",
    "address",
    "district",
    "language",
    "is_70_plus",
    "lives_alone",
    "chronic_illness",
    "no_internet",
)
SAVE, MATCH = "save", "match"
# Kinds an operator cannot choose here: a referral is made from a danger text or at intake,
# a call for the support line from the callback queue.
VOLUNTEER_KINDS_EXCLUDED = HelpRequest.OPERATOR_KINDS


class ResidentDetailsForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    address = forms.CharField(
        label=_("Address"), max_length=200, required=False, widget=address_input("resident-%s")
    )
    # The id of the address picked from the register's suggestions; empty when typed.
    place = forms.CharField(required=False, widget=forms.HiddenInput)
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False
    )
    language = forms.ChoiceField(label=_("Language"), choices=language_choices)
    is_70_plus = forms.BooleanField(label=_("70 or older"), required=False)
    lives_alone = forms.BooleanField(label=_("Lives alone"), required=False)
    chronic_illness = forms.BooleanField(label=_("Chronic illness"), required=False)
    no_internet = forms.BooleanField(label=_("No internet"), required=False)
    # What the volunteer is told: a text or call from a new number leaves it empty, and a
    # volunteer is never offered a task without it.
    kind = forms.ChoiceField(label=_("What they need"), required=False)
    task_text = forms.CharField(
        label=_("Task for the volunteer"),
        max_length=300,
        required=False,
        help_text=_("What the volunteer reads in the offer. No health details."),
    )
    # Set by the button pressed; Enter submits the first, "save".
    then = forms.ChoiceField(choices=[(SAVE, SAVE), (MATCH, MATCH)], required=False)

    def __init__(
        self,
        *args,
        resident: Resident | None = None,
        request: HelpRequest | None = None,
        **kwargs,
    ) -> None:
        if resident is not None:
            initial = {field: getattr(resident, field) for field in DETAIL_FIELDS}
            initial["place"] = resident.place_id or ""
            if request is not None:
                initial |= {"kind": request.kind, "task_text": request.task_text}
            kwargs.setdefault("initial", initial | {"token": uuid.uuid4()})
        kwargs.setdefault("auto_id", "resident-%s")
        super().__init__(*args, **kwargs)
        self.resident = resident
        self.request = request
        if request is None or request.sensitive or request.kind == HelpRequest.Kind.CALLBACK:
            # A referral or a call for the support line keeps its kind and has no task.
            del self.fields["kind"], self.fields["task_text"]
        else:
            self.fields["kind"].choices = [
                (value, label)
                for value, label in HelpRequest.Kind.choices
                if value not in VOLUNTEER_KINDS_EXCLUDED
            ]

    def clean(self) -> dict:
        data = super().clean()
        place_clean(self, data)
        if (
            data.get("then") == MATCH
            and "task_text" in self.fields
            and not (data.get("task_text") or "").strip()
        ):
            self.add_error(
                "task_text", _("Write the task for the volunteer, so that the offer says it.")
            )
        # Matching looks around the resident's door, or for an address not in the register
        # around the district's centre: with neither, only a position already known will do.
        if (
            data.get("then") == MATCH
            and "district" not in self.errors
            and not data.get("district")
            and not data.get("place")
            and not self._position_kept(data)
        ):
            self.add_error(
                "district", _("Choose the district, so that volunteers nearby can be found.")
            )
        return data

    def _position_kept(self, data: dict) -> bool:
        resident = self.resident
        return bool(
            resident is not None
            and resident.lat is not None
            and resident.district_id is None
            and resident.address == data.get("address")
        )

    def details(self) -> dict:
        """The resident's fields, and the register entry picked for the address (or None)."""
        details = {field: self.cleaned_data[field] for field in DETAIL_FIELDS}
        return details | {"place": self.cleaned_data.get("place")}

    def task(self) -> dict:
        """The request's kind and task text, when this form has them."""
        if "task_text" not in self.fields:
            return {}
        data = self.cleaned_data
        return {"kind": data.get("kind") or self.request.kind, "task_text": data["task_text"]}
