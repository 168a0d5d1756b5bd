"""The report's appendices (Phụ lục I and II): tables by reporting unit with a totals row, stored
as ``report.appendix_1`` / ``report.appendix_2`` and exported as a printable xlsx and as CSV."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import xlsxwriter
import yaml

from ingestion.registry import load_sources
from pipeline.period import ReportPeriod
from reporting.exports import csv_safe
from reporting.figures import run_period_sql

DEFINITIONS = Path(__file__).resolve().parent / "appendices.yml"
TOTAL_LABEL = "Tổng cộng"


@dataclass
class Appendix:
    id: str
    sheet_vi: str
    file_stem: str
    title_vi: str
    columns: list[dict]
    rows: list[dict]  # row_no, unit_id, unit_name, <column values>, note; the totals row last


@cache
def load_definitions(path: Path = DEFINITIONS) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def compute_appendices(con: duckdb.DuckDBPyConnection, period: ReportPeriod, city_unit_id: str,
                       missing: dict[str, list[str]]) -> list[Appendix]:  # fmt: skip
    definitions = load_definitions()
    params = {"start": period.start, "end": period.end, "city": city_unit_id}

    def run(sql: str) -> list[tuple]:
        return run_period_sql(con, sql, params)

    units = run(definitions["units_sql"])
    titles = {s.id: s.title_vi for s in load_sources()}
    appendices = []
    for spec in definitions["appendices"]:
        values = {column["name"]: dict(run(column["sql"])) for column in spec["columns"]}
        rows = []
        for row_no, (unit_id, unit_name) in enumerate(units, start=1):
            row = {"row_no": row_no, "unit_id": unit_id, "unit_name": unit_name}
            for column in spec["columns"]:
                row[column["name"]] = float(values[column["name"]].get(unit_id) or 0)
            gaps = missing.get(unit_id, [])
            row["note"] = ("Chưa gửi: " + "; ".join(titles.get(s, s) for s in gaps)) if gaps else None
            rows.append(row)
        totals = {"row_no": None, "unit_id": None, "unit_name": TOTAL_LABEL, "note": None}
        for column in spec["columns"]:
            totals[column["name"]] = sum(row[column["name"]] for row in rows)
        rows.append(totals)
        appendices.append(Appendix(spec["id"], spec["sheet_vi"], spec["file_stem"], spec["title_vi"], spec["columns"], rows))
    return appendices


def store_appendices(con: duckdb.DuckDBPyConnection, period: ReportPeriod, appendices: list[Appendix]) -> None:
    """Replace this period's rows of each ``report.<appendix>`` (recreated if its columns changed)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS report")
    for appendix in appendices:
        names = [c["name"] for c in appendix.columns]
        wanted = ["period", "period_start", "period_end", "row_no", "unit_id", "unit_name", *names, "note"]
        existing = [
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'report' and table_name = ? order by ordinal_position",
                [appendix.id],
            ).fetchall()
        ]
        if existing and existing != wanted:
            con.execute(f"DROP TABLE report.{appendix.id}")
        metrics = ", ".join(f"{name} DOUBLE NOT NULL" for name in names)
        con.execute(
            f"CREATE TABLE IF NOT EXISTS report.{appendix.id} (period VARCHAR NOT NULL, period_start DATE NOT NULL, "
            f"period_end DATE NOT NULL, row_no INTEGER, unit_id VARCHAR, unit_name VARCHAR NOT NULL, {metrics}, note VARCHAR)"
        )
        con.execute(f"DELETE FROM report.{appendix.id} WHERE period = ?", [period.label])
        placeholders = ", ".join("?" for _ in wanted)
        con.executemany(
            f"INSERT INTO report.{appendix.id} VALUES ({placeholders})",
            [[period.label, period.start, period.end, *(row[name] for name in wanted[3:])] for row in appendix.rows],
        )


def write_appendix_exports(directory: Path, period: ReportPeriod, appendices: list[Appendix]) -> list[Path]:
    """One printable workbook with a sheet per appendix, and a CSV per appendix."""
    directory.mkdir(parents=True, exist_ok=True)
    label = period.label.replace("..", "_")
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
    }  # fmt: skip
    for appendix in appendices:
        _appendix_sheet(workbook, formats, period, appendix)
    workbook.close()
    written.append(path)
    return written


def _cells(appendix: Appendix, row: dict) -> list[object]:
    values = [row[c["name"]] for c in appendix.columns]
    return [row["row_no"] or "", row["unit_name"], *(int(v) if float(v).is_integer() else v for v in values), row["note"] or ""]


def _appendix_sheet(workbook: xlsxwriter.Workbook, formats: dict, period: ReportPeriod, appendix: Appendix) -> None:
    sheet = workbook.add_worksheet(appendix.sheet_vi)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    columns = appendix.columns
    last = len(columns) + 2  # STT, Đơn vị, metrics..., Ghi chú
    sheet.merge_range(0, 0, 0, 3, "UBND THÀNH PHỐ LAI CHÂU", formats["bold_center"])
    sheet.merge_range(1, 0, 1, last, appendix.sheet_vi.upper(), formats["bold_center"])
    sheet.merge_range(2, 0, 2, last, appendix.title_vi, formats["title"])
    sheet.merge_range(
        3, 0, 3, last,
        f"(Kèm theo Báo cáo tổng kết công tác dân vận kỳ {period.label}, từ ngày {period.start:%d/%m/%Y} "
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
        is_total = row["unit_id"] is None and row["row_no"] is None
        for col, value in enumerate(_cells(appendix, row)):
            if isinstance(value, (int, float)) and col > 1:
                sheet.write_number(offset, col, value, formats["total_number" if is_total else "number"])
            elif col == 0 and value != "":
                sheet.write_number(offset, col, value, formats["text"])
            else:
                sheet.write_string(offset, col, str(value), formats["total_text" if is_total else "text"])
