"""The resident's details as an operator completes or corrects them on a request's page."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import District, Language, Resident

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


class ResidentDetailsForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    is_70_plus = forms.BooleanField(label=_("70 or older"), required=False)
    lives_alone = forms.BooleanField(label=_("Lives alone"), required=False)
    chronic_illness = forms.BooleanField(label=_("Chronic illness"), required=False)
    no_internet = forms.BooleanField(label=_("No internet"), required=False)
    # Set by the button pressed; Enter submits the first, "save".
    then = forms.ChoiceField(choices=[(SAVE, SAVE), (MATCH, MATCH)], required=False)

    def __init__(self, *args, resident: Resident | None = None, **kwargs) -> None:
        if resident is not None:
            kwargs.setdefault(
                "initial",
                {field: getattr(resident, field) for field in DETAIL_FIELDS}
                | {"token": uuid.uuid4()},
            )
        kwargs.setdefault("auto_id", "resident-%s")
        super().__init__(*args, **kwargs)
        self.resident = resident

    def clean(self) -> dict:
        data = super().clean()
        # Matching looks around the resident's home, or without an address register around
        # the district's centre: with no district, only a position already known will do.
        if (
            data.get("then") == MATCH
            and "district" not in self.errors
            and not data.get("district")
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
        return {field: self.cleaned_data[field] for field in DETAIL_FIELDS}
