"""The template and the bundled sample look like the register and match the registry."""

import datetime as dt
import hashlib

import openpyxl

from ingestion.parser import parse_workbook
from ingestion.templates import TEMPLATES_DIR, template_filename
from ingestion.units import UnitDirectory
from sample_data.generate import SAMPLE_DIR, generate
from tests.workbooks import reception_source


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_template_has_the_registry_columns_dropdowns_and_instructions():
    source = reception_source()
    book = openpyxl.load_workbook(TEMPLATES_DIR / template_filename(source))
    assert book.sheetnames == ["Sổ tiếp công dân", "Hướng dẫn", "Danh mục"]
    assert book["Danh mục"].sheet_state == "hidden"
    sheet = book["Sổ tiếp công dân"]
    headers = [c.value for c in sheet[9]]
    assert [h.replace(" (dd/mm/yyyy)", "") for h in headers] == [c.header for c in source.columns]
    assert [c.value for c in sheet[10]] == [f"({i})" for i in range(1, len(source.columns) + 1)]
    assert sheet["A1"].value == "UBND THÀNH PHỐ LAI CHÂU"
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in [c.value for c in sheet[1]]
    assert sheet["A4"].value == "SỔ TIẾP CÔNG DÂN"
    lists = {
        next(iter(dv.sqref.ranges)).min_col: dv.formula1 for dv in sheet.data_validations.dataValidation if dv.type == "list"
    }

    def dropdown(name):
        sheet_ref, cells = lists[[c.name for c in source.columns].index(name) + 1].split("!")
        assert sheet_ref == "'Danh mục'"
        return [c.value for row in book["Danh mục"][cells.replace("$", "")] for c in row]

    assert dropdown("reception_kind") == ["Tiếp thường xuyên", "Thủ trưởng tiếp", "Ủy quyền tiếp"]
    assert dropdown("petition_type") == ["Khiếu nại", "Tố cáo", "Kiến nghị, phản ánh"]  # the comma stays inside one value
    assert dropdown("is_large_delegation") == ["Có", "Không"]
    guide = [row[1] for row in book["Hướng dẫn"].iter_rows(values_only=True)]
    assert "Mã vụ việc" in guide and "Số người" in guide


def test_committed_template_and_samples_are_what_the_generators_write(tmp_path, recwarn):
    from ingestion.templates import write_templates

    fresh_templates = write_templates(tmp_path / "templates")
    for fresh in fresh_templates:
        assert _sha(fresh) == _sha(TEMPLATES_DIR / fresh.name), f"{fresh.name}: run `make templates`"
    fresh_samples = generate(tmp_path / "sample")
    assert sorted(p.name for p in fresh_samples) == sorted(p.name for p in (SAMPLE_DIR / "2023").glob("*.xlsx"))
    for fresh in fresh_samples:
        assert _sha(fresh) == _sha(SAMPLE_DIR / "2023" / fresh.name), f"{fresh.name}: run `make sample`"
    # xlsxwriter drops a drop-down whose title or message is too long, with only a warning
    assert [str(w.message) for w in recwarn if "xlsxwriter" in str(w.filename)] == []


def test_sample_looks_like_what_clerks_send():
    units = UnitDirectory.from_seed()
    source = reception_source()
    parsed = [parse_workbook(p, source, units) for p in sorted((SAMPLE_DIR / "2023").glob(f"{source.file_stem}_*.xlsx"))]
    assert len({p.unit.unit_id for p in parsed}) == 8
    assert any(p.written_unit == "Dong Phong" for p in parsed)  # no prefix, no diacritics
    assert any(p.row_numbers != list(range(11, 11 + len(p.rows))) for p in parsed)  # blank rows
    raw_dates = []
    for path in (SAMPLE_DIR / "2023").glob(f"{source.file_stem}_*.xlsx"):
        sheet = openpyxl.load_workbook(path)["Sổ tiếp công dân"]
        raw_dates += [row[1] for row in sheet.iter_rows(min_row=11, values_only=True) if row[1] is not None]
    assert any(isinstance(d, str) and len(d.split("/")) == 3 for d in raw_dates)
    assert any(isinstance(d, dt.datetime) for d in raw_dates)
