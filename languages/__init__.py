"""One pack per language: every word a resident or a volunteer types or hears in it.

A new language is one package here (a `PACK`, listed in BUILT_IN) plus its gettext catalogues;
or a pack registered at run time with `pack_register`. Every app reads its words from here:
the SMS keywords, volunteers' reply words, residents' need, cancel and danger phrases, the
language guess, the voice menu. The lowest layer: it imports no app, and only
languages.fields (the model field that holds a code) needs Django.
"""

from . import ar, en, fi, sv, tr
from .pack import OPTIONAL_FIELDS, LanguagePack
from .registry import (
    codes,
    language_choices,
    pack,
    pack_register,
    pack_unregister,
    packs,
    registry_version,
)

# In this order: it numbers the voice menu and breaks ties between languages' danger words.
BUILT_IN = (sv.PACK, en.PACK, ar.PACK, tr.PACK, fi.PACK)
# When a text does not tell its language, we write in both of these.
UNSURE = ("sv", "en")

for _built_in in BUILT_IN:
    pack_register(_built_in)

__all__ = [
    "BUILT_IN",
    "OPTIONAL_FIELDS",
    "UNSURE",
    "LanguagePack",
    "codes",
    "language_choices",
    "pack",
    "pack_register",
    "pack_unregister",
    "packs",
    "registry_version",
]
