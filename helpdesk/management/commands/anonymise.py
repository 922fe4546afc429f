from django.conf import settings
from django.core.management.base import BaseCommand

from helpdesk.privacy import residents_due, retention_run


class Command(BaseCommand):
    help = (
        "Anonymise residents whose requests all closed more than ANONYMISE_AFTER_DAYS ago "
        "and prune the board's outbox (the daily task does the same), and make sure the "
        "daily run is scheduled."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count who is due.")

    def handle(self, *args, dry_run: bool = False, **options):
        days = settings.ANONYMISE_AFTER_DAYS
        if dry_run:
            due = len(residents_due())
            self.stdout.write(f"{due} residents are due for anonymisation (after {days} days).")
            return
        count, pruned = retention_run()
        self.stdout.write(f"Anonymised {count} residents (retention {days} days).")
        self.stdout.write(
            f"Pruned {pruned} board events older than {settings.BOARD_EVENTS_KEEP_DAYS} days."
        )
