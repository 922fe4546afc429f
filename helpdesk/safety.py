"""Safety first: texts that signal violence or danger become sensitive referrals.

A referral never reaches a volunteer. It goes to operators, flagged, and to the organisation
that takes that kind of case. The resident's reply names the emergency number and the helpline
that fits, and nothing that would tell someone else reading the phone what was written.

Every text is read against the danger words of every language pack (languages), not
only the one guessed: a Turkish speaker may well write Swedish, or both in one text. Fear alone
("rädd", "pelkään", "korkuyorum") is not danger: in an epidemic most residents are afraid of
infection, not of a person. Fear of someone, or of being at home, is; and a text that only
might be danger ("jag är rädd hemma", "he takes my pension", "I can't go on") goes to an
operator to triage, never to a volunteer.
"""

import functools
import re
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q

import languages
from languages.danger_patterns import alt, emoji_words
from matching.models import Organisation

from .languages import language_guess, text_fold
from .models import HelpRequest, TimelineEvent
from .realtime import BoardEventKind, board_publish
from .services import timeline_record

EMERGENCY_NUMBER = "112"
KVINNOFRIDSLINJEN = "020-50 50 50"
BRIS = "116 111"
SJALVMORDSLINJEN = "90101"
ALDRELINJEN = "020-22 22 33"


class Concern(StrEnum):
    """What a text in danger is about; the values are matching's Organisation.Concern."""

    VIOLENCE = "violence"
    SEXUAL = "sexual"
    ELDER_ABUSE = "elder_abuse"
    YOUTH = "youth"
    SELF_HARM = "self_harm"


# The helpline a reply names for each concern, after 112. Kvinnofridslinjen takes violence and
# sexual violence from anyone close; BRIS children and young people; Äldrelinjen older people.
HELPLINES = {
    Concern.VIOLENCE: ("Kvinnofridslinjen", KVINNOFRIDSLINJEN),
    Concern.SEXUAL: ("Kvinnofridslinjen", KVINNOFRIDSLINJEN),
    Concern.YOUTH: ("BRIS", BRIS),
    Concern.SELF_HARM: ("Självmordslinjen", SJALVMORDSLINJEN),
    Concern.ELDER_ABUSE: ("Äldrelinjen", ALDRELINJEN),
}

# When a text reads as several concerns, the first here decides: harm from a person before
# self-harm (the operator's call covers both), and violence before the money or the phone.
PRIORITY = (
    Concern.SEXUAL,
    Concern.VIOLENCE,
    Concern.SELF_HARM,
    Concern.ELDER_ABUSE,
)


@dataclass(frozen=True)
class Danger:
    """`certain` False: only might be danger; an operator triages, no referral reply.
    `language`: the language whose words said it most strongly, the one to answer in."""

    concern: Concern
    certain: bool
    language: str


@dataclass(frozen=True)
class _Rule:
    language: str
    concern: Concern
    certain: bool
    pattern: re.Pattern
    unless: re.Pattern | None


def _whole_words(pattern: str, prefix: str = "") -> re.Pattern:
    return re.compile(rf"(?<!\w){prefix}(?:{pattern})(?!\w)")


def _rules_compile() -> tuple[_Rule, ...]:
    """One regex per language, concern, certainty and exception."""
    grouped: dict[tuple[str, Concern, bool, str | None], list[str]] = {}
    for pack in languages.packs():
        language = pack.code
        for key, patterns in pack.danger.items():
            concern, certain = Concern(key.rstrip("?")), not key.endswith("?")
            for entry in patterns:
                pattern, unless = entry if isinstance(entry, tuple) else (entry, None)
                grouped.setdefault((language, concern, certain, unless), []).append(pattern)
    return tuple(
        _Rule(
            language=language,
            concern=concern,
            certain=certain,
            pattern=_whole_words("|".join(patterns), languages.pack(language).danger_prefix),
            unless=_whole_words(unless) if unless else None,
        )
        for (language, concern, certain, unless), patterns in grouped.items()
    )


@functools.cache
def _compiled(version: int) -> tuple[tuple[_Rule, ...], re.Pattern, tuple[str, ...]]:
    """The rules, the youth pattern and the languages in tie-breaking order, compiled once
    per version of the language registry (a pack registered later is read too)."""
    youth = alt(*(pattern for pack in languages.packs() for pattern in pack.danger_youth))
    return _rules_compile(), _whole_words(youth), languages.codes()


def _rules() -> tuple[tuple[_Rule, ...], re.Pattern, tuple[str, ...]]:
    return _compiled(languages.registry_version())


def danger_read(text: str) -> Danger | None:
    """Whether a resident's text signals danger, about what, how surely, and in which
    language it was said."""
    folded = text_fold(emoji_words(text or ""))
    if not folded:
        return None
    # How much of the text each rule that holds covers, by language, concern and certainty.
    matched: dict[tuple[str, Concern, bool], int] = {}
    rules, youth, _order = _rules()
    for rule in rules:
        if rule.unless and rule.unless.search(folded):
            continue
        covered = sum(len(m.group()) for m in rule.pattern.finditer(folded))
        if covered:
            key = (rule.language, rule.concern, rule.certain)
            matched[key] = matched.get(key, 0) + covered
    if not matched:
        return None
    certain = any(is_certain for _, _, is_certain in matched)
    concern = min((c for _, c, is_certain in matched if is_certain == certain), key=PRIORITY.index)
    language = _language_strongest(text, matched, concern=concern, certain=certain)
    # A parent who hits, a school, an age under 18, children harmed: the young's line fits.
    if concern in (Concern.VIOLENCE, Concern.SEXUAL) and youth.search(folded):
        concern = Concern.YOUTH
    return Danger(concern=concern, certain=certain, language=language)


def _language_strongest(
    text: str, matched: dict[tuple[str, Concern, bool], int], *, concern: Concern, certain: bool
) -> str:
    """The language whose words said this concern at this certainty over most of the text;
    then the one whose words said most of anything; then the language the text looks like.
    A Swedish "han" in a Finnish text, or a Turkish word for suicide in Arabizi, then does not
    decide the reply."""
    guessed = language_guess(text)
    order = _rules()[2]

    def strength(language: str) -> tuple:
        return (
            matched.get((language, concern, certain), 0),
            sum(n for (lang, _, _), n in matched.items() if lang == language),
            language == guessed,
            -order.index(language),
        )

    return max(order, key=strength)


def text_signals_danger(text: str) -> bool:
    """Certain danger: a referral."""
    danger = danger_read(text)
    return danger is not None and danger.certain


def text_needs_operator(text: str) -> bool:
    """Danger, certain or only possible: an operator reads it before anyone else."""
    return danger_read(text) is not None


def text_signals_youth(text: str) -> bool:
    return _rules()[1].search(text_fold(text)) is not None


@dataclass(frozen=True)
class ReferralChoice:
    organisation: Organisation | None
    reason: str  # in English, for logs and the timeline's data
    # The same as codes (helpdesk.timeline_texts), for the timeline in the reader's language.
    why: tuple[tuple[str, dict], ...] = ()


def referral_choose(request: HelpRequest, *, concern: Concern | None = None) -> ReferralChoice:
    """The organisation a referral goes to, and why. Among those that take sensitive cases:
    first one that lists this concern, then one that lists none (takes any), then the
    municipal line; within each, one serving the resident's district, then one speaking the
    request's language, then the one with fewest open referrals. Without a known concern
    (an operator's intake) the municipal line comes first, as the operator can route on."""
    candidates = list(
        Organisation.objects.filter(takes_sensitive_cases=True).annotate(
            open_referrals=Count(
                "routed_requests",
                filter=Q(routed_requests__status__in=HelpRequest.OPEN_STATUSES),
            )
        )
    )
    if not candidates:
        return ReferralChoice(None, "no organisation takes sensitive cases", (("none", {}),))
    served = set(
        Organisation.districts.through.objects.filter(
            district_id=request.district_id, organisation__in=candidates
        ).values_list("organisation_id", flat=True)
    )

    def tier(organisation: Organisation) -> int:
        municipal = organisation.kind == Organisation.Kind.MUNICIPAL
        if concern is None:
            return 0 if municipal else 1
        if concern in organisation.referral_concerns:
            return 0
        if municipal:
            return 2
        return 1 if not organisation.referral_concerns else 3

    def rank(organisation: Organisation) -> tuple:
        return (
            tier(organisation),
            organisation.pk not in served,
            request.language not in organisation.languages,
            organisation.open_referrals,
            organisation.pk,
        )

    best = min(candidates, key=rank)
    if tier(best) == 3:
        return ReferralChoice(
            None,
            f"no organisation takes {concern} cases",
            (("none_for", {"concern": str(concern)}),),
        )
    reasons = {
        0: f"takes {concern} cases" if concern else "municipal line, the concern is not known",
        1: "takes any sensitive case",
        2: "municipal line, as no organisation lists this concern",
    }
    codes = {
        0: ("concern", {"concern": str(concern)}) if concern else ("municipal_unknown", {}),
        1: ("any", {}),
        2: ("municipal_unlisted", {}),
    }
    why, why_codes = [reasons[tier(best)]], [codes[tier(best)]]
    if best.pk in served:
        why.append("serves the district")
        why_codes.append(("district", {}))
    if request.language in best.languages:
        why.append(f"speaks {request.language}")
        why_codes.append(("speaks", {"language": request.language}))
    return ReferralChoice(best, ", ".join(why), tuple(why_codes))


def referral_organisation(
    request: HelpRequest, *, concern: Concern | None = None
) -> Organisation | None:
    return referral_choose(request, concern=concern).organisation


def referral_route(
    *,
    request: HelpRequest,
    concern: Concern | None = None,
    actor: AbstractBaseUser | None = None,
    actor_label: str = "",
) -> Organisation | None:
    """Route a sensitive request to the organisation that takes it (`routed_to`), so that
    organisation's coordinators see it on their board and request page; with none, the support
    line keeps it. The timeline says which and why. Called inside the caller's transaction."""
    choice = referral_choose(request, concern=concern)
    organisation = choice.organisation
    args = {"why": [list(code) for code in choice.why]}
    if organisation is None:
        msg = "referral_kept"
    else:
        msg, args["organisation"] = "referral_routed", organisation.name
    request.routed_to = organisation
    request.save(update_fields=["routed_to", "updated_at"])
    timeline_record(
        request=request,
        kind=TimelineEvent.Kind.NOTE,
        msg=msg,
        args=args,
        actor=actor,
        actor_label=actor_label or "system",
        data={
            "referral": True,
            "organisation_id": organisation.pk if organisation else None,
            "concern": str(concern) if concern else None,
            "reason": choice.reason,
        },
    )
    board_publish(request=request, event=BoardEventKind.ROUTED)
    return organisation
