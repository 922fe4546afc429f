"""Safety first: texts that signal violence or danger become sensitive referrals.

A referral never reaches a volunteer. It goes to operators, flagged, and to an organisation
that takes sensitive cases. The resident's reply names the emergency number and a helpline,
and nothing that would tell someone else reading the phone what was written.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, IntegerField, Q, Value, When

from matching.models import Organisation

from .languages import phrases_fold, text_fold, text_has_any
from .models import HelpRequest, TimelineEvent
from .realtime import board_publish
from .services import timeline_record

EMERGENCY_NUMBER = "112"
KVINNOFRIDSLINJEN = "020-50 50 50"
BRIS = "116 111"

# As people write them; folded at import, so "vald" matches "våld" and "dovuyor" matches
# "dövüyor". A trailing "*" matches word starts. Fear alone ("rädd", "pelkään") is left out on
# purpose: in an epidemic most residents are afraid of infection, not of a person.
DANGER_PHRASES = phrases_fold(
    [
        # sv
        "våld",
        "våldet",
        "våldsam*",
        "misshandl*",
        "slår mig",
        "slog mig",
        "han slår",
        "hon slår",
        "hotar mig",
        "hotade mig",
        "hotar",
        "rädd för honom",
        "rädd för henne",
        "rädd för min man",
        "kvinnojour*",
        "skyddat boende",
        "våldtä*",
        "döda mig",
        "inte säker hemma",
        # en
        "violence",
        "violent*",
        "abuse*",
        "abusive",
        "hits me",
        "hit me",
        "beats me",
        "beat me",
        "threaten*",
        "afraid of him",
        "afraid of her",
        "scared of him",
        "scared of her",
        "not safe at home",
        "rape*",
        "women's shelter",
        "womens shelter",
        "kill me",
        # tr
        "şiddet*",
        "dövüyor",
        "dövdü",
        "dövüyo",
        "tehdit*",
        "ondan korkuyorum",
        "tecavüz*",
        "sığınma evi*",
        "öldürecek",
        # fi
        "väkivalta*",
        "lyö minua",
        "lyö",
        "lyövät",
        "uhkaa",
        "uhkailee",
        "uhkaili",
        "pelkään häntä",
        "turvakoti*",
        "raiskau*",
        "tappaa minut",
        # ar
        "عنف",
        "العنف",
        "يضربني",
        "ضربني",
        "تضربني",
        "تهديد",
        "يهددني",
        "هددني",
        "خائفة منه",
        "خائف منه",
        "اغتصاب",
        "يقتلني",
    ]
)
# Signs the writer is young, so the children's helpline fits better than the women's.
YOUTH_PHRASES = phrases_fold(
    [
        "skola*",
        "mamma slår",
        "pappa slår",
        "min pappa",
        "min mamma",
        "föräldrar*",
        "my dad",
        "my mum",
        "my mom",
        "my parents",
        "school",
        "babam",
        "annem",
        "okul*",
        "isä*",
        "äiti*",
        "vanhem*",
        "koulu*",
        "أبي",
        "أمي",
        "والدي",
        "المدرسة",
    ]
)


def text_signals_danger(text: str) -> bool:
    return text_has_any(text_fold(text), DANGER_PHRASES) is not None


def text_signals_youth(text: str) -> bool:
    return text_has_any(text_fold(text), YOUTH_PHRASES) is not None


def referral_organisation(request: HelpRequest) -> Organisation | None:
    """The organisation a referral goes to: one that takes sensitive cases, preferring one that
    serves the resident's district and speaks the request's language."""
    candidates = Organisation.objects.filter(takes_sensitive_cases=True)
    in_district = Q(districts=request.district_id) if request.district_id else Q(pk__in=[])
    return (
        candidates.annotate(
            serves=Case(When(in_district, then=Value(1)), default=Value(0)),
            speaks=Case(
                When(languages__has=request.language, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("-serves", "-speaks", "name")
        .first()
    )


def referral_route(
    *, request: HelpRequest, actor: AbstractBaseUser | None = None, actor_label: str = ""
) -> Organisation | None:
    """Route a sensitive request to the organisation that takes it (`routed_to`), so that
    organisation's coordinators see it on their board and request page; with none, the support
    line keeps it. Called inside the caller's transaction."""
    organisation = referral_organisation(request)
    if organisation is None:
        text = "No organisation takes sensitive cases: the support line handles this referral."
        data = {"organisation_id": None}
    else:
        text = f"Referral routed to {organisation.name}."
        data = {"organisation_id": organisation.pk}
    request.routed_to = organisation
    request.save(update_fields=["routed_to", "updated_at"])
    timeline_record(
        request=request,
        kind=TimelineEvent.Kind.NOTE,
        text=text,
        actor=actor,
        actor_label=actor_label or "system",
        data={"referral": True, **data},
    )
    board_publish(request=request, event="routed")
    return organisation
