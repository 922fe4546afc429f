from django import forms
from django.utils.translation import gettext_lazy as _

from matching.language_names import language_name
from matching.models import Capacity, Volunteer
from matching.volunteer_positions import Placing, address_placing, postcode_clean, volunteer_place
from notifications.phones import phone_is_mobile, phone_normalise
from places.models import District, postcode_text

from .models import HelpRequest


class VolunteerForm(forms.ModelForm):
    phone = forms.CharField(label=_("Mobile phone"), max_length=40)
    # Typed as the post writes it, "141 52"; saved as five digits.
    postcode = forms.CharField(label=_("Postcode"), max_length=12, required=False)

    class Meta:
        model = Volunteer
        fields = [
            "first_name",
            "last_name",
            "phone",
            "district",
            "address",
            "postcode",
            "languages",
            "skills",
            "vetted",
            "max_distance_km",
            "max_open_tasks",
        ]
        # The model's fields have no translated names: the form gives them.
        labels = {
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "district": _("District"),
            "address": _("Home address"),
            "languages": _("Languages"),
            "skills": _("Can help with"),
            "vetted": _("Vetted"),
            "max_distance_km": _("Max distance (km)"),
            "max_open_tasks": _("Max open tasks"),
        }
        help_texts = {
            "address": _(
                "Street and number, for matching by distance. Optional: without it, or when "
                "the address register does not know it, the volunteer is placed at the "
                "district's centre."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What saving did to the position, for the notice after save (None: untouched).
        self.placing: Placing | None = None
        self.fields["postcode"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        self.fields["address"].widget.attrs.update(autocomplete="off")
        if self.instance.pk:
            self.initial["phone"] = str(self.instance.phone)
            self.initial["postcode"] = postcode_text(self.instance.postcode)
            self.initial["languages"] = sorted(self.instance.languages)
            self.initial["skills"] = sorted(self.instance.skills)
        self.fields["district"].required = True
        self.fields["languages"].required = True
        # "5,0" in Swedish: typed and shown in the reader's number format.
        distance = self.fields["max_distance_km"]
        distance.localize = True
        distance.widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "auto-width"})
        distance.widget.is_localized = True
        # The languages' names in the reader's language (the model's are Swedish, as the
        # spreadsheet's are).
        self.fields["languages"].choices = [
            (code, language_name(code)) for code, _name in self.fields["languages"].choices
        ]

    def clean_phone(self) -> str:
        phone = phone_normalise(self.cleaned_data["phone"])
        if not phone_is_mobile(phone):
            raise forms.ValidationError(_("Volunteers get offers by SMS: enter a mobile number."))
        taken = Volunteer.objects.filter(phone=phone).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("This number is already registered as a volunteer."))
        return phone

    def clean_postcode(self) -> str:
        postcode = postcode_clean(self.cleaned_data["postcode"])
        if postcode is None:
            raise forms.ValidationError(_("A postcode is five digits, such as 141 52."))
        return postcode

    def save(self, commit: bool = True) -> Volunteer:
        volunteer = super().save(commit=False)
        district: District = self.cleaned_data["district"]
        # The door of the address when the register knows it, else the district's centre
        # (approximate); again whenever the address or the district changes.
        if volunteer.lat is None or {"district", "address", "postcode"} & set(self.changed_data):
            self.placing = address_placing(
                address=volunteer.address, postcode=volunteer.postcode, district=district
            )
            volunteer_place(volunteer, self.placing)
        if commit:
            volunteer.save()
        return volunteer


class CapacityForm(forms.ModelForm):
    class Meta:
        model = Capacity
        fields = ["kind", "district", "per_week"]
        labels = {"kind": _("Task"), "district": _("District"), "per_week": _("Per week")}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        self.fields["kind"].choices = [
            (k.value, k.label)
            for k in HelpRequest.Kind
            if k not in HelpRequest.SENSITIVE_KINDS or organisation.takes_sensitive_cases
        ]
        self.fields["district"].empty_label = _("All districts we serve")

    def clean(self):
        data = super().clean()
        clash = Capacity.objects.filter(
            organisation=self.organisation, kind=data.get("kind"), district=data.get("district")
        ).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("Capacity for this task and district is already declared; change that row.")
            )
        return data


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Volunteer list (CSV)"))
