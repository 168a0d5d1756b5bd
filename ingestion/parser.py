"""Reads one workbook against its source contract: finds the sheet, the title block, the header
row, maps columns by their labels, and types every cell.

Clerks move things around, so nothing is found by position: the header is the first row that
holds the source's required labels, columns are found by label (diacritics-insensitive),
blank rows, a numbered "(1) (2) ..." row and merged title cells are passed over. A line that
lacks required values and starts like a totals or signature line ("Tổng cộng", "Người lập") is
skipped or ends the table; markers are compared with their diacritics, so "Công an phường" is
data and "Cộng" is a subtotal. All errors of a workbook are collected, not just the first.

The parser is linear in the number of rows: the sheet is read row by row, each column gets one
converter built once (its allowed labels folded once, typed values cached for choice columns),
and values are gathered column by column, ready to become an Arrow table.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from itertools import chain, islice, repeat
from operator import itemgetter
from pathlib import Path

from python_calamine import CalamineWorkbook

from ingestion import limits
from ingestion.coverage import Coverage, names_a_period, title_coverage
from ingestion.errors import IngestError, WorkbookRejected, column_letter, whole_file
from ingestion.filecheck import formula_error_cells, too_large_area
from ingestion.normalize import (
    Invalid,
    clean_text,
    fold,
    markers,
    parse_boolean,
    parse_date,
    parse_integer,
    parse_number,
    starts_with_marker,
)
from ingestion.registry import Column, Source
from ingestion.row_units import assign_row_units
from ingestion.title_unit import resolve_title_unit
from ingestion.units import AdminUnit, Resolution, UnitDirectory

_NUMBERED_CELL = re.compile(r"^\(?\d+\)?$")
_PARENTHESISED = re.compile(r"\(.*?\)")


@dataclass
class ParsedWorkbook:
    source: Source
    sheet: str
    unit: AdminUnit
    year: int
    written_unit: str
    # Column name → one typed value per data row (personal columns included; they are turned
    # into pseudonyms and dropped before anything leaves the reading process).
    columns: dict[str, list]
    row_numbers: list[int]
    # Non-blank lines that are not data: subtotals, the column-number row, pre-numbered empty lines.
    skipped_rows: int = 0
    notes: list[str] = field(default_factory=list)
    # The period the workbook covers (ingestion/coverage.py): its year unless the title block names another.
    coverage: Coverage | None = None
    # The versions of the named unit over the workbook's period, oldest first (``unit`` is the one
    # the workbook is filed under), and the version owning each data row (see ingestion.row_units).
    versions: tuple[AdminUnit, ...] = ()
    unit_ids: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[dict]:
        """The data rows as dicts (for tests and small callers; the loader uses ``columns``)."""
        names = list(self.columns)
        return [dict(zip(names, values, strict=True)) for values in zip(*self.columns.values(), strict=True)] if names else []


def _label_key(value: object) -> str:
    return fold(_PARENTHESISED.sub(" ", clean_text(value) or ""))


class _Label:
    """A header label folded once: same words, and if both name a unit in brackets, the same unit
    ("Số tiền (triệu đồng)" is not "Số tiền (đồng)"); hints like "(dd/mm/yyyy)" may be added."""

    def __init__(self, label: str):
        self.key = _label_key(label)
        self.units = _PARENTHESISED.findall(fold(label))

    def matches(self, cell_key: str, cell: object) -> bool:
        if cell_key != self.key:
            return False
        cell_units = _PARENTHESISED.findall(fold(cell))
        return not (cell_units and self.units) or cell_units == self.units


def _is_column_number_row(cells: list[object]) -> bool:
    """The row under an official form's header that numbers its columns: (1), (2), ... or 1, 2, ...,
    possibly in another order when clerks moved columns together with their numbers."""
    texts = [t for t in (clean_text(c) for c in cells) if t]
    if len(texts) < 3 or not all(_NUMBERED_CELL.match(t) for t in texts):
        return False
    numbers = sorted(int(t.strip("()")) for t in texts)
    return numbers == list(range(1, len(numbers) + 1))


def _find_header(rows: list[list], source: Source) -> int | None:
    required = [_Label(label) for label in source.required_labels]
    for index, row in enumerate(rows):
        keys = [(_label_key(cell), cell) for cell in row if cell not in ("", None)]
        if all(any(label.matches(key, cell) for key, cell in keys) for label in required):
            return index
    return None


def _title_fields(rows: list[list], source: Source) -> dict[str, str]:
    """Values written as "Label: value", "Label" | value, or "Năm 2023" above the header."""
    found: dict[str, str] = {}
    for row in rows:
        cells = [clean_text(c) for c in row]
        for position, cell in enumerate(cells):
            if cell is None:
                continue
            following = next((c for c in cells[position + 1 :] if c), None)
            for name, spec in source.title_fields.items():
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
                if value and name not in found:
                    found[name] = value
    return found


def _map_columns(rows: list[list], source: Source) -> tuple[dict[str, int], int]:
    """Column name → index, looking in the header row and a sub-header row under it."""
    rows_used = 1
    mapping: dict[str, int] = {}
    for depth, row in enumerate(rows[:2]):
        keys = [_label_key(cell) if cell not in ("", None) else "" for cell in row]
        for column in source.columns:
            if column.name in mapping:
                continue
            labels = [_Label(label) for label in column.labels]
            for index, cell in enumerate(row):
                if keys[index] and index not in mapping.values() and any(lb.matches(keys[index], cell) for lb in labels):
                    mapping[column.name] = index
                    rows_used = max(rows_used, depth + 1)
                    break
    return mapping, rows_used


def _present(value: object) -> object | None:
    if type(value) is str:
        return value if value.strip() else None
    return None if value is None else value


def _bounded(column: Column, number: float) -> None:
    if column.min is not None and number < column.min:
        raise Invalid(
            f"phải từ {column.min:g} trở lên, không phải {number:g}",
            f"must be at least {column.min:g}, not {number:g}",
            "out_of_range",
        )
    if column.max is not None and number > column.max:
        raise Invalid(
            f"phải từ {column.max:g} trở xuống, không phải {number:g} (số không hợp lý)",
            f"must be at most {column.max:g}, not {number:g} (implausible)",
            "out_of_range",
        )


def _converter(
    column: Column, year: int | None, arrival: dt.date | None, coverage: Coverage | None = None
) -> Callable[[object], object]:
    """One function typing a cell of this column, built once per workbook: the hot loop calls it
    for every cell, so the common cases (a float, a date, a choice seen before) are tested first.
    ``within_year`` columns must lie in ``coverage`` (the workbook's period; its year by default)."""
    coverage = coverage or (Coverage.year(year) if year is not None else None)
    if column.type == "text" and column.personal:
        # Kept as typed, only to be pseudonymised (which normalises it) and dropped in this process.
        return _present
    if column.type == "text":
        return clean_text
    if column.type == "integer":

        def integer(value: object) -> int | None:
            if type(value) is float and value.is_integer():
                number = int(value)
            elif value == "" or value is None:
                return None
            else:
                number = parse_integer(value)
                if number is None:
                    return None
            _bounded(column, number)
            if column.within_year and coverage is not None and year is not None:  # a month (1-12) of the year
                outside = coverage.month_outside(year, number)
                if outside is not None:
                    raise outside
            return number

        return integer
    if column.type == "number":

        def number(value: object) -> float | None:
            if type(value) is float:
                result = value
            elif value == "" or value is None:
                return None
            else:
                result = parse_number(value)
                if result is None:
                    return None
            _bounded(column, result)
            return result

        return number
    if column.type == "boolean":
        answers: dict[object, bool | None] = {"": None}

        def boolean(value: object) -> bool | None:
            if value in answers:
                return answers[value]
            answer = parse_boolean(value)
            if len(answers) < 1000:
                answers[value] = answer
            return answer

        return boolean
    if column.type == "date":
        latest = arrival + dt.timedelta(days=1) if arrival and column.not_after_arrival else None

        def date(value: object) -> dt.date | None:
            if type(value) is dt.datetime:
                day = value.date()
            elif type(value) is dt.date:
                day = value
            elif value == "" or value is None:
                return None
            else:
                day = parse_date(value)
                if day is None:
                    return None
            if column.within_year and coverage is not None and not coverage.start <= day <= coverage.end:
                raise coverage.date_outside(day)
            if latest is not None and day > latest:
                raise Invalid(
                    f"ngày {day:%d/%m/%Y} ở sau ngày tệp được gửi ({arrival:%d/%m/%Y}); hãy kiểm tra lại ngày",
                    f"date {day:%d/%m/%Y} is after the file arrived ({arrival:%d/%m/%Y}); check the date",
                    "date_after_arrival",
                )
            return day

        return date
    if column.type == "choice":
        by_folded = {fold(label): code for label, code in column.choices.items()}
        seen: dict[object, str] = {}
        allowed = "; ".join(f"«{label}»" for label in column.choices)

        def choice(value: object) -> str | None:
            code = seen.get(value)
            if code is not None:
                return code
            text = clean_text(value)
            if text is None:
                return None
            code = by_folded.get(fold(text))
            if code is None:
                raise Invalid(
                    f"'{text}' không có trong danh sách: {allowed}", f"'{text}' is not one of: {allowed}", "not_in_choices"
                )
            if isinstance(value, str) and len(seen) < 1000:
                seen[value] = code
            return code

        return choice
    raise AssertionError(column.type)  # pragma: no cover - the registry rejects unknown types


def open_workbook(path: Path) -> CalamineWorkbook:
    """The workbook at ``path``; a name that is not valid UTF-8 (the reader cannot take it) is
    opened through a Python file object instead."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        with path.open("rb") as handle:
            return CalamineWorkbook.from_filelike(io.BytesIO(handle.read()))
    return CalamineWorkbook.from_path(str(path))


def identify_source(path: Path, sources: tuple[Source, ...], workbook: CalamineWorkbook | None = None) -> Source | None:
    """The source a workbook belongs to: by file name when exactly one pattern matches, else by
    content (the one source whose header row is in one of its sheets). Clerks name files as they
    like, and a unit's name can contain another source's words ("Ban Tiếp công dân")."""
    by_name = [s for s in sources if s.matches(path.name)]
    if len(by_name) == 1:
        return by_name[0]
    try:
        workbook = workbook or open_workbook(path)
        by_content = [s for s in (by_name or sources) if _find_sheet(workbook, s) is not None]
    except WorkbookRejected:
        raise  # too large to look inside: that is what the clerk must hear
    except Exception:  # unreadable: let parsing report it against the name's guess, if any
        return by_name[0] if by_name else None
    return by_content[0] if len(by_content) == 1 else None


@dataclass
class _Sheet:
    name: str
    head: list[list]  # the first rows, where the title block and the header are
    header_index: int
    rest: Iterator[list]  # the rows after ``head``, read on demand
    column_offset: int


def _find_sheet(workbook: CalamineWorkbook, source: Source) -> _Sheet | None:
    """The sheet named as the contract says, else the first sheet that has the header labels."""
    names = sorted(workbook.sheet_names, key=lambda n: fold(n) != fold(source.sheet))
    for name in names:
        sheet = workbook.get_sheet_by_name(name)
        if sheet.height > limits.MAX_ROWS or sheet.width > limits.MAX_COLUMNS:
            last_row, last_column = sheet.end or (0, 0)
            far = f"{column_letter(last_column)}{last_row + 1}"
            raise WorkbookRejected([too_large_area("", name, far, sheet.height, sheet.width)])
        rows = sheet.iter_rows()
        # iter_rows() starts at the sheet's first row but at the used area's first column.
        top, left = sheet.start or (0, 0)
        head = list(islice(rows, top + limits.HEADER_SEARCH_ROWS))
        header_index = _find_header(head, source)
        if header_index is not None:
            return _Sheet(name, head, header_index, rows, left)
    return None


def _unit_errors(
    fields: dict[str, str], source: Source, units: UnitDirectory, name: str, error: Callable[..., None]
) -> tuple[int | None, Resolution | None, str]:
    """The year and unit the title block names, each checked; the file name must not name another unit."""
    year: int | None = None
    year_spec = source.title_fields["year"]
    if "year" not in fields:
        error(
            None,
            None,
            f"thiếu dòng «{year_spec['label']}: ...» phía trên bảng",
            f"the line '{year_spec['label']}: ...' ({year_spec['label_en']}) above the table is missing",
            "missing_year",
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
                "invalid_year",
            )
            year = None

    resolution = None
    unit_spec = source.title_fields["unit"]
    written_unit = fields.get("unit", "")
    if not written_unit:
        error(
            None,
            None,
            f"thiếu dòng «{unit_spec['label']}: ...» phía trên bảng",
            f"the line '{unit_spec['label']}: ...' ({unit_spec['label_en']}) above the table is missing",
            "missing_unit",
        )
    elif year is not None:
        resolution = resolve_title_unit(written_unit, year, source, units, name, error)
    return year, resolution, written_unit


def parse_workbook(
    path: Path,
    source: Source,
    units: UnitDirectory,
    display_name: str | None = None,
    arrival: dt.date | None = None,
    workbook: CalamineWorkbook | None = None,
) -> ParsedWorkbook:
    """Parse and type a workbook, or raise WorkbookRejected with every error found.

    ``arrival`` is the day the file arrived: dates after it are clerk errors (a typo in the year).
    """
    name = display_name or path.name
    try:
        workbook = workbook or open_workbook(path)
        found = _find_sheet(workbook, source)
    except WorkbookRejected as rejection:
        raise WorkbookRejected([replace(e, file=name) for e in rejection.errors]) from None
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        raise unreadable(name, exc) from exc
    if found is None:
        labels = ", ".join(f"«{label}»" for label in source.required_labels)
        raise whole_file(
            name,
            "no_header",
            f"không tìm thấy trang tính «{source.sheet}» có dòng tiêu đề gồm {labels}. "
            "Hãy dùng đúng biểu mẫu, không xóa dòng tiêu đề.",
            f"no sheet '{source.sheet}' with a header row holding {labels}. Use the template and keep its header row.",
        )
    sheet = found.name
    errors: list[IngestError] = []

    per_rule: dict[str, int] = {}

    def error(row: int | None, column: str | None, vi: str, en: str, rule: str = "invalid") -> None:
        # At most MAX_ERRORS_PER_RULE of a kind are listed: a file with a bad date on every one of
        # 200,000 lines needs one fix, not a report of hundreds of megabytes.
        per_rule[rule] = per_rule.get(rule, 0) + 1
        if per_rule[rule] <= limits.MAX_ERRORS_PER_RULE:
            errors.append(IngestError(name, sheet, row, column, vi, en, rule))

    header_index = found.header_index
    fields = _title_fields(found.head[:header_index], source)
    coverage, problems = title_coverage(found.head[:header_index])
    for problem in problems:
        error(None, None, problem.vi, problem.en, problem.rule)
    if coverage is not None and ("year" not in fields or names_a_period(fields["year"])):
        fields["year"] = str(coverage.end.year)  # "Tháng 3 năm 2025" says the year too
    year, resolution, written_unit = _unit_errors(fields, source, units, name, error)
    # The unit a rejection is filed under (completeness shows its register as refused).
    unit = resolution.last if resolution else None
    if coverage is not None and year is not None and not coverage.start.year <= year <= coverage.end.year:
        error(
            None,
            None,
            f"dòng «{source.title_fields['year']['label']}» ghi năm {year} nhưng kỳ báo cáo là {coverage.span_vi}; "
            "hãy sửa cho khớp rồi gửi lại",
            f"the '{source.title_fields['year']['label']}' line says {year} but the reporting period is "
            f"{coverage.span_en}; make them agree and send it again",
            "coverage_year_mismatch",
        )
    # Row dates must lie in the period; with no period line, in the year (nothing to check without one).
    rows_cover = coverage or (Coverage.year(year) if year is not None else None)

    mapping, header_rows = _map_columns(found.head[header_index : header_index + 2], source)
    for column in source.columns:
        if column.required and column.name not in mapping:
            error(
                header_index + 1,
                None,
                f"thiếu cột «{column.header}» trong dòng tiêu đề",
                f"the header row has no column '{column.header}' ({column.description_en})",
                "missing_column",
            )
    if any(e.rule == "missing_column" for e in errors):
        raise WorkbookRejected(errors, unit.unit_id if unit else None, year)

    # Personal text that is neither required nor behind a pseudonym is never stored or checked:
    # it is not read at all (it would only be dropped).
    feeds_pseudonym = {c for p in source.pseudonyms for c in (*p.prefer, *p.fallback)}
    present = [
        c
        for c in source.columns
        if c.name in mapping and (not c.personal or c.required or c.name in feeds_pseudonym or c.type != "text")
    ]
    indexes = [mapping[c.name] for c in present]
    converters = [_converter(c, year, arrival, rows_cover) for c in present]
    where = [f"{column_letter(mapping[c.name] + found.column_offset)} «{c.header}»" for c in present]
    required = [i for i, c in enumerate(present) if c.required]
    data_positions = [i for i, c in enumerate(present) if c.name != "seq_no"]
    take_cells = _getter(indexes)
    take_required = _getter(required)
    take_data = _getter(data_positions)
    width = max(indexes) + 1
    typed_rows: list[list] = []
    row_numbers: list[int] = []
    seen_lines: dict[tuple, int] = {}
    skipped = 0
    seen_data = False
    required_labels_like = [i for i in required if present[i].type not in ("integer", "number")]
    end_markers = markers(source.end_markers)
    skip_markers = markers(source.skip_markers)
    no_errors: list[tuple[int, Invalid]] = []
    # The reader shows a cell holding a formula error (#REF!) as empty; finding those means
    # unpacking the sheet's XML a second time, so it is done only once a line has an empty cell
    # in a column that is read (no earlier line can hold one). A register filled in every column
    # is never unpacked twice.
    formula_errors: dict[int, dict[int, str]] | None = None

    first_row = header_index + header_rows
    lines = [
        (index, raw if len(raw) >= width else [*raw, *([""] * (width - len(raw)))])
        for index, raw in enumerate(chain(found.head[first_row:], found.rest), start=first_row)
        if any(raw)
    ]
    line_cells = [take_cells(raw) for _, raw in lines]
    # Every column typed at once where its values are the usual ones (one call per distinct
    # label or date, floats checked in one comprehension); a cell the quick way cannot type is
    # _RETYPE, and its line is typed cell by cell below, as before, errors and all.
    by_column = list(zip(*line_cells, strict=True)) if line_cells else [() for _ in present]
    quick_columns = [_typed_column(c, convert, v) for c, convert, v in zip(present, converters, by_column, strict=True)]
    # The lines to type cell by cell, and the lines with an empty read cell (where a formula error
    # may hide), found column by column: the usual line is then checked for neither.
    retype_lines = {n for typed, retype, _ in quick_columns if retype for n, v in enumerate(typed) if v is _RETYPE}
    empty_lines = {
        n
        for (_, _, empty), values in zip(quick_columns, by_column, strict=True)
        if empty
        for n, v in enumerate(values)
        if v == "" or v is None
    }
    pretyped = zip(*[typed for typed, _, _ in quick_columns], strict=True)
    for line, ((index, raw), cells, quick) in enumerate(zip(lines, line_cells, pretyped, strict=True)):
        if not seen_data and _is_column_number_row(raw):
            skipped += 1
            continue  # the "(1) (2) (3)" column-number row of official forms, right under the header
        if line not in retype_lines:
            typed, row_errors = quick, no_errors
        else:
            try:  # a line the column-wise pass left to type here: usually it still types without error
                typed = [convert(value) for convert, value in zip(converters, cells, strict=True)]
                row_errors = no_errors
            except Invalid:
                typed, row_errors = _type_cells(converters, cells)
        if formula_errors is None and line in empty_lines:
            formula_errors = _formula_errors_by_line(path, sheet, indexes, found.column_offset)
        if formula_errors and index in formula_errors:  # the reader shows these cells as empty
            typed = list(typed)  # the cells with an error become empty
            row_errors = [*row_errors, *_formula_errors(formula_errors[index], typed)]
        data = take_data(typed)
        if data.count(None) == len(data) and not row_errors:
            if any(clean_text(c) for c in raw):
                skipped += 1  # a pre-numbered but empty register line, or a note outside the table's columns
            continue
        missing = []
        if None in take_required(typed):
            failed = {p for p, _ in row_errors}
            missing = [i for i in required if typed[i] is None and i not in failed]
        if missing or row_errors:
            # Only a line without its required values can be a totals or signature line: the cell
            # holding the marker aside, none of the required text, date or choice cells is filled.
            first_at = next((i for i, c in enumerate(raw) if clean_text(c)), None)
            first = raw[first_at] if first_at is not None else ""
            if not any(typed[i] is not None and indexes[i] != first_at for i in required_labels_like):
                if starts_with_marker(first, end_markers):
                    break  # the signature block under the table
                if starts_with_marker(first, skip_markers):
                    skipped += 1
                    continue  # a totals or subtotal line ("Tổng cộng", "Cộng quý I")
        seen_data = True
        for position, exc in row_errors:
            column = present[position]
            if column.personal:
                error(
                    index + 1,
                    where[position],
                    "giá trị không hợp lệ (không hiển thị vì là dữ liệu cá nhân)",
                    "invalid value (not shown: personal data)",
                    exc.rule,
                )
            else:
                error(index + 1, where[position], exc.vi, exc.en, exc.rule)
        for position in missing:
            column = present[position]
            required_en = f"this cell is required ({column.description_en})"
            error(index + 1, where[position], "ô này bắt buộc phải điền", required_en, "required")
        if not source.allow_duplicate_lines:
            earlier = seen_lines.setdefault(data, index + 1)
            if earlier != index + 1:
                error(
                    index + 1,
                    None,
                    f"dòng này trùng hoàn toàn với dòng {earlier}; hãy xóa dòng nhập trùng (nếu là hai lượt khác nhau, "
                    "ghi rõ điểm khác nhau)",
                    f"this line is identical to line {earlier}; delete the duplicate (if they are two different "
                    "events, record what differs)",
                    "duplicate_line",
                )
        typed_rows.append(typed)
        row_numbers.append(index + 1)
        if len(row_numbers) > limits.MAX_ROWS:
            error(
                None,
                None,
                f"bảng có hơn {limits.MAX_ROWS} dòng dữ liệu; hãy chia sổ theo quý",
                f"the table has more than {limits.MAX_ROWS} data rows; split the register by quarter",
                "too_large",
            )
            break
    values = [list(column) for column in zip(*typed_rows, strict=True)] if typed_rows else [[] for _ in present]
    columns = {c.name: v for c, v in zip(present, values, strict=True)}
    for column in source.columns:
        columns.setdefault(column.name, [None] * len(row_numbers))
    row_units = None
    if resolution and year is not None and rows_cover is not None:  # each row's unit version, by its date (ingestion.row_units)
        dated = next((i for i, c in enumerate(present) if c.name == source.row_date), None)
        row_units = assign_row_units(
            resolution, source, columns, row_numbers, year, (rows_cover.start, rows_cover.end), units, error,
            where[dated] if dated is not None else None,
        )  # fmt: skip
        unit = row_units.load_unit

    for rule, count in per_rule.items():
        if count > limits.MAX_ERRORS_PER_RULE:
            more = count - limits.MAX_ERRORS_PER_RULE
            errors.append(
                IngestError(
                    name,
                    sheet,
                    None,
                    None,
                    f"… và {more} lỗi cùng loại nữa ({rule}); sửa các lỗi trên rồi kiểm tra các dòng còn lại",
                    f"… and {more} more errors of the same kind ({rule}); fix the ones above and check the other lines",
                    rule,
                )
            )
    if not row_numbers and not errors and not source.allow_empty:
        error(None, None, "bảng không có dòng dữ liệu nào", "the table has no data rows", "no_rows")
    if errors:
        raise WorkbookRejected(errors, unit.unit_id if unit else None, year)
    assert row_units is not None and resolution and year is not None
    return ParsedWorkbook(
        source,
        sheet,
        row_units.load_unit,
        year,
        written_unit,
        columns,
        row_numbers,
        skipped,
        versions=resolution.versions,
        unit_ids=row_units.unit_ids,
        coverage=rows_cover,
    )


# Marks a cell the column-wise pass leaves to the line-by-line converters (equal only to itself).
_RETYPE = object()


def _typed_column(column: Column, convert: Callable[[object], object], values: tuple) -> tuple[list, bool, bool]:
    """``convert`` of every value of a column, or _RETYPE where the line must be typed cell by cell;
    whether any value is _RETYPE, and whether any value is empty (``""`` or None).

    Converters are pure functions of the value, so one call per distinct value is enough; that
    is done for text and dates (labels, names of agencies, days of the year repeat), never for
    numbers or booleans, whose equal values need not type alike (``True == 1.0``, ``-0.0 == 0.0``).
    Floats, the usual content of count and amount columns, are checked in one comprehension. A
    value whose conversion fails is _RETYPE, so its line reports the error as before."""
    distinct = set(values)
    empty = "" in distinct or None in distinct
    if column.type == "integer" and column.within_year:  # a month number, which the converter checks against the coverage
        typed = []
        for value in values:
            try:
                typed.append(convert(value))
            except Invalid:
                typed.append(_RETYPE)
        return typed, any(v is _RETYPE for v in typed), empty
    if column.type == "text" and len(distinct) > len(values) // 2:
        return list(map(convert, values)), False, empty  # mostly distinct, and text never fails to convert
    memo: dict[object, object] = {}
    failed = False
    for value in distinct:
        if type(value) is str or type(value) is dt.date or type(value) is dt.datetime:
            try:
                memo[value] = convert(value)
            except Invalid:
                memo[value] = _RETYPE
                failed = True
    if len(memo) == len(distinct):  # every distinct value looked up: no number or boolean among them
        return list(map(memo.__getitem__, values)), failed, empty
    if column.type == "text":
        return [memo[v] if type(v) is str else convert(v) for v in values], failed, empty
    if column.type in ("number", "integer"):
        low = -float("inf") if column.min is None else column.min
        high = float("inf") if column.max is None else column.max
        if column.type == "number":
            typed = [v if type(v) is float and low <= v <= high else memo.get(v, _RETYPE) for v in values]
        else:
            typed = [int(v) if type(v) is float and v.is_integer() and low <= v <= high else memo.get(v, _RETYPE) for v in values]
        return typed, any(v is _RETYPE for v in typed), empty
    return list(map(memo.get, values, repeat(_RETYPE))), True, empty  # numbers or booleans here: typed by line


def _getter(positions: list[int]) -> Callable[[list], tuple]:
    """A C-speed ``lambda row: tuple(row[i] for i in positions)``."""
    if not positions:
        return lambda row: ()
    if len(positions) == 1:
        only = positions[0]
        return lambda row: (row[only],)
    return itemgetter(*positions)


def _formula_errors_by_line(path: Path, sheet: str, indexes: list[int], column_offset: int) -> dict[int, dict[int, str]]:
    """Sheet row → {position among the read columns → the error shown}, for the read columns."""
    found: dict[int, dict[int, str]] = {}
    for (row, col), shown in formula_error_cells(path, sheet).items():
        if col - column_offset in indexes:
            found.setdefault(row, {})[indexes.index(col - column_offset)] = shown
    return found


def _formula_errors(cells: dict[int, str], typed: list) -> list[tuple[int, Invalid]]:
    found = []
    for position, shown in sorted(cells.items()):
        typed[position] = None
        found.append(
            (
                position,
                Invalid(
                    f"ô có lỗi công thức {shown}; hãy sửa công thức hoặc nhập giá trị",
                    f"the cell shows the formula error {shown}; fix the formula or type the value",
                    "formula_error",
                ),
            )
        )
    return found


def _type_cells(converters: list[Callable], cells: tuple) -> tuple[list, list[tuple[int, Invalid]]]:
    """Type a line cell by cell, keeping every error (the slow path, for lines with errors)."""
    typed: list = []
    errors: list[tuple[int, Invalid]] = []
    for position, (convert, value) in enumerate(zip(converters, cells, strict=True)):
        try:
            typed.append(convert(value))
        except Invalid as exc:
            typed.append(None)
            errors.append((position, exc))
    return typed, errors


def unreadable(name: str, exc: BaseException) -> WorkbookRejected:
    """The reader gave up on the file: say so in the clerk's terms."""
    text = str(exc).lower()
    if "password" in text or "encrypt" in text:
        from ingestion.filecheck import password_protected

        return password_protected(name)
    return whole_file(
        name,
        "read_failed",
        f"không đọc được tệp như một bảng tính ({type(exc).__name__}); tệp có thể bị hỏng. "
        "Hãy mở tệp bằng Excel, lưu lại dạng .xlsx rồi gửi lại.",
        f"the file cannot be read as a workbook ({type(exc).__name__}); it may be damaged. "
        "Open it in Excel, save it as .xlsx and send it again.",
    )
