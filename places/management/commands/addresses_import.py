from django.core.management.base import BaseCommand, CommandError

from places.importing.runner import ImportFailed, address_import


class Command(BaseCommand):
    help = (
        "Load the address register from an OpenStreetMap extract (.osm.pbf, .osm, .osm.bz2) "
        "or a CSV register (the municipality's or Lantmäteriet's). Re-importing updates by "
        "id and removes what the file no longer has, for that source and municipality only."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The extract or CSV file.")
        parser.add_argument(
            "--municipality",
            default="",
            help="Give every row this municipality (rows naming another are skipped); "
            "without it, each row's own (addr:municipality, the Kommun column).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; change nothing."
        )
        parser.add_argument(
            "--allow-removal",
            action="store_true",
            help="Remove what the file no longer has even when it is more than a tenth of "
            "what this source had (otherwise such a run changes nothing and says so).",
        )

    def handle(self, *args, path: str, municipality: str, dry_run: bool, **options):
        try:
            summary = address_import(
                path,
                municipality=municipality,
                dry_run=dry_run,
                progress=lambda line: self.stderr.write(line),
                allow_removal=options["allow_removal"],
            )
        except ImportFailed as error:
            raise CommandError(str(error)) from error
        except KeyboardInterrupt:
            raise CommandError(
                "Interrupted: nothing was changed (the import rolled back)."
            ) from None
        for line in summary.lines():
            self.stdout.write(line)
