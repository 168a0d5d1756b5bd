"""Bar charts drawn as inline SVG text, for pages that must open with no network.

Why here and not a charting library: the overview page is read on office machines that may be
offline, so it can load no script, font or image from anywhere; an SVG written into the page
needs nothing. Every bar carries its value (``data-value``) and a ``<title>`` (the tooltip), and
the numbers printed are in Vietnamese style (reporting.figures.format_vi).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from reporting.figures import format_vi

PALETTE = ("#1f5f99", "#e07b22", "#3a9a5b", "#b23a48", "#7a5aa6")
FONT = "font-family=\"'Liberation Sans', Arial, Helvetica, sans-serif\""


@dataclass(frozen=True)
class Series:
    """One coloured series: a label and a value per category (None: no data, no bar)."""

    label: str
    values: list[float | None]


def _number(value: float, percent: bool) -> str:
    return format_vi(value) + ("%" if percent else "")


def _legend(series: list[Series], x: float, y: float) -> list[str]:
    parts, offset = [], x
    for index, one in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{offset:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{offset + 17:.1f}" y="{y:.1f}" font-size="12">{escape(one.label)}</text>')
        offset += 30 + 7.2 * len(one.label)
    return parts


def horizontal_bars(
    title: str, categories: list[str], series: list[Series], stacked: bool = False, percent: bool = False, width: int = 600
) -> str:
    """One row per category (a unit), its series side by side or stacked; the value at the bar's end."""
    label_width, row_gap = 250, 8
    bar_height = 14 if stacked or len(series) == 1 else 11
    row_height = bar_height * (1 if stacked else len(series)) + row_gap
    top, plot_width = 46, width - label_width - 70
    height = top + row_height * max(len(categories), 1) + 10
    totals = [
        sum(v or 0 for v in (s.values[i] for s in series)) if stacked else max((s.values[i] or 0) for s in series)
        for i in range(len(categories))
    ]
    scale_max = 100.0 if percent else max([*totals, 1.0])
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT} aria-label="{escape(title)}">',
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
        *_legend(series, label_width, 36),
    ]
    for row, category in enumerate(categories):
        y = top + row * row_height
        parts.append(
            f'<text x="{label_width - 8}" y="{y + (row_height - row_gap) / 2 + 4:.1f}" font-size="12" '
            f'text-anchor="end">{escape(_short(category))}<title>{escape(category)}</title></text>'
        )
        x = float(label_width)
        for index, one in enumerate(series):
            value = one.values[row]
            if value is None:
                continue
            length = plot_width * value / scale_max if scale_max else 0
            bar_y = y if stacked else y + index * bar_height
            colour = PALETTE[index % len(PALETTE)]
            text = _number(value, percent)
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{bar_y:.1f}" width="{max(length, 0.5):.1f}" height="{bar_height - 1}" '
                f'fill="{colour}" data-series="{escape(one.label)}" data-category="{escape(category)}" '
                f'data-value="{value:g}"><title>{escape(category)} – {escape(one.label)}: {text}</title></rect>'
            )
            if not stacked:
                parts.append(f'<text x="{x + length + 4:.1f}" y="{bar_y + bar_height - 3:.1f}" font-size="11">{text}</text>')
            else:
                x += length
        if stacked:
            parts.append(
                f'<text x="{x + 4:.1f}" y="{y + bar_height - 3:.1f}" font-size="11">{_number(totals[row], percent)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def vertical_bars(title: str, categories: list[str], series: list[Series], percent: bool = False, width: int = 600) -> str:
    """One group of bars per category (a month), series side by side, with a value axis."""
    left, top, bottom = 44, 46, 40
    plot_height = 170
    height = top + plot_height + bottom
    plot_width = width - left - 10
    group = plot_width / max(len(categories), 1)
    bar = min(22.0, (group - 6) / max(len(series), 1))
    values = [v for s in series for v in s.values if v is not None]
    scale_max = 100.0 if percent else _nice(max([*values, 1.0]))
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT} aria-label="{escape(title)}">',
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
        *_legend(series, left, 36),
    ]
    for step in range(5):
        value = scale_max * step / 4
        y = top + plot_height - plot_height * step / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{_number(value, percent)}</text>')
    for column, category in enumerate(categories):
        x0 = left + column * group + (group - bar * len(series)) / 2
        for index, one in enumerate(series):
            value = one.values[column]
            if value is None:
                continue
            length = plot_height * value / scale_max if scale_max else 0
            colour = PALETTE[index % len(PALETTE)]
            text = _number(value, percent)
            parts.append(
                f'<rect class="bar" x="{x0 + index * bar:.1f}" y="{top + plot_height - length:.1f}" width="{bar - 1:.1f}" '
                f'height="{max(length, 0.5):.1f}" fill="{colour}" data-series="{escape(one.label)}" '
                f'data-category="{escape(category)}" data-value="{value:g}">'
                f"<title>{escape(category)} – {escape(one.label)}: {text}</title></rect>"
            )
        parts.append(
            f'<text x="{left + column * group + group / 2:.1f}" y="{top + plot_height + 16}" font-size="11" '
            f'text-anchor="middle">{escape(category)}</text>'
        )
    parts.append(f'<line x1="{left}" y1="{top + plot_height}" x2="{width - 10}" y2="{top + plot_height}" stroke="#555"/>')
    parts.append("</svg>")
    return "".join(parts)


def _short(label: str, limit: int = 38) -> str:
    """A unit's name cut to fit beside its bars (the whole name is the label's tooltip)."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _nice(value: float) -> float:
    """An axis maximum at or above ``value`` whose four ticks are whole, round numbers
    (4 × a round step): counts never get a tick at 2,5."""
    quarter = value / 4
    power = 1.0
    while power * 10 <= quarter:
        power *= 10
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        tick = step * power
        if tick >= quarter and tick == int(tick):
            return 4 * tick
    return 40 * power  # pragma: no cover
