"""Reads a report's figures from the report schema (dbt computes them: models/report/rpt_figures) and
renders its sentences from them."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import yaml

from pipeline.periods import Period

CATALOGUE = Path(__file__).resolve().parent / "catalogue.yml"
# {key}, {key@scope}, and a format: {key|02} zero-pads to 2 digits ("05 cuộc"), {key|round}
# rounds to a whole number ("đạt 99%"), {key|floor} rounds down ("đạt trên 97%"), {key|plain} writes
# a whole number without thousands separators ("2111 lượt", as the report does).
_PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)*)(?:@([a-z_]+))?(?:\|(0\d|round|floor|plain))?\}")


@dataclass(frozen=True)
class Figure:
    key: str
    scope: str
    value: float
    unit: str
    label_vi: str
    # False for details that only sentences use (breakdowns the report's figures file does not key)
    published: bool = True
    # The last day the figure's counted data report on (dbt: int_report_figures.data_runs_to)
    data_runs_to: dt.date | None = None


@cache
def load_catalogue(path: Path = CATALOGUE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def read_figures(con: duckdb.DuckDBPyConnection, reporting_unit_code: str, start: dt.date, end: dt.date) -> list[Figure]:
    """The figures dbt wrote for one request (reporting unit and period): report.figures, then the
    details only sentences use (report.figure_details, ``published=False``). Empty when dbt was
    not asked for that request. A figure's value is in ``value`` (BIGINT: counts, people, VND) or
    ``value_decimal`` (DECIMAL: pct, ha); Figure.value is either, as a float."""
    figures = []
    for table, published in (("figures", True), ("figure_details", False)):
        rows = con.execute(
            f"""
            select key, scope, coalesce(value::double, value_decimal::double) as value, unit, label_vi, data_runs_to
            from report.{table}
            where reporting_unit_code = ? and period_start = ? and period_end = ?
            order by key, scope
            """,
            [reporting_unit_code, start, end],
        ).fetchall()
        figures += [Figure(key, scope, value, unit, label, published, to) for key, scope, value, unit, label, to in rows]
    return figures


def format_vi(value: float) -> str:
    """Vietnamese number style: ``1.214``, ``9.687,9``."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    whole, _, decimals = text.partition(".")
    whole = whole.replace(",", ".")
    return f"{whole},{decimals}" if decimals else whole


def period_phrase(period: Period) -> str:
    if (period.start.month, period.start.day) == (1, 1):
        return "Từ đầu năm"
    return f"Từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}"


@dataclass(frozen=True)
class Sentence:
    key: str
    title_vi: str
    file: str
    text_vi: str


def render_sentences(figures: list[Figure], period: Period, catalogue: dict | None = None) -> list[Sentence]:
    """The report's sentences with the figures filled in; one whose figures are missing is skipped."""
    catalogue = catalogue or load_catalogue()
    values = {(f.key, f.scope): f.value for f in figures}
    rendered = []
    for spec in catalogue.get("sentences", []):
        missing = []

        def fill(match: re.Match, missing: list = missing) -> str:
            if match.group(1) == "period_phrase":
                return period_phrase(period)
            if match.group(1) == "period_year":
                return str(period.end.year)
            key = (match.group(1), match.group(2) or "total")
            if key not in values:
                missing.append(key)
                return "?"
            value, spec = values[key], match.group(3)
            if spec == "round":
                value = float(round(value))
            elif spec == "floor":
                value = float(math.floor(value))
            elif spec == "plain":
                return str(int(value)) if float(value).is_integer() else format_vi(value)
            elif spec and float(value).is_integer():
                return f"{int(value):{spec}d}"
            return format_vi(value)

        template = spec["template_vi"]
        zero_key = spec.get("zero_key")
        if zero_key and values.get((zero_key, "total")) == 0:
            template = spec["template_zero_vi"]
        text = _PLACEHOLDER.sub(fill, " ".join(template.split()))
        if not missing:
            rendered.append(Sentence(spec["key"], spec["title_vi"], spec["file"], text))
    return rendered
