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
from reporting.exports import csv_safe, wrapped_lines
from reporting.unit_names import UnitNames

DEFINITIONS = Path(__file__).resolve().parent / "appendices.yml"
UNIT_WIDTH, NOTE_WIDTH = 26, 16  # characters: the "Đơn vị" and "Ghi chú" columns of the printed appendix
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


def write_appendix_exports(directory: Path, request: ReportRequest, appendices: list[Appendix], names: UnitNames) -> list[Path]:
    """One printable workbook with a sheet per appendix, and a CSV per appendix, named by the
    request (``phu-luc_105_2023-01-01_2023-12-31.xlsx``). Each sheet prints on one landscape A4
    page as an appendix to the signed report: headed by the issuing People's Committee (``names``,
    from reporting.unit_names), the "Kèm theo Báo cáo số …" line the clerk completes with the
    report's number and date, and the signature block under the table."""
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
        "order": workbook.add_format({**font, "border": 1, "font_size": 10, "align": "center", "valign": "top"}),
        "number": workbook.add_format({**font, "border": 1, "font_size": 10, "num_format": "#,##0", "valign": "top"}),
        "total_text": workbook.add_format({**font, "border": 1, "font_size": 10, "bold": True}),
        "total_number": workbook.add_format({**font, "border": 1, "font_size": 10, "bold": True, "num_format": "#,##0"}),
        "dash": workbook.add_format({**font, "border": 1, "font_size": 10, "align": "center", "valign": "top"}),
        "total_dash": workbook.add_format({**font, "border": 1, "font_size": 10, "bold": True, "align": "center"}),
        "signature": workbook.add_format({**font, "bold": True, "align": "center", "font_size": 12}),
        "signature_note": workbook.add_format({**font, "italic": True, "align": "center", "font_size": 11}),
    }  # fmt: skip
    for appendix in appendices:
        _appendix_sheet(workbook, formats, request, appendix, names)
    workbook.close()
    written.append(path)
    return written


def _cells(appendix: Appendix, row: dict) -> list[object]:
    """STT (blank on the totals row), unit, the values (integers; "—" where the unit keeps no such
    register) and the note."""
    values = [NOT_KEPT if row[c["name"]] is None else int(row[c["name"]]) for c in appendix.columns]
    return ["" if row["is_total"] else row["row_order"], row["unit_name"], *values, row["note_vi"] or ""]


def attached_to_line(names: UnitNames) -> str:
    """The line tying an appendix to its report, blanks left for the number and date the report
    gets when it is signed: "(Kèm theo Báo cáo số      /BC-UBND ngày     /    /      của UBND thành phố Lai Châu)"."""
    return f"(Kèm theo Báo cáo số{' ' * 6}/BC-UBND ngày{' ' * 5}/{' ' * 4}/{' ' * 6}của {names.committee_named})"


def _appendix_sheet(
    workbook: xlsxwriter.Workbook, formats: dict, request: ReportRequest, appendix: Appendix, names: UnitNames
) -> None:
    sheet = workbook.add_worksheet(appendix.sheet_vi)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.center_horizontally()
    columns = appendix.columns
    last = len(columns) + 2  # STT, Đơn vị, metrics..., Ghi chú
    period = request.period
    for line, text in enumerate(names.issuer_lines[:2]):  # the issuing body, top left
        sheet.merge_range(line, 0, line, 2, text, formats["bold_center"])
    sheet.merge_range(2, 0, 2, last, appendix.sheet_vi.upper(), formats["bold_center"])
    sheet.merge_range(3, 0, 3, last, appendix.title_vi, formats["title"])
    sheet.merge_range(4, 0, 4, last, attached_to_line(names), formats["italic"])
    sheet.merge_range(
        5, 0, 5, last,
        f"Kỳ báo cáo: {period.label_vi}, từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}",
        formats["italic"],
    )  # fmt: skip
    top, sub = 7, 8
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
    sheet.set_row(sub, 54)  # up to four wrapped lines of a column label
    # Narrow value columns under wrapped headers, so that Phụ lục I's 18 columns print as large as
    # one A4 landscape page allows; amounts in đồng need room for "1,957,783,982".
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 1, UNIT_WIDTH)
    for offset, column in enumerate(columns, start=2):
        sheet.set_column(offset, offset, 14 if column["name"].endswith("_vnd") else 8)
    sheet.set_column(last, last, NOTE_WIDTH)
    sheet.repeat_rows(top, sub + 1)
    for offset, row in enumerate(appendix.rows, start=sub + 2):
        is_total = row["is_total"]
        lines = max(wrapped_lines(row["unit_name"], UNIT_WIDTH), wrapped_lines(row["note_vi"] or "", NOTE_WIDTH))
        sheet.set_row(offset, 14 * lines if lines > 1 else None)  # wrapped names: spreadsheet programs keep the set height
        for col, value in enumerate(_cells(appendix, row)):
            if isinstance(value, int) and col > 1:
                sheet.write_number(offset, col, value, formats["total_number" if is_total else "number"])
            elif value == NOT_KEPT and col > 1:
                sheet.write_string(offset, col, value, formats["total_dash" if is_total else "dash"])
            elif col == 0 and value != "":
                sheet.write_number(offset, col, value, formats["order"])
            else:
                sheet.write_string(offset, col, str(value), formats["total_text" if is_total else "text"])
    _signature_block(sheet, formats, sub + 2 + len(appendix.rows) + 1, last)


def _signature_block(sheet, formats: dict, row: int, last: int) -> None:
    """Under the table, as Decree 30/2020 signs for a collective body: the clerk who drew up the
    table on the left, "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH" on the right, room to sign and stamp."""
    right = max(last - 4, 3)
    sheet.merge_range(row, 0, row, 2, "NGƯỜI LẬP BIỂU", formats["signature"])
    sheet.merge_range(row + 1, 0, row + 1, 2, "(Ký, ghi rõ họ tên)", formats["signature_note"])
    sheet.merge_range(row, right, row, last, "TM. ỦY BAN NHÂN DÂN", formats["signature"])
    sheet.merge_range(row + 1, right, row + 1, last, "CHỦ TỊCH", formats["signature"])
    sheet.merge_range(row + 2, right, row + 2, last, "(Ký tên, đóng dấu)", formats["signature_note"])
