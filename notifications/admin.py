from django.contrib import admin

from .models import Message, OptOut


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "direction", "phone", "status", "error_code", "segments"]
    list_filter = ["direction", "status"]
    search_fields = ["phone", "provider_id"]
    readonly_fields = [f.name for f in Message._meta.fields if f.name != "id"]


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    list_display = ["phone", "opted_out", "keyword", "changed_at"]
    search_fields = ["phone"]
