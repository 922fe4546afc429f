"""A model field that holds a language pack's code.

The choices are not frozen into migrations: the field validates against the registry and
its form field asks the registry when it is built, so a language is added by a pack alone.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .registry import codes, language_choices


def language_validate(code: str) -> None:
    if code not in codes():
        raise ValidationError(
            _("We have no language pack for “%(code)s”."), code="language", params={"code": code}
        )


class LanguageField(models.CharField):
    default_validators = [language_validate]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 8)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        defaults = {
            "choices": language_choices,
            "required": not self.blank,
            "label": capfirst(self.verbose_name),
            "help_text": self.help_text,
        }
        if self.has_default():
            defaults["initial"] = self.get_default()
        return forms.ChoiceField(**{**defaults, **kwargs})
