"""The report a People's Committee signs, as a Word document: ``bao-cao_<code>_<start>_<end>.docx``
rendered with docxtpl from the template kept in the repository (``templates/report/bao-cao-mau.docx``;
``reporting/build_report_template.py`` made its first version, the office restyles the .docx).

The form is Decree 30/2020/NĐ-CP's, as the 2023 report: issuing body and number, national motto,
place and date, "BÁO CÁO" and its summary line, the sections in the 2023 report's order with the
data-driven sentences filled in (real Word footnotes where that report has them), highlighted
placeholders for the narrative the office writes, "Nơi nhận" and the signature block, then Phụ lục
I and II on landscape pages with the same tables as the xlsx.

The date line carries the month and year the document is made (the run's day, ``made_on``) and
leaves the day blank: the signer dates it on signing, as the 2023 report was dated "ngày   tháng
11 năm 2023" before it was signed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zipfile import ZipFile

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate
from lxml import etree

from pipeline.report_requests import ReportRequest
from reporting.appendices import NOT_KEPT, Appendix
from reporting.figures import Sentence, format_vi
from reporting.unit_names import UnitNames

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "report" / "bao-cao-mau.docx"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# How the template names a sentence: s['reception.summary'] (or with double quotes)
_SENTENCE_TAG = re.compile(r"""\bs\[\s*['"‘’“”]([a-z_.]+)['"‘’“”]\s*\]""")


def document_path(directory: Path, request: ReportRequest) -> Path:
    return directory / f"bao-cao_{request.slug}.docx"


def write_report_document(
    directory: Path,
    request: ReportRequest,
    names: UnitNames,
    sentences: list[Sentence],
    appendices: list[Appendix],
    incomplete: str | None,
    made_on: dt.date | None = None,
    template: Path = TEMPLATE,
) -> Path:
    """``incomplete``: the completeness line when not every register owed was sent; the document
    then says so, highlighted, under its summary line, so nobody signs a partial count as the whole.
    ``names``: the unit's names (reporting.unit_names), also what the sentences are rendered with."""
    document = DocxTemplate(str(template))
    document.render(report_context(request, names, sentences, appendices, incomplete, made_on, template), autoescape=True)
    directory.mkdir(parents=True, exist_ok=True)
    path = document_path(directory, request)
    document.save(str(path))
    return path


def report_context(
    request: ReportRequest,
    names: UnitNames,
    sentences: list[Sentence],
    appendices: list[Appendix],
    incomplete: str | None,
    made_on: dt.date | None = None,
    template: Path = TEMPLATE,
) -> dict:
    """What the template's tags read (see reporting/build_report_template.py). A sentence keeps its
    wording; only its final full stop is left to the template, which ends every sentence itself."""
    made_on = made_on or dt.date.today()
    period = request.period
    label = period.label_vi[:1].lower() + period.label_vi[1:]  # "năm 2023", "quý I năm 2024"
    texts = {s.key: _without_full_stop(s.text_vi) for s in sentences}
    placed = placed_keys(template)
    issuer_top, issuer_name = names.issuer_lines
    return {
        "issuer_top": issuer_top,
        "issuer_name": issuer_name,
        "place": names.place,
        # Decree 30/2020: months 1 and 2 are written with a leading zero ("tháng 01")
        "month": f"{made_on.month:02d}" if made_on.month < 3 else str(made_on.month),
        "year": str(made_on.year),
        "period_phrase": label,
        "period_upper": period.label_vi.upper(),
        "period_start": f"{period.start:%d/%m/%Y}",
        "period_end": f"{period.end:%d/%m/%Y}",
        "committee_named": names.committee_named,
        "incomplete": incomplete or "",
        "s": texts,
        "unplaced": [text for key, text in texts.items() if key not in placed],
        **{appendix.id: _appendix_context(appendix) for appendix in appendices},
    }


def _without_full_stop(text: str) -> str:
    text = text.strip()
    return text[:-1] if text.endswith(".") and not text.endswith("..") else text


def _appendix_context(appendix: Appendix) -> dict:
    """The rows as printed: integers in Vietnamese style ("1.214"), "—" where the unit keeps no
    such register, the totals row apart (bold in the template)."""

    def cells(row: dict) -> dict:
        values = {c["name"]: NOT_KEPT if row[c["name"]] is None else format_vi(int(row[c["name"]])) for c in appendix.columns}
        stt = "" if row["is_total"] else str(row["row_order"])
        return {"stt": stt, "unit_name": row["unit_name"] or "", **values, "note": row["note_vi"] or ""}

    total = next((cells(row) for row in appendix.rows if row["is_total"]), None)
    return {"title": appendix.title_vi, "rows": [cells(row) for row in appendix.rows if not row["is_total"]], "total": total}


@cache
def _placed_keys(template: Path, mtime: float) -> frozenset[str]:
    with ZipFile(template) as archive:
        xml = "".join(archive.read(name).decode("utf-8") for name in ("word/document.xml", "word/footnotes.xml"))
    text = re.sub(r"<[^>]+>", "", xml)  # a tag Word split over several runs reads whole again
    return frozenset(_SENTENCE_TAG.findall(text))


def placed_keys(template: Path = TEMPLATE) -> frozenset[str]:
    """The sentence keys the template places (body or footnotes); any other rendered sentence is
    printed in a highlighted list for the office to place, so no figure is left out."""
    return _placed_keys(template, template.stat().st_mtime)


@dataclass(frozen=True)
class DocumentText:
    """A rendered report's text: body paragraphs in order (table cells included) and footnotes."""

    body: list[str]
    footnotes: dict[int, str]

    @property
    def all(self) -> str:
        return "\n".join([*self.body, *self.footnotes.values()])


def _paragraph_text(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph.iter(f"{_W}t"))


def read_document_text(path: Path) -> DocumentText:
    """The text of a .docx (python-docx for the body, the footnotes part read directly, which
    python-docx does not model)."""
    document = Document(str(path))
    body = [_paragraph_text(p) for p in document.element.body.iter(f"{_W}p")]
    footnotes: dict[int, str] = {}
    for rel in document.part.rels.values():
        if rel.reltype == RT.FOOTNOTES:
            root = etree.fromstring(rel.target_part.blob)
            for note in root.iter(f"{_W}footnote"):
                number = int(note.get(f"{_W}id"))
                if number > 0:
                    footnotes[number] = " ".join(_paragraph_text(p) for p in note.iter(f"{_W}p")).strip()
    return DocumentText(body, footnotes)
