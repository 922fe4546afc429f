"""Small charts drawn on the server as inline SVG: no JavaScript, no build step, readable by
screen readers through their <title> and the table printed beside each chart."""

import datetime as dt

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _fmt(value: float) -> str:
    # The same figure, in the same locale, as the table printed beside the chart ("0,93").
    return str(formats.localize(value))


def bar_chart_svg(
    rows: list[tuple[str, float, float | None, bool]],
    *,
    title: str,
    bar_label: str,
    mark_label: str,
) -> SafeString:
    """Horizontal bars: (label, value, marker, highlight) per row. The marker (a tick across
    the bar, e.g. declared capacity) shows where the value should stay below; highlighted
    rows are drawn in the warning colour."""
    row_h, label_w, bar_w, pad = 26, 150, 420, 8
    height = pad * 2 + row_h * max(len(rows), 1)
    width = label_w + bar_w + 90
    top = max([v for _l, v, _m, _h in rows] + [m or 0 for _l, _v, m, _h in rows] + [1])
    scale = bar_w / top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value, marker, highlight) in enumerate(rows):
        y = pad + i * row_h
        colour = "#b3261e" if highlight else "#0b5cad"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 17}" text-anchor="end" font-size="13">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y + 4}" width="{value * scale:.1f}" height="{row_h - 8}" '
            f'fill="{colour}"><title>{escape(label)}: {escape(bar_label)} {_fmt(value)}'
            "</title></rect>"
            f'<text x="{label_w + value * scale + 4:.1f}" y="{y + 17}" font-size="12">'
            f"{_fmt(value)}</text>"
        )
        if marker is not None:
            x = label_w + marker * scale
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y + 1}" y2="{y + row_h - 1}" '
                f'stroke="#1b1f24" stroke-width="3"><title>{escape(label)}: '
                f"{escape(mark_label)} {_fmt(marker)}</title></line>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def series_chart_svg(
    series: list[tuple[dt.date, int, int]], *, title: str, first_label: str, second_label: str
) -> SafeString:
    """Two lines over days: requests and unmet need."""
    width, height, left, bottom, top_pad = 640, 220, 40, 30, 12
    plot_w, plot_h = width - left - 10, height - bottom - top_pad
    peak = max([n for _d, n, _u in series] + [1])
    step = plot_w / max(len(series) - 1, 1)

    def points(index: int) -> str:
        return " ".join(
            f"{left + i * step:.1f},{top_pad + plot_h - row[index] * plot_h / peak:.1f}"
            for i, row in enumerate(series)
        )

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" x2="{width - 10}" y1="{top_pad + plot_h}" y2="{top_pad + plot_h}" '
        f'stroke="#d5dae0"/>',
        f'<text x="{left - 6}" y="{top_pad + 10}" text-anchor="end" font-size="12">{peak}</text>',
        f'<text x="{left - 6}" y="{top_pad + plot_h}" text-anchor="end" font-size="12">0</text>',
    ]
    if series:
        parts.append(
            f'<text x="{left}" y="{height - 8}" font-size="12">{series[0][0]:%Y-%m-%d}</text>'
            f'<text x="{width - 10}" y="{height - 8}" text-anchor="end" font-size="12">'
            f"{series[-1][0]:%Y-%m-%d}</text>"
            f'<polyline fill="none" stroke="#0b5cad" stroke-width="2" points="{points(1)}">'
            f"<title>{escape(first_label)}</title></polyline>"
            f'<polyline fill="none" stroke="#b3261e" stroke-width="2" stroke-dasharray="5 3" '
            f'points="{points(2)}"><title>{escape(second_label)}</title></polyline>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
