from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from notifications.models import OptOut
        from notifications.signals import opt_out_changed
        from notifications.simulator import simulator_contacts_register

        from .receivers import volunteer_opt_out_changed

        opt_out_changed.connect(
            volunteer_opt_out_changed, sender=OptOut, dispatch_uid="matching_volunteer_opt_out"
        )
        simulator_contacts_register(volunteer_phones)


def volunteer_phones() -> list[tuple[str, str, str]]:
    """Volunteers, for the SMS phone simulator."""
    from .models import Volunteer

    volunteers = Volunteer.objects.select_related("organisation").order_by(
        "first_name", "last_name", "pk"
    )
    role = pgettext_lazy("a phone in the simulator", "volunteer")
    return [(str(v.phone), f"{v} · {v.organisation}", role) for v in volunteers]
