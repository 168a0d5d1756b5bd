"""Parsing real xlsx files laid out the way clerks send them."""

import datetime as dt

import pytest
import xlsxwriter

from ingestion.errors import WorkbookRejected
from ingestion.parser import parse_workbook
from ingestion.units import UnitDirectory
from tests.workbooks import reception_source, visit, write_corrupt, write_reception


@pytest.fixture(scope="module")
def units():
    return UnitDirectory.from_seed()


def test_title_block_blank_rows_text_dates_and_text_numbers(tmp_path, units):
    path = write_reception(
        tmp_path / "so-tiep-cong-dan.xlsx",
        "phuong tan phong",
        [visit(dt.date(2023, 3, 1), "A-1"), visit("15/03/2023", "A-2", people="2"), visit(" 02/4/2023", "A-3", people=" 1 ")],
        blank_rows_after=[1, 2],
    )
    parsed = parse_workbook(path, reception_source(), units)
    assert parsed.unit.unit_id == "p_tan_phong"
    assert parsed.year == 2023
    assert [r["received_on"] for r in parsed.rows] == [dt.date(2023, 3, 1), dt.date(2023, 3, 15), dt.date(2023, 4, 2)]
    assert [r["people_count"] for r in parsed.rows] == [1, 2, 1]
    assert [r["reception_kind"] for r in parsed.rows] == ["regular"] * 3
    # header on row 9, numbered row on 10, data from 11 with blank rows after the 1st and 2nd lines
    assert parsed.row_numbers == [11, 13, 15]


def _handmade(path, rows):
    """A workbook typed by hand: header on row 3, columns in another order, a merged title,
    stray spaces, a sub-header row, and a signature block under the table."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Sheet1")
    sheet.merge_range(0, 0, 0, 5, "SỔ TIẾP CÔNG DÂN NĂM 2023")
    sheet.write(1, 0, "Đơn vị báo cáo:")
    sheet.write(1, 1, "  X. San Thàng ")
    sheet.write(1, 3, "Năm 2023")
    headers = [
        "STT",
        "Họ tên",
        "Ngày tiếp",
        "Số người",
        "Hình thức tiếp",
        "Mã vụ việc",
        "Lần tiếp",
        "Phân loại đơn",
        "Kết quả xử lý",
    ]
    sheet.write_row(3, 0, headers)
    sheet.write_row(4, 8, ["Thụ lý"])
    for offset, row in enumerate(rows, start=5):
        sheet.write_row(offset, 0, row)
    sheet.write(5 + len(rows) + 1, 0, "Người ghi sổ")
    sheet.write(5 + len(rows) + 2, 0, "(Ký, ghi rõ họ tên)")
    workbook.close()
    return path


def test_columns_are_found_by_label_wherever_the_header_is(tmp_path, units):
    path = _handmade(
        tmp_path / "tcd.xlsx",
        [
            [1, "Lò Văn A", "05/01/2023", 1, "  thủ trưởng tiếp ", "ST-1", "Lần đầu", "Khiếu nại", "x"],
            [2, "Lò Thị B", "06/01/2023", "3", "Tiếp thường xuyên", "ST-2", "nhiều lần", "Tố cáo", None],
        ],
    )
    parsed = parse_workbook(path, reception_source(), units)
    assert parsed.unit.unit_id == "x_san_thang"
    assert [r["reception_kind"] for r in parsed.rows] == ["head_of_agency", "regular"]
    assert [r["case_occurrence"] for r in parsed.rows] == ["first_time", "repeat"]
    assert [r["is_accepted"] for r in parsed.rows] == [True, None]
    assert len(parsed.rows) == 2  # the signature block is not data


def test_every_error_names_file_sheet_row_column_and_what_was_expected(tmp_path, units):
    path = write_reception(
        tmp_path / "so-tiep-cong-dan_loi.xlsx",
        "Phường Tân Phong",
        [
            visit("31/02/2023", "A-1"),
            visit(dt.date(2023, 5, 1), "A-2", people="hai"),
            visit(dt.date(2022, 12, 30), "A-3", kind="Tiếp đột xuất"),
            visit(dt.date(2023, 6, 1), None),
        ],
    )
    with pytest.raises(WorkbookRejected) as caught:
        parse_workbook(path, reception_source(), units)
    errors = {(e.row, e.column.split(" ")[0]): e for e in caught.value.errors}
    assert set(errors) == {(11, "B"), (12, "H"), (13, "B"), (13, "I"), (14, "J")}
    bad_date = errors[(11, "B")]
    assert bad_date.file == "so-tiep-cong-dan_loi.xlsx" and bad_date.sheet == "Sổ tiếp công dân"
    assert "Ngày tiếp" in bad_date.column and "31/02/2023" in bad_date.vi and "not a real date" in bad_date.en
    assert "ngoài kỳ báo cáo" in errors[(13, "B")].vi and "năm 2023" in errors[(13, "B")].vi
    assert "Tiếp thường xuyên" in errors[(13, "I")].vi and "is not one of" in errors[(13, "I")].en
    assert "bắt buộc" in errors[(14, "J")].vi
    rendered = bad_date.render()
    assert "dòng 11" in rendered and "row 11" in rendered and "cột B «Ngày tiếp»" in rendered


def test_errors_never_repeat_personal_values(tmp_path, units):
    rows = [visit(dt.date(2023, 5, 1), "A-1", name=None)]
    path = write_reception(tmp_path / "so-tiep-cong-dan.xlsx", "Phường Tân Phong", rows)
    with pytest.raises(WorkbookRejected) as caught:
        parse_workbook(path, reception_source(), units)
    (error,) = caught.value.errors
    assert "Họ và tên" in error.column
    assert "012345678901" not in error.render() and "Tổ 9" not in error.render()


def test_unknown_unit_lists_the_valid_ones(tmp_path, units):
    path = write_reception(tmp_path / "so-tiep-cong-dan.xlsx", "Phường Hòa Bình", [visit(dt.date(2023, 5, 1), "A-1")])
    with pytest.raises(WorkbookRejected) as caught:
        parse_workbook(path, reception_source(), units)
    (error,) = caught.value.errors
    assert "Hòa Bình" in error.vi and "Phường Tân Phong" in error.vi and "unknown reporting unit" in error.en


def test_missing_required_column_is_reported_on_the_header_row(tmp_path, units):
    path = _handmade(
        tmp_path / "tcd.xlsx", [[1, "Lò Văn A", "05/01/2023", 1, "Tiếp thường xuyên", "ST-1", "Lần đầu", "Khiếu nại"]]
    )
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Sổ tiếp công dân")
    sheet.write(0, 0, "Đơn vị: Xã San Thàng")
    sheet.write(1, 0, "Năm: 2023")
    sheet.write_row(3, 0, ["STT", "Ngày tiếp", "Họ và tên", "Số người"])
    sheet.write_row(4, 0, [1, "05/01/2023", "Lò Văn A", 1])
    workbook.close()
    with pytest.raises(WorkbookRejected) as caught:
        parse_workbook(path, reception_source(), units)
    missing = {e.vi for e in caught.value.errors}
    assert "thiếu cột «Hình thức tiếp» trong dòng tiêu đề" in missing
    assert all(e.row == 4 for e in caught.value.errors)


def test_a_file_that_is_not_a_workbook_says_so(tmp_path, units):
    path = write_corrupt(tmp_path / "so-tiep-cong-dan.xlsx")
    with pytest.raises(WorkbookRejected) as caught:
        parse_workbook(path, reception_source(), units)
    (error,) = caught.value.errors
    assert "không đọc được" in error.vi and "cannot be read" in error.en


def test_missing_year_line_is_an_error(tmp_path, units):
    path = write_reception(tmp_path / "so-tiep-cong-dan.xlsx", "Phường Tân Phong", [visit(dt.date(2023, 5, 1), "A-1")], year=None)
    with pytest.raises(WorkbookRejected) as caught:
        parse_workbook(path, reception_source(), units)
    assert any("năm" in e.vi.lower() for e in caught.value.errors)


def test_registry_rejects_a_column_split_by_an_unquoted_comma(tmp_path):
    from ingestion.registry import load_sources

    (tmp_path / "broken.yml").write_text(
        "id: broken\ntitle_vi: x\ntitle_en: x\nfile_stem: x\nfile_patterns: ['*x*']\nsheet: x\n"
        "reporting_unit_kinds: [ward]\nheader: {required_labels: [STT]}\n"
        "columns:\n  - {name: location, header: Xã, phường, type: text}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="quote values that contain a comma"):
        load_sources(tmp_path)


def test_a_row_of_numbers_is_data_not_the_column_number_row(tmp_path, units):
    from ingestion.parser import _is_column_number_row

    assert _is_column_number_row(["(1)", "(2)", "(3)", "(4)"])
    assert _is_column_number_row([1, 2, 3, 4, 5])
    assert not _is_column_number_row([1, 412, 500, 0, 3])


def test_a_header_in_other_units_is_not_taken_for_the_contract_s(tmp_path, units):
    """ "Số tiền đã thu hồi (triệu đồng)" is not the contract's "(đồng)": loading it would be out by 10⁶."""
    from ingestion.registry import load_sources

    source = next(s for s in load_sources() if s.id == "inspection_followup")
    path = tmp_path / "ket-luan.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Thực hiện kết luận")
    sheet.write(0, 0, "Đơn vị: Thanh tra thành phố")
    sheet.write(1, 0, "Năm: 2023")
    sheet.write_row(3, 0, ["STT", "Số kết luận", "Ngày kết luận", "Đối tượng thanh tra", "Số tiền phải thu hồi (triệu đồng)",
                           "Số tiền đã thu hồi (triệu đồng)", "Tình hình thực hiện"])  # fmt: skip
    sheet.write_row(4, 0, [1, "01/KL", "01/06/2023", "Phòng X", 120, 20, "Đang thực hiện"])
    workbook.close()
    with pytest.raises(WorkbookRejected) as caught:
        parse_workbook(path, source, units)
    assert any("Số tiền đã thu hồi (đồng)" in e.vi for e in caught.value.errors)


def test_subtotal_lines_are_skipped_and_the_lines_after_them_kept(tmp_path, units):
    path = _handmade(tmp_path / "tcd.xlsx", [
        [1, "Lò Văn A", "05/01/2023", 1, "Tiếp thường xuyên", "ST-1", "Lần đầu", "Khiếu nại"],
        ["Cộng quý I", None, None, 1],
        [2, "Lò Thị B", "06/04/2023", 2, "Tiếp thường xuyên", "ST-2", "Lần đầu", "Tố cáo"],
    ])  # fmt: skip
    parsed = parse_workbook(path, reception_source(), units)
    assert [r["case_ref"] for r in parsed.rows] == ["ST-1", "ST-2"]


def test_month_thirteen_is_an_error_not_a_failed_build(tmp_path, units):
    from ingestion.registry import load_sources
    from ingestion.templates import write_register

    source = next(s for s in load_sources() if s.id == "reform_indicator")
    path = tmp_path / "cchc.xlsx"
    write_register(path, source, "Phường Tân Phong", 2023, [{"month": 13, "dossiers_resolved_on_time": 5}])
    with pytest.raises(WorkbookRejected) as caught:
        parse_workbook(path, source, units)
    (error,) = caught.value.errors
    assert "từ 12 trở xuống" in error.vi and "at most 12" in error.en
