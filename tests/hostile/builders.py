# ruff: noqa: E501  (XML and register literals read best on one line)
"""The hostile corpus: one builder per bad (or merely awkward) input a landing folder can receive.

Each builder drops one real file (or symlink, or FIFO) into its own folder under the given landing
folder and returns a :class:`Case`: what was dropped, what the ingest must do with it, the personal
strings planted in it that must never leave the landing folder, and what the clerk's error report
must say (rule, words, row, column). The files are made with real writers: the project's own
``write_register`` for register-shaped files, xlsxwriter/openpyxl/zipfile for crafted ones, and
:mod:`tests.hostile.formats` for .xls, .ods, encrypted .xlsx and legacy Vietnamese encodings.

Nothing here opens a workbook with python-calamine: some of these files abort the process that
reads them (a stray cell at XFD1048576 makes it allocate the whole sheet), and containing that is
the ingest's job, in its child process.

Loaded cases are registers of Phường Đoàn Kết for 2022, so that dropped beside the bundled 2023
sample they change none of its figures.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import xlsxwriter

from ingestion.registry import Source, load_sources
from ingestion.templates import write_register
from tests.hostile.formats import Grid, encrypted_ooxml, ods_workbook, to_tcvn3, to_vni, xls_workbook

LOADED_UNIT, LOADED_UNIT_ID, LOADED_YEAR = "Phường Đoàn Kết", "p_doan_ket", 2022
LOADED_NAME = "so-tiep-cong-dan_2022_phuong-doan-ket.xlsx"
HEADER_ROW, FIRST_DATA_ROW = 9, 11  # as Excel numbers them in write_register's layout
# Column letters of the reception register (write_register's order = the registry's order).
COL = {"seq_no": "A", "received_on": "B", "citizen_name": "C", "people_count": "H", "reception_kind": "I", "case_ref": "J"}


@dataclass(frozen=True)
class Context:
    """Where a builder drops its file: ``landing`` (a folder inside the data folder's landing area),
    the data folder itself (for files that must never be reached), and a folder outside both."""

    landing: Path
    data_dir: Path
    outside: Path


@dataclass
class Case:
    id: str
    path: Path  # what was dropped; a symlink or FIFO is not followed
    expect: str  # "quarantined" | "loaded" | "ignored" (hidden and Office lock files)
    secrets: tuple[str, ...]  # personal strings that must appear nowhere outside the landing folder
    rules: frozenset[str] = frozenset()  # acceptable rule codes of at least one error; empty: any
    words: tuple[str, ...] = ()  # the errors must say each (compared case-folded)
    row: int | None = None  # the row an error must name, as Excel numbers it
    column: str | None = None  # the column letter that error must name
    copied: bool = True  # the quarantine keeps a copy (never for symlinks, FIFOs)
    names: tuple[str, ...] = ()  # fragments of the file name the report must show; default the name
    rows: int | None = None  # loaded: rows stored
    skipped: int | None = None  # loaded: at least this many lines skipped (totals, subtotals)
    unit_id: str | None = None  # loaded: the unit it was stored for
    outside: tuple[Path, ...] = ()  # files outside the landing folder that must never be copied in
    # Loaded cases that may instead be quarantined if the report names this (legacy encodings).
    or_quarantined_with: tuple[str, ...] = ()
    verify: Callable | None = field(default=None, repr=False)  # extra check(con, outcome, report)

    @property
    def tag(self) -> str:
        return self.id.split("_", 1)[0]

    def report_names(self) -> tuple[str, ...]:
        return self.names or (self.path.name,)


def reception() -> Source:
    return next(s for s in load_sources() if s.id == "citizen_reception")


# --- people and lines ---------------------------------------------------------------------------

_SURNAMES = ["Lò", "Vàng", "Giàng", "Tẩn", "Lường", "Hoàng", "Sùng", "Phàn", "Chảo", "Đèo"]
_GIVEN = ["Thị Mỷ", "Văn Pấu", "A Sủ", "Thị Dung", "Văn Khìn", "Thị Phượng", "A Chứ", "Văn Lả", "Thị Xuân", "Văn Tọa"]


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    address: str
    summary: str

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.name, self.id_number, self.address, self.summary)


def person(key: str, n: int = 0) -> Person:
    """A made-up person unique to a case (and line), so a leak can be traced to its case."""
    index = int(key.lstrip("h")) * 10 + n
    name = f"{_SURNAMES[index % 10]} {_GIVEN[(index // 10) % 10]} {key.upper()}{n}"
    return Person(
        name=name,
        id_number=f"0889{index:08d}",
        address=f"Tổ {index}, bản Nà Đon {key.upper()}{n}",
        summary=f"Đề nghị xem xét ranh giới đất của hộ {name}",
    )


def line(day: object, ref: str, who: Person, **overrides: object) -> dict:
    """One visit of the reception register as write_register takes it."""
    return {
        "seq_no": 1,
        "received_on": day,
        "citizen_name": who.name,
        "address": who.address,
        "id_number": who.id_number,
        "case_summary": who.summary,
        "petition_type": "Kiến nghị, phản ánh",
        "people_count": 1,
        "reception_kind": "Tiếp thường xuyên",
        "case_ref": ref,
        "case_occurrence": "Lần đầu",
        **overrides,
    }


def _lines(key: str, count: int = 2, year: int = LOADED_YEAR) -> tuple[list[dict], tuple[str, ...]]:
    people = [person(key, n) for n in range(count)]
    rows = [line(dt.date(year, 3, 1 + n), f"{key.upper()}-{n + 1}", p, seq_no=n + 1) for n, p in enumerate(people)]
    return rows, tuple(s for p in people for s in p.secrets)


def _folder(ctx: Context, name: str) -> Path:
    folder = ctx.landing / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _register(ctx: Context, key: str, rows: list[dict], unit: str | None = LOADED_UNIT, year: object = LOADED_YEAR,
              name: str = LOADED_NAME, **kwargs: object) -> Path:  # fmt: skip
    path = _folder(ctx, key) / name
    write_register(path, reception(), unit, year, rows, **kwargs)
    return path


def good_workbook(landing: Path) -> Case:
    """The one good workbook every per-case test loads beside the case: Xã San Thàng, 2023."""
    people = [person("h900", n) for n in range(3)]
    rows = [line(dt.date(2023, 4, 3 + n), f"ST-G{n}", p, seq_no=n + 1) for n, p in enumerate(people)]
    path = landing / "so-tiep-cong-dan_2023_xa-san-thang.xlsx"
    write_register(path, reception(), "Xã San Thàng", 2023, rows)
    return Case("good", path, "loaded", tuple(s for p in people for s in p.secrets), rows=3, unit_id="x_san_thang")


# --- grids: a register as rows of cells, for writers other than write_register -----------------


def register_grid(source: Source, unit: str, year: object, rows: list[dict], columns=None, header_at: int = 8) -> Grid:
    """The cells write_register lays out (title block, header, "(1) (2)…" row, lines), 0-based rows."""
    columns = list(columns or source.columns)
    width = len(columns)
    grid: Grid = [[None] * width for _ in range(header_at + 2 + len(rows))]
    grid[0][0], grid[0][width // 2] = "UBND THÀNH PHỐ LAI CHÂU", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    grid[1][0], grid[1][width // 2] = unit.upper(), "Độc lập - Tự do - Hạnh phúc"
    grid[3][0] = source.title_vi.upper()
    grid[4][0] = f"({source.form_vi})"
    grid[5][0] = f"Đơn vị: {unit}"
    grid[6][0] = f"Năm: {year}"
    for index, column in enumerate(columns):
        grid[header_at][index] = column.header + (" (dd/mm/yyyy)" if column.type == "date" else "")
        grid[header_at + 1][index] = f"({index + 1})"
    for offset, row in enumerate(rows):
        for index, column in enumerate(columns):
            value = row.get(column.name)
            grid[header_at + 2 + offset][index] = ("Có" if value else "Không") if isinstance(value, bool) else value
    return grid


def write_grid(path: Path, sheets: dict[str, Grid], hidden: tuple[str, ...] = (), font: str | None = None) -> Path:
    """Cells as a clerk's Excel would store them: text as text, numbers as numbers, dates as dates."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    text = workbook.add_format({"font_name": font} if font else {})
    day = workbook.add_format({"num_format": "dd/mm/yyyy", **({"font_name": font} if font else {})})
    for name, grid in sheets.items():
        sheet = workbook.add_worksheet(name)
        if name in hidden:
            sheet.hide()
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), day)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    sheet.write_number(r, c, value, text)
                else:
                    sheet.write_string(r, c, str(value), text)
    workbook.close()
    return path


def _map_text(grid: Grid, convert: Callable[[str], str]) -> Grid:
    return [[convert(v) if isinstance(v, str) else v for v in row] for row in grid]


# --- hand-made xlsx parts, for containers no writer would produce ------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sổ tiếp công dân" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_SHEET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _inline(text: str) -> str:
    from xml.sax.saxutils import escape

    return f'<c t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def _register_rows_xml(who: Person, key: str) -> str:
    """Title block, header and one valid line of the reception register, as sheet XML rows."""
    headers = [c.header for c in reception().columns]
    cells = {
        "STT": "<c><v>1</v></c>",
        "Ngày tiếp": _inline("01/03/2022"),
        "Họ và tên": _inline(who.name),
        "Địa chỉ": _inline(who.address),
        "Số CMND/CCCD/Hộ chiếu": _inline(who.id_number),
        "Nội dung vụ việc": _inline(who.summary),
        "Phân loại đơn": _inline("Khiếu nại"),
        "Số người": "<c><v>1</v></c>",
        "Hình thức tiếp": _inline("Tiếp thường xuyên"),
        "Mã vụ việc": _inline(f"{key.upper()}-1"),
        "Lần tiếp": _inline("Lần đầu"),
    }
    return (
        f"<row>{_inline('Đơn vị: ' + LOADED_UNIT)}</row><row>{_inline(f'Năm: {LOADED_YEAR}')}</row>"
        f"<row>{''.join(_inline(h) for h in headers)}</row>"
        f"<row>{''.join(cells.get(h, '<c/>') for h in headers)}</row>"
    )


def _crafted_xlsx(path: Path, sheet_chunks: Iterator[str], shared_strings: Iterator[str] | None = None) -> Path:
    """An xlsx assembled part by part, the sheet and shared strings streamed (so a bomb never sits in memory)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for chunk in sheet_chunks:
                sheet.write(chunk.encode("utf-8"))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            for chunk in shared_strings or iter(
                [
                    '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>'
                ]
            ):
                strings.write(chunk.encode("utf-8"))
    return path


# --- the cases -----------------------------------------------------------------------------------


def h01_stray_cell_xfd(ctx: Context) -> Case:
    """A valid register with one stray cell at XFD1048576: its dimension spans the whole sheet, and
    python-calamine aborts the process allocating it. Made with openpyxl, never read here."""
    rows, secrets = _lines("h01")
    path = _register(ctx, "h01", rows)
    workbook = openpyxl.load_workbook(path)
    workbook["Sổ tiếp công dân"]["XFD1048576"] = "x"
    workbook.save(path)
    return Case("h01_stray_cell_xfd", path, "quarantined", secrets, rules=frozenset({"too_large"}))


def h02_zip_bomb(ctx: Context) -> Case:
    """A few hundred kB that inflate to a 200 MB sheet: the ratio alone (≫ 100:1) condemns it."""
    who = person("h02")
    filler = f"<row>{_inline(who.name)}<c><v>1</v></c></row>" * 2000

    def chunks() -> Iterator[str]:
        yield _SHEET_OPEN + "<sheetData>" + _register_rows_xml(who, "h02")
        size = 0
        while size < 200 * 1024 * 1024:
            yield filler
            size += len(filler)
        yield "</sheetData></worksheet>"

    path = _crafted_xlsx(_folder(ctx, "h02") / LOADED_NAME, chunks())
    return Case("h02_zip_bomb", path, "quarantined", who.secrets, rules=frozenset({"too_large"}))


def h03_dimension_300k_rows(ctx: Context) -> Case:
    """A sheet that declares 300,000 rows (limit 200,000) before a reader allocates anything."""
    who = person("h03")
    sheet = iter([_SHEET_OPEN, '<dimension ref="A1:R300000"/><sheetData>', _register_rows_xml(who, "h03"),
                  '<row r="300000"><c r="A300000"><v>1</v></c></row></sheetData></worksheet>'])  # fmt: skip
    path = _crafted_xlsx(_folder(ctx, "h03") / LOADED_NAME, sheet)
    return Case("h03_dimension_300k_rows", path, "quarantined", who.secrets, rules=frozenset({"too_large"}))


def h04_too_many_columns(ctx: Context) -> Case:
    """A valid register whose header runs on to 250 columns (limit 200)."""
    rows, secrets = _lines("h04")
    grid = register_grid(reception(), LOADED_UNIT, LOADED_YEAR, rows)
    width = len(grid[0])
    for r, row in enumerate(grid):
        row.extend([None] * (250 - width))
        if r == HEADER_ROW - 1:
            row[width:] = [f"Cột phụ {i}" for i in range(width, 250)]
    path = write_grid(_folder(ctx, "h04") / LOADED_NAME, {"Sổ tiếp công dân": grid})
    return Case("h04_too_many_columns", path, "quarantined", secrets, rules=frozenset({"too_large"}))


def h05_shared_strings_bomb(ctx: Context) -> Case:
    """One shared string of 150 MB, compressed ~1000:1."""
    who = person("h05")

    def strings() -> Iterator[str]:
        yield '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
        block = (who.name + " ") * 40000
        size = 0
        while size < 150 * 1024 * 1024:
            yield block
            size += len(block)
        yield "</t></si></sst>"

    sheet = iter([_SHEET_OPEN, "<sheetData>", _register_rows_xml(who, "h05"),
                  '<row><c t="s"><v>0</v></c></row></sheetData></worksheet>'])  # fmt: skip
    path = _crafted_xlsx(_folder(ctx, "h05") / LOADED_NAME, sheet, strings())
    return Case("h05_shared_strings_bomb", path, "quarantined", who.secrets, rules=frozenset({"too_large"}))


def h06_shared_strings_declared_count(ctx: Context) -> Case:
    """A tiny file whose shared-string table declares 2⁶⁴-1 entries: a reader that reserves room
    for them first aborts. Nothing else is wrong with it."""
    who = person("h06")
    strings = iter(['<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                    'count="18446744073709551615" uniqueCount="18446744073709551615"><si><t>x</t></si></sst>'])  # fmt: skip
    sheet = iter([_SHEET_OPEN, "<sheetData>", _register_rows_xml(who, "h06"), "</sheetData></worksheet>"])
    path = _crafted_xlsx(_folder(ctx, "h06") / LOADED_NAME, sheet, strings)
    return Case("h06_shared_strings_declared_count", path, "quarantined", who.secrets)


def h07_xml_entity_bomb(ctx: Context) -> Case:
    """ "Billion laughs": nested entity definitions in the sheet XML's DOCTYPE."""
    who = person("h07")
    entities = '<!ENTITY l0 "ha">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    doctype = f"<!DOCTYPE worksheet [{entities}]>"
    sheet = iter(['<?xml version="1.0" encoding="UTF-8"?>', doctype,
                  '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
                  _register_rows_xml(who, "h07"), '<row><c t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData></worksheet>'])  # fmt: skip
    path = _crafted_xlsx(_folder(ctx, "h07") / LOADED_NAME, sheet)
    return Case("h07_xml_entity_bomb", path, "quarantined", who.secrets)


def _first_line(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace").splitlines()[0]


def h08_xml_external_entity(ctx: Context) -> Case:
    """An external entity pointing at /etc/passwd in the shared strings: its content must never be read in."""
    who = person("h08")
    strings = iter(['<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
                    "<si><t>&x;</t></si></sst>"])  # fmt: skip
    sheet = iter([_SHEET_OPEN, "<sheetData>", _register_rows_xml(who, "h08"),
                  '<row><c t="s"><v>0</v></c></row></sheetData></worksheet>'])  # fmt: skip
    path = _crafted_xlsx(_folder(ctx, "h08") / LOADED_NAME, sheet, strings)
    passwd = Path("/etc/passwd")
    return Case("h08_xml_external_entity", path, "quarantined", (*who.secrets, _first_line(passwd)), outside=(passwd,))


def _unknown_unit_register(ctx: Context, key: str, name: str) -> tuple[Path, tuple[str, ...]]:
    rows, secrets = _lines(key)
    folder = _folder(ctx, key)
    path = folder / name
    write_register(path, reception(), "Phường Hòa Bình", LOADED_YEAR, rows)
    return path, secrets


def h09_long_vietnamese_name(ctx: Context) -> Case:
    """A 240-byte Vietnamese file name: a dated quarantine name built from it would pass 255 bytes."""
    stem = "so-tiep-cong-dan_2022_"
    words = "sổ-ghi-chép-tiếp-công-dân-định-kỳ-và-đột-xuất-của-trụ-sở-tiếp-dân-bản-chính-thức-đã-được-thủ-trưởng-ký-duyệt-"
    name = stem
    while len((name + words[0] + ".xlsx").encode()) <= 240:
        name, words = name + words[0], words[1:] + words[0]
    name += "x" * (240 - len((name + ".xlsx").encode())) + ".xlsx"
    assert len(name.encode()) == 240
    path, secrets = _unknown_unit_register(ctx, "h09", name)
    return Case(
        "h09_long_vietnamese_name", path, "quarantined", secrets, words=("Hòa Bình",), names=(unicodedata.normalize("NFC", name),)
    )


def h10_newline_in_name(ctx: Context) -> Case:
    """A newline in a file name: it must not break the report, the log or the warehouse row."""
    path, secrets = _unknown_unit_register(ctx, "h10", "so-tiep-cong-dan_2022\nban-sao.xlsx")
    return Case(
        "h10_newline_in_name", path, "quarantined", secrets, words=("Hòa Bình",), names=("so-tiep-cong-dan_2022", "ban-sao.xlsx")
    )


def h11_invalid_utf8_name(ctx: Context) -> Case:
    """A name whose bytes are not UTF-8 (a Windows-1258 zip unpacked on Linux)."""
    name = os.fsdecode(b"so-tiep-cong-dan_2022_\xff\xfe-ban-sao.xlsx")
    path, secrets = _unknown_unit_register(ctx, "h11", name)
    return Case(
        "h11_invalid_utf8_name",
        path,
        "quarantined",
        secrets,
        words=("Hòa Bình",),
        names=("so-tiep-cong-dan_2022_", "-ban-sao.xlsx"),
    )


def h12_symlink_to_etc_passwd(ctx: Context) -> Case:
    path = _folder(ctx, "h12") / LOADED_NAME
    os.symlink("/etc/passwd", path)
    passwd = Path("/etc/passwd")
    return Case("h12_symlink_to_etc_passwd", path, "quarantined", (_first_line(passwd),), rules=frozenset({"symlink"}),
                copied=False, outside=(passwd,))  # fmt: skip


def h13_symlink_to_key_file(ctx: Context) -> Case:
    """A link to a secret kept in the data folder (the pseudonymisation key's place)."""
    secrets_dir = ctx.data_dir / "secrets"
    secrets_dir.mkdir(parents=True, exist_ok=True)
    key_file = secrets_dir / "hostile-h13.key"
    content = "pseudonym-key-" + random.Random(13).randbytes(24).hex()
    key_file.write_text(content, encoding="utf-8")
    path = _folder(ctx, "h13") / LOADED_NAME
    os.symlink(key_file, path)
    return Case("h13_symlink_to_key_file", path, "quarantined", (content,), rules=frozenset({"symlink"}), copied=False,
                outside=(key_file,))  # fmt: skip


def h14_symlink_to_outside_folder(ctx: Context) -> Case:
    """A link to a folder outside the landing area holding a valid register: never followed."""
    rows, secrets = _lines("h14")
    target = ctx.outside / "h14-folder"
    target.mkdir(parents=True, exist_ok=True)
    outside_file = target / LOADED_NAME
    write_register(outside_file, reception(), LOADED_UNIT, LOADED_YEAR, rows)
    path = _folder(ctx, "h14") / "so-tiep-cong-dan_2022_thu-muc"
    os.symlink(target, path, target_is_directory=True)

    def verify(con, outcome, report) -> None:
        assert not [f.path for f in report.files if "h14/so-tiep-cong-dan_2022_thu-muc/" in f.path]

    return Case("h14_symlink_to_outside_folder", path, "quarantined", secrets, rules=frozenset({"symlink"}), copied=False,
                outside=(outside_file,), verify=verify)  # fmt: skip


def h15_dangling_symlink(ctx: Context) -> Case:
    path = _folder(ctx, "h15") / LOADED_NAME
    os.symlink(ctx.outside / "khong-con.xlsx", path)
    return Case("h15_dangling_symlink", path, "quarantined", (), rules=frozenset({"symlink"}), copied=False)


def h16_fifo(ctx: Context) -> Case:
    """A named pipe with a workbook's name: opening it to read would block forever."""
    path = _folder(ctx, "h16") / LOADED_NAME
    os.mkfifo(path)
    return Case("h16_fifo", path, "quarantined", (), copied=False)


def _one_bad_cell(ctx: Context, key: str, **overrides: object) -> tuple[Path, tuple[str, ...]]:
    rows, secrets = _lines(key)
    rows[0].update(overrides)
    return _register(ctx, key, rows), secrets


def h17_name_in_number_column(ctx: Context) -> Case:
    typed = f"Bà Giàng Thị Sua {'H17'}"
    path, secrets = _one_bad_cell(ctx, "h17", people_count=typed)
    return Case("h17_name_in_number_column", path, "quarantined", (*secrets, typed), rules=frozenset({"not_a_number"}),
                row=FIRST_DATA_ROW, column=COL["people_count"], words=("Số người",))  # fmt: skip


def h18_name_in_choice_column(ctx: Context) -> Case:
    typed = "Ông Tẩn Láo Lở H18"
    path, secrets = _one_bad_cell(ctx, "h18", reception_kind=typed)
    return Case("h18_name_in_choice_column", path, "quarantined", (*secrets, typed), rules=frozenset({"not_in_choices"}),
                row=FIRST_DATA_ROW, column=COL["reception_kind"], words=("Hình thức tiếp", "Tiếp thường xuyên"))  # fmt: skip


def h19_name_in_date_column(ctx: Context) -> Case:
    typed = "Chảo Láo Sử H19"
    path, secrets = _one_bad_cell(ctx, "h19", received_on=typed)
    return Case("h19_name_in_date_column", path, "quarantined", (*secrets, typed), row=FIRST_DATA_ROW,
                column=COL["received_on"], words=("Ngày tiếp", "dd/mm/yyyy"))  # fmt: skip


def h20_password_protected(ctx: Context) -> Case:
    """A valid register encrypted with a password, as Excel's "Encrypt with password" stores it."""
    rows, secrets = _lines("h20")
    plain = ctx.outside / "h20-plain.xlsx"
    plain.parent.mkdir(parents=True, exist_ok=True)
    write_register(plain, reception(), LOADED_UNIT, LOADED_YEAR, rows)
    path = _folder(ctx, "h20") / LOADED_NAME
    path.write_bytes(encrypted_ooxml(plain.read_bytes(), "matkhau123"))
    plain.unlink()
    return Case("h20_password_protected", path, "quarantined", secrets, rules=frozenset({"password_protected"}),
                words=("mật khẩu", "password"))  # fmt: skip


def h21_csv(ctx: Context) -> Case:
    who = person("h21")
    path = _folder(ctx, "h21") / "so-tiep-cong-dan_2022_phuong-doan-ket.csv"
    path.write_text(f"STT,Ngày tiếp,Họ và tên,Số CMND/CCCD/Hộ chiếu\n1,01/03/2022,{who.name},{who.id_number}\n", encoding="utf-8")
    return Case("h21_csv", path, "quarantined", who.secrets[:2], rules=frozenset({"unsupported_format"}), words=("CSV", ".xlsx"))


def h22_txt(ctx: Context) -> Case:
    who = person("h22")
    path = _folder(ctx, "h22") / "so-tiep-cong-dan_2022_ghi-chu.txt"
    path.write_text(f"Ghi chú tiếp dân: {who.name}, {who.address}\n", encoding="utf-8")
    return Case("h22_txt", path, "quarantined", who.secrets[:3], rules=frozenset({"unsupported_format"}),
                words=(".xlsx", ".xls", ".ods"))  # fmt: skip


def h23_pdf_renamed_xlsx(ctx: Context) -> Case:
    who = person("h23")
    path = _folder(ctx, "h23") / LOADED_NAME
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Title (" + who.name.encode() + b") >> endobj\ntrailer << >>\n%%EOF\n")
    return Case("h23_pdf_renamed_xlsx", path, "quarantined", who.secrets[:1])


def h24_docx_renamed_xlsx(ctx: Context) -> Case:
    """A Word document (a zip, like a workbook) renamed .xlsx."""
    who = person("h24")
    path = _folder(ctx, "h24") / LOADED_NAME
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                         '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')  # fmt: skip
        archive.writestr("_rels/.rels", _ROOT_RELS.replace("xl/workbook.xml", "word/document.xml"))
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                         f"<w:body><w:p><w:r><w:t>Biên bản tiếp công dân: {who.name}, {who.address}</w:t></w:r></w:p></w:body></w:document>")  # fmt: skip
    return Case("h24_docx_renamed_xlsx", path, "quarantined", who.secrets[:3])


def h25_html_saved_as_xls(ctx: Context) -> Case:
    """What old web systems export as "Excel": an HTML table named .xls."""
    who = person("h25")
    path = _folder(ctx, "h25") / "so-tiep-cong-dan_2022_phuong-doan-ket.xls"
    path.write_text('<html xmlns:x="urn:schemas-microsoft-com:office:excel"><body><table>'
                    f"<tr><td>Đơn vị: {LOADED_UNIT}</td></tr><tr><td>Năm: 2022</td></tr>"
                    "<tr><td>STT</td><td>Ngày tiếp</td><td>Họ và tên</td></tr>"
                    f"<tr><td>1</td><td>01/03/2022</td><td>{who.name}</td></tr></table></body></html>", encoding="utf-8")  # fmt: skip
    return Case("h25_html_saved_as_xls", path, "quarantined", who.secrets[:1], words=(".xlsx",))


def h26_empty_file(ctx: Context) -> Case:
    path = _folder(ctx, "h26") / LOADED_NAME
    path.write_bytes(b"")
    return Case("h26_empty_file", path, "quarantined", ())


def h27_random_bytes(ctx: Context) -> Case:
    path = _folder(ctx, "h27") / LOADED_NAME
    path.write_bytes(random.Random(27).randbytes(8192))
    return Case("h27_random_bytes", path, "quarantined", ())


def h28_truncated_zip(ctx: Context) -> Case:
    """A valid register cut off half way (an interrupted copy)."""
    rows, secrets = _lines("h28")
    path = _register(ctx, "h28", rows)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return Case("h28_truncated_zip", path, "quarantined", secrets)


def h29_zip_without_workbook(ctx: Context) -> Case:
    who = person("h29")
    path = _folder(ctx, "h29") / LOADED_NAME
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("ghi-chu.txt", f"Danh sách tiếp dân: {who.name}")
    return Case("h29_zip_without_workbook", path, "quarantined", who.secrets[:1])


def _encoded_register(ctx: Context, key: str, convert: Callable[[str], str], font: str) -> tuple[Path, tuple[str, ...]]:
    rows, secrets = _lines(key)
    grid = _map_text(register_grid(reception(), LOADED_UNIT, LOADED_YEAR, rows), convert)
    path = write_grid(_folder(ctx, key) / LOADED_NAME, {"Sổ tiếp công dân": grid}, font=font)
    return path, tuple({*secrets, *(convert(s) for s in secrets)})


def h30_tcvn3_text(ctx: Context) -> Case:
    """Every text cell in TCVN3 (.VnTime), as registers kept since the 1990s are: «Ph­êng §oµn KÕt»."""
    path, secrets = _encoded_register(ctx, "h30", to_tcvn3, ".VnTime")
    return Case("h30_tcvn3_text", path, "loaded", secrets, rows=2, unit_id=LOADED_UNIT_ID, or_quarantined_with=("TCVN3",))


def h31_vni_text(ctx: Context) -> Case:
    """Every text cell in VNI Windows: «Phöôøng Ñoaøn Keát»."""
    path, secrets = _encoded_register(ctx, "h31", to_vni, "VNI-Times")
    return Case("h31_vni_text", path, "loaded", secrets, rows=2, unit_id=LOADED_UNIT_ID, or_quarantined_with=("VNI",))


def h32_nfd_text(ctx: Context) -> Case:
    """Decomposed Unicode (macOS, some web forms): base letters followed by combining marks."""
    path, secrets = _encoded_register(ctx, "h32", lambda s: unicodedata.normalize("NFD", s), "Times New Roman")
    return Case("h32_nfd_text", path, "loaded", secrets, rows=2, unit_id=LOADED_UNIT_ID)


def h33_columns_moved_with_numbering(ctx: Context) -> Case:
    """ "Số người" and "Hình thức tiếp" swapped, each with its "(8)"/"(9)" cell under it."""
    rows, secrets = _lines("h33")
    columns = list(reception().columns)
    h, i = (next(n for n, c in enumerate(columns) if c.name == name) for name in ("people_count", "reception_kind"))
    grid = register_grid(reception(), LOADED_UNIT, LOADED_YEAR, rows)
    for row in grid:
        row[h], row[i] = row[i], row[h]
    path = write_grid(_folder(ctx, "h33") / LOADED_NAME, {"Sổ tiếp công dân": grid})

    def verify(con, outcome, report) -> None:
        counts = con.execute(
            "select people_count, reception_kind from raw.citizen_reception where _source_file like '%h33/%'"
        ).fetchall()
        assert counts == [(1, "regular"), (1, "regular")]

    return Case("h33_columns_moved_with_numbering", path, "loaded", secrets, rows=2, unit_id=LOADED_UNIT_ID, verify=verify)


def h34_underscore_folder(ctx: Context) -> Case:
    """A clerk's folder named "_cu" is theirs, not the pipeline's: read like any other."""
    rows, secrets = _lines("h34")
    path = _folder(ctx, "_h34") / LOADED_NAME
    write_register(path, reception(), LOADED_UNIT, LOADED_YEAR, rows)
    return Case("h34_underscore_folder", path, "loaded", secrets, rows=2, unit_id=LOADED_UNIT_ID)


def h35_office_lock_file(ctx: Context) -> Case:
    """Excel's "~$" owner file beside an open workbook: it holds the user's name, and is ignored."""
    who = person("h35")
    path = _folder(ctx, "h35") / ("~$" + LOADED_NAME)
    path.write_bytes(bytes([len(who.name)]) + who.name.encode("utf-8").ljust(53, b" ") + b"\0" * 108)
    return Case("h35_office_lock_file", path, "ignored", who.secrets[:1])


def h36_hidden_file(ctx: Context) -> Case:
    """macOS's "._" AppleDouble companion of a workbook: hidden, not a workbook, ignored."""
    who = person("h36")
    path = _folder(ctx, "h36") / ("._" + LOADED_NAME)
    path.write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + who.name.encode())
    return Case("h36_hidden_file", path, "ignored", who.secrets[:1])


def h37_missing_header_column(ctx: Context) -> Case:
    rows, secrets = _lines("h37")
    columns = [c for c in reception().columns if c.name != "reception_kind"]
    grid = register_grid(reception(), LOADED_UNIT, LOADED_YEAR, rows, columns=columns)
    path = write_grid(_folder(ctx, "h37") / LOADED_NAME, {"Sổ tiếp công dân": grid})
    return Case("h37_missing_header_column", path, "quarantined", secrets, rules=frozenset({"missing_column"}),
                row=HEADER_ROW, words=("Hình thức tiếp",))  # fmt: skip


def h38_missing_year_line(ctx: Context) -> Case:
    rows, secrets = _lines("h38")
    path = _register(ctx, "h38", rows, year=None)
    return Case("h38_missing_year_line", path, "quarantined", secrets, words=("Năm",))


def h39_invalid_year(ctx: Context) -> Case:
    rows, secrets = _lines("h39")
    path = _register(ctx, "h39", rows, year="20222")
    return Case("h39_invalid_year", path, "quarantined", secrets, words=("20222",))


def h40_unknown_unit(ctx: Context) -> Case:
    path, secrets = _unknown_unit_register(ctx, "h40", "so-tiep-cong-dan_2022_phuong-hoa-binh.xlsx")
    return Case("h40_unknown_unit", path, "quarantined", secrets, rules=frozenset({"unknown_unit"}), words=("Hòa Bình",))


def h41_unit_of_wrong_kind(ctx: Context) -> Case:
    """The province names itself on a ward-level register: a real unit, but not one that keeps it."""
    rows, secrets = _lines("h41")
    path = _register(ctx, "h41", rows, unit="Tỉnh Lai Châu", name="so-tiep-cong-dan_2022_tinh-lai-chau.xlsx")
    return Case("h41_unit_of_wrong_kind", path, "quarantined", secrets, words=("Tỉnh Lai Châu",))


def h42_unit_ceased(ctx: Context) -> Case:
    """Phường Quyết Thắng ceased on 30/06/2025; a register for 2026 cannot be its."""
    people = [person("h42")]
    rows = [line(dt.date(2026, 3, 2), "H42-1", people[0])]
    path = _register(ctx, "h42", rows, unit="Phường Quyết Thắng", year=2026, name="so-tiep-cong-dan_2026_phuong-quyet-thang.xlsx")
    return Case("h42_unit_ceased", path, "quarantined", people[0].secrets, rules=frozenset({"unit_ceased", "unknown_unit"}),
                words=("Quyết Thắng",))  # fmt: skip


def h43_title_unit_differs_from_name(ctx: Context) -> Case:
    """Named for Phường Đoàn Kết, titled Phường Tân Phong: which unit's figures are these?"""
    rows, secrets = _lines("h43")
    path = _register(ctx, "h43", rows, unit="Phường Tân Phong")
    return Case("h43_title_unit_differs_from_name", path, "quarantined", secrets, words=("Đoàn Kết", "Tân Phong"))


def h44_date_outside_year(ctx: Context) -> Case:
    path, secrets = _one_bad_cell(ctx, "h44", received_on=dt.date(2021, 12, 30))
    return Case("h44_date_outside_year", path, "quarantined", secrets, row=FIRST_DATA_ROW, column=COL["received_on"],
                words=("30/12/2021", "2022"))  # fmt: skip


def h45_date_in_future(ctx: Context) -> Case:
    """A visit dated after the file arrived: a typo (2026 for 2025), or a register filled in ahead."""
    future = dt.date.today() + dt.timedelta(days=3)
    who = person("h45")
    rows = [line(future, "H45-1", who)]
    path = _register(ctx, "h45", rows, year=future.year, name=f"so-tiep-cong-dan_{future.year}_phuong-doan-ket.xlsx")
    return Case("h45_date_in_future", path, "quarantined", who.secrets, rules=frozenset({"date_after_arrival"}),
                row=FIRST_DATA_ROW, column=COL["received_on"], words=(f"{future:%d/%m/%Y}",))  # fmt: skip


def h46_duplicate_lines(ctx: Context) -> Case:
    """The same line typed twice (copy-paste): counted twice, it inflates every figure."""
    who = person("h46")
    same = line(dt.date(2022, 5, 4), "H46-1", who, seq_no=None)
    path = _register(ctx, "h46", [same, dict(same)])
    return Case("h46_duplicate_lines", path, "quarantined", who.secrets, rules=frozenset({"duplicate_line"}),
                row=FIRST_DATA_ROW + 1, words=(str(FIRST_DATA_ROW), str(FIRST_DATA_ROW + 1)))  # fmt: skip


def h47_implausible_count(ctx: Context) -> Case:
    path, secrets = _one_bad_cell(ctx, "h47", people_count=100000)
    return Case("h47_implausible_count", path, "quarantined", secrets, rules=frozenset({"out_of_range"}),
                row=FIRST_DATA_ROW, column=COL["people_count"], words=("100000",))  # fmt: skip


def h48_negative_count(ctx: Context) -> Case:
    path, secrets = _one_bad_cell(ctx, "h48", people_count=-3)
    return Case("h48_negative_count", path, "quarantined", secrets, rules=frozenset({"out_of_range"}),
                row=FIRST_DATA_ROW, column=COL["people_count"], words=("-3",))  # fmt: skip


def _formula_error(ctx: Context, key: str, column: str, formula: str, error: str) -> tuple[Path, tuple[str, ...]]:
    rows, secrets = _lines(key)
    path = _register(ctx, key, rows)
    workbook = openpyxl.load_workbook(path)
    cell = workbook["Sổ tiếp công dân"][f"{COL[column]}{FIRST_DATA_ROW}"]
    cell.value = formula
    workbook.save(path)
    # openpyxl writes no cached value; give the cell the error Excel would have computed.
    _set_cached_error(path, f"{COL[column]}{FIRST_DATA_ROW}", error)
    return path, secrets


def _set_cached_error(path: Path, ref: str, error: str) -> None:
    import re

    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    name = next(n for n in parts if n.startswith("xl/worksheets/sheet1"))
    xml = parts[name].decode("utf-8")
    xml, count = re.subn(rf'<c r="{ref}"([^>]*?)(?: t="\w+")?([^>]*)><f>(.*?)</f>(?:<v>.*?</v>|<v\s*/>)?</c>',
                         rf'<c r="{ref}"\1\2 t="e"><f>\3</f><v>{error}</v></c>', xml)  # fmt: skip
    assert count == 1, ref
    parts[name] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for filename, data in parts.items():
            archive.writestr(filename, data)


def h49_ref_error_in_number_column(ctx: Context) -> Case:
    path, secrets = _formula_error(ctx, "h49", "people_count", "=#REF!+1", "#REF!")
    return Case("h49_ref_error_in_number_column", path, "quarantined", secrets, row=FIRST_DATA_ROW,
                column=COL["people_count"], words=("#REF!",))  # fmt: skip


def h50_div0_error_in_number_column(ctx: Context) -> Case:
    """#DIV/0! in STT, a number column that is not required: read as empty today, the line silently kept."""
    path, secrets = _formula_error(ctx, "h50", "seq_no", "=1/0", "#DIV/0!")
    return Case("h50_div0_error_in_number_column", path, "quarantined", secrets, row=FIRST_DATA_ROW,
                column=COL["seq_no"], words=("#DIV/0!",))  # fmt: skip


def h51_control_characters(ctx: Context) -> Case:
    """NUL, BEL and escape characters pasted into text cells (from an old system's export)."""
    rows, secrets = _lines("h51")
    rows[0]["case_ref"] = "H51-\x001\x07"
    rows[0]["previously_handled_by"] = "UBND\x1b phường\x00 Đoàn Kết"
    rows[0]["citizen_name"] += "\x00"
    path = _register(ctx, "h51", rows)

    def verify(con, outcome, report) -> None:
        stored = con.execute("select case_ref, previously_handled_by from raw.citizen_reception "
                             "where _source_file like '%h51/%' order by _row_number").fetchall()  # fmt: skip
        assert stored[0] == ("H51-1", "UBND phường Đoàn Kết"), f"control characters stored: {stored[0]!r}"

    return Case("h51_control_characters", path, "loaded", secrets, rows=2, unit_id=LOADED_UNIT_ID, verify=verify)


def h52_longest_text_cell(ctx: Context) -> Case:
    """A 32,767-character case summary (Excel's maximum) in a personal column: loaded, never stored."""
    rows, secrets = _lines("h52")
    sentence = f"Bà {person('h52').name} trình bày việc tranh chấp đất với hộ liền kề. "
    rows[0]["case_summary"] = (sentence * (32767 // len(sentence) + 1))[:32767]
    path = _register(ctx, "h52", rows)
    return Case("h52_longest_text_cell", path, "loaded", (*secrets, sentence.strip()), rows=2, unit_id=LOADED_UNIT_ID)


def h53_three_hundred_sheets(ctx: Context) -> Case:
    rows, secrets = _lines("h53")
    sheets = {f"Sheet{i}": [[f"trang {i}"]] for i in range(1, 300)}
    sheets["Sổ tiếp công dân"] = register_grid(reception(), LOADED_UNIT, LOADED_YEAR, rows)
    path = write_grid(_folder(ctx, "h53") / LOADED_NAME, sheets)
    return Case("h53_three_hundred_sheets", path, "loaded", secrets, rows=2, unit_id=LOADED_UNIT_ID)


def h54_hidden_data_sheet(ctx: Context) -> Case:
    """The register's sheet hidden behind a cover sheet: the data is there, and read."""
    rows, secrets = _lines("h54")
    sheets = {
        "Bìa": [["SỔ TIẾP CÔNG DÂN NĂM 2022"]],
        "Sổ tiếp công dân": register_grid(reception(), LOADED_UNIT, LOADED_YEAR, rows),
    }
    path = write_grid(_folder(ctx, "h54") / LOADED_NAME, sheets, hidden=("Sổ tiếp công dân",))
    return Case("h54_hidden_data_sheet", path, "loaded", secrets, rows=2, unit_id=LOADED_UNIT_ID)


def h55_header_on_row_50(ctx: Context) -> Case:
    rows, secrets = _lines("h55")
    path = write_grid(_folder(ctx, "h55") / LOADED_NAME,
                      {"Sổ tiếp công dân": register_grid(reception(), LOADED_UNIT, LOADED_YEAR, rows, header_at=49)})  # fmt: skip

    def verify(con, outcome, report) -> None:
        numbers = con.execute(
            "select _row_number from raw.citizen_reception where _source_file like '%h55/%' order by 1"
        ).fetchall()
        assert numbers == [(52,), (53,)]

    return Case("h55_header_on_row_50", path, "loaded", secrets, rows=2, unit_id=LOADED_UNIT_ID, verify=verify)


def h56_saved_as_ods(ctx: Context) -> Case:
    rows, secrets = _lines("h56")
    path = ods_workbook(_folder(ctx, "h56") / "so-tiep-cong-dan_2022_phuong-doan-ket.ods",
                        {"Sổ tiếp công dân": register_grid(reception(), LOADED_UNIT, LOADED_YEAR, rows)})  # fmt: skip
    return Case("h56_saved_as_ods", path, "loaded", secrets, rows=2, unit_id=LOADED_UNIT_ID)


def h57_saved_as_xls(ctx: Context) -> Case:
    rows, secrets = _lines("h57")
    path = _folder(ctx, "h57") / "so-tiep-cong-dan_2022_phuong-doan-ket.xls"
    path.write_bytes(xls_workbook({"Sổ tiếp công dân": register_grid(reception(), LOADED_UNIT, LOADED_YEAR, rows)}))
    return Case("h57_saved_as_xls", path, "loaded", secrets, rows=2, unit_id=LOADED_UNIT_ID)


def h58_saved_as_xlsm(ctx: Context) -> Case:
    """The register saved "macro-enabled": the same package with the macro workbook content type."""
    rows, secrets = _lines("h58")
    path = _folder(ctx, "h58") / "so-tiep-cong-dan_2022_phuong-doan-ket.xlsm"
    write_register(path, reception(), LOADED_UNIT, LOADED_YEAR, rows)
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    types = parts["[Content_Types].xml"].decode()
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    assert main in types
    parts["[Content_Types].xml"] = types.replace(main, "application/vnd.ms-excel.sheet.macroEnabled.main+xml").encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for filename, data in parts.items():
            archive.writestr(filename, data)
    return Case("h58_saved_as_xlsm", path, "loaded", secrets, rows=2, unit_id=LOADED_UNIT_ID)


def h59_organisations_with_blank_stt(ctx: Context) -> Case:
    """Lines for the police, a company and a community, STT left blank: their first cell starts
    "Công…"/"Cộng…", which a marker compared without diacritics takes for "Cộng" (subtotal)."""
    who = [person("h59", n) for n in range(4)]
    names = ["Công an phường Đoàn Kết H59", "Công ty TNHH Xây dựng Sông Đà H59", "Cộng đồng bản Phan Lìn H59"]
    workbook = xlsxwriter.Workbook(str(_folder(ctx, "h59") / LOADED_NAME))
    sheet = workbook.add_worksheet("Sổ tiếp công dân")
    sheet.write(0, 0, f"Đơn vị: {LOADED_UNIT}")
    sheet.write(1, 0, f"Năm: {LOADED_YEAR}")
    sheet.write_row(
        3, 0, ["STT", "Họ và tên", "Ngày tiếp", "Số người", "Hình thức tiếp", "Mã vụ việc", "Lần tiếp", "Phân loại đơn"]
    )
    sheet.write_row(4, 0, [1, who[0].name, "05/01/2022", 1, "Tiếp thường xuyên", "H59-1", "Lần đầu", "Khiếu nại"])
    for offset, name in enumerate(names):
        sheet.write_row(
            5 + offset,
            1,
            [name, f"0{6 + offset}/01/2022", 2, "Tiếp thường xuyên", f"H59-{offset + 2}", "Lần đầu", "Kiến nghị, phản ánh"],
        )
    sheet.write(8, 0, "Cộng quý I")
    sheet.write(10, 0, "Người ghi sổ")
    workbook.close()

    def verify(con, outcome, report) -> None:
        refs = con.execute(
            "select case_ref from raw.citizen_reception where _source_file like '%h59/%' order by _row_number"
        ).fetchall()
        assert refs == [("H59-1",), ("H59-2",), ("H59-3",), ("H59-4",)]

    return Case("h59_organisations_with_blank_stt", ctx.landing / "h59" / LOADED_NAME, "loaded",
                (*who[0].secrets, *names), rows=4, skipped=1, unit_id=LOADED_UNIT_ID, verify=verify)  # fmt: skip


BUILDERS: list[Callable[[Context], Case]] = [
    obj for name, obj in sorted(globals().items()) if name[:1] == "h" and name[1:3].isdigit() and callable(obj)
]


def build_all(ctx: Context) -> list[Case]:
    return [build(ctx) for build in BUILDERS]
