"""Each figure against the hand-counted world in world.py."""

import pytest

from helpdesk.reports import needs_report
from tests.reports.world import NOW, equity_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return equity_world()


def test_district_and_kind_figures_for_30_days(world):
    report = needs_report(days=30, now=NOW)
    a, b = world["alby"].id, world["balby"].id
    cell = report.cells[(a, "groceries")]
    assert (cell.requests, cell.matched, cell.unmet, cell.escalated) == (4, 3, 1, 1)
    # Times 600, 1800, 3000 s: median at rank 2, 90th percentile at rank ceil(2.7) = 3.
    assert (cell.p50_seconds, cell.p90_seconds) == (1800, 3000)
    assert cell.capacity_per_week == 4  # 2 for Alby plus half of the shared 4
    assert cell.active_volunteers == 1  # the paused one does not count
    pharmacy = report.cells[(a, "pharmacy")]
    assert (pharmacy.requests, pharmacy.matched, pharmacy.unmet) == (1, 0, 1)
    assert pharmacy.p50_seconds is None
    balby_callback = report.cells[(b, "callback")]
    assert (balby_callback.requests, balby_callback.matched, balby_callback.unmet) == (1, 0, 0)


def test_district_totals_and_rate_per_1000_aged_70_plus(world):
    report = needs_report(days=30, now=NOW)
    rows = {d.name: f for d, f in report.districts if d}
    alby, balby = rows["Alby"], rows["Balby"]
    assert (alby.requests, alby.matched, alby.unmet, alby.escalated) == (5, 3, 2, 1)
    assert alby.per_1000_70_plus == 2.5  # 5 / 2000 * 1000
    assert (balby.requests, balby.matched, balby.unmet, balby.escalated) == (2, 1, 0, 1)
    assert balby.per_1000_70_plus == 4.0  # 2 / 500 * 1000
    assert (balby.p50_seconds, balby.p90_seconds) == (7200, 7200)
    assert alby.capacity_per_week == 4 and balby.capacity_per_week == 2
    assert alby.active_volunteers == 1 and balby.active_volunteers == 1


def test_overall_figures(world):
    total = needs_report(days=30, now=NOW).total
    assert (total.requests, total.matched, total.unmet, total.escalated) == (7, 4, 2, 2)
    # 600, 1800, 3000, 7200: median rank 2, 90th percentile rank ceil(3.6) = 4.
    assert (total.p50_seconds, total.p90_seconds) == (1800, 7200)


def test_ninety_days_reach_the_older_request(world):
    report = needs_report(days=90, now=NOW)
    cell = report.cells[(world["alby"].id, "groceries")]
    # 300, 600, 1800, 3000: median rank 2, 90th percentile rank 4.
    assert (cell.requests, cell.matched, cell.p50_seconds, cell.p90_seconds) == (5, 4, 600, 3000)
    assert report.total.requests == 8


def test_seven_days_show_where_need_outstrips_capacity(world):
    report = needs_report(days=7, now=NOW)
    rows = {d.name: f for d, f in report.districts if d}
    # Alby: 5 requests this week against 4 a week declared. Balby: 2 against 2.
    assert rows["Alby"].need_per_week == 5 and rows["Alby"].short_of_capacity
    assert rows["Balby"].need_per_week == 2 and not rows["Balby"].short_of_capacity


def test_breakdowns_by_language_channel_and_risk(world):
    report = needs_report(days=30, now=NOW)
    assert report.by_language["ar"].requests == 1 and report.by_language["ar"].unmet == 1
    assert report.by_language["sv"].requests == 6
    assert report.by_channel["phone"].requests == 5
    assert report.by_channel["sms"].requests == 1
    voice = report.by_channel["voice"]
    assert (voice.requests, voice.matched, voice.escalated, voice.p50_seconds) == (1, 1, 1, 7200)
    assert report.by_risk["is_70_plus"].requests == 1
    assert report.by_risk["lives_alone"].p50_seconds == 600
    assert report.by_risk["chronic_illness"].requests == 1
    assert report.by_risk["no_internet"].requests == 0
    assert report.by_risk["none"].requests == 5


def test_time_series_counts_requests_and_unmet_per_day(world):
    report = needs_report(days=7, now=NOW)
    assert len(report.series) == 8  # the seven days back and today
    by_day = {day.isoformat(): (n, unmet) for day, n, unmet in report.series}
    assert by_day["2026-02-27"] == (7, 2)
    assert sum(n for _d, n, _u in report.series) == 7


def test_an_empty_database_gives_zeros_not_errors(db):
    report = needs_report(days=7, now=NOW)
    assert report.total.requests == 0 and report.total.p50_seconds is None
    assert report.districts == []
