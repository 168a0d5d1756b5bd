"""Builds the Word template of the signed report, ``templates/report/bao-cao-mau.docx``.

The committed .docx is what ``reporting.report_document`` renders (docxtpl): the office restyles
that file in Word (fonts, spacing, wording of the fixed text, recipients), not this script. This
script only makes a first version in the form of Decree 30/2020/NĐ-CP with the 2023 report's
sections, and adds what python-docx cannot: real footnotes (``word/footnotes.xml`` and
``w:footnoteReference`` runs in the body). Run it again only to start over:

    python -m reporting.build_report_template

Jinja tags in the template (docxtpl): ``s['<sentence key>']`` is a rendered sentence without its
final full stop (empty when its figures are missing, so ``{% else %}`` prints the placeholder);
``incomplete`` the completeness line of a partial report; ``issuer_top``, ``issuer_name``,
``place``, ``month``, ``year``, ``period_phrase``, ``period_upper``, ``committee_named``;
``unplaced`` the sentences the template does not place; ``appendix_1`` / ``appendix_2``, each
``{title, rows, total}`` with a row's cells by column name (``r['stt']``, ``r['unit_name']``,
``r['<column>']``, ``r['note']``).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from lxml import etree

from reporting.appendices import load_definitions
from reporting.figures import load_catalogue

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "report" / "bao-cao-mau.docx"
FONT = "Times New Roman"
BODY_PT = 14
FOOTNOTE_PT = 11
TABLE_PT = 9
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"

# A segment of a paragraph: (text, flags); flags among "b" bold, "i" italic, "h" highlighted
# (a placeholder the office writes), ("fn", n) a footnote reference.
Segment = tuple[str, str] | tuple[str, int]


def todo(what: str) -> tuple[str, str]:
    """A narrative part the office writes, highlighted so nobody signs it unwritten."""
    return (f"[Nội dung do cơ quan soạn thảo bổ sung: {what}]", "h")


def data(key: str) -> list[tuple[str, str]]:
    """A rendered sentence, or a highlighted placeholder naming it when its figures are missing."""
    title = next(s["title_vi"] for s in load_catalogue()["sentences"] if s["key"] == key)
    return [
        (f"{{% if s['{key}'] %}}{{{{ s['{key}'] }}}}{{% else %}}", ""),
        (f"[Chưa có số liệu: {title} – đơn vị chưa gửi đủ sổ, biểu mẫu; cơ quan soạn thảo bổ sung]", "h"),
        ("{% endif %}", ""),
    ]


def _run(paragraph, text: str, flags: str = "", size: float | None = None) -> None:
    run = paragraph.add_run(text)
    run.bold = "b" in flags or None
    run.italic = "i" in flags or None
    if size:
        run.font.size = Pt(size)
    if "h" in flags:
        rpr = run._r.get_or_add_rPr()
        highlight = OxmlElement("w:highlight")
        highlight.set(qn("w:val"), "yellow")
        rpr.append(highlight)


def _footnote_reference(paragraph, number: int) -> None:
    paragraph._p.append(
        parse_xml(
            f'<w:r {nsdecls("w")}><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
            f'<w:footnoteReference w:id="{number}"/></w:r>'
        )
    )


def para(container, segments: list, align=WD_ALIGN_PARAGRAPH.JUSTIFY, flags: str = "", size: float | None = None,
         indent: bool = True, after: float = 6, before: float = 0, style: str | None = None):  # fmt: skip
    paragraph = container.add_paragraph(style=style)
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Cm(1) if indent and align == WD_ALIGN_PARAGRAPH.JUSTIFY else Cm(0)
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(before)
    for segment in segments:
        if isinstance(segment, str):
            segment = (segment, "")
        text, how = segment
        if isinstance(how, int):
            _footnote_reference(paragraph, how)
        else:
            _run(paragraph, text, how + flags, size)
    return paragraph


def tag(container, text: str):
    """A paragraph holding only a docxtpl block tag ({%p ... %}); docxtpl removes it."""
    return para(container, [text], align=WD_ALIGN_PARAGRAPH.LEFT, indent=False, after=0)


def heading(container, text: str, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before: float = 6):
    return para(container, [(text, "b")], align=align, before=before)


# Child order the schema requires (Word refuses a document whose properties are out of order).
_TBLPR_ORDER = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW", "jc",
                "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption",
                "tblDescription"]  # fmt: skip
_PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct",
              "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
              "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
              "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"]  # fmt: skip
_SETTINGS_AFTER_FOOTNOTEPR = ["endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema", "themeFontLang",
                              "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
                              "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
                              "doNotEmbedSmartTags", "decimalSymbol", "listSeparator"]  # fmt: skip


def _insert_ordered(parent, child, order: list[str]) -> None:
    """Puts ``child`` before the first sibling the schema orders after it, replacing its like."""
    name = etree.QName(child).localname
    for old in parent.findall(qn(f"w:{name}")):
        parent.remove(old)
    later = set(order[order.index(name) + 1 :])
    successor = next((e for e in parent if etree.QName(e).localname in later), None)
    if successor is not None:
        successor.addprevious(child)
    else:
        parent.append(child)


def rule(cell, indent_cm: float) -> None:
    """A short centred rule under a header line (a bottom border on an empty paragraph)."""
    paragraph = cell.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(indent_cm)
    fmt.space_after = Pt(2)
    fmt.line_spacing = Pt(2)
    ppr = paragraph._p.get_or_add_pPr()
    border = parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>')
    _insert_ordered(ppr, border, _PPR_ORDER)


def _no_borders(table) -> None:
    borders = parse_xml(
        f"<w:tblBorders {nsdecls('w')}>"
        + "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders>"
    )
    _insert_ordered(table._tbl.tblPr, borders, _TBLPR_ORDER)


def _widths(table, widths_cm: list[float]) -> None:
    """Fixed column widths: the grid, and each cell's width as the sum of the columns it spans
    (LibreOffice lays a table out by these, Word by the grid)."""
    table.autofit = False  # w:tblLayout fixed
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=True):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    for tr in table._tbl.tr_lst:
        index = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc.width = Cm(sum(widths_cm[index : index + span]))
            index += span


def _cell_paragraph(cell, segments: list, flags: str = "", size: float = 13, align=WD_ALIGN_PARAGRAPH.CENTER):
    """Writes into a cell: its first (empty) paragraph first, then new ones."""
    first = cell.paragraphs[-1]
    fresh = not first.text and len(cell.paragraphs) == 1 and not first.runs
    paragraph = first if fresh else cell.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.first_line_indent = Cm(0)
    for segment in segments:
        text, how = (segment, "") if isinstance(segment, str) else segment
        _run(paragraph, text, how + flags, size)
    return paragraph


def _styles(document) -> None:
    styles = document.styles
    # Document defaults and Normal: Times New Roman for every script (Vietnamese uses the
    # Latin ranges, but Word picks the "cs"/"eastAsia" font for some characters).
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    rpr.insert(0, parse_xml(f'<w:rFonts {nsdecls("w")} w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/>'))
    for lang in rpr.findall(qn("w:lang")):
        lang.set(qn("w:val"), "vi-VN")
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.rPr.rFonts.set(qn("w:cs"), FONT)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    footnote_text = styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
    footnote_text.base_style = normal
    footnote_text.font.size = Pt(FOOTNOTE_PT)
    footnote_text.paragraph_format.space_after = Pt(0)
    footnote_text.paragraph_format.line_spacing = 1.0
    footnote_text.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    footnote_reference = styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
    footnote_reference.font.superscript = True


def _page(section, landscape: bool = False) -> None:
    """A4; Decree 30/2020 margins: top 2, bottom 2, left 3, right 2 cm (landscape: 2 all round,
    left 2.5, so the wide tables fit)."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Cm(29.7), Cm(21)) if landscape else (Cm(21), Cm(29.7))
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin = Cm(2.5 if landscape else 3)
    section.right_margin = Cm(1.5 if landscape else 2)


# The footnotes in the 2023 report's places (its notes 3, 5, 6, 7 and 8), numbered here 1..5.
FOOTNOTES: dict[int, list] = {
    1: [todo("văn bản, kế hoạch kiểm tra công tác Nội vụ, trong đó có nội dung công tác dân vận"), (" ", ""),
        *data("internal_check.summary"), (".", "")],
    2: [*data("inspection.recovery"), (".", "")],
    3: [todo("văn bản về sắp xếp, sáp nhập các trường học trong kỳ"), (", ", ""), *data("schools.summary"), (".", "")],
    4: [*data("personnel.decisions"), (".", "")],
    5: [*data("awards.summary"), (".", "")],
}  # fmt: skip


def _body(document) -> None:
    c = WD_ALIGN_PARAGRAPH.CENTER
    sections = {s["sentences"][0]: s["title_vi"] for s in load_catalogue()["sections"]}

    header = document.add_table(rows=1, cols=2)
    _no_borders(header)
    _widths(header, [6.0, 10.0])
    left, right = header.rows[0].cells
    _cell_paragraph(left, ["{{ issuer_top }}"], "b")
    _cell_paragraph(left, ["{{ issuer_name }}"], "b")
    rule(left, 2.1)
    _cell_paragraph(left, ["Số:        /BC-UBND"], size=13).paragraph_format.space_before = Pt(6)
    _cell_paragraph(right, ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"], "b", size=12.5)
    _cell_paragraph(right, ["Độc lập - Tự do - Hạnh phúc"], "b", size=13)
    rule(right, 2.1)
    date_line = _cell_paragraph(right, ["{{ place }}, ngày      tháng {{ month }} năm {{ year }}"], "i", size=13)
    date_line.paragraph_format.space_before = Pt(6)

    para(document, [("BÁO CÁO", "b")], align=c, before=18, after=0)
    para(document, [("Kết quả công tác dân vận {{ period_phrase }}", "b")], align=c, after=0)
    tag(document, "{%p if incomplete %}")
    para(document, [("SỐ LIỆU CHƯA ĐẦY ĐỦ – {{ incomplete }}.", "bh")], align=c, size=13, after=0)
    tag(document, "{%p endif %}")
    para(document, ["_______________"], align=c, after=12)

    para(document, [todo("căn cứ, văn bản yêu cầu báo cáo")], indent=True)
    heading(document, "Phần thứ nhất", align=c)
    heading(document, "KẾT QUẢ CÔNG TÁC DÂN VẬN {{ period_upper }}", align=c, before=0)
    heading(document, "I. ĐẶC ĐIỂM TÌNH HÌNH")
    para(document, [todo("vị trí, vai trò của địa phương"), " ", *data("profile.summary"), "."])
    heading(document, "1. Thuận lợi")
    para(document, [todo("những thuận lợi trong kỳ")])
    heading(document, "2. Khó khăn")
    para(document, [todo("những khó khăn trong kỳ")])

    heading(document, "II. KẾT QUẢ CÔNG TÁC DÂN VẬN")
    heading(document, sections["dissemination.summary"])
    para(document, [todo("việc quán triệt, triển khai các chủ trương, chính sách, văn bản chỉ đạo về công tác dân vận")])
    para(document, [*data("dissemination.summary"), "."])

    heading(document, sections["internal_check.summary"])
    para(document, [todo("việc đổi mới nội dung, phương thức công tác dân vận chính quyền")])
    para(document, ["Chỉ đạo kiểm tra công tác Nội vụ, trong đó có nội dung công tác dân vận chính quyền tại các cơ quan, "
                    "đơn vị", ("", 1), "."])  # fmt: skip

    heading(document, sections["grassroots_democracy.summary"])
    para(document, [todo("việc tuyên truyền, triển khai thực hiện dân chủ ở cơ sở, công khai, minh bạch")])
    para(document, [*data("grassroots_democracy.summary"), "."])
    para(document, [*data("inspection.summary"), ("", 2), "."])
    para(document, [*data("discipline.summary"), "."])

    heading(document, sections["reception.summary"])
    para(document, [todo("việc bố trí tiếp công dân, thực hiện Luật Tiếp công dân, Luật Khiếu nại, Luật Tố cáo")])
    para(document, ["Kết quả: ", *data("reception.summary"), "."])
    para(document, [todo("việc đối thoại với Nhân dân (số liệu tại Phụ lục I)")])
    para(document, [*data("petition.summary"), "."])

    heading(document, sections["personnel.rotations"])
    para(document, [todo("căn cứ thực hiện chuyển đổi vị trí công tác"), ", ", *data("personnel.rotations"), "."])
    para(document, [*data("reform.summary"), "."])
    para(document, [todo("việc sắp xếp tổ chức bộ máy"), "; sắp xếp mạng lưới trường học", ("", 3),
                    "; công tác cán bộ", ("", 4), "; công tác thi đua, khen thưởng", ("", 5), "."])  # fmt: skip

    heading(document, "6. Kết quả kiểm tra, thanh tra công vụ, xử lý cán bộ, công chức, viên chức có hành vi cửa quyền, "
                      "gây phiền hà cho Nhân dân, xâm phạm quyền và lợi ích chính đáng của Nhân dân")  # fmt: skip
    para(document, [todo("kết quả kiểm tra, thanh tra công vụ")])
    heading(document, "7. Công tác phối hợp giữa các cơ quan nhà nước với MTTQVN và các tổ chức chính trị - xã hội cùng cấp")
    para(document, [todo("công tác phối hợp với Mặt trận Tổ quốc và các đoàn thể")])
    tag(document, "{%p if unplaced %}")
    para(document, [("[Số liệu chưa có chỗ trong mẫu báo cáo – cơ quan soạn thảo sắp xếp vào mục phù hợp:]", "h")])
    tag(document, "{%p for t in unplaced %}")
    para(document, ["{{ t }}."])
    tag(document, "{%p endfor %}")
    tag(document, "{%p endif %}")

    heading(document, "III. PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO”")
    heading(document, "1. Công tác lãnh đạo, chỉ đạo và tổ chức phong trào thi đua “Dân vận khéo”")
    para(document, [todo("công tác lãnh đạo, chỉ đạo phong trào")])
    para(document, [("2. Kết quả thực hiện phong trào thi đua “Dân vận khéo”", "b"), " (theo Phụ lục II gửi kèm)."])
    heading(document, "IV. ĐÁNH GIÁ CHUNG")
    heading(document, "1. Ưu điểm")
    para(document, [todo("ưu điểm")])
    heading(document, "2. Hạn chế và nguyên nhân")
    para(document, [todo("hạn chế và nguyên nhân")])
    heading(document, "Phần thứ hai", align=c)
    heading(document, "NHIỆM VỤ, GIẢI PHÁP CÔNG TÁC DÂN VẬN THỜI GIAN TỚI", align=c, before=0)
    para(document, [todo("nhiệm vụ, giải pháp trọng tâm")])
    para(document, ["Trên đây là Báo cáo kết quả công tác dân vận {{ period_phrase }} của {{ committee_named }}./."])

    closing = document.add_table(rows=1, cols=2)
    _no_borders(closing)
    _widths(closing, [7.5, 8.5])
    left, right = closing.rows[0].cells
    _cell_paragraph(left, [("Nơi nhận:", "bi")], size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in ("- [Cơ quan cấp trên nhận báo cáo];", "- [Ban Dân vận cùng cấp];"):
        _cell_paragraph(left, [(line, "h")], size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell_paragraph(left, ["- Lưu: VT."], size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell_paragraph(right, ["TM. ỦY BAN NHÂN DÂN"], "b", size=14)
    _cell_paragraph(right, ["CHỦ TỊCH"], "b", size=14)
    for _ in range(4):
        _cell_paragraph(right, [""], size=14)
    _cell_paragraph(right, [("[Họ và tên người ký]", "bh")], size=14)


def _appendix(document, spec: dict, number: str, first: bool) -> None:
    """A Phụ lục as the xlsx lays it out: title, "Kèm theo" line, two header rows with the groups
    merged, a numbered row, a docxtpl row loop and the totals row."""
    c = WD_ALIGN_PARAGRAPH.CENTER
    if first:
        section = document.add_section(WD_SECTION.NEW_PAGE)
        _page(section, landscape=True)
    else:
        para(document, [""], after=0).runs[0].add_break(WD_BREAK.PAGE)
    name = spec["id"]
    para(document, [(f"PHỤ LỤC {number}", "b")], align=c, after=0)
    para(document, [(spec["title_vi"], "b")], align=c, after=0, size=13)
    para(document, [("(Kèm theo Báo cáo số        /BC-UBND ngày      /     /          của {{ committee_named }})", "i")],
         align=c, size=12, after=2)  # fmt: skip
    para(document, [("Số liệu từ ngày {{ period_start }} đến ngày {{ period_end }}", "i")], align=c, size=12, after=8)
    columns = spec["columns"]
    count = len(columns) + 3
    table = document.add_table(rows=12, cols=count)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    margins = f'<w:tblCellMar {nsdecls("w")}><w:left w:w="40" w:type="dxa"/><w:right w:w="40" w:type="dxa"/></w:tblCellMar>'
    _insert_ordered(table._tbl.tblPr, parse_xml(margins), _TBLPR_ORDER)  # narrow: 15 figures side by side
    usable = 29.7 - 2.5 - 1.5 - 0.2
    unit_w, note_w, stt_w = (4.0, 2.4, 0.9) if len(columns) > 10 else (6.5, 5.0, 1.1)
    weights = [2.0 if c["name"].endswith("_vnd") else 1.0 for c in columns]
    each = (usable - unit_w - note_w - stt_w) / sum(weights)
    widths = [stt_w, unit_w, *(each * w for w in weights), note_w]

    def write(row: int, col: int, text: str, flags: str = "", align=c) -> None:
        cell = table.cell(row, col)
        _cell_paragraph(cell, [text], flags, size=TABLE_PT, align=align)

    for col, label in ((0, "STT"), (1, "Đơn vị"), (count - 1, "Ghi chú")):
        write(0, col, label, "b")
        table.cell(0, col).merge(table.cell(1, col))
    index = 0
    while index < len(columns):  # a group over its consecutive columns, as the xlsx merges them
        end = index
        while end + 1 < len(columns) and columns[end + 1]["group_vi"] == columns[index]["group_vi"]:
            end += 1
        write(0, index + 2, columns[index]["group_vi"], "b")
        if end > index:
            table.cell(0, index + 2).merge(table.cell(0, end + 2))
        index = end + 1
    for offset, column in enumerate(columns):
        write(1, offset + 2, column["label_vi"], "b")
    for col in range(count):
        write(2, col, f"({col + 1})", "i")
    cells = ["stt", "unit_name", *(column["name"] for column in columns), "note"]
    write(3, 0, f"{{%tr for r in {name}.rows %}}", align=WD_ALIGN_PARAGRAPH.LEFT)
    for col, key in enumerate(cells):
        align = WD_ALIGN_PARAGRAPH.LEFT if key in ("unit_name", "note") else c if key == "stt" else WD_ALIGN_PARAGRAPH.RIGHT
        write(4, col, f"{{{{ r['{key}'] }}}}", align=align)
    write(5, 0, "{%tr endfor %}", align=WD_ALIGN_PARAGRAPH.LEFT)
    write(6, 0, f"{{%tr if {name}.total %}}", align=WD_ALIGN_PARAGRAPH.LEFT)
    for col, key in enumerate(cells):
        align = WD_ALIGN_PARAGRAPH.LEFT if key in ("unit_name", "note") else c if key == "stt" else WD_ALIGN_PARAGRAPH.RIGHT
        write(7, col, f"{{{{ {name}.total['{key}'] }}}}", "b", align=align)
    write(8, 0, "{%tr endif %}", align=WD_ALIGN_PARAGRAPH.LEFT)
    # no unit's rows at all (nothing sent, or dbt was not asked for the request): say so
    write(9, 0, f"{{%tr if not {name}.rows and not {name}.total %}}", align=WD_ALIGN_PARAGRAPH.LEFT)
    table.cell(10, 0).merge(table.cell(10, count - 1))
    _cell_paragraph(table.cell(10, 0), [("[Chưa có số liệu: chưa có đơn vị nào gửi sổ, biểu mẫu cho phụ lục này trong kỳ]", "h")],
                    size=TABLE_PT)  # fmt: skip
    write(11, 0, "{%tr endif %}", align=WD_ALIGN_PARAGRAPH.LEFT)
    _widths(table, widths)
    for row in table.rows[:3]:  # the header rows repeat on every page
        trpr = row._tr.get_or_add_trPr()
        trpr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
        trpr.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
    para(document, [("Ghi chú: “—”: đơn vị không có sổ, biểu mẫu loại này (không phải số 0).", "i")],
         align=WD_ALIGN_PARAGRAPH.LEFT, size=10, before=4)  # fmt: skip


def _footnotes_part(document) -> None:
    """word/footnotes.xml with the separators Word expects and the notes of FOOTNOTES, related to
    the main document and announced in settings (w:footnotePr)."""
    scratch = Document()
    _styles(scratch)
    notes = []
    for number, segments in FOOTNOTES.items():
        paragraph = para(scratch, segments, indent=False, after=0, style="Footnote Text")
        paragraph.paragraph_format.first_line_indent = None
        paragraph.paragraph_format.space_after = None
        paragraph.alignment = None
        p = paragraph._p
        p.insert(
            1,
            parse_xml(f'<w:r {nsdecls("w")}><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'),
        )
        p.insert(2, parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve"> </w:t></w:r>'))
        notes.append(f'<w:footnote w:id="{number}">{_xml(p)}</w:footnote>')
    separator = '<w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:{0}/></w:r></w:p>'
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {nsdecls("w")}>'
        f'<w:footnote w:type="separator" w:id="-1">{separator.format("separator")}</w:footnote>'
        f'<w:footnote w:type="continuationSeparator" w:id="0">{separator.format("continuationSeparator")}</w:footnote>'
        + "".join(notes)
        + "</w:footnotes>"
    )
    part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_CT, _preserve(xml).encode("utf-8"), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    settings = document.settings.element
    footnote_pr = parse_xml(f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>')
    _insert_ordered(settings, footnote_pr, ["footnotePr", *_SETTINGS_AFTER_FOOTNOTEPR])


def _xml(element) -> str:
    text = etree.tostring(element, encoding="unicode")
    return text.replace(f" {nsdecls('w')}", "")


def _preserve(xml: str) -> str:
    return xml.replace("<w:t>", '<w:t xml:space="preserve">')


def build(path: Path = TEMPLATE) -> Path:
    document = Document()
    _styles(document)
    _page(document.sections[0])
    _body(document)
    definitions = load_definitions()["appendices"]
    for index, spec in enumerate(definitions):
        _appendix(document, spec, ("I", "II", "III", "IV")[index], first=index == 0)
    for t in document.element.body.iter(qn("w:t")):  # keep the blanks left for the signer
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    _footnotes_part(document)
    core = document.core_properties
    core.title = "Báo cáo kết quả công tác dân vận (mẫu)"
    core.author = core.last_modified_by = "laichau-citizen-reporting"
    # (no jinja braces here: docxtpl renders the core properties too)
    core.comments = "Mẫu báo cáo: cơ quan có thể sửa định dạng, câu chữ cố định; giữ nguyên các thẻ trong ngoặc nhọn."
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


if __name__ == "__main__":
    print(build())
