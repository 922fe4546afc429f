"""Phone numbers in, E.164 out. Every number that enters the system goes through here."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def phone_parse(raw: str) -> phonenumbers.PhoneNumber:
    """Parse any human format ("070-123 45 67", "+46 70 123 45 67", "0046701234567").

    Raises ValidationError with a message an operator can act on.
    """
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter a phone number."), code="empty")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("“%(raw)s” is not a phone number."), code="invalid", params={"raw": raw[:40]}
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(raw)s” is not a valid phone number."), code="invalid", params={"raw": raw[:40]}
        )
    return number


def phone_normalise(raw: str) -> str:
    """The E.164 form of `raw`, or ValidationError."""
    return phonenumbers.format_number(phone_parse(raw), phonenumbers.PhoneNumberFormat.E164)


def phone_try_normalise(raw: str) -> str | None:
    """The E.164 form of `raw`, or None for anything that is not a valid number."""
    try:
        return phone_normalise(raw)
    except ValidationError:
        return None


def phone_is_mobile(e164: str) -> bool:
    """True when the number can receive SMS. Landlines get calls, never texts."""
    try:
        number = phonenumbers.parse(str(e164), None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in MOBILE_TYPES


def phone_display(e164: str) -> str:
    """National format for Swedish numbers, international for the rest."""
    try:
        number = phonenumbers.parse(str(e164), None)
    except phonenumbers.NumberParseException:
        return str(e164)
    region = phonenumbers.region_code_for_number(number)
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if region == settings.PHONENUMBER_DEFAULT_REGION
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def phone_mask(e164: str) -> str:
    """For logs: keeps the country code and the last two digits."""
    text = str(e164 or "")
    if len(text) <= 5:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 5) + text[-2:]
