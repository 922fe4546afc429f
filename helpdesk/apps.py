from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import pgettext_lazy


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = "Helpdesk"

    def ready(self) -> None:
        from config.roles import role_groups_ensure

        # Not limited to this app: the admin group needs every app's permissions, which
        # exist only once each app's own post_migrate has run.
        post_migrate.connect(role_groups_ensure, dispatch_uid="role_groups_ensure")

        from notifications.inbound import inbound_handler_register
        from notifications.models import Message
        from notifications.signals import message_status_changed

        from .offer_receivers import offer_message_status_changed
        from .resident_sms import resident_sms_handle
        from .resident_updates import on_status_changed
        from .signals import helprequest_status_changed
        from .volunteer_replies import volunteer_reply

        # Volunteers' answers first (order 10): a resident's handler never sees "1 4821".
        inbound_handler_register(volunteer_reply, order=10)
        inbound_handler_register(resident_sms_handle, order=20)
        message_status_changed.connect(
            offer_message_status_changed, sender=Message, dispatch_uid="offer_message_status"
        )
        helprequest_status_changed.connect(on_status_changed, dispatch_uid="resident_updates")

        from django.db.models.signals import post_save

        from .models import HelpRequest
        from .referrals import on_helprequest_saved

        # Every path that opens or closes a referral saves the row: see helpdesk.referrals.
        post_save.connect(on_helprequest_saved, sender=HelpRequest, dispatch_uid="referrals")

        from notifications.simulator import simulator_contacts_register

        simulator_contacts_register(resident_phones)

        from config.metrics import DATABASE_REGISTRY

        from .metrics import MatchingCollector

        DATABASE_REGISTRY.register(MatchingCollector())


def resident_phones() -> list[tuple[str, str, str]]:
    """Residents with a phone, for the SMS phone simulator."""
    from .models import Resident

    residents = Resident.objects.exclude(phone=None).exclude(phone="").order_by("name")
    role = pgettext_lazy("a phone in the simulator", "resident")
    return [(str(r.phone), r.name or str(r.phone), role) for r in residents]
