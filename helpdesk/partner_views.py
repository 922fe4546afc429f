"""A partner organisation's own pages: its volunteers, the tasks they hold, its capacity.

Every lookup goes through organisation_get and the organisation's own querysets, so another
organisation's ids answer 404."""

import base64

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.csvsafe import csv_response
from config.roles import ADMIN, COORDINATOR, OPERATOR, has_role, role_required
from matching.models import Capacity, Offer, Organisation
from matching.services import volunteer_pause
from matching.volunteer_csv import CsvError, volunteers_check, volunteers_export, volunteers_import
from matching.volunteer_positions import AMBIGUOUS, NOT_FOUND

from .models import HelpRequest
from .partner_forms import CapacityForm, ImportUploadForm, VolunteerForm
from .partner_services import (
    organisation_can_edit,
    organisation_get,
    organisations_visible,
    volunteer_open_tasks,
    volunteer_remove,
)

PARTNER_ROLES = (COORDINATOR, OPERATOR, ADMIN)
IMPORT_SESSION_KEY = "partners_import"


def _editable(request: HttpRequest, pk: int) -> Organisation:
    organisation = organisation_get(request.user, pk)
    if not organisation_can_edit(request.user, organisation):
        raise PermissionDenied
    return organisation


@role_required(*PARTNER_ROLES)
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = organisations_visible(request.user).annotate(
        active=Count("volunteers", filter=Q(volunteers__is_active=True))
    )
    if len(organisations) == 1 and not has_role(request.user, OPERATOR, ADMIN):
        return redirect("partner_volunteers", pk=organisations[0].pk)
    return render(request, "partners/organisations.html", {"organisations": organisations})


@role_required(*PARTNER_ROLES)
def volunteers(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_get(request.user, pk)
    show_removed = request.GET.get("removed") == "1"
    listed = organisation.volunteers.select_related("district").annotate(
        open_tasks=Count("assigned_requests", filter=Q(assigned_requests__status="assigned"))
    )
    if not show_removed:
        listed = listed.filter(is_active=True)
    return render(
        request,
        "partners/volunteers.html",
        {
            "organisation": organisation,
            "volunteers": listed,
            "show_removed": show_removed,
            "can_edit": organisation_can_edit(request.user, organisation),
        },
    )


@role_required(*PARTNER_ROLES)
def volunteer_edit(request: HttpRequest, pk: int, volunteer_id: int | None = None) -> HttpResponse:
    organisation = _editable(request, pk)
    volunteer = (
        get_object_or_404(organisation.volunteers, pk=volunteer_id) if volunteer_id else None
    )
    form = VolunteerForm(request.POST or None, instance=volunteer)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.organisation = organisation
        saved.save()
        messages.success(request, _("%(name)s is saved.") % {"name": saved})
        notice = form.placing.notice() if form.placing else ""
        if notice:
            # Never a silent fallback: a coordinator who typed an address hears that it was
            # not found, and where the volunteer was placed instead.
            level = (
                messages.WARNING if form.placing.reason in (NOT_FOUND, AMBIGUOUS) else messages.INFO
            )
            messages.add_message(request, level, _("Position: %(notice)s.") % {"notice": notice})
        return redirect("partner_volunteers", pk=organisation.pk)
    return render(
        request,
        "partners/volunteer_form.html",
        {"organisation": organisation, "form": form, "volunteer": volunteer},
    )


@require_POST
@role_required(*PARTNER_ROLES)
def volunteer_action(request: HttpRequest, pk: int, volunteer_id: int, action: str) -> HttpResponse:
    organisation = _editable(request, pk)
    volunteer = get_object_or_404(organisation.volunteers, pk=volunteer_id)
    if action not in ("pause", "resume", "remove"):
        raise Http404
    if action == "pause":
        # Accepted tasks stay with the volunteer; only new offers stop.
        volunteer_pause(volunteer=volunteer, paused=True)
        messages.success(request, _("%(name)s is paused: no new offers.") % {"name": volunteer})
    elif action == "resume":
        volunteer_pause(volunteer=volunteer, paused=False)
        messages.success(request, _("%(name)s gets offers again.") % {"name": volunteer})
    elif action == "remove":
        if request.POST.get("confirm") != "yes":
            # Removing cannot be undone from here: say what it will do and ask first.
            return render(
                request,
                "partners/volunteer_remove.html",
                {"organisation": organisation, "volunteer": volunteer} | removal_preview(volunteer),
            )
        try:
            outcome = volunteer_remove(volunteer=volunteer)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if outcome == "deleted":
                messages.success(request, _("%(name)s is removed.") % {"name": volunteer})
            else:
                messages.success(
                    request,
                    _(
                        "%(name)s is deactivated, not deleted: the tasks they took part in "
                        "keep their record."
                    )
                    % {"name": volunteer},
                )
    return redirect("partner_volunteers", pk=organisation.pk)


def removal_preview(volunteer) -> dict:
    """What volunteer_remove would do to `volunteer`, for the confirmation step."""
    offers = Offer.objects.filter(volunteer=volunteer)
    return {
        "open_tasks": list(volunteer_open_tasks(volunteer).values_list("code", flat=True)),
        "has_history": offers.exists()
        or HelpRequest.objects.filter(assigned_volunteer=volunteer).exists(),
        "pending_offers": offers.filter(status=Offer.Status.PENDING).count(),
    }


@role_required(*PARTNER_ROLES)
def tasks(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_get(request.user, pk)
    ours = organisation.volunteers.all()
    # Only what a coordinator needs: never the resident's notes, health flags or contact.
    requests = (
        HelpRequest.objects.filter(Q(assigned_volunteer__in=ours) | Q(offers__volunteer__in=ours))
        # A request for operators only (a referral, or a resident with an open one) has left
        # the partners whose volunteers were offered it (helpdesk.board.organisations_scope).
        .filter(operators_only=False)
        .distinct()
        .select_related("district", "assigned_volunteer")
        .prefetch_related(
            Prefetch(
                "offers",
                queryset=Offer.objects.filter(volunteer__in=ours).select_related("volunteer"),
                to_attr="our_offers",
            )
        )
        .only(
            "code",
            "kind",
            "status",
            "task_text",
            "window_start",
            "window_end",
            "created_at",
            "district__name",
            "assigned_volunteer__first_name",
            "assigned_volunteer__last_name",
            "assigned_volunteer__organisation_id",
        )
        .order_by("-created_at")[:300]
    )
    return render(
        request, "partners/tasks.html", {"organisation": organisation, "requests": requests}
    )


@role_required(*PARTNER_ROLES)
def capacity(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_get(request.user, pk)
    can_edit = organisation_can_edit(request.user, organisation)
    form = CapacityForm(request.POST or None, organisation=organisation)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            form.save()
            messages.success(request, _("Capacity saved."))
            return redirect("partner_capacity", pk=organisation.pk)
    rows = organisation.capacities.select_related("district").order_by("kind", "district__name")
    return render(
        request,
        "partners/capacity.html",
        {"organisation": organisation, "rows": rows, "form": form, "can_edit": can_edit},
    )


@require_POST
@role_required(*PARTNER_ROLES)
def capacity_delete(request: HttpRequest, pk: int, capacity_id: int) -> HttpResponse:
    organisation = _editable(request, pk)
    get_object_or_404(Capacity, organisation=organisation, pk=capacity_id).delete()
    messages.success(request, _("Capacity removed."))
    return redirect("partner_capacity", pk=organisation.pk)


@role_required(*PARTNER_ROLES)
def volunteers_csv(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_get(request.user, pk)
    header, rows = volunteers_export(organisation)
    return csv_response(f"volontarer-{organisation.pk}.csv", header, rows)


@role_required(*PARTNER_ROLES)
def volunteers_import_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload: a dry run, nothing saved. Confirm: the same file (kept in the session) is
    checked again and saved, all valid rows or nothing, as the coordinator chose."""
    organisation = _editable(request, pk)
    form = ImportUploadForm()
    report = None
    if request.method == "POST" and "confirm" in request.POST:
        stored = request.session.get(IMPORT_SESSION_KEY) or {}
        if stored.get("organisation") != organisation.pk:
            messages.error(request, _("Upload the file again."))
            return redirect("partner_import", pk=organisation.pk)
        data = base64.b64decode(stored["data"])
        all_or_nothing = request.POST.get("mode") != "valid"
        try:
            saved = volunteers_import(
                organisation=organisation, data=data, all_or_nothing=all_or_nothing
            )
        except CsvError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("partner_import", pk=organisation.pk)
        if saved == 0 and all_or_nothing:
            # Nothing saved: a row had errors, or every row was unchanged already.
            report = volunteers_check(data, organisation=organisation)
        if report is not None and report.invalid:
            messages.error(request, _("Nothing was saved: some rows have errors."))
        else:
            del request.session[IMPORT_SESSION_KEY]
            messages.success(request, _("%(n)s volunteers imported.") % {"n": saved})
            return redirect("partner_volunteers", pk=organisation.pk)
    elif request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            try:
                report = volunteers_check(data, organisation=organisation)
            except CsvError as error:
                form.add_error("file", error)
            else:
                request.session[IMPORT_SESSION_KEY] = {
                    "organisation": organisation.pk,
                    "data": base64.b64encode(data).decode(),
                }
    return render(
        request,
        "partners/import.html",
        {"organisation": organisation, "form": form, "report": report},
    )
