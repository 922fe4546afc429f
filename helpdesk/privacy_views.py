"""Personal-data pages for the support line: find a resident, see what we hold (logged),
hand over an export (logged), delete on request (logged). The access log is for admins."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.ids import id_read
from config.roles import ADMIN, OPERATOR, role_required
from notifications.phones import phone_try_normalise

from .models import AccessLog, Resident
from .privacy import access_log_record, resident_delete, resident_export, resident_export_json
from .privacy_erasure import erasure_preview


@role_required(OPERATOR, ADMIN)
def resident_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    found = []
    if query:
        phone = phone_try_normalise(query)
        found = (
            Resident.objects.filter(phone=phone)
            if phone
            else Resident.objects.filter(name__icontains=query)[:50]
        )
    return render(request, "reports/privacy_search.html", {"query": query, "found": found})


@role_required(OPERATOR, ADMIN)
def resident_data(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_object_or_404(Resident, pk=pk)
    access_log_record(user=request.user, resident=resident, action=AccessLog.Action.VIEW)
    return render(
        request,
        "reports/privacy_resident.html",
        {"resident": resident, "data": resident_export(resident)},
    )


@role_required(OPERATOR, ADMIN)
def resident_data_export(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_object_or_404(Resident, pk=pk)
    access_log_record(user=request.user, resident=resident, action=AccessLog.Action.EXPORT)
    response = HttpResponse(resident_export_json(resident), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="samhjalp-resident-{resident.pk}.json"'
    return response


@require_POST
@role_required(OPERATOR, ADMIN)
def resident_data_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Two steps: the first POST shows exactly what will go and changes nothing; the
    confirmation's own form deletes."""
    resident = get_object_or_404(Resident, pk=pk)
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "reports/privacy_delete.html",
            {"resident": resident, "preview": erasure_preview(resident)},
        )
    outcome = resident_delete(resident=resident, user=request.user)
    if outcome == "deleted":
        messages.success(request, _("The resident's data is deleted."))
    else:
        messages.success(
            request,
            _(
                "The resident's personal data is deleted. Their requests remain without "
                "anything that identifies them, for the municipality's statistics."
            ),
        )
    return redirect("privacy_search")


@role_required(ADMIN)
def access_log(request: HttpRequest) -> HttpResponse:
    entries = AccessLog.objects.all()
    ref = request.GET.get("resident", "").strip()
    if ref:
        if id_read(ref) is None:
            return HttpResponseBadRequest(_("The resident number must be digits 0-9."))
        entries = entries.filter(resident_ref=int(ref))
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "reports/access_log.html", {"page": page, "resident": ref})
