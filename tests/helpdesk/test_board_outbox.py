import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from helpdesk.models import BoardEvent
from helpdesk.privacy import anonymise_daily, anonymise_schedule_ensure
from helpdesk.realtime import board_events_prune, board_version

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def events_aged(*days: float) -> list[BoardEvent]:
    return [
        BoardEvent.objects.create(at=NOW - dt.timedelta(days=d), event="changed", card={})
        for d in days
    ]


def test_prune_deletes_what_is_older_than_kept_and_nothing_newer(settings):
    settings.BOARD_EVENTS_KEEP_DAYS = 7
    BoardEvent.objects.all().delete()
    old, older, recent, newest = events_aged(8, 30, 6.9, 0)
    assert board_events_prune(now=NOW) == 2
    assert set(BoardEvent.objects.values_list("pk", flat=True)) == {recent.pk, newest.pk}
    assert board_events_prune(now=NOW) == 0  # idempotent


def test_prune_keeps_the_newest_row_so_the_version_never_goes_back(settings):
    settings.BOARD_EVENTS_KEEP_DAYS = 7
    BoardEvent.objects.all().delete()
    *_, last = events_aged(40, 30, 20)
    version = board_version()
    assert version == last.pk
    assert board_events_prune(now=NOW) == 2
    assert board_version() == version


def test_the_daily_run_and_the_command_prune_the_outbox(settings, run_tasks, capsys):
    settings.BOARD_EVENTS_KEEP_DAYS = 7
    BoardEvent.objects.all().delete()
    DBTaskResult.objects.all().delete()
    events_aged(10, 9, 0)
    call_command("anonymise")
    assert "Pruned 2 board events older than 7 days" in capsys.readouterr().out
    assert BoardEvent.objects.count() == 1

    events_aged(10, 0)
    anonymise_schedule_ensure()
    waiting = DBTaskResult.objects.filter(task_path=anonymise_daily.module_path, status="READY")
    run_tasks(now=waiting.get().run_after + dt.timedelta(minutes=1))
    assert not BoardEvent.objects.filter(at__lt=NOW - dt.timedelta(days=7)).exists()
