"""Who may take a request: the one definition of the yes/no rules, for the ranking of one
request (SQL, matching.search) and the batch over many (arrays, matching.batch).

A volunteer may take a request when the request may reach volunteers at all
(`request_for_volunteers`), the volunteer is available (`AVAILABLE`: active, not paused, not
opted out, and no STOP on the SMS side), lists the skill its kind needs, is vetted if the
kind is a home visit, speaks the request's language if the kind is a conversation
(`Eligibility`), has a free place (`has_room`: offers waiting count too), has not been
offered this request before, can get an SMS (a mobile number), and is within both the
request's radius and their own maximum distance (`within_reach`).

Both callers read these names; tests/matching/test_eligibility_agrees.py holds them to the
same answer on random populations, so the two renderings cannot drift apart.
"""

from dataclasses import dataclass

import numpy as np

from .kinds import kind_get

# Columns of matching_volunteer and the value each must have for any offer at all.
AVAILABLE = {"is_active": True, "paused": False, "opted_out": False}


@dataclass(frozen=True)
class Eligibility:
    """What a request of one kind and language asks of a volunteer's record."""

    skill: str
    vetted: bool
    language: str | None  # a conversation: the volunteer must speak it


def eligibility_for(kind: str, language: str) -> Eligibility | None:
    """The rule for a request of `kind` in `language`; None when no volunteer may take it."""
    task_kind = kind_get(kind)
    if task_kind is None or not task_kind.for_volunteers:
        return None
    return Eligibility(
        skill=task_kind.skill,
        vetted=task_kind.home_visit,
        language=language if task_kind.conversation else None,
    )


def request_for_volunteers(request) -> bool:
    """Whether volunteers may be offered this request at all: not sensitive, not for the
    operators alone (an open referral of the same resident), of a kind volunteers take."""
    if request.sensitive or request.operators_only:
        return False
    return eligibility_for(request.kind, request.language) is not None


def codes_like(code: str) -> str:
    """The LIKE pattern for a code in a stored code set (",ar,sv,")."""
    return f"%,{code},%"


def eligibility_sql(rule: Eligibility, alias: str = "v") -> tuple[str, list]:
    """The rule and AVAILABLE as SQL conditions on matching_volunteer, joined by AND."""
    conditions = [f"{'' if on else 'NOT '}{alias}.{column}" for column, on in AVAILABLE.items()]
    params = [codes_like(rule.skill)]
    conditions.append(f"{alias}.skills LIKE %s")
    if rule.vetted:
        conditions.append(f"{alias}.vetted")
    if rule.language is not None:
        conditions.append(f"{alias}.languages LIKE %s")
        params.append(codes_like(rule.language))
    return " AND ".join(conditions), params


def codes_have(texts: np.ndarray, code: str) -> np.ndarray:
    """Which of the stored code sets (",ar,sv,") hold `code`, in one vectorised pass."""
    return np.char.find(texts, f",{code},") >= 0


def eligibility_mask(
    rule: Eligibility, *, skills: np.ndarray, languages: np.ndarray, vetted: np.ndarray
) -> np.ndarray:
    """The rule over arrays of stored code sets and flags: one boolean per volunteer. The
    arrays hold available volunteers only (AVAILABLE is their query's filter)."""
    mask = codes_have(skills, rule.skill)
    if rule.vetted:
        mask &= vetted
    if rule.language is not None:
        mask &= codes_have(languages, rule.language)
    return mask


def has_room(held, max_open_tasks):
    """A free place: tasks accepted and offers waiting, below the volunteer's maximum.
    Scalars or arrays alike."""
    return held < max_open_tasks


def within_reach(distance_km, radius_km, max_distance_km):
    """Within the request's radius and the volunteer's own maximum distance. Scalars or
    arrays alike."""
    return (distance_km <= radius_km) & (distance_km <= max_distance_km)
