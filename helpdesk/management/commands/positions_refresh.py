from django.core.management.base import BaseCommand, CommandError

from helpdesk.positions_refresh import BATCH_SIZE, positions_refresh, tally_text


class Command(BaseCommand):
    help = (
        "Look up the addresses of residents (not anonymised) and volunteers still placed at "
        "their district's centre or flagged approximate, and move those the address register "
        "knows to their door. Says per kind how many were checked, found (and how far they "
        "moved) and are still approximate, and why. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would change; change nothing."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Rows per transaction (default {BATCH_SIZE}).",
        )

    def handle(self, *args, dry_run: bool = False, batch_size: int = BATCH_SIZE, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        tallies = positions_refresh(dry_run=dry_run, batch_size=batch_size)
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        for tally in tallies:
            self.stdout.write(tally_text(tally))
            if options.get("verbosity", 1) >= 2:
                # Ids only: an address is personal data and does not belong in a terminal log.
                for pk, outcome in tally.lines:
                    self.stdout.write(f"  {tally.kind[:-1]} {pk}: {outcome.replace('_', ' ')}")
