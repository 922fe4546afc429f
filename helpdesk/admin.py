from django.contrib import admin

from .models import AccessLog, Callback, District, HelpRequest, Resident, TimelineEvent


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "population", "population_70_plus", "equity_weight"]
    search_fields = ["name", "code"]


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "district", "language", "is_70_plus", "lives_alone"]
    list_filter = ["district", "language", "is_70_plus", "lives_alone", "no_internet"]
    search_fields = ["name", "phone", "address"]


class TimelineInline(admin.TabularInline):
    model = TimelineEvent
    extra = 0
    readonly_fields = ["at", "kind", "actor", "actor_label", "from_status", "to_status", "text"]
    fields = readonly_fields
    can_delete = False


@admin.register(HelpRequest)
class HelpRequestAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "status", "urgency", "district", "channel", "created_at"]
    list_filter = ["status", "kind", "channel", "district", "sensitive"]
    search_fields = ["code", "resident__name", "resident__phone"]
    raw_id_fields = ["resident", "assigned_volunteer", "created_by"]
    # Status changes go through the services, so the timeline and the boards stay right.
    readonly_fields = ["code", "status", "priority", "closed_at"]
    inlines = [TimelineInline]


@admin.register(Callback)
class CallbackAdmin(admin.ModelAdmin):
    list_display = ["request", "due_at", "claimed_by", "done_at", "repeat_every_days"]
    raw_id_fields = ["request", "claimed_by"]


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
