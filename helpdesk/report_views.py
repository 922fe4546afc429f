from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.csvsafe import csv_response
from config.roles import ADMIN, OPERATOR, role_required
from languages import language_choices

from .charts import bar_chart_svg, series_chart_svg
from .models import HelpRequest
from .reports import DEFAULT_PERIOD, PERIODS, Figures, NeedsReport, needs_report

KIND_LABELS = dict(HelpRequest.Kind.choices)
CHANNEL_LABELS = dict(HelpRequest.Channel.choices)


def risk_labels() -> dict[str, str]:
    return {
        "is_70_plus": _("70+"),
        "lives_alone": _("lives alone"),
        "chronic_illness": _("chronic illness"),
        "no_internet": _("no internet"),
        "none": _("no risk flag"),
    }


def _period(request: HttpRequest) -> int:
    try:
        days = int(request.GET.get("days", DEFAULT_PERIOD))
    except ValueError:
        return DEFAULT_PERIOD
    return days if days in PERIODS else DEFAULT_PERIOD


def _figure_columns() -> list[str]:
    return [
        _("Requests"),
        _("Matched"),
        _("Unmet"),
        _("Escalated"),
        _("Median minutes to match"),
        _("90th percentile minutes to match"),
    ]


def _figure_values(f: Figures) -> list:
    return [f.requests, f.matched, f.unmet, f.escalated, f.p50_minutes, f.p90_minutes]


def report_tables(report: NeedsReport) -> dict[str, tuple[list[str], list[list]]]:
    """Every table on the page as (header, rows): the page and the CSV files share them."""
    capacity_columns = [
        _("Per 1,000 aged 70+"),
        _("Requests per week"),
        _("Declared capacity per week"),
        _("Active volunteers"),
        _("Need outstrips capacity"),
    ]

    def capacity_values(f: Figures) -> list:
        return [
            f.per_1000_70_plus,
            f.need_per_week,
            f.capacity_per_week,
            f.active_volunteers,
            f.short_of_capacity,
        ]

    def name(district) -> str:
        return district.name if district else _("No district")

    cells = []
    for district, _figures in report.districts:
        for kind, label in HelpRequest.Kind.choices:
            cell = report.cells[(district.id if district else 0, kind)]
            if cell.requests or cell.capacity_per_week or cell.active_volunteers:
                cells.append([name(district), label, *_figure_values(cell), *capacity_values(cell)])
    risks = risk_labels()
    return {
        "districts": (
            [_("District"), *_figure_columns(), *capacity_columns],
            [[name(d), *_figure_values(f), *capacity_values(f)] for d, f in report.districts]
            + [[_("All districts"), *_figure_values(report.total), *capacity_values(report.total)]],
        ),
        "cells": ([_("District"), _("Task"), *_figure_columns(), *capacity_columns], cells),
        "kinds": (
            [_("Task"), *_figure_columns()],
            [[KIND_LABELS[k], *_figure_values(f)] for k, f in report.by_kind.items()],
        ),
        "languages": (
            [_("Language"), *_figure_columns()],
            [
                [dict(language_choices()).get(k, k), *_figure_values(f)]
                for k, f in report.by_language.items()
            ],
        ),
        "channels": (
            [_("Channel"), *_figure_columns()],
            [[CHANNEL_LABELS[k], *_figure_values(f)] for k, f in report.by_channel.items()],
        ),
        "risks": (
            [_("Risk flag"), *_figure_columns()],
            [[risks[k], *_figure_values(f)] for k, f in report.by_risk.items()],
        ),
        "series": (
            [_("Day"), _("Requests"), _("Unmet")],
            [[day.isoformat(), n, unmet] for day, n, unmet in report.series],
        ),
    }


TABLE_TITLES = {
    "districts": gettext_lazy("Districts"),
    "cells": gettext_lazy("Districts and tasks"),
    "kinds": gettext_lazy("Tasks"),
    "languages": gettext_lazy("Languages"),
    "channels": gettext_lazy("Channels"),
    "risks": gettext_lazy("Risk flags"),
    "series": gettext_lazy("Requests per day"),
}


@role_required(ADMIN, OPERATOR)
def needs(request: HttpRequest) -> HttpResponse:
    days = _period(request)
    report = needs_report(days=days)
    tables = report_tables(report)
    bars = bar_chart_svg(
        [
            (d.name, f.need_per_week, f.capacity_per_week, f.short_of_capacity)
            for d, f in report.districts
            if d
        ],
        title=_("Requests per week against declared capacity, per district"),
        bar_label=_("requests per week"),
        mark_label=_("declared capacity per week"),
    )
    series = series_chart_svg(
        report.series,
        title=_("Requests and unmet need per day"),
        first_label=_("Requests"),
        second_label=_("Unmet"),
    )
    sections = [
        {"key": key, "title": TABLE_TITLES[key], "header": header, "rows": rows}
        for key, (header, rows) in tables.items()
    ]
    return render(
        request,
        "reports/needs.html",
        {
            "report": report,
            "days": days,
            "periods": PERIODS,
            "sections": sections,
            "bars": bars,
            "series": series,
            "short": [d for d, f in report.districts if d and f.short_of_capacity],
        },
    )


@role_required(ADMIN, OPERATOR)
def needs_csv(request: HttpRequest, table: str) -> HttpResponse:
    days = _period(request)
    tables = report_tables(needs_report(days=days))
    if table not in tables:
        raise Http404
    header, rows = tables[table]
    return csv_response(f"samhjalp-{table}-{days}d.csv", header, rows)
