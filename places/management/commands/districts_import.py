from django.core.management.base import BaseCommand, CommandError

from places.importing.districts import DistrictsFailed, districts_import


class Command(BaseCommand):
    help = (
        "Set district boundaries from a GeoJSON FeatureCollection of Polygon/MultiPolygon "
        "features (WGS 84, or SWEREF 99 TM when the file says so), matched by code or name; "
        "new districts are created. Addresses then move to the district they fall in."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The GeoJSON file.")
        parser.add_argument(
            "--name-property", default="name", help="The feature property with the name."
        )
        parser.add_argument(
            "--code-property", default="code", help="The feature property with the code."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; change nothing."
        )

    def handle(
        self, *args, file: str, name_property: str, code_property: str, dry_run: bool, **options
    ):
        try:
            summary = districts_import(
                file, name_property=name_property, code_property=code_property, dry_run=dry_run
            )
        except DistrictsFailed as error:
            raise CommandError(str(error)) from error
        for line in summary.lines():
            self.stdout.write(line)
