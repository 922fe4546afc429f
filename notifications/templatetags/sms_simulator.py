from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from notifications.simulator import simulator_enabled

register = template.Library()


@register.simple_tag(takes_context=True)
def sms_simulator_link(context) -> str:
    """The nav link to the phone simulator, for operators and admins with the console backend."""
    request = context.get("request")
    if request is None or not simulator_enabled(request.user):
        return ""
    return format_html('<a href="{}">{}</a>', reverse("notifications:simulator"), _("Phones"))
