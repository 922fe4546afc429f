"""The admin is a privacy tool too. A resident's page here is read-only, shows what /privacy/
shows of them and writes the access log; the resident list names nobody. Help requests, their
timelines and callbacks show a non-superuser what helpdesk.access gives an analyst, so none of
them is a way round the access log to residents' texts."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from notifications.phones import phone_try_normalise

from .access import admin_request_columns
from .models import AccessLog, Callback, HelpRequest, Resident, TimelineEvent
from .privacy import access_log_record


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    # Enough to find one resident, not a list of names and phones to read down.
    list_display = ["pk", "district", "language", "created_at", "anonymised_at"]
    list_filter = ["district", "language"]
    search_fields = ["=phone"]
    search_help_text = _("A phone number, in any format. Search by name on the privacy page.")
    fields = [
        "name",
        "phone",
        "address",
        "district",
        "language",
        "risk_flags_shown",
        "consent_at",
        "consent_version",
        "created_at",
        "anonymised_at",
        "privacy_page",
    ]
    readonly_fields = fields

    @admin.display(description=_("Risk flags"))
    def risk_flags_shown(self, resident: Resident) -> str:
        return ", ".join(resident.risk_flags) or "–"

    @admin.display(description=_("Personal data"))
    def privacy_page(self, resident: Resident) -> str:
        url = reverse("privacy_resident", args=[resident.pk])
        return format_html('<a href="{}">{}</a>', url, _("Requests, messages, export, deletion"))

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        phone = phone_try_normalise(search_term)
        return (queryset.filter(phone=phone) if phone else queryset.none()), False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        resident = self.get_object(request, unquote(object_id))
        if response.status_code == 200 and resident is not None:
            access_log_record(user=request.user, resident=resident, action=AccessLog.Action.VIEW)
        return response

    # Residents change through intake, the request page and /privacy/ (deletion), which keep
    # consent, the timeline and the access log right.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class TimelineInline(admin.TabularInline):
    model = TimelineEvent
    extra = 0
    can_delete = False
    FULL = ["at", "kind", "actor", "actor_label", "from_status", "to_status", "text"]
    # The texts are the resident's SMS, operators' notes and SMS; actor labels name volunteers.
    MASKED = ["at", "kind", "actor", "from_status", "to_status"]

    def get_fields(self, request, obj=None):
        return self.FULL if request.user.is_superuser else self.MASKED

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(HelpRequest)
class HelpRequestAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "status", "urgency", "district", "channel", "created_at"]
    list_filter = ["status", "kind", "channel", "district", "sensitive"]
    raw_id_fields = ["resident", "assigned_volunteer", "created_by"]
    inlines = [TimelineInline]

    def get_search_fields(self, request):
        if request.user.is_superuser:
            return ["code", "resident__name", "resident__phone"]
        return ["=code"]

    def get_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fields(request, obj)
        columns = admin_request_columns(request.user)
        return [c for c in columns if c != "id"] + ["resident_number"]

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            # Status changes go through the services, so the timeline and the boards stay right.
            return ["code", "status", "priority", "closed_at"]
        return self.get_fields(request, obj)

    @admin.display(description=_("Resident"))
    def resident_number(self, request_: HelpRequest) -> str:
        return str(request_.resident_id)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_change_permission(request, obj)


@admin.register(Callback)
class CallbackAdmin(admin.ModelAdmin):
    list_display = ["request", "due_at", "claimed_by", "done_at", "repeat_every_days"]
    raw_id_fields = ["request", "claimed_by"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # The outcome is an operator's note about the call.
        return fields if request.user.is_superuser else [f for f in fields if f != "outcome"]

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_change_permission(request, obj)


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: an access log that can be edited proves nothing."""

    list_display = ["at", "username", "resident_ref", "action"]
    list_filter = ["action"]
    search_fields = ["username", "=resident_ref"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
