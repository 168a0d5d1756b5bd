"""Which unit version owns each line of a workbook: the version valid on the line's date.

A register names its unit once, in the title block, but a unit can change within the period a
workbook covers: "Phường Đoàn Kết" in 2025 is the old ward until 30/6 and the merged ward from
1/7, and code 03388 is Phường Quyết Tiến until 30/6 and the new Phường Đoàn Kết after. So every
line gets the unit version valid on its date (the source's ``row_date`` column), and a line dated
when no version of the unit existed (a visit on 03/07/2025 in Quyết Thắng's register, a ward that
ceased on 30/6) is a clerk error that names the unit whose register it belongs in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from ingestion.registry import Source
from ingestion.units import AdminUnit, Resolution, UnitDirectory


def owning_day(event: dt.date | None, start: dt.date, end: dt.date) -> dt.date:
    """The day that decides which unit version owns a line, for a workbook covering [start, end].

    A line without a date (a school, a model: the register's state) is the unit's at ``end``; a
    dated line, on its date, brought within the coverage: an inspection decided last year and
    carried over belongs to the unit that carries it at the start of this period."""
    if event is None:
        return end
    return min(max(event, start), end)


def event_dates(source: Source, columns: dict[str, list], year: int) -> list[dt.date | None] | None:
    """Each line's event date from the source's ``row_date`` column (a month number means the
    first day of that month of the workbook's year); None when the source has no such column."""
    if source.row_date is None:
        return None
    values = columns[source.row_date]
    column = next(c for c in source.columns if c.name == source.row_date)
    if column.type == "date":
        return values
    return [dt.date(year, month, 1) if isinstance(month, int) and 1 <= month <= 12 else None for month in values]


@dataclass(frozen=True)
class RowUnits:
    """The unit version of every line, and the version the workbook as a whole is filed under: the
    one owning its latest line (the unit whose register it last was), or, without lines, the one
    valid at the end of its coverage."""

    unit_ids: list[str]
    load_unit: AdminUnit


def _date(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _names(units: list[AdminUnit]) -> str:
    return " / ".join(dict.fromkeys(u.full_name for u in units))


def outside_message(resolution: Resolution, day: dt.date, units: UnitDirectory) -> tuple[str, str, str]:
    """(Vietnamese, English, rule) for a line dated when no version of the unit existed."""
    ended = [v for v in resolution.versions if v.valid_to is not None and v.valid_to < day]
    if ended:
        unit = ended[-1]
        assert unit.valid_to is not None
        successors = units.successors(unit)
        ceased, gone_from = _date(unit.valid_to), _date(unit.valid_to + dt.timedelta(days=1))
        if successors:
            where_vi = f"hãy nhập dòng này vào sổ của {_names(successors)}"
            where_en = f"enter this row in {_names(successors)}'s register"
        else:
            where_vi = f"hãy nhập dòng này vào sổ của đơn vị tiếp nhận nhiệm vụ của {unit.full_name}, hoặc kiểm tra lại ngày"
            where_en = f"enter this row in the register of the unit that took over {unit.full_name}'s duties, or check the date"
        return (
            f"dòng ghi ngày {_date(day)}: {unit.full_name} đã giải thể/sáp nhập từ ngày {gone_from} "
            f"(hết hiệu lực ngày {ceased}); {where_vi}.",
            f"the row is dated {_date(day)}: {unit.full_name} ceased on {ceased}; {where_en}.",
            "unit_ceased",
        )
    unit = resolution.versions[0]
    predecessors = units.predecessors(unit)
    if predecessors:
        where_vi = f"dòng trước ngày đó thuộc sổ của {_names(predecessors)}"
        where_en = f"rows before that date belong in the register of {_names(predecessors)}"
    else:
        where_vi, where_en = "hãy kiểm tra lại ngày", "check the date"
    return (
        f"dòng ghi ngày {_date(day)}: {unit.full_name} được thành lập từ ngày {_date(unit.valid_from)}; {where_vi}.",
        f"the row is dated {_date(day)}: {unit.full_name} was established on {_date(unit.valid_from)}; {where_en}.",
        "unit_not_established",
    )


def assign_row_units(
    resolution: Resolution,
    source: Source,
    columns: dict[str, list],
    row_numbers: list[int],
    year: int,
    coverage: tuple[dt.date, dt.date],
    units: UnitDirectory,
    error: Callable[[int, str | None, str, str, str], None],
    column_where: str | None,
) -> RowUnits:
    """The unit version of each line; lines dated outside every version are reported through
    ``error(row, column, vi, en, rule)`` (at ``column_where``, the date column as the clerk sees it)."""
    start, end = coverage
    undated_day = resolution.last_day_within(start, end)
    events = event_dates(source, columns, year)
    by_day: dict[dt.date, AdminUnit | None] = {}
    unit_ids: list[str] = []
    latest: tuple[dt.date, AdminUnit] | None = None
    for position, row in enumerate(row_numbers):
        event = events[position] if events is not None else None
        day = owning_day(event, start, end) if event is not None else undated_day
        if day not in by_day:
            by_day[day] = resolution.on(day)
        unit = by_day[day]
        if unit is None:
            vi, en, rule = outside_message(resolution, day, units)
            error(row, column_where, vi, en, rule)
            unit_ids.append(resolution.last.unit_id)
            continue
        unit_ids.append(unit.unit_id)
        if latest is None or day > latest[0]:
            latest = (day, unit)
    load_unit = latest[1] if latest is not None else (resolution.on(undated_day) or resolution.last)
    return RowUnits(unit_ids, load_unit)
