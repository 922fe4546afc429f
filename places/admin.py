from django.contrib import admin

from .models import Address, District


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "population", "population_70_plus", "equity_weight"]
    search_fields = ["name", "code"]
    exclude = ["boundary"]  # from districts_import; too long to edit by hand


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["street", "number", "letter", "postcode", "locality", "district", "source"]
    list_filter = ["source", "municipality"]
    search_fields = ["search_text"]
    readonly_fields = ["source", "source_id"]
