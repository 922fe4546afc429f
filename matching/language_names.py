"""The languages volunteers speak, by name in the active language: more than the languages
we write in (a volunteer may speak Somali to a resident on the phone); a language pack's own
name for one we write in and have no name of ours for."""

from django.utils.translation import pgettext_lazy

import languages

LANGUAGE_NAMES = {
    "sv": pgettext_lazy("speaks …", "Swedish"),
    "en": pgettext_lazy("speaks …", "English"),
    "ar": pgettext_lazy("speaks …", "Arabic"),
    "tr": pgettext_lazy("speaks …", "Turkish"),
    "fi": pgettext_lazy("speaks …", "Finnish"),
    "so": pgettext_lazy("speaks …", "Somali"),
    "fa": pgettext_lazy("speaks …", "Persian"),
    "ku": pgettext_lazy("speaks …", "Kurdish"),
    "ti": pgettext_lazy("speaks …", "Tigrinya"),
    "pl": pgettext_lazy("speaks …", "Polish"),
    "bs": pgettext_lazy("speaks …", "Bosnian"),
    "es": pgettext_lazy("speaks …", "Spanish"),
}


def language_name(code: str) -> str:
    """A language volunteers may speak, by name: ours, else its language pack's own."""
    if code in LANGUAGE_NAMES:
        return str(LANGUAGE_NAMES[code])
    return languages.pack(code).name if code in languages.codes() else code
