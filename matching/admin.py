from django.contrib import admin

from .models import Capacity, Offer, Organisation, Volunteer


class CapacityInline(admin.TabularInline):
    model = Capacity
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "takes_sensitive_cases"]
    list_filter = ["kind", "takes_sensitive_cases"]
    filter_horizontal = ["districts", "coordinators"]
    inlines = [CapacityInline]


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "phone", "organisation", "district", "is_active", "paused", "vetted"]
    list_filter = ["organisation", "district", "is_active", "paused", "vetted", "opted_out"]
    search_fields = ["first_name", "last_name", "phone"]
    # Set by looking the address up (matching.volunteer_positions), never picked by hand: a
    # door chosen here would not move lat/lon, and the register is too long for a list.
    readonly_fields = ["place", "position_approximate"]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["code", "request", "volunteer", "wave", "status", "expires_at"]
    list_filter = ["status", "wave"]
    raw_id_fields = ["request", "volunteer"]
