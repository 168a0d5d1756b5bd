"""The report's appendices (Phụ lục I and II), as printed: read from ``report.appendix_1`` /
``report.appendix_2`` for one report request and written as a printable xlsx and as CSV.

dbt computes the rows (models rpt_appendix_1 / rpt_appendix_2: one row per member unit that keeps
a register, a totals row, the note of registers owed and not sent); this module only lays them
out. ``appendices.yml`` says how: sheet, file stem, title and the columns' groups and labels.
A cell is NULL when the unit keeps no such register, printed "—" (not 0)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import xlsxwriter
import yaml

from pipeline.report_requests import ReportRequest
from reporting.exports import csv_safe

DEFINITIONS = Path(__file__).resolve().parent / "appendices.yml"
NOT_KEPT = "—"  # the unit keeps no such register: nothing to count, which is not 0


@dataclass
class Appendix:
    id: str
    sheet_vi: str
    file_stem: str
    title_vi: str
    columns: list[dict]
    # row_order, unit_id, unit_name, is_total, <column values: int or None>, note_vi; the totals row last
    rows: list[dict]


@cache
def load_definitions(path: Path = DEFINITIONS) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def read_appendices(con: duckdb.DuckDBPyConnection, reporting_unit_code: str, start: dt.date, end: dt.date) -> list[Appendix]:
    """The appendices of one report request as dbt stored them, in print order; an appendix whose
    request is not in the table (dbt was not asked for it) comes back with no rows."""
    appendices = []
    for spec in load_definitions()["appendices"]:
        names = [column["name"] for column in spec["columns"]]
        wanted = ["row_order", "unit_id", "unit_name", "is_total", *names, "note_vi"]
        select = ", ".join(f'"{name}"' for name in wanted)
        cursor = con.execute(
            f"select {select} from report.{spec['id']} "  # identifiers from appendices.yml
            "where reporting_unit_code = ? and period_start = ? and period_end = ? order by is_total, row_order",
            [reporting_unit_code, start, end],
        )
        rows = [dict(zip(wanted, values, strict=True)) for values in cursor.fetchall()]
        appendices.append(Appendix(spec["id"], spec["sheet_vi"], spec["file_stem"], spec["title_vi"], spec["columns"], rows))
    return appendices


def write_appendix_exports(directory: Path, request: ReportRequest, appendices: list[Appendix]) -> list[Path]:
    """One printable workbook with a sheet per appendix, and a CSV per appendix, named by the
    request (``phu-luc_105_2023-01-01_2023-12-31.xlsx``); each sheet is headed by the People's
    Committee of the reporting unit (UBND …)."""
    directory.mkdir(parents=True, exist_ok=True)
    label = request.slug
    written = []
    for appendix in appendices:
        path = directory / f"{appendix.file_stem}_{label}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["STT", "Đơn vị", *(f"{c['group_vi']} - {c['label_vi']}" for c in appendix.columns), "Ghi chú"])
            for row in appendix.rows:
                writer.writerow([csv_safe(v) for v in _cells(appendix, row)])
        written.append(path)

    path = directory / f"phu-luc_{label}.xlsx"
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    font = {"font_name": "Times New Roman"}
    formats = {
        "bold_center": workbook.add_format({**font, "bold": True, "align": "center", "font_size": 12}),
        "title": workbook.add_format({**font, "bold": True, "align": "center", "font_size": 13, "text_wrap": True}),
        "italic": workbook.add_format({**font, "italic": True, "align": "center", "font_size": 11}),
        "header": workbook.add_format({**font, "bold": True, "align": "center", "valign": "vcenter", "text_wrap": True,
                                       "border": 1, "bg_color": "#DDEBF7", "font_size": 10}),
        "numbered": workbook.add_format({**font, "italic": True, "align": "center", "border": 1, "font_size": 9}),
        "text": workbook.add_format({**font, "border": 1, "font_size": 10, "text_wrap": True, "valign": "top"}),
        "number": workbook.add_format({**font, "border": 1, "font_size": 10, "num_format": "#,##0", "valign": "top"}),
        "total_text": workbook.add_format({**font, "border": 1, "font_size": 10, "bold": True}),
        "total_number": workbook.add_format({**font, "border": 1, "font_size": 10, "bold": True, "num_format": "#,##0"}),
        "dash": workbook.add_format({**font, "border": 1, "font_size": 10, "align": "center", "valign": "top"}),
        "total_dash": workbook.add_format({**font, "border": 1, "font_size": 10, "bold": True, "align": "center"}),
    }  # fmt: skip
    for appendix in appendices:
        _appendix_sheet(workbook, formats, request, appendix)
    workbook.close()
    written.append(path)
    return written


def _cells(appendix: Appendix, row: dict) -> list[object]:
    """STT (blank on the totals row), unit, the values (integers; "—" where the unit keeps no such
    register) and the note."""
    values = [NOT_KEPT if row[c["name"]] is None else int(row[c["name"]]) for c in appendix.columns]
    return ["" if row["is_total"] else row["row_order"], row["unit_name"], *values, row["note_vi"] or ""]


def _appendix_sheet(workbook: xlsxwriter.Workbook, formats: dict, request: ReportRequest, appendix: Appendix) -> None:
    sheet = workbook.add_worksheet(appendix.sheet_vi)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    columns = appendix.columns
    last = len(columns) + 2  # STT, Đơn vị, metrics..., Ghi chú
    period = request.period
    kind_vi = period.label_vi[:1].lower() + period.label_vi[1:]  # "năm 2023", "quý I năm 2024"
    sheet.merge_range(0, 0, 0, 3, f"UBND {request.unit_name.upper()}", formats["bold_center"])
    sheet.merge_range(1, 0, 1, last, appendix.sheet_vi.upper(), formats["bold_center"])
    sheet.merge_range(2, 0, 2, last, appendix.title_vi, formats["title"])
    sheet.merge_range(
        3, 0, 3, last,
        f"(Kèm theo Báo cáo tổng kết công tác dân vận {kind_vi}, từ ngày {period.start:%d/%m/%Y} "
        f"đến ngày {period.end:%d/%m/%Y})",
        formats["italic"],
    )  # fmt: skip
    top, sub = 5, 6
    sheet.merge_range(top, 0, sub, 0, "STT", formats["header"])
    sheet.merge_range(top, 1, sub, 1, "Đơn vị", formats["header"])
    sheet.merge_range(top, last, sub, last, "Ghi chú", formats["header"])
    index = 0
    while index < len(columns):  # merge consecutive columns of one group under its label
        end = index
        while end + 1 < len(columns) and columns[end + 1]["group_vi"] == columns[index]["group_vi"]:
            end += 1
        if end > index:
            sheet.merge_range(top, index + 2, top, end + 2, columns[index]["group_vi"], formats["header"])
        else:
            sheet.write(top, index + 2, columns[index]["group_vi"], formats["header"])
        index = end + 1
    for offset, column in enumerate(columns):
        sheet.write(sub, offset + 2, column["label_vi"], formats["header"])
    for col in range(last + 1):
        sheet.write(sub + 1, col, f"({col + 1})", formats["numbered"])
    sheet.set_row(top, 30)
    sheet.set_row(sub, 42)
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 1, 34)
    sheet.set_column(2, last - 1, 11)
    sheet.set_column(last, last, 30)
    sheet.repeat_rows(top, sub + 1)
    for offset, row in enumerate(appendix.rows, start=sub + 2):
        is_total = row["is_total"]
        for col, value in enumerate(_cells(appendix, row)):
            if isinstance(value, int) and col > 1:
                sheet.write_number(offset, col, value, formats["total_number" if is_total else "number"])
            elif value == NOT_KEPT and col > 1:
                sheet.write_string(offset, col, value, formats["total_dash" if is_total else "dash"])
            elif col == 0 and value != "":
                sheet.write_number(offset, col, value, formats["text"])
            else:
                sheet.write_string(offset, col, str(value), formats["total_text" if is_total else "text"])
