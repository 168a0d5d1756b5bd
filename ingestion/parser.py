"""Reads one workbook against its source contract: finds the sheet, the title block, the header
row, maps columns by their labels, and types every cell.

Clerks move things around, so nothing is found by position: the header is the first row that
holds the source's required labels, columns are found by label (diacritics-insensitive),
blank rows, a numbered "(1) (2) ..." row and merged title cells are passed over, and reading
stops at a totals or signature row. All errors of a workbook are collected, not just the first.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineWorkbook

from ingestion.errors import IngestError, WorkbookRejected, column_letter
from ingestion.normalize import (
    Invalid,
    clean_text,
    fold,
    parse_boolean,
    parse_date,
    parse_integer,
    parse_number,
)
from ingestion.registry import Column, Source
from ingestion.units import AdminUnit, UnitDirectory

_NUMBERED_CELL = re.compile(r"^\(?\d+\)?$")
_PARENTHESISED = re.compile(r"\(.*?\)")


@dataclass
class ParsedWorkbook:
    source: Source
    sheet: str
    unit: AdminUnit
    year: int
    written_unit: str
    # One dict per data row: column name → typed value (personal columns included; the loader
    # pseudonymises and drops them before anything is written).
    rows: list[dict]
    row_numbers: list[int]


def _label_key(value: object) -> str:
    return fold(_PARENTHESISED.sub(" ", clean_text(value) or ""))


def _label_matches(cell: object, label: str) -> bool:
    """A header cell names this column: same words, and if both say a unit in brackets, the same
    unit ("Số tiền (triệu đồng)" is not "Số tiền (đồng)"); hints like "(dd/mm/yyyy)" may be added."""
    if _label_key(cell) != _label_key(label):
        return False
    cell_units = _PARENTHESISED.findall(fold(cell))
    label_units = _PARENTHESISED.findall(fold(label))
    return not (cell_units and label_units) or cell_units == label_units


def _is_blank(cells: list[object]) -> bool:
    return all(clean_text(c) is None for c in cells)


def _is_column_number_row(cells: list[object]) -> bool:
    """The row under an official form's header that numbers its columns: (1), (2), ... or 1, 2, ..."""
    texts = [clean_text(c) for c in cells if clean_text(c)]
    if len(texts) < 3 or not all(_NUMBERED_CELL.match(t) for t in texts):
        return False
    numbers = [int(t.strip("()")) for t in texts]
    return numbers == list(range(1, len(numbers) + 1))


def _read_grid(path: Path) -> tuple[list[str], CalamineWorkbook]:
    workbook = CalamineWorkbook.from_path(str(path))
    return list(workbook.sheet_names), workbook


def _find_sheet(names: list[str], workbook: CalamineWorkbook, source: Source) -> tuple[str, list[list]] | None:
    """The sheet named as the contract says, else the first sheet that has the header labels."""
    ordered = sorted(names, key=lambda n: fold(n) != fold(source.sheet))
    for name in ordered:
        grid = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if _find_header(grid, source) is not None:
            return name, grid
    return None


def _find_header(grid: list[list], source: Source) -> int | None:
    for index, row in enumerate(grid[:60]):
        if all(any(_label_matches(cell, label) for cell in row) for label in source.required_labels):
            return index
    return None


def _title_fields(grid: list[list], header_index: int, source: Source) -> dict[str, str]:
    """Values written as "Label: value", "Label" | value, or "Năm 2023" above the header."""
    found: dict[str, str] = {}
    for row in grid[:header_index]:
        cells = [clean_text(c) for c in row]
        for position, cell in enumerate(cells):
            if cell is None:
                continue
            following = next((c for c in cells[position + 1 :] if c), None)
            for field, spec in source.title_fields.items():
                label = fold(spec["label"])
                labels = (label, f"{label} bao cao")
                value = None
                if ":" in cell:
                    head, tail = cell.split(":", 1)
                    if fold(head) in labels:
                        value = clean_text(tail) or following
                elif fold(cell) in labels:
                    value = following
                elif match := re.fullmatch(rf"{re.escape(label)} (\d{{4}})", fold(cell)):
                    value = match.group(1)
                if value and field not in found:
                    found[field] = value
    return found


def _map_columns(grid: list[list], header_index: int, source: Source) -> tuple[dict[str, int], int]:
    """Column name → index, looking in the header row and a sub-header row under it."""
    rows_used = 1
    mapping: dict[str, int] = {}
    candidate_rows = [grid[header_index]]
    if header_index + 1 < len(grid):
        candidate_rows.append(grid[header_index + 1])
    for depth, row in enumerate(candidate_rows):
        for column in source.columns:
            if column.name in mapping:
                continue
            for index, cell in enumerate(row):
                if any(_label_matches(cell, label) for label in column.labels) and index not in mapping.values():
                    mapping[column.name] = index
                    rows_used = max(rows_used, depth + 1)
                    break
    return mapping, rows_used


def _convert(column: Column, value: object, year: int | None) -> object:
    if column.type == "text":
        return clean_text(value)
    if column.type == "integer":
        number = parse_integer(value)
    elif column.type == "number":
        number = parse_number(value)
    elif column.type == "boolean":
        return parse_boolean(value)
    elif column.type == "date":
        day = parse_date(value)
        if day is not None and column.within_year and year is not None and day.year != year:
            raise Invalid(
                f"ngày {day:%d/%m/%Y} không thuộc năm báo cáo {year}",
                f"date {day:%d/%m/%Y} is outside the workbook's year {year}",
            )
        return day
    elif column.type == "choice":
        text = clean_text(value)
        if text is None:
            return None
        for label, code in column.choices.items():
            if fold(label) == fold(text):
                return code
        allowed = "; ".join(f"«{label}»" for label in column.choices)
        raise Invalid(f"'{text}' không có trong danh sách: {allowed}", f"'{text}' is not one of: {allowed}")
    else:  # pragma: no cover - the registry rejects unknown types
        raise AssertionError(column.type)
    if number is not None and column.min is not None and number < column.min:
        raise Invalid(
            f"phải từ {column.min:g} trở lên, không phải {number:g}", f"must be at least {column.min:g}, not {number:g}"
        )
    if number is not None and column.max is not None and number > column.max:
        raise Invalid(
            f"phải từ {column.max:g} trở xuống, không phải {number:g}", f"must be at most {column.max:g}, not {number:g}"
        )
    return number


def identify_source(path: Path, sources: tuple[Source, ...]) -> Source | None:
    """The source a workbook belongs to: by file name when exactly one pattern matches, else by
    content (the one source whose header row is in one of its sheets). Clerks name files as they
    like, and a unit's name can contain another source's words ("Ban Tiếp công dân")."""
    by_name = [s for s in sources if s.matches(path.name)]
    if len(by_name) == 1:
        return by_name[0]
    try:
        sheet_names, workbook = _read_grid(path)
        by_content = [s for s in (by_name or sources) if _find_sheet(sheet_names, workbook, s) is not None]
    except Exception:  # unreadable: let parsing report it against the name's guess, if any
        return by_name[0] if by_name else None
    return by_content[0] if len(by_content) == 1 else None


def parse_workbook(path: Path, source: Source, units: UnitDirectory, display_name: str | None = None) -> ParsedWorkbook:
    """Parse and type a workbook, or raise WorkbookRejected with every error found."""
    name = display_name or path.name

    def whole_file(vi: str, en: str) -> WorkbookRejected:
        return WorkbookRejected([IngestError(name, None, None, None, vi, en)])

    try:
        sheet_names, workbook = _read_grid(path)
        found = _find_sheet(sheet_names, workbook, source)
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        raise whole_file(
            f"không mở được tệp như một bảng tính Excel (.xlsx) ({type(exc).__name__}). "
            "Hãy mở tệp bằng Excel, lưu lại dạng .xlsx rồi gửi lại.",
            f"the file cannot be opened as an Excel workbook (.xlsx) ({type(exc).__name__}). "
            "Open it in Excel, save it as .xlsx and send it again.",
        ) from exc
    if found is None:
        labels = ", ".join(f"«{label}»" for label in source.required_labels)
        raise whole_file(
            f"không tìm thấy trang tính «{source.sheet}» có dòng tiêu đề gồm {labels}. "
            "Hãy dùng đúng biểu mẫu, không xóa dòng tiêu đề.",
            f"no sheet '{source.sheet}' with a header row holding {labels}. Use the template and keep its header row.",
        )
    sheet, grid = found
    width = max((len(r) for r in grid), default=0)
    grid = [list(r) + [None] * (width - len(r)) for r in grid]
    header_index = _find_header(grid, source)
    assert header_index is not None
    errors: list[IngestError] = []

    def error(row: int | None, column: str | None, vi: str, en: str) -> None:
        errors.append(IngestError(name, sheet, row, column, vi, en))

    # Title block: which unit, which year.
    fields = _title_fields(grid, header_index, source)
    year: int | None = None
    year_spec = source.title_fields["year"]
    if "year" not in fields:
        error(
            None,
            None,
            f"thiếu dòng «{year_spec['label']}: ...» phía trên bảng",
            f"the line '{year_spec['label']}: ...' ({year_spec['label_en']}) above the table is missing",
        )
    else:
        try:
            year = parse_integer(re.sub(r"[^\d]", "", fields["year"]) or fields["year"])
            if year is None or not 2000 <= year <= 2100:
                raise Invalid("", "")
        except Invalid:
            error(
                None,
                None,
                f"năm «{fields['year']}» không hợp lệ, cần 4 chữ số như 2023",
                f"year '{fields['year']}' is not valid; write 4 digits such as 2023",
            )
            year = None

    unit = None
    unit_spec = source.title_fields["unit"]
    written_unit = fields.get("unit", "")
    if not written_unit:
        error(
            None,
            None,
            f"thiếu dòng «{unit_spec['label']}: ...» phía trên bảng",
            f"the line '{unit_spec['label']}: ...' ({unit_spec['label_en']}) above the table is missing",
        )
    elif year is not None:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        unit = units.resolve(written_unit, start, end, list(source.reporting_unit_kinds))
        if unit is None:
            known = "; ".join(units.names_of_kinds(list(source.reporting_unit_kinds), start, end))
            error(
                None,
                None,
                f"không nhận ra đơn vị «{written_unit}» trong năm {year}. Các đơn vị hợp lệ: {known}",
                f"unknown reporting unit '{written_unit}' for {year}. Valid units: {known}",
            )

    # Columns.
    mapping, header_rows = _map_columns(grid, header_index, source)
    for column in source.columns:
        if column.required and column.name not in mapping:
            error(
                header_index + 1,
                None,
                f"thiếu cột «{column.header}» trong dòng tiêu đề",
                f"the header row has no column '{column.header}' ({column.description_en})",
            )
    if errors and any(e.column is None and e.row == header_index + 1 for e in errors):
        raise WorkbookRejected(errors)

    rows: list[dict] = []
    row_numbers: list[int] = []
    end_markers = [fold(marker) for marker in source.end_markers]
    skip_markers = [fold(marker) for marker in source.skip_markers]
    first_row = header_index + header_rows
    for index in range(first_row, len(grid)):
        raw = grid[index]
        cells = [raw[mapping[c.name]] if c.name in mapping else None for c in source.columns]
        if _is_blank(raw):
            continue
        first = next((fold(c) for c in raw if clean_text(c)), "")
        if any(first.startswith(marker) for marker in end_markers):
            break
        if any(first.startswith(marker) for marker in skip_markers):
            continue  # a totals or subtotal line
        if all(_is_blank(r) for r in grid[first_row:index]) and _is_column_number_row(raw):
            continue  # the "(1) (2) (3)" column-number row of official forms, right under the header
        data_cells = [v for c, v in zip(source.columns, cells, strict=True) if c.name != "seq_no"]
        if _is_blank(data_cells):
            continue  # a pre-numbered but empty register line
        record: dict = {}
        for column, value in zip(source.columns, cells, strict=True):
            where = f"{column_letter(mapping[column.name])} «{column.header}»" if column.name in mapping else f"«{column.header}»"
            try:
                typed = _convert(column, value, year)
            except Invalid as exc:
                if column.personal:
                    error(
                        index + 1,
                        where,
                        "giá trị không hợp lệ (không hiển thị vì là dữ liệu cá nhân)",
                        "invalid value (not shown: personal data)",
                    )
                else:
                    error(index + 1, where, f"{exc.vi}", f"{exc.en}")
                continue
            if typed is None and column.required:
                error(index + 1, where, "ô này bắt buộc phải điền", f"this cell is required ({column.description_en})")
            record[column.name] = typed
        rows.append(record)
        row_numbers.append(index + 1)

    if not rows and not errors and not source.allow_empty:
        error(None, None, "bảng không có dòng dữ liệu nào", "the table has no data rows")
    if errors:
        raise WorkbookRejected(errors)
    assert unit is not None and year is not None
    return ParsedWorkbook(source, sheet, unit, year, written_unit, rows, row_numbers)
