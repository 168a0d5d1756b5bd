"""Exports people open in Excel: the figures as xlsx and CSV, the sentences as text.

No cell of an export can run as a formula: xlsx strings are written as strings
(``strings_to_formulas: False``), and CSV text starting with ``= + - @`` is prefixed with an
apostrophe, as OWASP recommends against CSV injection.
"""

from __future__ import annotations

import csv
from pathlib import Path

import xlsxwriter

from pipeline.report_requests import ReportRequest
from reporting.figures import Figure, Sentence, load_catalogue

FIGURE_HEADERS = [
    "Đơn vị báo cáo",
    "Kỳ báo cáo",
    "Từ ngày",
    "Đến ngày",
    "Phạm vi",
    "Mã chỉ tiêu",
    "Chỉ tiêu",
    "Giá trị",
    "Đơn vị tính",
]


def csv_safe(value: object) -> object:
    """A CSV cell Excel will not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


# The figures workbook's columns in print order: what each figure is and its value first (the
# printed page, A4 portrait), then the report request it belongs to, the same on every row and
# printed once in the title lines instead (kept on each row for people who filter or paste them).
PRINTED_COLUMNS = [4, 5, 6, 7, 8]  # positions in FIGURE_HEADERS: Phạm vi … Đơn vị tính
REQUEST_COLUMNS = [0, 1, 2, 3]
XLSX_ORDER = PRINTED_COLUMNS + REQUEST_COLUMNS
XLSX_WIDTHS = [18, 24, 36, 14, 8, 22, 14, 11, 11]  # characters, in XLSX_ORDER
VALUE_COLUMN = FIGURE_HEADERS.index("Giá trị")
KEY_COLUMN = FIGURE_HEADERS.index("Mã chỉ tiêu")


def wrapped_lines(text: str, width: float, letters_per_width: float = 1.4) -> int:
    """Lines a Times New Roman text takes wrapped in a column ``width`` characters wide (about 1.4
    of its letters at 10-11 pt to a character of width; a word longer than a line is broken), so
    its row can be set tall enough: spreadsheet programs print a row at its stored height."""
    per_line = max(1, int(width * letters_per_width))
    lines, length = 1, 0
    for word in text.split():
        if length and length + 1 + len(word) > per_line:
            lines, length = lines + 1, 0
        length += len(word) + (1 if length else 0)
        while length > per_line:
            lines, length = lines + 1, length - per_line
    return lines


def _value(value: float) -> int | float:
    """A whole number as an int (counts print "44", not "44.0"); other values as they are."""
    return int(value) if float(value).is_integer() else value


def _rows(figures: list[Figure], request: ReportRequest) -> list[list[object]]:
    catalogue = load_catalogue()
    period = request.period
    return [
        [
            request.unit_name,
            period.label_vi,
            f"{period.start:%d/%m/%Y}",
            f"{period.end:%d/%m/%Y}",
            catalogue["scopes"][f.scope]["label_vi"],
            f.key,
            f.label_vi,
            _value(f.value),
            catalogue["units"][f.unit]["label_vi"],
        ]
        for f in figures
        if f.published
    ]


def write_exports(directory: Path, request: ReportRequest, figures: list[Figure], sentences: list[Sentence]) -> list[Path]:
    """The figures as CSV and xlsx, and each sentence as text, named by the request
    (``so-lieu-bao-cao_105_2023-01-01_2023-12-31.xlsx``)."""
    directory.mkdir(parents=True, exist_ok=True)
    period = request.period
    stem = f"so-lieu-bao-cao_{request.slug}"
    rows = _rows(figures, request)

    csv_path = directory / f"{stem}.csv"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as handle:  # BOM: Excel reads UTF-8
        writer = csv.writer(handle)
        writer.writerow(FIGURE_HEADERS)
        writer.writerows([[csv_safe(v) for v in row] for row in rows])

    xlsx_path = directory / f"{stem}.xlsx"
    _figures_workbook(xlsx_path, request, rows)

    written = [csv_path, xlsx_path]
    for sentence in sentences:
        path = directory / sentence.file
        path.write_text(
            f"{sentence.title_vi.upper()} - {request.unit_name.upper()} - {period.label_vi.upper()}\n\n{sentence.text_vi}\n",
            encoding="utf-8",
        )
        written.append(path)
    return written


def _figures_workbook(path: Path, request: ReportRequest, rows: list[list[object]]) -> None:
    """The figures as a sheet that prints: A4 portrait, one page wide, the title, unit and period
    lines on the first page, the header row repeated on every page, labels wrapped beside their
    values, ruled cells and "Trang x/y" at the foot of each page."""
    period = request.period
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet("Số liệu")
    font = {"font_name": "Times New Roman", "font_size": 11}
    title = workbook.add_format({**font, "bold": True, "font_size": 14, "align": "center", "text_wrap": True})
    line = workbook.add_format({**font, "italic": True, "align": "center"})
    header = workbook.add_format(
        {**font, "bold": True, "border": 1, "bg_color": "#DDEBF7", "text_wrap": True, "align": "center", "valign": "vcenter"}
    )
    text = workbook.add_format({**font, "border": 1, "text_wrap": True, "valign": "top"})
    whole = workbook.add_format({**font, "border": 1, "valign": "top", "num_format": "#,##0"})
    fraction = workbook.add_format({**font, "border": 1, "valign": "top", "num_format": "#,##0.0#"})

    printed_last = len(PRINTED_COLUMNS) - 1
    sheet.merge_range(0, 0, 0, printed_last, f"SỐ LIỆU BÁO CÁO {period.label_vi.upper()}", title)
    sheet.merge_range(1, 0, 1, printed_last, f"Đơn vị báo cáo: {request.unit_name}", line)
    sheet.merge_range(2, 0, 2, printed_last, f"Kỳ báo cáo: từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}", line)
    header_row = 4
    sheet.write_row(header_row, 0, [FIGURE_HEADERS[i] for i in XLSX_ORDER], header)
    sheet.set_row(header_row, 30)  # "Đơn vị tính" on two lines
    for offset, row in enumerate(rows, start=header_row + 1):
        lines = max(
            wrapped_lines(str(row[source]), XLSX_WIDTHS[column], 1.6 if source == KEY_COLUMN else 1.4)
            for column, source in enumerate(PRINTED_COLUMNS)
        )  # keys are narrow lower-case letters
        sheet.set_row(offset, 15 * lines if lines > 1 else None)
        for column, source in enumerate(XLSX_ORDER):
            value = row[source]
            if source == VALUE_COLUMN and isinstance(value, (int, float)):
                sheet.write_number(offset, column, value, whole if isinstance(value, int) else fraction)
            else:
                sheet.write_string(offset, column, str(value), text)
    for column, width in enumerate(XLSX_WIDTHS):
        sheet.set_column(column, column, width)

    sheet.set_portrait()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.5, right=0.4, top=0.6, bottom=0.6)
    sheet.center_horizontally()
    sheet.print_area(0, 0, max(header_row, header_row + len(rows)), printed_last)
    sheet.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    sheet.repeat_rows(header_row)
    sheet.set_footer('&C&"Times New Roman"&10Trang &P/&N')
    sheet.freeze_panes(header_row + 1, 0)
    workbook.close()
