from django.core.management.base import BaseCommand

from notifications.sweep import sms_sweep, sweep_schedule_ensure


class Command(BaseCommand):
    help = (
        "Re-enqueue SMS stuck in queued or sending past their lease, and inbound messages "
        "whose handling never finished. With --schedule, also make sure the worker runs the "
        "sweep periodically (safe to run from every worker at start-up)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="start the periodic sweep task unless one is already scheduled",
        )

    def handle(self, *args, schedule: bool = False, **options):
        counts = sms_sweep()
        self.stdout.write(
            "re-enqueued: {sending} sending, {queued} queued, {inbound} inbound".format(**counts)
        )
        if schedule:
            started = sweep_schedule_ensure()
            self.stdout.write("periodic sweep " + ("scheduled" if started else "already running"))
