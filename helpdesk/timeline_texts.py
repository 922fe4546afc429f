"""Texts of timeline entries and escalation reasons, rendered when they are read, in the
reader's language.

A writer stores a code and its parameters (`TimelineEvent.data["msg"]` and `["args"]`), never
a sentence; `timeline_text` renders it with gettext in the active language, so an operator
who switches to English reads English and one in Swedish reads Swedish. The event's `text`
keeps a rendering in the site's language, for the admin and exports, and is what rows written
before the codes (or with a code this module no longer knows) show.

An argument that is itself `{"msg": code, "args": {...}}` is rendered the same way (a
withdrawal's reason); `kind` is a task kind's code, `reasons` the candidate reasons
(matching.search.reason_text) and numbers are formatted for the locale when rendered.
"""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from matching.kinds import kind_get
from matching.models import Organisation
from matching.search import reason_text

Renderer = Callable[[dict], str]


def _kind(code: str) -> str:
    kind = kind_get(code)
    return str(kind.label).lower() if kind else code


def _nested(value) -> str:
    if isinstance(value, dict) and "msg" in value:
        return render(value["msg"], value.get("args") or {})
    return str(value or "")


def _reasons(args: dict) -> str:
    return " · ".join(reason_text(code, params) for code, params in args.get("reasons", []))


TEXTS: dict[str, Renderer] = {
    # The offer lifecycle (helpdesk.offers).
    "offers_wave": lambda a: (
        _("Wave %(wave)d: offered to %(n)d volunteers.") % {"wave": a["wave"], "n": a["n"]}
    ),
    "offer_sent": lambda a: f"{a['volunteer']} ({a['organisation']}): {_reasons(a)}",
    "offer_failed": lambda a: f"{a['volunteer']}: {a.get('why') or _('SMS not delivered')}",
    "resident_no_phone": lambda a: _(
        "The resident has no phone number on file: tell them who is coming."
    ),
    "resident_sms_refused": lambda a: (
        _("No SMS to the resident (%(why)s): call them to say who is coming.") % {"why": a["why"]}
    ),
    "offers_withdrawn": lambda a: (
        _("Offers withdrawn (%(n)d): %(reason)s")
        % {"n": a["n"], "reason": _nested(a.get("reason")) or _("no reason given")}
    ),
    "volunteer_removed": lambda a: _("the volunteer was removed"),
    "volunteer_sms_failed": lambda a: (
        _("An SMS to %(name)s was not delivered: call them with the details.") % {"name": a["name"]}
    ),
    # Why a request escalated.
    "waves_exhausted": lambda a: (
        _("Nobody accepted after %(waves)d waves of offers (%(asked)d volunteers asked).")
        % {"waves": a["waves"], "asked": a["asked"]}
    ),
    "no_position": lambda a: _(
        "The resident has no address or district, so nobody nearby can be found."
    ),
    "no_more_volunteers": lambda a: (
        _("No more volunteers to ask after %(asked)d offers.") % {"asked": a["asked"]}
    ),
    "nobody_within": lambda a: (
        _("No available volunteer within %(km)s km can take %(kind)s.")
        % {
            "km": number_format(a["km"], 0 if float(a["km"]).is_integer() else 1),
            "kind": _kind(a["kind"]),
        }
    ),
    "sensitive": lambda a: str(_SENSITIVE),
    "open_referral": lambda a: str(_OPEN_REFERRAL),
    "referral_released": lambda a: _(
        "The resident has no open referral any more: volunteers may take this request."
    ),
    # Referrals (helpdesk.safety).
    "referral_kept": lambda a: (
        _("The support line handles this referral: %(reason)s.") % {"reason": _choice(a)}
    ),
    "referral_routed": lambda a: (
        _("Referral routed to %(organisation)s: %(reason)s.")
        % {"organisation": a["organisation"], "reason": _choice(a)}
    ),
    "concern_unknown": lambda a: _(
        "Concern not known: none was chosen, and nothing written tells it."
    ),
    "concern": lambda a: (
        (
            _("Concern: %(concern)s, chosen by the operator.")
            if a.get("chosen")
            else _("Concern: %(concern)s, read from what the operator wrote.")
        )
        % {"concern": _concern(a["concern"])}
    ),
    # The residents' texts (helpdesk.resident_sms, resident_answers, resident_updates).
    "sms_unknown_number": lambda a: _("Unknown number: for an operator to triage and call back."),
    "sms_unclear": lambda a: _("Unclear SMS: for an operator to triage and call back."),
    "sms_also_mentions": lambda a: (
        _("The SMS also mentions: %(kinds)s")
        % {"kinds": ", ".join(_kind(k) for k in a.get("kinds", []))}
    ),
    "sms_cancel_asked": lambda a: _(
        "Cancellation asked by SMS: an operator confirms before closing."
    ),
    "sms_referral_also_asks": lambda a: (
        _(
            "The resident also asks for: %(kinds)s. Their open referral means operators only: "
            "nothing goes to volunteers."
        )
        % {"kinds": ", ".join(_kind(k) for k in a.get("kinds", []))}
    ),
    "sms_maybe_danger": lambda a: _(
        "The SMS may signal danger: an operator triages it; no volunteer."
    ),
    "sms_asked_for_help": lambda a: _("Asked for help by SMS: for an operator to call back."),
    "sms_danger_hold": lambda a: (
        _(
            "The resident's SMS may signal danger: an operator calls them first (request "
            "%(code)s); no volunteer until then."
        )
        % {"code": a["code"]}
    ),
    "sms_danger": lambda a: _("the resident's SMS signals danger"),
    "sms_danger_take_over": lambda a: (
        _(
            "The resident's SMS signals danger: this request (%(kind)s) is now a referral, "
            "for operators only."
        )
        % {"kind": _kind(a["kind"])}
    ),
    "sms_complaint": lambda a: _(
        "The resident complains about this request by SMS: an operator looks into it."
    ),
    "sms_cancelled_reason": lambda a: _("cancelled by the resident by SMS"),
    "sms_cancelled": lambda a: _("Cancelled by the resident."),
    "update_not_sent_call_due": lambda a: _(
        "The resident was not texted that we are still looking: an operator's call to them is "
        "due now. Tell them on the call."
    ),
    "update_not_sent_just_told": lambda a: _(
        "The resident was not texted that we are still looking: they were told a moment ago "
        "that a volunteer is being sought. Tell them on the call."
    ),
    # Operators' actions (helpdesk.actions, helpdesk.callbacks).
    "matching_rerun": lambda a: _("Matching re-run"),
    "resident_details_updated": lambda a: _("Resident details updated"),
    "callback_claimed": lambda a: _("Callback claimed"),
    "callback_rescheduled": lambda a: ". ".join(
        filter(None, [_("Rescheduled to %(when)s") % {"when": _when(a["when"])}, a.get("outcome")])
    ),
    "callback_converted": lambda a: _("Turned into request %(code)s") % {"code": a["code"]},
    # Calls (helpdesk.voice).
    "voice_menu": lambda a: (
        _("Called the voice menu: call back to take the details.")
        + (f" ({_VOICE_WHY.get(a['why'], a['why'])})" if a.get("why") else "")
    ),
}


def _concern(code: str) -> str:
    labels = dict(Organisation.Concern.choices)
    return str(labels[code]).lower() if code in labels else code


def _when(iso: str) -> str:
    """A time in the locale's words: "1 december 14:30" in Swedish."""
    return date_format(timezone.localtime(datetime.fromisoformat(iso)), "j F H:i")


def _choice(args: dict) -> str:
    """Why a referral went where it did (helpdesk.safety.referral_choose)."""
    parts = []
    for code, params in args.get("why", []):
        if code == "concern":
            parts.append(_("takes cases of %(concern)s") % {"concern": _concern(params["concern"])})
        elif code == "municipal_unknown":
            parts.append(_("municipal line, the concern is not known"))
        elif code == "any":
            parts.append(_("takes any sensitive case"))
        elif code == "municipal_unlisted":
            parts.append(_("municipal line, as no organisation lists this concern"))
        elif code == "district":
            parts.append(_("serves the district"))
        elif code == "speaks":
            parts.append(reason_text("speaks", params))
        elif code == "none":
            parts.append(_("no organisation takes sensitive cases"))
        elif code == "none_for":
            parts.append(
                _("no organisation takes cases of %(concern)s")
                % {"concern": _concern(params["concern"])}
            )
        else:
            parts.append(str(params.get("text", code)))
    return ", ".join(parts)


_VOICE_WHY = {
    "no language chosen": gettext_lazy("no language chosen"),
    "no need chosen": gettext_lazy("no need chosen"),
}

# The same texts as HelpRequest.SENSITIVE_REASON and OPEN_REFERRAL_REASON.
_SENSITIVE = gettext_lazy(
    "Sensitive request: never offered to volunteers. Call back with the safe-callback note, "
    "or refer it to an organisation that takes sensitive cases."
)
_OPEN_REFERRAL = gettext_lazy(
    "The resident has an open referral: the support line handles this request, never a volunteer."
)


def render(msg: str, args: dict) -> str:
    """The text of `msg` with `args` in the active language; "" for a code not known here."""
    renderer = TEXTS.get(msg)
    if renderer is None:
        return ""
    try:
        return renderer(args)
    except (KeyError, TypeError, ValueError):
        return ""  # stored with other parameters than this renderer reads: the stored text


def render_stored(msg: str, args: dict) -> str:
    """The text kept in the row, in the site's language."""
    with override(settings.LANGUAGE_CODE):
        return render(msg, args)


def reasons_stored(reasons: list[tuple[str, dict]]) -> list[str]:
    """Candidate reasons in the site's language, as an offer keeps them."""
    with override(settings.LANGUAGE_CODE):
        return [reason_text(code, params) for code, params in reasons]


def timeline_text(event) -> str:
    """An event's text for the reader: rendered from its code, else the text it was stored
    with."""
    data = event.data or {}
    if data.get("msg"):
        return render(data["msg"], data.get("args") or {}) or event.text
    return event.text


def escalation_reason_text(request) -> str:
    """Why `request` is escalated, in the reader's language: its last escalation's code, or
    the reason it was stored with."""
    from .models import HelpRequest, TimelineEvent

    event = (
        TimelineEvent.objects.filter(request=request, to_status=HelpRequest.Status.ESCALATED)
        .order_by("-at", "-id")
        .first()
    )
    text = timeline_text(event) if event is not None and (event.data or {}).get("msg") else ""
    return text or request.escalation_reason


def reason_msg(reason) -> tuple[str, dict]:
    """A code for one of HelpRequest's lazy operators-only reasons."""
    from .models import HelpRequest

    if reason is HelpRequest.SENSITIVE_REASON:
        return "sensitive", {}
    return "open_referral", {}
