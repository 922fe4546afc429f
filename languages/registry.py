"""The registry of language packs: the built-in ones, and any registered at run time.

Readers that build tables from the packs (keywords, reply words, danger rules) key their
caches on `registry_version()`, so a pack registered later is read by all of them.
"""

from .pack import LanguagePack

_PACKS: dict[str, LanguagePack] = {}
_version = 0


def pack_register(language: LanguagePack) -> LanguagePack:
    """Add (or replace) a pack. The order of registration breaks ties between languages."""
    global _version
    _PACKS[language.code] = language
    _version += 1
    return language


def pack_unregister(code: str) -> None:
    global _version
    if _PACKS.pop(code, None) is not None:
        _version += 1


def pack(code: str) -> LanguagePack:
    """The pack for `code`; KeyError for a language we do not write in."""
    return _PACKS[code]


def packs() -> tuple[LanguagePack, ...]:
    return tuple(_PACKS.values())


def codes() -> tuple[str, ...]:
    return tuple(_PACKS)


def language_choices() -> list[tuple[str, str]]:
    """(code, name) for forms, in registry order."""
    return [(p.code, p.name) for p in _PACKS.values()]


def registry_version() -> int:
    return _version
