"""The one registry of task kinds: what each kind of help is, for every part of the code.

A kind is one `TaskKind` entry: its code (what the database holds), its label, the skill a
volunteer needs to be offered it, whether the volunteer goes into the home (vetted
volunteers only) or holds a conversation (a shared language), whether it never reaches a
volunteer at all, its default urgency and the phrase a volunteer reads in an offer. Adding
a kind is one `kind_register` call here, plus its words in the language packs (the phrases
a resident types) and its label in the catalogues.

Model fields hold the code and take their choices from `kind_choices` and
`skill_choices`, callables, so no migration freezes the list. `HelpRequest.Kind` is the
registry seen as an enum (`Kind.GROCERIES == "groceries"`), and its kind sets
(`HelpRequest.HOME_VISIT_KINDS`, ...) are live views of it, so a kind registered at run
time (`kind_registered` in a test) is everywhere at once.

This module imports no model: `helpdesk.models` builds on it.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# HelpRequest.Urgency's values; the enum lives with the model, these are its numbers.
URGENCY_LOW, URGENCY_NORMAL, URGENCY_URGENT = 0, 1, 2
# The longest code the model fields hold.
KIND_MAX_LENGTH = 16


@dataclass(frozen=True)
class TaskKind:
    code: str
    label: str | Promise
    # The skill a volunteer must list to be offered it: usually the kind's own code; "" for a
    # kind no volunteer is ever offered.
    skill: str = ""
    # The volunteer goes into the home (or the car): only vetted volunteers get it.
    home_visit: bool = False
    # A conversation: volunteer and resident need a shared language.
    conversation: bool = False
    # Never offered to volunteers: routed to organisations that take sensitive cases.
    sensitive: bool = False
    # Handled by the support line itself: no task text for a volunteer to read.
    by_operators: bool = False
    # The volunteer the resident already knows counts for more (a phone friend).
    continuity: bool = False
    urgency: int = URGENCY_NORMAL
    # What a volunteer reads in an offer ("Samhjälp #4821: <phrase>, ..."); the label if
    # not given.
    offer_phrase: str | Promise | None = None
    # What the resident reads of it in their confirmation ("we will find someone for
    # <phrase>"); nothing is named when not given.
    resident_phrase: str | Promise | None = None
    # Where it comes when a resident's text is read for its need (lower first: a text naming
    # several needs gets the first); None: never read from a text. The words are the language
    # packs' need phrases for its code.
    read_rank: int | None = 100

    @property
    def name(self) -> str:
        """The enum-style name: `HelpRequest.Kind.PHONE_FRIEND`."""
        return self.code.upper()

    @property
    def for_volunteers(self) -> bool:
        """Whether any volunteer may ever be offered it."""
        return bool(self.skill) and not self.sensitive

    @property
    def phrase(self) -> str | Promise:
        return self.offer_phrase if self.offer_phrase is not None else self.label


_KINDS: dict[str, TaskKind] = {}
_version = 0


def kind_register(kind: TaskKind) -> TaskKind:
    global _version
    if kind.code in _KINDS:
        raise ValueError(f"task kind {kind.code!r} is registered already")
    if len(kind.code) > KIND_MAX_LENGTH:
        raise ValueError(f"task kind code {kind.code!r} is longer than {KIND_MAX_LENGTH}")
    _KINDS[kind.code] = kind
    _version += 1
    return kind


def kind_unregister(code: str) -> None:
    global _version
    if _KINDS.pop(code, None) is not None:
        _version += 1


def kinds_version() -> int:
    """Counts registrations, so tables built from the registry know when to build again."""
    return _version


@contextmanager
def kind_registered(kind: TaskKind) -> Iterator[TaskKind]:
    """A kind that exists only inside the block: for tests of a kind added at run time."""
    kind_register(kind)
    try:
        yield kind
    finally:
        kind_unregister(kind.code)


def kind_get(code: str) -> TaskKind | None:
    return _KINDS.get(str(code))


def kind_phrase(code: str) -> str:
    """What a volunteer reads for this kind in an offer, in the active language."""
    kind = kind_get(code)
    return str(kind.phrase) if kind else str(code)


def kind_urgency(code: str) -> int:
    """The urgency a request of this kind gets when nobody says."""
    kind = kind_get(code)
    return kind.urgency if kind else URGENCY_NORMAL


def kinds_all() -> list[TaskKind]:
    return list(_KINDS.values())


def kinds_read() -> tuple[str, ...]:
    """The kinds a resident's text is read for, in the order they are tried."""
    ranked = [k for k in _KINDS.values() if k.read_rank is not None]
    return tuple(k.code for k in sorted(ranked, key=lambda k: k.read_rank))


def kind_resident_phrase(code: str) -> str:
    """What a resident reads of this kind, in the active language ("" when nothing)."""
    kind = kind_get(code)
    return str(kind.resident_phrase) if kind and kind.resident_phrase else ""


def kind_choices() -> list[tuple[str, str | Promise]]:
    """Every kind as a model or form choice, in registry order."""
    return [(k.code, k.label) for k in _KINDS.values()]


def skill_choices() -> list[tuple[str, str | Promise]]:
    """The skills a volunteer can list: one per skill any volunteer kind needs, labelled by
    the kind of that code (else the first kind that needs it)."""
    labels: dict[str, str | Promise] = {}
    for kind in _KINDS.values():
        if kind.for_volunteers:
            own = kind_get(kind.skill)
            labels.setdefault(kind.skill, own.label if own else kind.label)
    return list(labels.items())


class KindCode(str):
    """A kind's code that also answers `.value` and `.label`, as a TextChoices member does."""

    @property
    def value(self) -> str:
        return str(self)

    @property
    def label(self) -> str | Promise:
        kind = kind_get(self)
        return kind.label if kind else str(self)

    @property
    def kind(self) -> TaskKind | None:
        return kind_get(self)


class _KindEnumType(type):
    """The registry read as `HelpRequest.Kind`: members by name, `choices`, `values`,
    iteration and `in`, always as registered now."""

    def __getattr__(cls, name: str) -> KindCode:
        code = name.lower()
        if name.isupper() and code in _KINDS:
            return KindCode(code)
        raise AttributeError(name)

    def __iter__(cls) -> Iterator[KindCode]:
        return iter([KindCode(code) for code in _KINDS])

    def __len__(cls) -> int:
        return len(_KINDS)

    def __contains__(cls, value) -> bool:
        return str(value) in _KINDS

    def __call__(cls, value) -> KindCode:
        if str(value) not in _KINDS:
            raise ValueError(f"{value!r} is not a task kind")
        return KindCode(value)

    @property
    def choices(cls) -> list[tuple[str, str | Promise]]:
        return kind_choices()

    @property
    def values(cls) -> list[str]:
        return list(_KINDS)

    @property
    def labels(cls) -> list[str | Promise]:
        return [k.label for k in _KINDS.values()]


class Kind(metaclass=_KindEnumType):
    """`HelpRequest.Kind`: see _KindEnumType."""


class KindSet:
    """The codes of the kinds for which `test` holds, read from the registry each time, so a
    set such as `HelpRequest.HOME_VISIT_KINDS` follows a kind registered at run time."""

    def __init__(self, test: Callable[[TaskKind], bool]):
        self.test = test

    def codes(self) -> frozenset[str]:
        return frozenset(k.code for k in _KINDS.values() if self.test(k))

    def __contains__(self, value) -> bool:
        kind = kind_get(value)
        return kind is not None and self.test(kind)

    def __iter__(self) -> Iterator[KindCode]:
        return iter([KindCode(k.code) for k in _KINDS.values() if self.test(k)])

    def __len__(self) -> int:
        return len(self.codes())

    def __eq__(self, other) -> bool:
        if isinstance(other, KindSet):
            return self.codes() == other.codes()
        return self.codes() == other

    __hash__ = None

    def __repr__(self) -> str:
        return f"KindSet({sorted(self.codes())})"


HOME_VISIT_KINDS = KindSet(lambda k: k.home_visit)
CONVERSATION_KINDS = KindSet(lambda k: k.conversation)
SENSITIVE_KINDS = KindSet(lambda k: k.sensitive)
OPERATOR_KINDS = KindSet(lambda k: k.by_operators or k.sensitive)
VOLUNTEER_KINDS = KindSet(lambda k: k.for_volunteers)


for _kind in (
    TaskKind(
        "groceries",
        _("Groceries"),
        skill="groceries",
        home_visit=True,
        resident_phrase=pgettext_lazy("resident sms", "shopping"),
        read_rank=20,
    ),
    TaskKind(
        "pharmacy",
        _("Pharmacy pick-up"),
        skill="pharmacy",
        home_visit=True,
        resident_phrase=pgettext_lazy("resident sms", "pharmacy pick-up"),
        read_rank=10,
    ),
    TaskKind(
        "errand",
        _("Errand"),
        skill="errand",
        home_visit=True,
        resident_phrase=pgettext_lazy("resident sms", "an errand"),
        read_rank=None,
    ),
    TaskKind(
        "callback",
        _("Callback"),
        skill="callback",
        conversation=True,
        by_operators=True,
        resident_phrase=pgettext_lazy("resident sms", "a phone call"),
        read_rank=50,
    ),
    TaskKind(
        "phone_friend",
        _("Phone friend"),
        skill="phone_friend",
        conversation=True,
        continuity=True,
        resident_phrase=pgettext_lazy("resident sms", "someone to talk to"),
        read_rank=40,
    ),
    TaskKind(
        "transport",
        _("Transport"),
        skill="transport",
        home_visit=True,
        resident_phrase=pgettext_lazy("resident sms", "a ride"),
        read_rank=30,
    ),
    TaskKind(
        "referral",
        _("Referral (shelter, youth helpline)"),
        sensitive=True,
        urgency=URGENCY_URGENT,
        read_rank=None,
    ),
    TaskKind("other", _("Other"), skill="other", read_rank=None),
):
    kind_register(_kind)
