"""Writes the xlsx template of a source, and workbooks laid out like it.

The template is generated from the source registry, so the columns clerks fill in are always
the columns ingestion expects. It looks like the government register: national motto and unit
in the title block, the form's name, "Đơn vị" and "Năm" lines, the header and the numbered
"(1) (2) ..." row, drop-down lists on coded columns, and a "Hướng dẫn" (instructions) sheet. The
templates print as the paper form: landscape A4 or A3, ruled lines to fill in, and the
"Người lập biểu" / "Thủ trưởng đơn vị" signature block in the page footer (not in cells, so no
reader takes it for a line of the register).

Run ``python -m ingestion.templates`` to rewrite ``templates/*.xlsx``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from ingestion.registry import Column, Source, load_sources

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
# Fixed document dates keep generated files byte-for-byte reproducible.
FIXED_CREATED = dt.datetime(2023, 1, 1, 8, 0, 0)
HEADER_ROW = 8  # 0-based: row 9 in Excel
FIRST_DATA_ROW = HEADER_ROW + 2
TEMPLATE_ROWS = 500
# The title block's first line: the authority the unit answers to. The city's wards and bodies
# answered to it until 30/6/2025; the new wards answer to the province.
CITY_AUTHORITY = "UBND THÀNH PHỐ LAI CHÂU"
YES, NO = "Có", "Không"
LISTS_SHEET = "Danh mục"
TYPE_VI = {
    "text": "Chữ",
    "integer": "Số nguyên",
    "number": "Số (dấu phẩy cho phần thập phân, ví dụ 9.687,9)",
    "date": "Ngày, dạng dd/mm/yyyy (ví dụ 09/04/2023)",
    "choice": "Chọn trong danh sách",
    "boolean": f"«{YES}» hoặc «{NO}»",
}
# The printed form (``printable=True``, the templates clerks are given): ruled lines to fill in by
# hand, and the signature block in the page footer, where no reader of cells can take it for a
# line of the register (the parser reads cells only; ruled lines hold no value and are passed over).
PAPER_A4, PAPER_A3 = 9, 8
RULED_ROWS = {PAPER_A4: 10, PAPER_A3: 20}  # what one landscape page holds under the title block
# Usable landscape width in inches (A4 / A3, less 0.3 in margins each side), and the least print
# scale allowed: the 11 pt text of the form then prints at 9 pt or more.
PRINT_WIDTH_IN = {PAPER_A4: 11.69 - 0.6, PAPER_A3: 16.54 - 0.6}
MIN_PRINT_SCALE = 0.85
SIGNATURE_FOOTER = (
    '&L&"Times New Roman,Bold"&12Người lập biểu\n&"Times New Roman,Italic"&11(Ký, ghi rõ họ tên)\n\n\n'
    '&C&"Times New Roman"&10Trang &P/&N'
    '&R&"Times New Roman,Bold"&12Thủ trưởng đơn vị\n&"Times New Roman,Italic"&11(Ký, ghi rõ họ tên, đóng dấu)\n\n\n'
)


def template_filename(source: Source) -> str:
    return f"{source.file_stem}_mau.xlsx"


def _width(column: Column) -> int:
    return {"date": 14, "integer": 9, "boolean": 11, "choice": 18}.get(column.type, 22 if not column.personal else 26)


def _print_width(column: Column) -> int:
    """Narrower columns for the printed form, whose headers and cells wrap: the widest register
    (20 columns) then fits A3 at a readable scale."""
    if column.name == "seq_no":
        return 5
    return {"date": 13, "integer": 7, "number": 10, "boolean": 9, "choice": 12}.get(column.type, 14 if column.personal else 12)


def _inches(widths: Iterable[float]) -> float:
    """Printed width of columns of these widths (in characters): 7w + 5 pixels, 96 to the inch."""
    return sum(7 * w + 5 for w in widths) / 96


def print_layout(columns: tuple[Column, ...]) -> tuple[int, list[float]]:
    """The paper of the printed form and its column widths: A4 landscape when the form fits its
    width at MIN_PRINT_SCALE or more, else A3 landscape; a narrow form's columns are widened to
    fill the page, so the title block has room and hand-written lines have space."""
    widths = [float(_print_width(c)) for c in columns]
    paper = PAPER_A4 if _inches(widths) * MIN_PRINT_SCALE <= PRINT_WIDTH_IN[PAPER_A4] else PAPER_A3
    room = PRINT_WIDTH_IN[paper] * 0.97 - _inches(widths)  # a little slack for rounding
    stretchable = [i for i, c in enumerate(columns) if c.name != "seq_no"]
    if room > 0 and stretchable:
        grow = 1 + room * 96 / (7 * sum(widths[i] for i in stretchable))
        for i in stretchable:
            widths[i] = round(widths[i] * grow, 1)
    return paper, widths


def write_register(
    path: Path,
    source: Source,
    unit_label: str | None,
    year: int | str | None,
    rows: Iterable[dict[str, object]] = (),
    blank_rows_after: Iterable[int] = (),
    title_unit_line: str | None = None,
    period: str | None = None,
    authority: str = CITY_AUTHORITY,
    printable: bool = False,
) -> None:
    """Write a workbook in the source's layout; with no rows it is the empty template.

    ``rows`` map column names to values (a ``date`` becomes a real date cell, text stays text,
    as clerks type it). ``blank_rows_after`` leaves an empty line after those data rows, as
    registers often have. ``period`` ("Tháng 3 năm 2025", "Quý II năm 2025", ...) is written as a
    "Kỳ báo cáo" line under the year: the workbook then covers that period, not the whole year.
    ``authority`` is the title block's first line ("UBND TỈNH LAI CHÂU" for a ward under the province).
    ``printable`` lays the sheet out as the form clerks print and fill in: landscape A4 or A3 (see
    print_layout), narrower columns with wrapped headers, ruled lines up to RULED_ROWS, the
    "Người lập biểu" / "Thủ trưởng đơn vị" signature block and page numbers in the page footer.
    Without it the layout is the one the bundled sample and the tests' workbooks were written in.
    """
    blanks = set(blank_rows_after)
    options: dict[str, object] = {"strings_to_formulas": False, "strings_to_urls": False}
    if printable:  # column widths are counted in the default font's digits: one that every printer has
        options["default_format_properties"] = {"font_name": "Times New Roman", "font_size": 11}
    workbook = xlsxwriter.Workbook(str(path), options)
    workbook.set_properties({"title": source.title_vi, "created": FIXED_CREATED, "author": "UBND thành phố Lai Châu"})
    bold_center = workbook.add_format(
        {"bold": True, "align": "center", "valign": "vcenter", "font_name": "Times New Roman", "font_size": 12}
    )
    italic_center = workbook.add_format({"italic": True, "align": "center", "font_name": "Times New Roman", "font_size": 11})
    title = workbook.add_format({"bold": True, "align": "center", "font_name": "Times New Roman", "font_size": 14})
    plain = workbook.add_format({"font_name": "Times New Roman", "font_size": 12})
    header = workbook.add_format(
        {
            "bold": True,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
            "border": 1,
            "bg_color": "#DDEBF7",
            "font_name": "Times New Roman",
            "font_size": 11,
        }
    )
    numbered = workbook.add_format(
        {"italic": True, "align": "center", "border": 1, "font_name": "Times New Roman", "font_size": 11 if printable else 10}
    )
    cell = workbook.add_format({"border": 1, "valign": "top", "text_wrap": True, "font_name": "Times New Roman", "font_size": 11})
    date_column = workbook.add_format({"num_format": "dd/mm/yyyy", "font_name": "Times New Roman", "font_size": 11})
    date_cell = workbook.add_format(
        {"border": 1, "valign": "top", "num_format": "dd/mm/yyyy", "font_name": "Times New Roman", "font_size": 11}
    )

    sheet = workbook.add_worksheet(source.sheet[:31])
    columns = source.columns
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
    sheet.repeat_rows(HEADER_ROW, HEADER_ROW + 1)
    paper, print_widths = print_layout(columns)
    if printable:
        sheet.set_paper(paper)
        sheet.set_margins(left=0.3, right=0.3, top=0.5, bottom=1.3)
        sheet.set_footer(SIGNATURE_FOOTER, {"margin": 0.3})
    else:
        sheet.set_paper(9)  # A4
        sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    last = len(columns) - 1
    half = max(2, last // 2)
    sheet.merge_range(0, 0, 0, half - 1, authority, bold_center)
    sheet.merge_range(0, half, 0, last, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold_center)
    sheet.merge_range(1, 0, 1, half - 1, (unit_label or "").upper(), bold_center)
    sheet.merge_range(1, half, 1, last, "Độc lập - Tự do - Hạnh phúc", bold_center)
    sheet.merge_range(3, 0, 3, last, source.title_vi.upper(), title)
    sheet.merge_range(4, 0, 4, last, f"({source.form_vi})", italic_center)
    unit_field = source.title_fields["unit"]["label"]
    year_field = source.title_fields["year"]["label"]
    sheet.write(5, 0, title_unit_line if title_unit_line is not None else f"{unit_field}: {unit_label or ''}", plain)
    sheet.write(6, 0, f"{year_field}: {year if year is not None else ''}", plain)
    if period is not None:
        sheet.write(7, 0, f"Kỳ báo cáo: {period}", plain)

    sheet.set_row(HEADER_ROW, 66 if printable else 48)  # printed: up to four wrapped lines
    for index, column in enumerate(columns):
        label = column.header + (" (dd/mm/yyyy)" if column.type == "date" else "")
        sheet.write(HEADER_ROW, index, label, header)
        sheet.write(HEADER_ROW + 1, index, f"({index + 1})", numbered)
        width = print_widths[index] if printable else _width(column)
        sheet.set_column(index, index, width, date_column if column.type == "date" else None)
    sheet.freeze_panes(FIRST_DATA_ROW, 2)

    row_index = FIRST_DATA_ROW
    for number, row in enumerate(rows, start=1):
        sheet.set_row(row_index, 31)  # room for two wrapped lines of the longer text columns
        for index, column in enumerate(columns):
            value = row.get(column.name)
            if value is None:
                sheet.write_blank(row_index, index, None, cell)
            elif isinstance(value, dt.date):
                sheet.write_datetime(row_index, index, dt.datetime.combine(value, dt.time()), date_cell)
            elif isinstance(value, bool):
                sheet.write_string(row_index, index, YES if value else NO, cell)
            elif isinstance(value, (int, float)):
                sheet.write_number(row_index, index, value, cell)
            else:
                sheet.write_string(row_index, index, str(value), cell)
        row_index += 1
        if number in blanks:
            row_index += 1
    if printable:  # ruled lines to write on: borders only, no value, so readers pass them over
        for ruled in range(row_index, FIRST_DATA_ROW + RULED_ROWS[paper]):
            sheet.set_row(ruled, 24)
            for index, column in enumerate(columns):
                sheet.write_blank(ruled, index, None, date_cell if column.type == "date" else cell)

    last_row = max(row_index, FIRST_DATA_ROW + TEMPLATE_ROWS)
    _instructions(workbook, source, plain, header, cell)
    # Drop-down values live on a hidden sheet: an inline list splits "Kiến nghị, phản ánh" at its
    # comma and is limited to 255 characters.
    lists = workbook.add_worksheet(LISTS_SHEET)
    lists.hide()
    list_column = 0
    for index, column in enumerate(columns):
        options = list(column.choices) if column.type == "choice" else [YES, NO] if column.type == "boolean" else None
        if options:
            lists.write(0, list_column, column.header)
            lists.write_column(1, list_column, options)
            letter = xl_col_to_name(list_column)
            message = "Chọn một giá trị trong danh sách: " + "; ".join(options)
            sheet.data_validation(
                FIRST_DATA_ROW,
                index,
                last_row,
                index,
                {
                    "validate": "list",
                    "source": f"='{LISTS_SHEET}'!${letter}$2:${letter}${len(options) + 1}",
                    "error_title": column.header[:32],
                    "error_message": message if len(message) <= 255 else message[:252] + "...",
                },
            )
            list_column += 1
        elif column.type in {"integer", "number"}:
            sheet.data_validation(
                FIRST_DATA_ROW,
                index,
                last_row,
                index,
                {
                    "validate": "decimal" if column.type == "number" else "integer",
                    "criteria": ">=",
                    "value": column.min if column.min is not None else 0,
                    "error_title": column.header[:32],
                    "error_message": "Nhập một số" + (f" từ {column.min:g} trở lên" if column.min is not None else ""),
                },
            )
    workbook.close()


def _instructions(workbook: xlsxwriter.Workbook, source: Source, plain, header, cell) -> None:
    sheet = workbook.add_worksheet("Hướng dẫn")
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    for index, width in enumerate([6, 28, 10, 38, 90]):
        sheet.set_column(index, index, width)
    unit_field = source.title_fields["unit"]["label"]
    year_field = source.title_fields["year"]["label"]
    notes = [
        f"HƯỚNG DẪN GHI {source.title_vi.upper()}",
        f"1. Mỗi đơn vị lập một tệp cho mỗi năm. Ghi tên đơn vị ở dòng «{unit_field}: ...» và năm ở dòng «{year_field}: ...».",
        f"2. Không xóa, không đổi tên các cột và dòng tiêu đề. Mỗi dòng ghi một {source.grain_vi or 'trường hợp'}.",
        "3. Ngày ghi dạng dd/mm/yyyy. Các cột có danh sách thì chọn trong danh sách.",
        "4. Gửi lại cả tệp khi có sửa đổi: tệp gửi sau thay thế tệp gửi trước của cùng đơn vị, cùng năm.",
        "5. Họ tên, địa chỉ, số giấy tờ và nội dung vụ việc là dữ liệu cá nhân: chỉ lưu tại nơi tiếp nhận, "
        "không được đưa vào kho dữ liệu, báo cáo hay tệp xuất.",
    ]
    for row, text in enumerate(notes):
        sheet.write(row, 0, text, plain)
    start = len(notes) + 1
    for index, label in enumerate(["Cột", "Tên cột", "Bắt buộc", "Kiểu", "Cách ghi"]):
        sheet.write(start, index, label, header)
    for offset, column in enumerate(source.columns, start=1):
        how = column.hint_vi or ""
        if column.type == "choice":
            how = (how + " " if how else "") + "Chọn: " + "; ".join(f"«{c}»" for c in column.choices)
        if column.personal:
            how = (how + " " if how else "") + "Dữ liệu cá nhân: không rời khỏi nơi tiếp nhận."
        sheet.write_row(
            start + offset,
            0,
            [f"({offset})", column.header, "Có" if column.required else "", TYPE_VI[column.type], how],
            cell,
        )


def write_templates(directory: Path = TEMPLATES_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for source in load_sources():
        path = directory / template_filename(source)
        write_register(path, source, unit_label=None, year=None, printable=True)
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_templates():
        print(written_path)
