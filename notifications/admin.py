from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Message, OptOut
from .phones import phone_mask


class MaskedPhone:
    """Non-superusers get the list with masked numbers and nothing more: a row's own page,
    and the action checkbox's label, name the row by its __str__, which holds the number
    (and a message's body)."""

    @admin.display(description=_("Phone"))
    def masked_phone(self, obj) -> str:
        return phone_mask(obj.phone)

    def get_list_display_links(self, request, list_display):
        if request.user.is_superuser:
            return super().get_list_display_links(request, list_display)
        return None

    def get_actions(self, request):
        return super().get_actions(request) if request.user.is_superuser else {}

    def has_view_permission(self, request, obj=None) -> bool:
        if obj is not None and not request.user.is_superuser:
            return False
        return super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Message)
class MessageAdmin(MaskedPhone, admin.ModelAdmin):
    """For following delivery. Bodies are residents' and volunteers' own texts, and numbers
    are personal data: only superusers read them here (operators read a request's thread on
    its page, and /privacy/ logs who opens a resident's)."""

    list_filter = ["direction", "status"]
    readonly_fields = [f.name for f in Message._meta.fields if f.name != "id"]

    def get_list_display(self, request):
        phone = "phone" if request.user.is_superuser else "masked_phone"
        return ["created_at", "direction", phone, "status", "error_code", "segments"]

    def get_search_fields(self, request):
        return ["phone", "provider_id"] if request.user.is_superuser else ["=provider_id"]


@admin.register(OptOut)
class OptOutAdmin(MaskedPhone, admin.ModelAdmin):
    def get_list_display(self, request):
        phone = "phone" if request.user.is_superuser else "masked_phone"
        return [phone, "opted_out", "keyword", "changed_at"]

    def get_search_fields(self, request):
        # Exact numbers only: enough to answer "is this number opted out?".
        return ["phone"] if request.user.is_superuser else ["=phone"]
