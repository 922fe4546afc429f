from django.core.management.base import BaseCommand

from helpdesk.offers import match_batch
from matching.batch import match_batch_plan


class Command(BaseCommand):
    help = (
        "Offer every waiting request to a volunteer at once, by a minimum-cost assignment "
        "(for a spike of requests). --dry-run prints the plan and sends nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Plan only; send nothing.")

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        plan = match_batch_plan() if dry_run else match_batch()
        seconds = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in plan.seconds.items())
        self.stdout.write(
            f"{len(plan.pairs)} requests {'would get' if dry_run else 'got'} an offer, "
            f"{len(plan.unserved)} without anyone in reach; "
            f"total {plan.total_km:.1f} km ({seconds})."
        )
        if plan.unserved:
            codes = ", ".join(f"#{plan.requests[r].code}" for r in plan.unserved[:20])
            self.stdout.write(f"Without a volunteer: {codes}")
