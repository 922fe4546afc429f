"""Twilio webhook signatures. Every webhook view is wrapped in @twilio_signed."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from twilio.request_validator import RequestValidator


def public_url(path: str) -> str:
    """The address Twilio used for `path`: built from PUBLIC_BASE_URL, never from the Host
    header, so the signature holds behind a TLS-terminating proxy."""
    return settings.PUBLIC_BASE_URL + path


def twilio_signature(url: str, params: dict) -> str:
    """What Twilio would put in X-Twilio-Signature; the simulator and tests sign with it."""
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(url, params)


def twilio_signature_valid(request: HttpRequest) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    validator = RequestValidator(settings.TWILIO_AUTH_TOKEN)
    # Twilio signs the URL with its query string, and the POSTed form fields.
    return validator.validate(public_url(request.get_full_path()), request.POST.dict(), signature)


def twilio_signed(view: Callable) -> Callable:
    """Accept the request only with a valid Twilio signature; 403 and nothing stored otherwise.
    Such views need no session login and no CSRF token: the signature is the credential."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not twilio_signature_valid(request):
            return HttpResponseForbidden("Invalid or missing X-Twilio-Signature.")
        return view(request, *args, **kwargs)

    return login_not_required(csrf_exempt(wrapper))
