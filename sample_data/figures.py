"""The figures a data set should give, added up from the rows the generator writes.

Tests compare what the pipeline reads or reports against these: per unit version and register,
how many rows, and the sum of every numeric column. They are computed from the generated rows
(never written down by hand), so a data set's expected figures change when its rows do, and a
test comparing against them fails only when reading or reporting loses or changes rows.

Numbers a clerk typed as text ("1.204.000.000", "3") are read here with a rule of their own
(Vietnamese thousands separators, whole numbers only, which is all the generator writes), not
with the parser's, so a parser bug cannot hide behind the same code on both sides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache

from ingestion.registry import Source, load_sources
from sample_data.common import WorkbookSpec
from sample_data.synthetic import ROW_DATE

# Row numbers and month numbers are labels, not quantities.
NOT_SUMMED = frozenset({"seq_no", "month"})

Figures = dict[tuple[str, str], dict[str, float]]


@cache
def _sources() -> dict[str, Source]:
    return {source.id: source for source in load_sources()}


def number(value: object) -> float | None:
    """A generated numeric cell as the clerk meant it."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    return int(str(value).strip().replace(".", ""))


def _day(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.datetime.strptime(str(value), "%d/%m/%Y").date()


def row_in_period(source_id: str, row: dict, year: int, start: dt.date, end: dt.date) -> bool:
    """Whether a row counts in [start, end]: by its row date; a monthly line when its whole month
    lies inside; a line with no date (a school, a unit's plan) always."""
    if source_id == "reform_indicator":
        month = int(number(row["month"]) or 0)
        first = dt.date(year, month, 1)
        last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        return start <= first and last <= end
    column = ROW_DATE.get(source_id)
    day = _day(row.get(column)) if column else None
    return day is None or start <= day <= end


def expected_figures(
    workbooks: Iterable[WorkbookSpec], year: int, start: dt.date | None = None, end: dt.date | None = None
) -> Figures:
    """(unit_id, source_id) → {"rows": count, <numeric column>: sum} of the workbooks' rows,
    optionally only the rows that count in [start, end] (see ``row_in_period``)."""
    figures: Figures = {}
    for spec in workbooks:
        if spec.unit_id is None:
            raise ValueError(f"workbook {spec.source_id} of {spec.slug} has no unit_id")
        columns = [c.name for c in _sources()[spec.source_id].columns if c.type in {"integer", "number"}]
        columns = [c for c in columns if c not in NOT_SUMMED]
        rows = [r for r in spec.rows if start is None or end is None or row_in_period(spec.source_id, r, year, start, end)]
        entry = figures.setdefault((spec.unit_id, spec.source_id), {"rows": 0, **dict.fromkeys(columns, 0)})
        entry["rows"] += len(rows)
        for column in columns:
            entry[column] += sum(number(row.get(column)) or 0 for row in rows)
    return figures


def totals_by_unit(figures: Figures) -> dict[str, int]:
    """Rows per unit version across its registers."""
    totals: dict[str, int] = {}
    for (unit_id, _), entry in figures.items():
        totals[unit_id] = totals.get(unit_id, 0) + int(entry["rows"])
    return totals
