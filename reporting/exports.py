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
            f.value,
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
    workbook = xlsxwriter.Workbook(str(xlsx_path), {"strings_to_formulas": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet("Số liệu")
    title = workbook.add_format({"bold": True, "font_size": 14, "font_name": "Times New Roman"})
    header = workbook.add_format(
        {
            "bold": True,
            "border": 1,
            "bg_color": "#DDEBF7",
            "text_wrap": True,
            "align": "center",
            "valign": "vcenter",
            "font_name": "Times New Roman",
        }
    )
    cell = workbook.add_format({"border": 1, "font_name": "Times New Roman"})
    number = workbook.add_format({"border": 1, "num_format": "#,##0.##", "font_name": "Times New Roman"})
    sheet.write(
        0, 0, f"SỐ LIỆU BÁO CÁO - {request.unit_name.upper()} - {period.label_vi.upper()} "
        f"(từ {period.start:%d/%m/%Y} đến {period.end:%d/%m/%Y})", title,
    )  # fmt: skip
    sheet.write_row(2, 0, FIGURE_HEADERS, header)
    for offset, row in enumerate(rows, start=3):
        for column, value in enumerate(row):
            if isinstance(value, float):
                sheet.write_number(offset, column, value, number)
            else:
                sheet.write_string(offset, column, str(value), cell)
    for column, width in enumerate([24, 16, 12, 12, 16, 34, 44, 14, 12]):
        sheet.set_column(column, column, width)
    workbook.close()

    written = [csv_path, xlsx_path]
    for sentence in sentences:
        path = directory / sentence.file
        path.write_text(
            f"{sentence.title_vi.upper()} - {request.unit_name.upper()} - {period.label_vi.upper()}\n\n{sentence.text_vi}\n",
            encoding="utf-8",
        )
        written.append(path)
    return written
