from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "SMS"

    def ready(self) -> None:
        from .health import health_register

        health_register()
