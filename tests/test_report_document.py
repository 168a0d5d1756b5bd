"""The signed report (.docx): rendered from the repository's Word template with the sample build's
figures, it carries the 2023 report's wording, real footnotes, the figures of report.figures, and
LibreOffice prints it on A4 (the report portrait, Phụ lục landscape) in Times New Roman's metrics."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path
from zipfile import ZipFile

import duckdb
import pytest
import yaml
from docx import Document

from pipeline.periods import Period
from pipeline.report_requests import ReportRequest
from reporting.appendices import load_definitions, read_appendices
from reporting.figures import Sentence, load_catalogue, read_figures, render_sentences
from reporting.report_document import TEMPLATE, placed_keys, read_document_text, write_report_document
from reporting.unit_names import read_unit_names
from tests.conftest import FIGURES_FILE

PERIOD_2023 = Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
REQUEST_2023 = ReportRequest("105", "tp_lai_chau", "Thành phố Lai Châu", PERIOD_2023)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
INCOMPLETE = "64/66 sổ, biểu mẫu đã gửi (97.0%); chưa gửi đủ: Phường Đoàn Kết"
# The sentences the 2023 report puts in footnotes, in its order (its notes 3, 5, 6, 7, 8).
FOOTNOTE_KEYS = ["internal_check.summary", "inspection.recovery", "schools.summary", "personnel.decisions", "awards.summary"]


def render(build: Path, request: ReportRequest, directory: Path, incomplete: str | None = None, extra=()) -> tuple:
    with duckdb.connect(str(build), read_only=True) as con:
        start, end = request.period.start, request.period.end
        figures = read_figures(con, request.unit_code, start, end)
        appendices = read_appendices(con, request.unit_code, start, end)
        names = read_unit_names(con, request.unit_id, request.period)
    sentences = render_sentences(figures, request.period, names) + list(extra)
    path = write_report_document(directory, request, names, sentences, appendices, incomplete, made_on=dt.date(2023, 11, 20))
    return path, sentences, appendices


@pytest.fixture(scope="module")
def report_2023(sample_build, tmp_path_factory):
    _, build = sample_build
    path, sentences, appendices = render(build, REQUEST_2023, tmp_path_factory.mktemp("report-2023"), INCOMPLETE)
    return path, sentences, appendices


@pytest.fixture(scope="module")
def pdf_2023(report_2023, tmp_path_factory) -> Path:
    """One LibreOffice conversion for the module (its own profile, so parallel runs do not clash)."""
    path = report_2023[0]
    out = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("lo-profile")
    subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
         "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(profile)},
    )  # fmt: skip
    return out / (path.stem + ".pdf")


def _flat(text: str) -> str:
    """Without any white space: pdftotext breaks lines, and splits a word where a glyph comes from a
    fallback font (Debian's fonts-liberation 1.x has no Vietnamese letters; fonts-liberation2 has)."""
    return "".join(text.split())


def test_the_2023_report_has_the_seed_wording_for_every_rendered_sentence(report_2023):
    """Every figure of the 2023 report, in the report's own words (its `quote`), is in the document."""
    path, _, _ = report_2023
    text = read_document_text(path).all
    quotes = [figure["quote"] for figure in yaml.safe_load(FIGURES_FILE.read_text(encoding="utf-8"))["figures"]]
    assert len(quotes) == 74
    assert [quote for quote in quotes if quote not in text] == []
    assert "?" not in text and "{{" not in text and "{%" not in text


def test_every_sentence_rendered_from_report_figures_is_in_the_document_word_for_word(report_2023):
    path, sentences, _ = report_2023
    text = read_document_text(path).all
    assert {s.key for s in sentences} == {s["key"] for s in load_catalogue()["sentences"]}
    for sentence in sentences:
        assert sentence.text_vi.rstrip(".") + "." in text, sentence.key
    assert "[Chưa có số liệu" not in text  # all figures present: no sentence placeholder


def test_footnotes_are_real_word_footnotes_where_the_2023_report_has_them(report_2023):
    path, sentences, _ = report_2023
    by_key = {s.key: s.text_vi.rstrip(".") for s in sentences}
    with ZipFile(path) as archive:
        assert "word/footnotes.xml" in archive.namelist()
        assert "footnotes+xml" in archive.read("[Content_Types].xml").decode()
    text = read_document_text(path)
    notes = [text.footnotes[number] for number in sorted(text.footnotes)]
    assert len(notes) >= 5
    for note, key in zip(notes, FOOTNOTE_KEYS, strict=False):
        assert by_key[key] in note, key
    # each note is referenced once from the body, and the recovery note from the inspection paragraph
    body = Document(str(path)).element.body
    references = {}
    for p in body.iter(f"{W}p"):
        for ref in p.iter(f"{W}footnoteReference"):
            references[int(ref.get(f"{W}id"))] = "".join(t.text or "" for t in p.iter(f"{W}t"))
    assert sorted(references) == sorted(text.footnotes)
    recovery = next(n for n, note in text.footnotes.items() if by_key["inspection.recovery"] in note)
    assert by_key["inspection.summary"] in references[recovery]
    for key in ("internal_check.summary", "inspection.recovery", "schools.summary", "personnel.decisions", "awards.summary"):
        assert all(by_key[key] not in paragraph for paragraph in text.body), f"{key} belongs in a footnote"


def test_the_document_has_the_decree_30_form(report_2023):
    path, _, appendices = report_2023
    document = Document(str(path))
    text = read_document_text(path)
    header = document.tables[0]
    left, right = (cell.text for cell in header.rows[0].cells)
    assert left.split("\n")[:2] == ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ LAI CHÂU"] and "Số:" in left and "/BC-UBND" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert re.search(r"Thành phố Lai Châu, ngày +tháng 11 năm 2023", right)
    summary = text.body.index("Kết quả công tác dân vận năm 2023")
    assert text.body[summary - 1] == "BÁO CÁO"
    assert text.body[summary + 1] == f"SỐ LIỆU CHƯA ĐẦY ĐỦ – {INCOMPLETE}."
    order = ["Phần thứ nhất", "I. ĐẶC ĐIỂM TÌNH HÌNH", "II. KẾT QUẢ CÔNG TÁC DÂN VẬN", "6. Kết quả kiểm tra",
             "7. Công tác phối hợp", "III. PHONG TRÀO THI ĐUA", "IV. ĐÁNH GIÁ CHUNG", "Phần thứ hai",
             "Trên đây là Báo cáo kết quả công tác dân vận năm 2023 của UBND thành phố Lai Châu./.",
             "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "PHỤ LỤC I", "PHỤ LỤC II"]  # fmt: skip
    positions = [next(i for i, p in enumerate(text.body) if p.startswith(heading)) for heading in order]
    assert positions == sorted(positions)
    assert "[Nội dung do cơ quan soạn thảo bổ sung:" in text.all
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.cm, 1) for m in margins] == [2, 2, 3, 2]
    annex = document.sections[-1]
    assert annex.page_width > annex.page_height
    assert document.styles["Normal"].font.name == "Times New Roman" and document.styles["Normal"].font.size.pt in (13, 14)
    # Phụ lục: the xlsx's columns and rows, "—" where a unit keeps no such register, and the totals
    for appendix, table in zip(appendices, document.tables[2:], strict=True):
        labels = [cell.text for cell in table.rows[1].cells[2:-1]]
        assert labels == [c["label_vi"] for c in appendix.columns]
        rows = [[cell.text for cell in row.cells] for row in table.rows[3:]]
        assert len(rows) == len(appendix.rows)
        for row, cells in zip(appendix.rows, rows, strict=True):
            assert cells[1] == row["unit_name"]
            for column, cell in zip(appendix.columns, cells[2:-1], strict=True):
                value = row[column["name"]]
                assert cell == ("—" if value is None else f"{int(value):,}".replace(",", ".")), (row["unit_name"], column)
    assert len(document.tables) == 2 + len(load_definitions()["appendices"])


def test_libreoffice_prints_it_on_a4_with_footnotes_and_landscape_appendices(pdf_2023):
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf_2023)], check=True, capture_output=True, text=True).stdout
    sizes = [(round(float(w)), round(float(h))) for w, h in re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+) pts", info)]
    portrait, landscape = (595, 842), (842, 595)
    assert set(sizes) == {portrait, landscape}
    first_landscape = sizes.index(landscape)
    assert first_landscape >= 2 and all(s == portrait for s in sizes[:first_landscape])
    assert all(s == landscape for s in sizes[first_landscape:]) and len(sizes) - first_landscape >= 2

    def page_text(first: int, last: int) -> str:
        args = ["pdftotext", "-layout", "-f", str(first), "-l", str(last), str(pdf_2023), "-"]
        return _flat(subprocess.run(args, check=True, capture_output=True, text=True).stdout)

    report = page_text(1, first_landscape)
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số:", "BÁO CÁO", "Nơi nhận",
                     "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Số còn phải thu hồi 1.823.212.702 đồng"):  # fmt: skip
        assert _flat(expected) in report, expected
    annex = page_text(first_landscape + 1, len(sizes))
    assert all(_flat(expected) in annex for expected in ("PHỤ LỤC I", "PHỤ LỤC II", "Tổng cộng"))
    fonts = subprocess.run(["pdffonts", str(pdf_2023)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"\+(LiberationSerif|TimesNewRoman)", fonts)


@pytest.mark.parametrize(
    ("request_", "issuer", "committee"),
    [
        (ReportRequest("03388", "p_doan_ket_2025", "Phường Đoàn Kết", Period(dt.date(2025, 7, 1), dt.date(2025, 12, 31))),
         "PHƯỜNG ĐOÀN KẾT", "UBND phường Đoàn Kết"),
        (ReportRequest("12", "tinh_lai_chau", "Tỉnh Lai Châu", PERIOD_2023), "TỈNH LAI CHÂU", "UBND tỉnh Lai Châu"),
    ],
)  # fmt: skip
def test_another_unit_gets_its_own_names_and_placeholders(sample_build, tmp_path, request_, issuer, committee):
    """The sample build holds no figures for these requests: every data sentence is a placeholder."""
    _, build = sample_build
    path, sentences, _ = render(build, request_, tmp_path)
    assert sentences == []
    text = read_document_text(path)
    header = Document(str(path)).tables[0].rows[0].cells[0].text
    assert header.split("\n")[:2] == ["ỦY BAN NHÂN DÂN", issuer]
    assert "thành phố" not in text.all.lower()
    assert f"của {committee}./." in text.all
    empty_appendix = "[Chưa có số liệu: chưa có đơn vị nào gửi sổ, biểu mẫu cho phụ lục này trong kỳ]"
    assert text.all.count(empty_appendix) == len(load_definitions()["appendices"])
    assert text.all.count("[Chưa có số liệu:") == len(placed_keys()) + len(load_definitions()["appendices"])
    assert len(text.footnotes) >= 5 and all("[Chưa có số liệu:" in note for note in text.footnotes.values())
    assert "?" not in text.all and "{{" not in text.all and "SỐ LIỆU CHƯA ĐẦY ĐỦ" not in text.all


def test_a_sentence_the_template_does_not_place_is_still_printed(sample_build, tmp_path):
    _, build = sample_build
    extra = Sentence("new.summary", "Mới", "moi.txt", "Một câu mới có 07 số liệu.")
    path, _, _ = render(build, REQUEST_2023, tmp_path, extra=[extra])
    assert "new.summary" not in placed_keys()
    assert "Một câu mới có 07 số liệu." in read_document_text(path).body


def test_the_template_places_every_sentence_of_the_catalogue():
    assert placed_keys(TEMPLATE) == {s["key"] for s in load_catalogue()["sentences"]}


def test_the_template_builder_still_makes_a_template_that_places_every_sentence(tmp_path):
    """The builder only starts a template over (the committed .docx is what is rendered), but it
    must keep working for the day the office wants a fresh one."""
    from reporting.build_report_template import build

    path = build(tmp_path / "bao-cao-mau.docx")
    assert placed_keys(path) == placed_keys(TEMPLATE) == {s["key"] for s in load_catalogue()["sentences"]}
