"""What clerks print: the report's appendices (Phụ lục), the figures workbook and the register
templates, converted to PDF by LibreOffice and read back with poppler (pdfinfo, pdftotext), as
they come out of a printer; and a template filled in as a clerk fills it still ingests as before."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import duckdb
import openpyxl
import pytest

from ingestion.loader import ingest_landing
from ingestion.parser import parse_workbook
from ingestion.registry import load_sources
from ingestion.templates import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    PAPER_A3,
    PAPER_A4,
    RULED_ROWS,
    TEMPLATES_DIR,
    print_layout,
    template_filename,
    write_register,
)
from ingestion.units import UnitDirectory
from pipeline.periods import Period
from pipeline.report_requests import resolve
from reporting.appendices import NOT_KEPT, attached_to_line, read_appendices, write_appendix_exports
from reporting.exports import write_exports
from reporting.figures import read_figures, render_sentences
from reporting.unit_names import read_unit_names
from sample_data.generate import all_workbooks
from tests.conftest import TEST_KEY
from tests.workbooks import reception_source, visit

YEAR_2023 = Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
A4_LANDSCAPE, A4_PORTRAIT, A3_LANDSCAPE = (841.89, 595.3), (595.3, 841.89), (1190.55, 841.89)
PAPER_SIZE = {PAPER_A4: A4_LANDSCAPE, PAPER_A3: A3_LANDSCAPE}
# Liberation Serif (Times New Roman's metric twin) draws a word's box ascent + descent = 1.107 em
# high, so a box's height over 1.107 is the printed font size in points, scale included.
EM_BOX = 1.107
SMALLEST_PRINTED_PT = 9.0


def to_pdf(workbooks: list[Path], out: Path) -> dict[str, Path]:
    """Each workbook as LibreOffice prints it (a private profile, so parallel runs do not clash)."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{out}/lo", "--convert-to", "pdf",
         "--outdir", str(out), *map(str, workbooks)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    pdfs = {w.name: out / f"{w.stem}.pdf" for w in workbooks}
    assert all(p.exists() for p in pdfs.values()), f"LibreOffice wrote {sorted(p.name for p in out.glob('*.pdf'))}"
    return pdfs


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], check=True, capture_output=True, text=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]


def page_texts(pdf: Path) -> list[str]:
    """Each page's text, laid out as printed (pdftotext ends every page with a form feed)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def smallest_text_pt(pdf: Path, page: int, leave_out: tuple[str, ...] = ()) -> float:
    """The smallest font size a word of the page prints at, from the height of its box."""
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    heights = [
        float(y_max) - float(y_min)
        for y_min, y_max, word in re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', boxes)
        if word not in leave_out
    ]
    return min(heights) / EM_BOX


def same_size(size: tuple[float, float], expected: tuple[float, float]) -> bool:
    return abs(size[0] - expected[0]) < 1 and abs(size[1] - expected[1]) < 1


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def printed_reports(sample_build, tmp_path_factory):
    """The 2023 report's appendices and figures workbook, written from the sample build by the
    report writers and printed to PDF."""
    _, build = sample_build
    request = resolve("105", YEAR_2023)
    with duckdb.connect(str(build), read_only=True) as con:
        figures = read_figures(con, "105", YEAR_2023.start, YEAR_2023.end)
        appendices = read_appendices(con, "105", YEAR_2023.start, YEAR_2023.end)
        names = read_unit_names(con, request.unit_id, YEAR_2023)
    out = tmp_path_factory.mktemp("printed-reports")
    written = write_exports(out, request, figures, render_sentences(figures, YEAR_2023))
    written += write_appendix_exports(out, request, appendices, names)
    workbooks = [p for p in written if p.suffix == ".xlsx"]
    pdfs = to_pdf(workbooks, out / "pdf")
    return {
        "appendices": pdfs[f"phu-luc_{request.slug}.xlsx"],
        "figures": pdfs[f"so-lieu-bao-cao_{request.slug}.xlsx"],
        "figures_xlsx": out / f"so-lieu-bao-cao_{request.slug}.xlsx",
        "appendices_xlsx": out / f"phu-luc_{request.slug}.xlsx",
        "published": [f for f in figures if f.published],
    }


def test_each_appendix_prints_on_one_landscape_a4_page_tied_to_the_report_and_signed(printed_reports):
    pdf = printed_reports["appendices"]
    assert [same_size(s, A4_LANDSCAPE) for s in page_sizes(pdf)] == [True, True]  # Phụ lục I, Phụ lục II
    pages = page_texts(pdf)
    for page, numeral in zip(pages, ["I", "II"], strict=True):
        text = squeezed(page)  # pdftotext splits some words at a diacritic ("c ủa"): compared without spaces
        assert f"PHỤLỤC{numeral}KẾTQUẢ" in text
        assert "ỦYBANNHÂNDÂNTHÀNHPHỐLAICHÂU" in text  # the issuing body, from dim_admin_unit
        assert "(KèmtheoBáocáosố/BC-UBNDngày//củaUBNDthànhphốLaiChâu)" in text, page[:600]
        assert "Kỳbáocáo:Năm2023,từngày01/01/2023đếnngày31/12/2023" in text
        # the signature block after the totals row, on the same page
        assert re.search("Tổngcộng.*NGƯỜILẬPBIỂU.*TM.ỦYBANNHÂNDÂN.*CHỦTỊCH", text), page[-400:]
    # the blanks the clerk fills in with the report's number and date
    sheet = openpyxl.load_workbook(printed_reports["appendices_xlsx"])["Phụ lục I"]
    assert sheet["A5"].value == "(Kèm theo Báo cáo số      /BC-UBND ngày     /    /      của UBND thành phố Lai Châu)"
    # the city's home affairs office keeps none of Phụ lục I's registers: "—" in all 15 columns, no 0
    (line,) = [line for line in pages[0].splitlines() if "Phòng Nội vụ thành phố Lai Châu" in line]
    values = line.split("Phòng Nội vụ thành phố Lai Châu")[1].split()
    assert values == [NOT_KEPT] * 15
    # the inspectorate keeps the inspection register only: its figures, and "—" elsewhere
    (line,) = [line for line in pages[0].splitlines() if "Thanh tra thành phố Lai Châu" in line]
    values = line.split("Thanh tra thành phố Lai Châu")[1].split()
    assert values.count(NOT_KEPT) == 12 and "1,957,783,982" in values
    assert smallest_text_pt(pdf, 1) > 5.5  # was under 5 pt before the columns were narrowed


def test_the_attached_to_line_names_the_reporting_units_committee(sample_build):
    """No committee is written into the code: a ward's appendix is attached to its own report."""
    _, build = sample_build
    with duckdb.connect(str(build), read_only=True) as con:
        ward = read_unit_names(con, "p_tan_phong", YEAR_2023)
    assert attached_to_line(ward).endswith("của UBND phường Tân Phong)")


def test_figures_workbook_prints_one_a4_page_wide_with_its_header_row_on_every_page(printed_reports):
    pdf = printed_reports["figures"]
    sizes = page_sizes(pdf)
    assert len(sizes) >= 2 and all(same_size(s, A4_PORTRAIT) for s in sizes)
    pages = page_texts(pdf)
    headers = ["Phạm vi", "Mã chỉ tiêu", "Chỉ tiêu", "Giá trị", "Đơn vị tính"]
    for number, page in enumerate(pages, start=1):
        # the header row on every page, all of it: no page carries values without their labels
        assert all(h in page for h in headers), (number, page[:300])
        assert f"Trang {number}/{len(pages)}" in page
    first = squeezed(pages[0])
    assert "SỐLIỆUBÁOCÁONĂM2023" in first and "Đơnvịbáocáo:ThànhphốLaiChâu" in first
    assert "Kỳbáocáo:từngày01/01/2023đếnngày31/12/2023" in first
    # every published figure is printed (a long key wraps: its cell's lines, in print order, joined)
    cells = squeezed(subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True).stdout)
    assert all(figure.key in cells for figure in printed_reports["published"])
    text = "\n".join(pages)
    (visits,) = [line for line in text.splitlines() if re.search(r"\breception\.visits\b", line) and "Toàn đơn vị" in line]
    assert re.search(r"\b44 số\b", visits), visits  # a count prints as an integer
    assert not re.search(r"\d\.0\b|\d\.(?=\s)", text)  # no "44.0" and no "44." anywhere
    assert smallest_text_pt(pdf, 1, leave_out=("Trang", "1/2", f"1/{len(pages)}")) >= SMALLEST_PRINTED_PT
    # in the workbook itself a count is a whole number shown without decimals
    sheet = openpyxl.load_workbook(printed_reports["figures_xlsx"])["Số liệu"]
    row = next(r for r in sheet.iter_rows(min_row=6) if r[1].value == "reception.visits" and r[0].value == "Toàn đơn vị")
    assert row[3].value == 44 and row[3].number_format == "#,##0"
    assert sheet.print_title_rows == "$5:$5"


@pytest.fixture(scope="module")
def printed_templates(tmp_path_factory):
    """The committed templates, printed."""
    templates = [TEMPLATES_DIR / template_filename(s) for s in load_sources()]
    return to_pdf(templates, tmp_path_factory.mktemp("printed-templates"))


def test_register_templates_print_readable_with_their_header_ruled_lines_and_signature_block(printed_templates):
    """Every template's register sheet: landscape A4 when it fits at a readable scale, else A3;
    its 9 pt or larger text, the numbered column row, and the signature block in the page footer."""
    papers = {}
    for source in load_sources():
        name = template_filename(source)
        pdf = printed_templates[name]
        paper, _ = print_layout(source.columns)
        papers[source.file_stem] = paper
        assert same_size(page_sizes(pdf)[0], PAPER_SIZE[paper]), name
        page = page_texts(pdf)[0]
        assert squeezed(source.title_vi.upper()) in squeezed(page), name
        numbered = re.findall(r"\((\d+)\)", page)
        assert [str(i) for i in range(1, len(source.columns) + 1)] == numbered[-len(source.columns) :], name
        text = squeezed(page)
        assert all(word in text for c in source.columns for word in re.split(r"[\s/]+", c.header)), name  # headers wrap
        assert "Ngườilậpbiểu" in text and "Thủtrưởngđơnvị" in text and "(Ký,ghirõhọtên)" in text, name
        assert smallest_text_pt(pdf, 1) >= SMALLEST_PRINTED_PT, name
        book = openpyxl.load_workbook(TEMPLATES_DIR / name)
        sheet = book[source.sheet[:31]]
        assert sheet.print_title_rows == f"${HEADER_ROW + 1}:${HEADER_ROW + 2}"  # the header repeats on every page
        ruled = [
            r for r in range(FIRST_DATA_ROW + 1, FIRST_DATA_ROW + 1 + RULED_ROWS[paper])
            if all(sheet.cell(r, c).border.bottom.style == "thin" and sheet.cell(r, c).value is None
                   for c in range(1, len(source.columns) + 1))
        ]  # fmt: skip
        assert len(ruled) == RULED_ROWS[paper], name
    # the three widest registers (17-20 columns) on A3, the rest on A4
    assert {stem for stem, paper in papers.items() if paper == PAPER_A3} == {
        "so-tiep-cong-dan", "so-theo-doi-thanh-tra", "so-xu-ly-don",
    }  # fmt: skip


def test_a_register_written_as_the_printed_form_parses_exactly_as_before(tmp_path):
    """Every source, with the bundled sample's rows (blank lines, period lines and all): written in
    the printed form's layout (ruled lines, footer signature, other widths and paper) it parses to
    the same values, lines and skipped-line count as in the plain layout."""
    units = UnitDirectory.from_seed()
    sources = {s.id: s for s in load_sources()}
    specs = {}
    for spec in all_workbooks():  # the largest workbook of each source
        if spec.source_id not in specs or len(spec.rows) > len(specs[spec.source_id].rows):
            specs[spec.source_id] = spec
    assert set(specs) == set(sources)
    for source_id, spec in specs.items():
        source = sources[source_id]
        parsed = {}
        for printable in (False, True):
            path = tmp_path / f"{source.file_stem}_{printable}.xlsx"
            write_register(path, source, spec.written_unit, 2023, spec.rows, spec.blank_rows_after,
                           period=spec.period, authority=spec.authority, printable=printable)  # fmt: skip
            parsed[printable] = parse_workbook(path, source, units)
        plain, printed = parsed[False], parsed[True]
        assert printed.columns == plain.columns, source_id
        assert printed.row_numbers == plain.row_numbers and len(printed.row_numbers) == len(spec.rows), source_id
        assert printed.skipped_rows == plain.skipped_rows, source_id
        assert (printed.unit.unit_id, printed.year, printed.unit_ids) == (plain.unit.unit_id, plain.year, plain.unit_ids)
        assert printed.coverage == plain.coverage, source_id
    # the sample's largest registers run past the ruled lines, the smaller ones stop inside them
    assert any(len(s.rows) > RULED_ROWS[PAPER_A3] for s in specs.values())
    assert any(len(s.rows) < RULED_ROWS[PAPER_A4] for s in specs.values())


def test_the_committed_template_filled_in_by_a_clerk_ingests_cleanly(tmp_path):
    """The reception template as clerks get it, typed into (title lines and three lines of the
    ruled rows, the rest left ruled and empty) and ingested: three rows, nothing quarantined."""
    source = reception_source()
    book = openpyxl.load_workbook(TEMPLATES_DIR / template_filename(source))
    sheet = book[source.sheet]
    sheet["A6"] = "Đơn vị: Phường Tân Phong"
    sheet["A7"] = "Năm: 2023"
    lines = [visit(dt.date(2023, 3, 1), "A-1"), visit(dt.date(2023, 3, 9), "A-2", people=2), visit(dt.date(2023, 4, 2), "A-3")]
    for offset, line in enumerate(lines):
        for index, column in enumerate(source.columns, start=1):
            value = line.get(column.name)
            if isinstance(value, dt.date):
                value = dt.datetime.combine(value, dt.time())
            if value is not None:
                sheet.cell(FIRST_DATA_ROW + 1 + offset, index, value)
    assert sheet.oddFooter.left.text.startswith("Người lập biểu")  # the signature block is still there
    landing = tmp_path / "landing"
    (landing / "2023").mkdir(parents=True)
    book.save(landing / "2023" / "so-tiep-cong-dan_2023_phuong-tan-phong.xlsx")

    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        report = ingest_landing(con, landing, landing / "_quarantine", TEST_KEY)
        assert [f.status for f in report.files] == ["loaded"]
        rows = con.sql("select _row_number, people_count from raw.citizen_reception order by _row_number").fetchall()
    assert rows == [(11, 1), (12, 2), (13, 1)]
    assert not (landing / "_quarantine").exists() or not any((landing / "_quarantine").rglob("*.errors.txt"))
