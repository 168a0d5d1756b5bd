"""The unit a workbook's title block names ("Đơn vị: Phường Đoàn Kết", "Đơn vị: 03388"), checked.

The name or code is resolved to the unit's versions over the workbook's period (see
``UnitDirectory.versions``); what cannot be resolved is said so a clerk can fix it: an unknown
name with the names valid in that period, a name two units share at the same time with their
codes, a code that does not go with the name beside it, a file name that names another unit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from ingestion.registry import Source
from ingestion.units import AdminUnit, Resolution, UnitDirectory


def coverage_of(year: int) -> tuple[dt.date, dt.date]:
    """The period a workbook covers: its year (a title block's own period may narrow it later)."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def describe(unit: AdminUnit) -> tuple[str, str]:
    """A unit version as (Vietnamese, English): name, code and the dates it was valid."""
    code_vi = f"mã {unit.official_code}, " if unit.official_code else ""
    code_en = f"code {unit.official_code}, " if unit.official_code else ""
    since_vi, since_en = f"từ {unit.valid_from:%d/%m/%Y}", f"from {unit.valid_from:%d/%m/%Y}"
    until_vi = f" đến {unit.valid_to:%d/%m/%Y}" if unit.valid_to else ""
    until_en = f" to {unit.valid_to:%d/%m/%Y}" if unit.valid_to else ""
    return f"{unit.full_name} ({code_vi}{since_vi}{until_vi})", f"{unit.full_name} ({code_en}{since_en}{until_en})"


def resolve_title_unit(
    written: str, year: int, source: Source, units: UnitDirectory, name: str, error: Callable[..., None]
) -> Resolution | None:
    """The versions of the unit the title block names during the workbook's year, or None after
    reporting why not through ``error(row, column, vi, en, rule)``."""
    start, end = coverage_of(year)
    kinds = list(source.reporting_unit_kinds)
    label = source.title_fields["unit"]["label"]
    resolution = units.versions(written, start, end, kinds)
    if not resolution:
        known = "; ".join(units.names_of_kinds(kinds, start, end))
        candidates = [describe(u) for u in resolution.ambiguous]
        if resolution.code_name_conflict:
            error(
                None,
                None,
                f"mã đơn vị {resolution.code} trong năm {year} là của {' / '.join(vi for vi, _ in candidates)}, "
                f"không khớp với tên trong «{written}». Hãy sửa tên hoặc mã cho đúng.",
                f"unit code {resolution.code} in {year} is {' / '.join(en for _, en in candidates)}, which does not "
                f"match the name in '{written}'. Correct the name or the code.",
                "unit_code_mismatch",
            )
        elif candidates:
            example = resolution.ambiguous[0].official_code or resolution.ambiguous[0].full_name
            error(
                None,
                None,
                f"«{written}» trong năm {year} có thể là {' hoặc '.join(vi for vi, _ in candidates)}. "
                f"Hãy ghi mã đơn vị, ví dụ «{label}: {example}». "
                f"Các đơn vị hợp lệ khác: {known}",
                f"'{written}' in {year} may be {' or '.join(en for _, en in candidates)}. Write the unit's code, e.g. "
                f"'{label}: {example}'. "
                f"Other valid units: {known}",
                "ambiguous_unit",
            )
        else:
            error(
                None,
                None,
                f"không nhận ra đơn vị «{written}» trong năm {year}. Các đơn vị hợp lệ: {known}",
                f"unknown reporting unit '{written}' for {year}. Valid units: {known}",
                "unknown_unit",
            )
        return None
    named = units.units_named_in(Path(name).stem, start, end, kinds)
    ours = {u.unit_id for u in resolution.versions}
    if named and not ours & {u.unit_id for u in named}:
        other = " / ".join(dict.fromkeys(u.full_name for u in named))
        mine = " / ".join(dict.fromkeys(u.full_name for u in resolution.versions))
        error(
            None,
            None,
            f"tên tệp ghi đơn vị «{other}» nhưng dòng «{label}» trong tệp ghi «{mine}». "
            "Một tệp chỉ của một đơn vị: hãy sửa tên tệp hoặc dòng đơn vị cho đúng rồi gửi lại.",
            f"the file name names '{other}' but the '{label}' line inside says "
            f"'{mine}'. A file is one unit's: correct the file name or the unit line and send it again.",
            "unit_mismatch",
        )
    return resolution
