from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "places"
    verbose_name = _("Places")

    def ready(self) -> None:
        from .geometry import boundaries_forget
        from .models import District

        # A district saved or deleted in this process: read the boundaries again. Other
        # processes do after BOUNDARIES_TTL_S.
        def forget(**_kwargs) -> None:
            boundaries_forget()

        post_save.connect(forget, sender=District, weak=False, dispatch_uid="places-forget")
        post_delete.connect(forget, sender=District, weak=False, dispatch_uid="places-forget-d")
