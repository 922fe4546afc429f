"""The phone simulator: with the console backend, operators play residents and volunteers.

Each virtual phone shows what the system sent to it, and texts back through the real signed
/sms/inbound/ view: the message is signed with the configured token exactly as Twilio would and
handed to the view, so the demo exercises the signature check, the duplicate guard and the task
queue. Other apps list their people through providers registered from AppConfig.ready().
"""

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import resolve, reverse
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from config.roles import OPERATOR, has_role, role_required

from .backends import backend_is_simulated
from .bodies import sms_segments
from .models import Message
from .phones import phone_try_normalise
from .webhooks import public_url, twilio_signature

log = logging.getLogger(__name__)

ContactsProvider = Callable[[], Iterable[tuple[str, str, str]]]
_providers: list[ContactsProvider] = []


@dataclass(frozen=True)
class Contact:
    phone: str
    label: str
    # Who the phone is, in the reader's language: the provider gives a lazy text.
    role: str | Promise


def simulator_contacts_register(provider: ContactsProvider) -> None:
    """Register `provider() -> [(phone, label, role), ...]`, e.g. demo residents or volunteers."""
    if provider not in _providers:
        _providers.append(provider)


def simulator_contacts() -> list[Contact]:
    contacts: dict[str, Contact] = {}
    for provider in _providers:
        for phone, label, role in provider():
            e164 = phone_try_normalise(str(phone or ""))
            if e164 and e164 not in contacts:
                contacts[e164] = Contact(e164, str(label), role)
    return list(contacts.values())


def simulator_enabled(user) -> bool:
    return backend_is_simulated() and has_role(user, OPERATOR)


def simulator_deliver(*, phone: str, body: str) -> HttpResponse:
    """Text `body` from `phone` through the real inbound webhook, signed as Twilio signs."""
    path = reverse("notifications:inbound")
    sid = "SM" + uuid.uuid4().hex
    params = {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": settings.TWILIO_ACCOUNT_SID or "AC" + "0" * 32,
        "From": phone,
        "To": settings.TWILIO_FROM or "+46700000000",
        "Body": body,
        "NumSegments": str(sms_segments(body)),
        "NumMedia": "0",
    }
    request = HttpRequest()
    request.method = "POST"
    request.path = request.path_info = path
    request.META = {
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "HTTP_X_TWILIO_SIGNATURE": twilio_signature(public_url(path), params),
    }
    request.POST = QueryDict(urlencode(params))
    return resolve(path).func(request)


def _guard(request: HttpRequest) -> None:
    # Absent, not forbidden, with a real provider: no one should text as someone else.
    if not backend_is_simulated():
        raise Http404("The phone simulator exists only with the console SMS backend.")


def _thread(phone: str) -> list[Message]:
    messages = Message.objects.filter(phone=phone).order_by("-created_at", "-pk")[:50]
    return list(reversed(messages))


PAGE_SIZE = 50


def contacts_search(contacts: list[Contact], query: str) -> list[Contact]:
    """By name (any part, any case) or by number, typed in any format ("070-174 06", "+4670")."""
    query = query.strip()
    if not query:
        return contacts
    needle = query.casefold()
    digits = "".join(ch for ch in query if ch.isdigit())
    if len(digits) >= 3 and not set(query) - set("0123456789 -+()"):
        # Compare what follows the trunk 0 or the country code, as every phone here is E.164.
        digits = digits.removeprefix("46") if query.startswith("+") else digits.lstrip("0")
    else:
        digits = ""
    return [c for c in contacts if needle in c.label.casefold() or (digits and digits in c.phone)]


@role_required(OPERATOR)
def simulator(request: HttpRequest) -> HttpResponse:
    _guard(request)
    contacts = simulator_contacts()
    query = request.GET.get("q", "")[:60]
    page = Paginator(contacts_search(contacts, query), PAGE_SIZE).get_page(request.GET.get("page"))
    selected = phone_try_normalise(request.GET.get("phone", "")) or ""
    current = next((c for c in contacts if c.phone == selected), None)
    if current is None and selected:
        # Any valid number can be played, a new one too: it texts in as an unknown caller.
        current = Contact(selected, selected, "new")
    return render(
        request,
        "notifications/simulator.html",
        {
            "page": page,
            "query": query,
            "opened": request.GET.get("phone", "")[:40],
            "invalid": bool(request.GET.get("phone")) and not selected,
            "current": current,
            "thread": _thread(current.phone) if current else [],
        },
    )


@role_required(OPERATOR)
def simulator_thread(request: HttpRequest) -> HttpResponse:
    _guard(request)
    phone = phone_try_normalise(request.GET.get("phone", "")) or ""
    return render(request, "notifications/simulator_thread.html", {"thread": _thread(phone)})


@role_required(OPERATOR)
@require_POST
def simulator_send(request: HttpRequest) -> HttpResponse:
    _guard(request)
    phone = phone_try_normalise(request.POST.get("phone", ""))
    body = request.POST.get("body", "")[:1600]
    if phone is None:
        return HttpResponse("Not a valid phone number.", status=400)
    if body.strip():
        response = simulator_deliver(phone=phone, body=body)
        if response.status_code != 200:
            log.error("simulated inbound refused: %s", response.status_code)
            return HttpResponse("The inbound webhook refused the message.", status=502)
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    target = reverse("notifications:simulator") + "?" + urlencode({"phone": phone})
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        target = next_url
    return redirect(target)
