import uuid

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, get_language_info, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

import languages
from config.ids import ids_read
from config.roles import ADMIN, COORDINATOR, OPERATOR, role_required
from languages import language_choices
from matching.language_names import language_name
from matching.models import Offer, Organisation, Volunteer
from matching.search import candidates_rank
from notifications.models import Message
from places.models import District

from . import actions
from .access import Audience, Field, request_view, timeline_rows, volunteer_label
from .board import board_organisation_ids, organisations_scope
from .forms import IntakeForm, NoteForm, TextResidentForm
from .intake import intake_submit, resident_lookup
from .maps import board_legend, map_config, request_map
from .models import HelpRequest
from .offers import helprequest_assign, helprequest_cancel, offers_send
from .privacy import access_log_record
from .resident_forms import MATCH, ResidentDetailsForm
from .timeline_texts import escalation_reason_text

STAFF = (OPERATOR, COORDINATOR, ADMIN)


@role_required(*STAFF)
def home(request: HttpRequest) -> HttpResponse:
    """The live board. The page is a frame; the socket fills it."""
    organisation_ids = board_organisation_ids(request.user)
    organisations = Organisation.objects.all()
    if organisation_ids is not None:
        organisations = organisations.filter(pk__in=organisation_ids)
    columns = [
        (HelpRequest.Status.NEW, _("New / triage")),
        (HelpRequest.Status.MATCHING, _("Matching")),
        (HelpRequest.Status.OFFERED, _("Offered")),
        (HelpRequest.Status.ASSIGNED, _("Assigned")),
        (HelpRequest.Status.ESCALATED, _("Escalated")),
        (HelpRequest.Status.DONE, _("Done today")),
    ]
    context = {
        "columns": columns,
        "districts": District.objects.all(),
        "map_config": map_config(),
        "map_legend": board_legend(),
        "kinds": HelpRequest.Kind.choices,
        "languages": language_choices(),
        "organisations": organisations,
        # A card's labels in this viewer's language: an event carries the publisher's.
        "card_labels": {
            "kind": {code: str(label) for code, label in HelpRequest.Kind.choices},
            "urgency": {str(v): str(label) for v, label in HelpRequest.Urgency.choices},
        },
    }
    return render(request, "helpdesk/board.html", context)


@role_required(OPERATOR)
def intake(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = IntakeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            result = intake_submit(
                token=data["token"],
                phone=data["phone"],
                resident_data=form.resident_data(),
                consent=data["consent"],
                kind=data["kind"],
                urgency=data["urgency"],
                task_text=data["task_text"],
                internal_notes=data["internal_notes"],
                language=data["language"],
                window_start=data["window_start"],
                window_end=data["window_end"],
                safe_callback_note=data["safe_callback_note"],
                concern=data["concern"],
                send_summary=data["send_summary"],
                actor=request.user,
            )
            if result.created:
                messages.success(
                    request, _("Request %(code)s saved.") % {"code": result.request.code}
                )
            return redirect("request_detail", pk=result.request.pk)
    else:
        form = IntakeForm(initial={"token": uuid.uuid4()})
    return render(request, "helpdesk/intake.html", {"form": form})


@require_GET
@role_required(OPERATOR)
def lookup(request: HttpRequest) -> JsonResponse:
    """The intake page asks this as the phone number is typed."""
    return JsonResponse(resident_lookup(request.GET.get("phone", "")[:40]))


def requests_visible(user) -> QuerySet[HelpRequest]:
    """Every request for operators; a coordinator's organisations' requests for them (offered,
    assigned, or a referral routed to them)."""
    organisation_ids = board_organisation_ids(user)
    requests = HelpRequest.objects.select_related(
        "resident", "district", "assigned_volunteer", "routed_to"
    )
    if organisation_ids is None:
        return requests
    return requests.filter(organisations_scope(organisation_ids)).distinct()


def request_messages(help_request: HelpRequest) -> QuerySet[Message]:
    """The SMS thread: messages about the request, its offers, or to and from the resident."""
    request_type = ContentType.objects.get_for_model(HelpRequest)
    offer_type = ContentType.objects.get_for_model(Offer)
    offer_ids = list(help_request.offers.values_list("pk", flat=True))
    about = Q(about_type=request_type, about_id=help_request.pk) | Q(
        about_type=offer_type, about_id__in=offer_ids
    )
    if help_request.resident.phone:
        about |= Q(phone=str(help_request.resident.phone), created_at__gte=help_request.created_at)
    return Message.objects.filter(about).order_by("created_at", "pk")


@role_required(*STAFF)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = get_object_or_404(requests_visible(request.user), pk=pk)
    # What this user may read of it is helpdesk.access's policy, applied here field by field.
    view = request_view(request.user, help_request)
    if view.audience == Audience.NONE:
        raise Http404
    is_operator = view.audience == Audience.OPERATOR
    if view.shows_contact:
        access_log_record(user=request.user, resident=help_request.resident)
    candidates = []
    if view.may(Field.CANDIDATES) and help_request.is_open:
        candidates = candidates_rank(request=help_request, limit=20)
    # Same names are told apart on the page by organisation, home district and a short id.
    districts = dict(
        Volunteer.objects.filter(pk__in=[c.volunteer_id for c in candidates]).values_list(
            "pk", "district__name"
        )
    )
    for candidate in candidates:
        candidate.district = districts.get(candidate.volunteer_id) or ""
    offers = list(help_request.offers.select_related("volunteer__organisation"))
    volunteer_organisations = {o.volunteer_id: o.volunteer.organisation_id for o in offers}
    offers_shown = [o for o in offers if view.may_see_volunteer(o.volunteer)]
    assigned = help_request.assigned_volunteer
    context = {
        "r": help_request,
        "may": view.flags,
        "is_operator_view": is_operator,
        "is_referral_desk": view.audience == Audience.REFERRAL_DESK,
        "show_safety": help_request.sensitive and view.may(Field.SAFE_CALLBACK_NOTE),
        "timeline": timeline_rows(
            view, help_request.timeline.select_related("actor"), volunteer_organisations
        ),
        "sms": request_messages(help_request) if view.may(Field.RESIDENT_SMS) else [],
        "offers": offers_shown,
        # The map repeats the candidates table (or a coordinator's offers), numbered alike.
        "map_config": map_config(),
        "map_points": request_map(view, help_request, candidates, offers_shown),
        "assigned": volunteer_label(view, assigned) if assigned else "",
        "candidates": candidates,
        "text_form": TextResidentForm(),
        "note_form": NoteForm(),
        "token": uuid.uuid4(),
        "resident_form": resident_form_for(help_request) if is_operator else None,
        "language_label": language_name(help_request.language),
        **resident_text_direction(help_request.language),
    }
    return render(request, "helpdesk/request.html", context)


def resident_text_direction(code: str) -> dict:
    """The resident's language and its direction, for what they wrote and what we write them
    (Arabic reads right to left); lang is set only where it differs from the page's."""
    bidi = _bidi(code)
    return {
        "resident_lang": "" if code == get_language() else code,
        "resident_dir": "rtl" if bidi else "auto",
        # An SMS reads in its own language's direction, even one that opens with a Latin
        # name ("Samhjälp: Senait من ...").
        "rtl_languages": [c for c in languages.codes() if _bidi(c)],
    }


def _bidi(code: str) -> bool:
    try:
        return get_language_info(code)["bidi"]
    except KeyError:
        return False


def resident_form_for(help_request: HelpRequest) -> ResidentDetailsForm | None:
    """The resident's details form on an open request's page; none once they are anonymised."""
    if not help_request.is_open or help_request.resident.anonymised_at is not None:
        return None
    return ResidentDetailsForm(resident=help_request.resident)


def match_message(request: HttpRequest, help_request: HelpRequest, outcome: str) -> None:
    """Tell the operator what matching did just now."""
    if outcome == "offered":
        count = help_request.offers.filter(status=Offer.Status.PENDING).count()
        messages.success(
            request,
            ngettext("An offer went to %(n)d volunteer.", "Offers went to %(n)d volunteers.", count)
            % {"n": count},
        )
    elif outcome == "waiting":
        messages.info(request, _("Offers are already out: waiting for the volunteers' answers."))
    elif outcome == "escalated":
        help_request.refresh_from_db(fields=["escalation_reason"])
        messages.warning(
            request,
            _("Nobody could be offered the task: %(reason)s")
            % {"reason": escalation_reason_text(help_request)},
        )
    else:
        messages.info(
            request,
            _("Matching was not run: the request is %(status)s.")
            % {"status": help_request.get_status_display().lower()},
        )


@role_required(OPERATOR)
def request_resident(request: HttpRequest, pk: int) -> HttpResponse:
    """Complete or correct the resident's details (a text or call from a new number leaves
    only the phone), and with "Save and match" run matching in the same step."""
    help_request = get_object_or_404(HelpRequest.objects.select_related("resident"), pk=pk)
    form = ResidentDetailsForm(
        request.POST or None, resident=help_request.resident, request=help_request
    )
    if request.method == "POST" and form.is_valid():
        match = form.cleaned_data["then"] == MATCH
        try:
            outcome = actions.helprequest_resident_update(
                request=help_request,
                details=form.details(),
                task=form.task(),
                actor=request.user,
                token=str(form.cleaned_data["token"]),
                match=match,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if outcome is not None:
                messages.success(request, _("The resident's details are saved."))
            if outcome not in (None, "saved"):
                match_message(request, help_request, outcome)
            return redirect("request_detail", pk=help_request.pk)
    access_log_record(user=request.user, resident=help_request.resident)
    return render(
        request, "helpdesk/request_resident.html", {"r": help_request, "resident_form": form}
    )


def _token_used(help_request: HelpRequest, token: str) -> bool:
    return bool(token) and help_request.timeline.filter(data__token=token).exists()


@require_POST
@role_required(OPERATOR)
def request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Every button on the request page. Repeats are harmless: the status machine refuses a
    second cancel, and one-off sends carry a token checked against the timeline."""
    help_request = get_object_or_404(HelpRequest, pk=pk)
    user = request.user
    token = request.POST.get("token", "")
    try:
        if action == "cancel":
            if help_request.is_open and request.POST.get("confirm") != "yes":
                # Cancelling withdraws offers and texts volunteers: ask first, and say so.
                context = {
                    "r": help_request,
                    "preview": actions.helprequest_cancel_preview(request=help_request),
                    "reason": request.POST.get("reason", "")[:300],
                }
                return render(request, "helpdesk/request_cancel.html", context)
            helprequest_cancel(
                request=help_request, actor=user, reason=request.POST.get("reason", "")
            )
        elif action == "done":
            actions.helprequest_mark_done(request=help_request, actor=user)
        elif action == "text":
            form = TextResidentForm(request.POST)
            if form.is_valid() and not _token_used(help_request, token):
                actions.helprequest_text_resident(
                    request=help_request, body=form.cleaned_data["body"], actor=user, token=token
                )
        elif action == "note":
            form = NoteForm(request.POST)
            if form.is_valid() and not _token_used(help_request, token):
                actions.helprequest_note(
                    request=help_request, text=form.cleaned_data["text"], actor=user, token=token
                )
        elif action == "rematch":
            outcome = actions.helprequest_rematch(request=help_request, actor=user)
            match_message(request, help_request, outcome)
        elif action in ("offer", "assign"):
            ids = ids_read(request.POST.getlist("volunteer"))
            volunteers = list(Volunteer.objects.filter(pk__in=ids))
            if not volunteers:
                messages.error(request, _("Choose at least one volunteer."))
            elif action == "offer":
                offers_send(request=help_request, volunteers=volunteers, actor=user)
            else:
                helprequest_assign(request=help_request, volunteer=volunteers[0], actor=user)
        else:
            messages.error(request, _("That action is not available."))
    except (ValidationError, LookupError, PermissionError) as error:
        text = error.messages[0] if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
    return redirect("request_detail", pk=help_request.pk)
