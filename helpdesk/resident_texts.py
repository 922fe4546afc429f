"""What residents are told by SMS, in their language (any of the language packs).

Kept in one place so the replies to texts, the status updates and the volunteer's notice read
as one voice. Words residents type back (the cancel word, digits for a rating) appear in the
texts exactly as the parser in helpdesk.resident_sms reads them.
"""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

import languages
from matching import kinds

from .languages import language_known
from .models import HelpRequest
from .safety import EMERGENCY_NUMBER, HELPLINES, Concern


def cancel_word(language: str) -> str:
    """The word that cancels a request, shown in every confirmation: the language pack's
    (never CANCEL, STOP or END, which Twilio reads as opting the number out)."""
    return languages.pack(language_known(language)).cancel_word


def _in(language: str, build) -> str:
    with translation.override(language_known(language)):
        return str(build())


def text_request_created(request: HelpRequest, *, matching: bool) -> str:
    def build() -> str:
        params = {
            "code": request.code,
            "cancel": cancel_word(request.language),
            "kind": kinds.kind_resident_phrase(request.kind),
        }
        if matching:
            text = _(
                "Thank you! Your request %(code)s (%(kind)s) is received. We are looking for "
                "a volunteer and will text you when someone is coming."
            )
        else:
            text = _(
                "Thank you! Your request %(code)s is received. Someone from the support line "
                "will contact you soon."
            )
        more = _("To cancel, reply %(cancel)s %(code)s.")
        return f"{text % params} {more % params}"

    return _in(request.language, build)


def text_unknown_number(request: HelpRequest, *, languages: list[str]) -> str:
    """For a number we do not know: in the guessed language, or Swedish and English both."""

    def build() -> str:
        return _(
            "Thank you for your message. Your request number is %(code)s. Someone from the "
            "support line will call you soon."
        ) % {"code": request.code}

    return "\n\n".join(_in(language, build) for language in languages)


def text_followup(request: HelpRequest) -> str:
    return _in(
        request.language,
        lambda: (
            _("Thank you, we have added your message to request %(code)s.") % {"code": request.code}
        ),
    )


def text_cancelled(request: HelpRequest) -> str:
    return _in(
        request.language,
        lambda: (
            _("Request %(code)s is cancelled. Text us again whenever you need help.")
            % {"code": request.code}
        ),
    )


def text_cancel_which(request: HelpRequest) -> str:
    def build() -> str:
        params = {"code": request.code, "cancel": cancel_word(request.language)}
        return _("To cancel request %(code)s, reply %(cancel)s %(code)s.") % params

    return _in(request.language, build)


def text_cancel_not_found(language: str, code: str) -> str:
    if code:
        return _in(
            language,
            lambda: _("We found no open request with number %(code)s.") % {"code": code},
        )
    return _in(language, lambda: _("You have no open request to cancel."))


def text_rating_thanks(request: HelpRequest) -> str:
    return _in(request.language, lambda: _("Thank you for your rating!"))


def text_feedback_thanks(request: HelpRequest) -> str:
    return _in(
        request.language,
        lambda: _("Thank you for your kind words! We will pass them on."),
    )


def text_complaint_thanks(request: HelpRequest) -> str:
    return _in(
        request.language,
        lambda: _(
            "Thank you for telling us, and we are sorry it did not go well. The support line "
            "will look into it."
        ),
    )


def text_remark_thanks(request: HelpRequest) -> str:
    return _in(
        request.language,
        lambda: (
            _("Thank you for your message about request %(code)s. We have noted it.")
            % {"code": request.code}
        ),
    )


def text_already_cancelled(request: HelpRequest) -> str:
    return _in(
        request.language,
        lambda: (
            _("Request %(code)s is already cancelled. Text us again whenever you need help.")
            % {"code": request.code}
        ),
    )


def text_unreadable(request: HelpRequest) -> str:
    """For an empty text, or one of marks only, while a request is open."""
    return _in(
        request.language,
        lambda: (
            _(
                "We could not read your message. Request %(code)s is still open: write in a "
                "few words what you need."
            )
            % {"code": request.code}
        ),
    )


def text_done(request: HelpRequest) -> str:
    return _in(
        request.language,
        lambda: (
            _(
                "Request %(code)s is done. Thank you for letting us help! How did it go? Reply "
                "with a number from 1 (bad) to 5 (very good)."
            )
            % {"code": request.code}
        ),
    )


def text_escalated(request: HelpRequest) -> str:
    return _in(
        request.language,
        lambda: (
            _(
                "We are still looking for someone to help with request %(code)s. The support "
                "line will call you."
            )
            % {"code": request.code}
        ),
    )


def text_over_cap(language: str) -> str:
    return _in(
        language,
        lambda: _(
            "We have received your messages. Further messages today go to the support line "
            "without a reply."
        ),
    )


def text_referral(request: HelpRequest, *, concern: Concern = Concern.VIOLENCE) -> str:
    """Neutral on purpose: no echo of what was written, nothing naming a danger, in case
    someone else reads the phone. The numbers are what matters: 112, and the line that fits
    the concern."""

    def build() -> str:
        name, number = HELPLINES[concern]
        return _(
            "Thank you, we have received your message (%(code)s). In an emergency, call "
            "%(emergency)s. You can also call %(helpline)s, free of charge. We will contact "
            "you: when is a good time to call, and may we leave a message?"
        ) % {"code": request.code, "emergency": EMERGENCY_NUMBER, "helpline": f"{name} {number}"}

    return _in(request.language, build)


def text_referral_followup(request: HelpRequest) -> str:
    return _in(
        request.language,
        lambda: pgettext("resident sms", "Thank you, we have received your message."),
    )
