"""Migrate a fresh database to the oldest supported state (each app's first release:
OLDEST), fill every table of that state with rows made from its historical models, then
migrate forward to today's migrations and check every row is still there.

Run as `python -m tests.observability.oldest_state` with DATABASE_URL or SQLITE_PATH naming an
empty database; prints a JSON summary. tests/observability/test_upgrade.py runs it."""

import datetime as dt
import itertools
import json
import os
import sys

import django

# The first release's migrations. When a release squashes or drops migrations, move this up
# to the oldest release still supported for upgrades.
OLDEST = [
    ("notifications", "0001_initial"),
    ("matching", "0001_initial"),
    ("helpdesk", "0002_initial"),
]
APPS = {app for app, _ in OLDEST}


def value_for(field, serial: int):
    from django.db import models

    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.DateTimeField):
        return dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
    if isinstance(field, models.DateField):
        return dt.date(2026, 1, 1)
    if isinstance(field, models.DurationField):
        return dt.timedelta(minutes=5)
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.IntegerField | models.FloatField | models.DecimalField):
        return 1
    if isinstance(field, models.JSONField):
        return {}
    if type(field).__name__ == "PhoneNumberField":
        return f"+467017{serial:05d}"
    if isinstance(field, models.CharField | models.TextField):
        text = f"v{serial}"
        return text[: field.max_length] if field.max_length else text
    raise TypeError(f"no sample value for {field.model.__name__}.{field.name} ({type(field)})")


def fill(apps) -> dict[str, int]:
    """One row in every table of our apps, and what each row needs of other tables."""
    made: dict[str, object] = {}
    serial = itertools.count(1)

    def instance_of(model):
        label = model._meta.label
        if label in made:
            return made[label]
        fields = {}
        for field in model._meta.concrete_fields:
            if field.primary_key or field.null or field.has_default():
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                continue
            if field.is_relation:
                fields[field.name] = instance_of(field.related_model)
            else:
                fields[field.name] = value_for(field, next(serial))
        if label == "auth.User":
            fields["username"] = f"upgrade-{next(serial)}"
        made[label] = model.objects.create(**fields)
        return made[label]

    for model in apps.get_models():
        if model._meta.app_label in APPS:
            instance_of(model)
    return dict.fromkeys(made, 1)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.apps import apps as current_apps
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(OLDEST)
    executor.loader.build_graph()
    oldest = executor.loader.project_state(OLDEST).apps
    filled = fill(oldest)
    counts_before = {label: oldest.get_model(label).objects.count() for label in filled}

    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    applied_forward = len(executor.migration_plan(leaves))
    executor.migrate(leaves)
    executor = MigrationExecutor(connection)
    left = executor.migration_plan(executor.loader.graph.leaf_nodes())

    counts_after = {}
    for label in counts_before:
        try:
            # Every column read through today's model, not only counted.
            counts_after[label] = len(list(current_apps.get_model(label).objects.all()))
        except LookupError:
            counts_after[label] = None  # a model a later release removed
    json.dump(
        {
            "vendor": connection.vendor,
            "forward": applied_forward,
            "left": len(left),
            "before": counts_before,
            "after": counts_after,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
