"""A row belongs to the unit version valid on its date, across the 1 July 2025 reorganisation.

Real workbooks written with the project's template writer, parsed and loaded into a real DuckDB
file; the last test builds the dbt models on them. 2025 registers of "Phường Đoàn Kết" hold the
old ward's lines until 30/6 and the merged ward's after; code 03388 is Phường Quyết Tiến until
30/6 and the new Phường Đoàn Kết after; a line dated after its ward ceased is a clerk error.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from ingestion.errors import WorkbookRejected
from ingestion.loader import ingest_landing
from ingestion.parser import parse_workbook
from ingestion.registry import load_sources
from ingestion.row_units import owning_day
from ingestion.templates import write_register
from ingestion.units import SEED_PATH, UnitDirectory
from pipeline.dbt import failed_nodes, run_dbt
from pipeline.paths import DataPaths
from tests.conftest import TEST_KEY
from tests.workbooks import reception_source, visit, write_reception

KINDS = ["city_body", "ward", "commune"]
YEAR_2025 = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
YEAR_2026 = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
FIRST_HALF, SECOND_HALF = dt.date(2025, 3, 14), dt.date(2025, 9, 2)


@pytest.fixture(scope="module")
def units() -> UnitDirectory:
    return UnitDirectory.from_seed(provinces=("12",))


def source(source_id: str):
    return next(s for s in load_sources() if s.id == source_id)


def parse(path: Path, units: UnitDirectory, source_id: str = "citizen_reception"):
    return parse_workbook(path, source(source_id), units)


def rejection(path: Path, units: UnitDirectory) -> WorkbookRejected:
    with pytest.raises(WorkbookRejected) as caught:
        parse(path, units)
    return caught.value


# The directory: a name or code means a chain of versions; a date picks one.


def test_a_name_means_its_versions_one_after_the_other_and_a_date_picks_one(units):
    doan_ket = units.versions("Phường Đoàn Kết", *YEAR_2025, KINDS)
    assert [u.unit_id for u in doan_ket.versions] == ["p_doan_ket", "p_doan_ket_2025"]
    assert doan_ket.on(dt.date(2025, 6, 30)).unit_id == "p_doan_ket"
    assert doan_ket.on(dt.date(2025, 7, 1)).unit_id == "p_doan_ket_2025"
    tan_phong = units.versions("tan phong", *YEAR_2025, KINDS)
    assert [u.unit_id for u in tan_phong.versions] == ["p_tan_phong", "p_tan_phong_2025"]
    assert [u.unit_id for u in units.versions("P. Đoàn Kết", *YEAR_2026, KINDS).versions] == ["p_doan_ket_2025"]


@pytest.mark.parametrize("written", ["03388", "Mã: 03388", "Phường Đoàn Kết (03388)", "Phường Quyết Tiến (mã 03388)"])
def test_a_code_means_the_units_that_held_it_and_a_date_picks_one(units, written):
    code = units.versions(written, *YEAR_2025, KINDS)
    assert [u.unit_id for u in code.versions] == ["p_quyet_tien", "p_doan_ket_2025"]
    assert code.on(dt.date(2025, 6, 1)).full_name == "Phường Quyết Tiến"
    assert code.on(dt.date(2025, 7, 3)).full_name == "Phường Đoàn Kết"


def test_a_name_that_is_none_of_its_codes_units_is_a_conflict_not_a_guess(units):
    conflict = units.versions("Phường Quyết Thắng (03388)", *YEAR_2025, KINDS)
    assert not conflict and conflict.code_name_conflict


def test_valid_names_of_a_period_are_listed_once_and_only_those_valid_then(units):
    in_2025 = units.names_of_kinds(KINDS, *YEAR_2025)
    assert in_2025.count("Phường Đoàn Kết") == 1 and "Phường Quyết Thắng" in in_2025
    in_2026 = units.names_of_kinds(KINDS, *YEAR_2026)
    assert "Phường Quyết Thắng" not in in_2026 and "Thanh tra thành phố Lai Châu" not in in_2026
    assert set(in_2026) == {"Phường Đoàn Kết", "Phường Tân Phong"}


def _seed_with_a_second_province(folder: Path) -> Path:
    """The seed plus another province holding a ward of the same name at the same time."""
    folder.mkdir()
    with SEED_PATH.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    extra = {k: "" for k in rows[0]}
    rows.append({**extra, "unit_id": "tinh_khac", "official_code": "99", "name": "Khác", "full_name": "Tỉnh Khác",
                 "kind": "province", "level": "province", "valid_from": "2004-01-01"})  # fmt: skip
    rows.append({**extra, "unit_id": "p_tan_phong_khac", "official_code": "99001", "name": "Tân Phong",
                 "full_name": "Phường Tân Phong", "kind": "ward", "level": "commune_level",
                 "parent_unit_id": "tinh_khac", "valid_from": "2020-03-01"})  # fmt: skip
    path = folder / "admin_units.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (folder / "admin_unit_successions.csv").write_bytes((SEED_PATH.parent / "admin_unit_successions.csv").read_bytes())
    return path


def test_names_are_resolved_within_the_deployments_provinces(tmp_path):
    seed = _seed_with_a_second_province(tmp_path / "seed")
    ours = UnitDirectory.from_seed(seed, provinces=("12",))
    assert ours.resolve("Phường Tân Phong", *YEAR_2026, KINDS).unit_id == "p_tan_phong_2025"
    assert "99001" not in {u.official_code for u in ours.versions("99001", *YEAR_2026, KINDS).versions}
    national = UnitDirectory.from_seed(seed)  # no scope: both wards named Tân Phong in 2026
    both = national.versions("Phường Tân Phong", *YEAR_2026, KINDS)
    assert not both and {u.unit_id for u in both.ambiguous} == {"p_tan_phong_2025", "p_tan_phong_khac"}
    assert "Phường Tân Phong" not in national.names_of_kinds(KINDS, *YEAR_2026)
    assert national.resolve("99001", *YEAR_2026, KINDS).unit_id == "p_tan_phong_khac"


def test_an_ambiguous_name_is_refused_asking_for_the_code_and_not_listed_as_valid(tmp_path):
    national = UnitDirectory.from_seed(_seed_with_a_second_province(tmp_path / "seed"))
    path = write_reception(tmp_path / "tan-phong.xlsx", "Phường Tân Phong", [visit(dt.date(2026, 3, 1), "A-1")], year=2026)
    with pytest.raises(WorkbookRejected) as caught:
        parse_workbook(path, reception_source(), national)
    (error,) = caught.value.errors
    assert error.rule == "ambiguous_unit"
    assert "mã 03408" in error.vi and "mã 99001" in error.vi and "Hãy ghi mã đơn vị" in error.vi
    assert "Write the unit's code" in error.en
    valid_vi = error.vi.split("Các đơn vị hợp lệ khác:")[1]
    assert "Phường Đoàn Kết" in valid_vi and "Tân Phong" not in valid_vi


def test_a_row_dated_before_its_unit_was_established_is_a_row_error(tmp_path):
    other = UnitDirectory.from_seed(_seed_with_a_second_province(tmp_path / "seed"), provinces=("99",))
    path = write_reception(
        tmp_path / "so.xlsx", "99001", [visit(dt.date(2020, 2, 10), "A"), visit(dt.date(2020, 3, 1), "B")], year=2020
    )
    with pytest.raises(WorkbookRejected) as caught:
        parse_workbook(path, reception_source(), other)
    (error,) = caught.value.errors
    assert (error.row, error.rule) == (11, "unit_not_established")
    assert error.vi == "dòng ghi ngày 10/02/2020: Phường Tân Phong được thành lập từ ngày 01/03/2020; hãy kiểm tra lại ngày."
    assert error.en == "the row is dated 10/02/2020: Phường Tân Phong was established on 01/03/2020; check the date."


def test_the_registry_refuses_a_row_date_that_is_not_a_date_or_a_month(tmp_path):
    from ingestion.registry import _source_from_dict

    entry = {"id": "x", "title_vi": "X", "title_en": "X", "file_stem": "x", "file_patterns": ["x*.xlsx"], "sheet": "X",
             "reporting_unit_kinds": ["ward"], "header": {"required_labels": ["STT"]}, "row_date": "seq_no",
             "columns": [{"name": "seq_no", "header": "STT", "type": "integer"}]}  # fmt: skip
    with pytest.raises(ValueError, match="row_date 'seq_no' must name a date column"):
        _source_from_dict(entry)


def test_the_row_date_rule_keeps_dated_rows_within_the_coverage_and_undated_ones_at_its_end():
    start, end = YEAR_2025
    assert owning_day(dt.date(2025, 7, 3), start, end) == dt.date(2025, 7, 3)
    assert owning_day(dt.date(2024, 11, 5), start, end) == start  # carried over from last year
    assert owning_day(None, start, end) == end


# Parsing: each row gets its version.


def test_a_2025_doan_ket_register_loads_both_halves_each_with_its_version(tmp_path, units):
    path = write_reception(
        tmp_path / "so-tiep-cong-dan_2025_phuong-doan-ket.xlsx",
        "Phường Đoàn Kết",
        [
            visit(FIRST_HALF, "DK-1"),
            visit(dt.date(2025, 6, 30), "DK-2"),
            visit(dt.date(2025, 7, 1), "DK-3"),
            visit(SECOND_HALF, "DK-4"),
        ],
        year=2025,
    )
    parsed = parse(path, units)
    assert parsed.unit_ids == ["p_doan_ket", "p_doan_ket", "p_doan_ket_2025", "p_doan_ket_2025"]
    assert [u.unit_id for u in parsed.versions] == ["p_doan_ket", "p_doan_ket_2025"]
    assert parsed.unit.unit_id == "p_doan_ket_2025"  # the register last was the merged ward's


def test_a_first_half_register_under_the_old_name_is_filed_under_the_old_ward(tmp_path, units):
    path = write_reception(tmp_path / "doan-ket.xlsx", "Phường Đoàn Kết", [visit(FIRST_HALF, "DK-1")], year=2025)
    parsed = parse(path, units)
    assert parsed.unit.unit_id == "p_doan_ket" and parsed.unit_ids == ["p_doan_ket"]


def test_a_register_naming_code_03388_splits_between_quyet_tien_and_the_new_doan_ket(tmp_path, units):
    path = write_reception(
        tmp_path / "so-tiep-cong-dan_2025.xlsx",
        "03388",
        [visit(FIRST_HALF, "QT-1"), visit(dt.date(2025, 5, 20), "QT-2"), visit(SECOND_HALF, "DK-1")],
        year=2025,
    )
    parsed = parse(path, units)
    assert parsed.unit_ids == ["p_quyet_tien", "p_quyet_tien", "p_doan_ket_2025"]


def test_a_2026_doan_ket_register_is_the_merged_wards_only(tmp_path, units):
    path = write_reception(
        tmp_path / "doan-ket-2026.xlsx",
        "P. Đoàn Kết",
        [visit(dt.date(2026, 1, 5), "A"), visit(dt.date(2026, 8, 1), "B")],
        year=2026,
    )
    parsed = parse(path, units)
    assert parsed.unit_ids == ["p_doan_ket_2025", "p_doan_ket_2025"] and parsed.unit.unit_id == "p_doan_ket_2025"


def test_a_visit_after_quyet_thang_ceased_is_a_row_error_naming_doan_ket(tmp_path, units):
    path = write_reception(
        tmp_path / "so-tiep-cong-dan_2025_phuong-quyet-thang.xlsx",
        "Phường Quyết Thắng",
        [visit(FIRST_HALF, "QTh-1"), visit(dt.date(2025, 7, 3), "QTh-2")],
        year=2025,
    )
    caught = rejection(path, units)
    (error,) = caught.errors
    assert (error.file, error.sheet, error.row, error.rule) == (path.name, "Sổ tiếp công dân", 12, "unit_ceased")
    assert error.column == "B «Ngày tiếp»"
    assert error.vi == (
        "dòng ghi ngày 03/07/2025: Phường Quyết Thắng đã giải thể/sáp nhập từ ngày 01/07/2025 "
        "(hết hiệu lực ngày 30/06/2025); hãy nhập dòng này vào sổ của Phường Đoàn Kết."
    )
    assert error.en == (
        "the row is dated 03/07/2025: Phường Quyết Thắng ceased on 30/06/2025; enter this row in Phường Đoàn Kết's register."
    )
    assert caught.unit_id == "p_quyet_thang" and caught.year == 2025  # completeness shows it refused


def test_monthly_rows_belong_to_the_version_valid_in_their_month(tmp_path, units):
    path = tmp_path / "chi-tieu-cai-cach-hanh-chinh_2025_tan-phong.xlsx"
    months = [{"month": m, "dossiers_received_online": m, "dossiers_resolved_on_time": 1} for m in range(1, 13)]
    write_register(path, source("reform_indicator"), "Phường Tân Phong", 2025, months)
    parsed = parse(path, units, "reform_indicator")
    assert parsed.unit_ids == ["p_tan_phong"] * 6 + ["p_tan_phong_2025"] * 6


def test_an_undated_register_of_a_ward_that_ceased_is_its_state_at_its_end(tmp_path, units):
    path = tmp_path / "dan-van-kheo_2025_quyet-thang.xlsx"
    rows = [
        {
            "seq_no": 1,
            "model_name": "Mô hình thử",
            "field": "Kinh tế",
            "status": "Đã đăng ký",
            "registered_on": dt.date(2019, 3, 1),
        }
    ]
    write_register(path, source("skilful_mobilisation_model"), "Phường Quyết Thắng", 2025, rows)
    parsed = parse(path, units, "skilful_mobilisation_model")
    assert parsed.unit_ids == ["p_quyet_thang"] and parsed.unit.unit_id == "p_quyet_thang"


def test_an_unknown_name_in_2026_lists_only_the_units_valid_then(tmp_path, units):
    path = write_reception(tmp_path / "so.xlsx", "Phường Quyết Thắng", [visit(dt.date(2026, 2, 1), "A")], year=2026)
    (error,) = rejection(path, units).errors
    assert error.rule == "unknown_unit"
    assert error.vi.endswith("Các đơn vị hợp lệ: Phường Đoàn Kết; Phường Tân Phong")
    assert error.en.endswith("Valid units: Phường Đoàn Kết; Phường Tân Phong")


def test_a_file_named_for_another_unit_is_still_refused_in_2025(tmp_path, units):
    path = write_reception(
        tmp_path / "so-tiep-cong-dan_2025_phuong-tan-phong.xlsx", "Phường Đoàn Kết", [visit(FIRST_HALF, "A")], year=2025
    )
    (error,) = rejection(path, units).errors
    assert error.rule == "unit_mismatch" and "Phường Tân Phong" in error.vi and "Phường Đoàn Kết" in error.vi


# Loading: the row's unit is stored with the row; the rejected file is quarantined with its report.


def _landing_2025(landing: Path) -> None:
    write_reception(
        landing / "2025" / "so-tiep-cong-dan_2025_phuong-doan-ket.xlsx",
        "Phường Đoàn Kết",
        [visit(FIRST_HALF, "DK-1"), visit(SECOND_HALF, "DK-2", people=3)],
        year=2025,
    )
    write_reception(
        landing / "2025" / "so-tiep-cong-dan_2025_03388.xlsx",
        "03388",
        [visit(FIRST_HALF, "QT-1"), visit(SECOND_HALF, "DK-9")],
        year=2025,
    )
    write_reception(
        landing / "2025" / "so-tiep-cong-dan_2025_phuong-quyet-thang.xlsx",
        "Phường Quyết Thắng",
        [visit(FIRST_HALF, "QTh-1"), visit(dt.date(2025, 7, 3), "QTh-2")],
        year=2025,
    )


def test_rows_are_stored_with_their_version_and_a_late_row_quarantines_its_workbook(tmp_path):
    landing, quarantine = tmp_path / "landing", tmp_path / "landing" / "_quarantine"
    _landing_2025(landing)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    report = ingest_landing(con, landing, quarantine, TEST_KEY)
    statuses = {Path(f.path).name: f.status for f in report.files}
    assert statuses == {
        "so-tiep-cong-dan_2025_phuong-doan-ket.xlsx": "loaded",
        "so-tiep-cong-dan_2025_03388.xlsx": "loaded",
        "so-tiep-cong-dan_2025_phuong-quyet-thang.xlsx": "quarantined",
    }
    rows = con.execute(
        "select _source_file, _row_number, _unit_id from raw.citizen_reception order by _source_file, _row_number"
    ).fetchall()
    assert rows == [
        ("2025/so-tiep-cong-dan_2025_03388.xlsx", 11, "p_quyet_tien"),
        ("2025/so-tiep-cong-dan_2025_03388.xlsx", 12, "p_doan_ket_2025"),
        ("2025/so-tiep-cong-dan_2025_phuong-doan-ket.xlsx", 11, "p_doan_ket"),
        ("2025/so-tiep-cong-dan_2025_phuong-doan-ket.xlsx", 12, "p_doan_ket_2025"),
    ]
    loads = con.execute("select file_path, unit_id, unit_versions from raw._loads order by file_path").fetchall()
    assert loads == [
        ("2025/so-tiep-cong-dan_2025_03388.xlsx", "p_doan_ket_2025", ["p_quyet_tien", "p_doan_ket_2025"]),
        ("2025/so-tiep-cong-dan_2025_phuong-doan-ket.xlsx", "p_doan_ket_2025", ["p_doan_ket", "p_doan_ket_2025"]),
    ]
    refused = next(f for f in report.files if f.status == "quarantined")
    assert refused.unit_id == "p_quyet_thang"
    text = Path(refused.report_path).read_text(encoding="utf-8")
    assert "dòng 12, cột B «Ngày tiếp»" in text and "hãy nhập dòng này vào sổ của Phường Đoàn Kết" in text
    assert "enter this row in Phường Đoàn Kết's register" in text
    stored = con.execute("select unit_id, report_year, errors_json from raw._rejections").fetchone()
    assert stored[:2] == ("p_quyet_thang", 2025)
    assert json.loads(stored[2]) == [
        {"file": "2025/so-tiep-cong-dan_2025_phuong-quyet-thang.xlsx", "sheet": "Sổ tiếp công dân", "row": 12,
         "column": "B «Ngày tiếp»", "rule": "unit_ceased"}
    ]  # fmt: skip


def test_a_warehouse_from_before_row_units_gains_the_column_and_keeps_its_rows(tmp_path):
    """Rows loaded before ``_unit_id`` existed keep null there (their load's unit counts, in dbt)."""
    landing, quarantine = tmp_path / "landing", tmp_path / "landing" / "_quarantine"
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    write_reception(landing / "so-tiep-cong-dan_2023.xlsx", "Phường Tân Phong", [visit(dt.date(2023, 3, 1), "A-1")])
    ingest_landing(con, landing, quarantine, TEST_KEY)
    con.execute("alter table raw.citizen_reception drop column _unit_id")
    con.execute("alter table raw._loads drop column unit_versions")
    write_reception(landing / "so-tiep-cong-dan_2026.xlsx", "Phường Tân Phong", [visit(dt.date(2026, 3, 1), "A-1")], year=2026)
    ingest_landing(con, landing, quarantine, TEST_KEY)
    assert con.execute("select _unit_id from raw.citizen_reception order by _unit_id nulls first").fetchall() == [
        (None,),
        ("p_tan_phong_2025",),
    ]


@pytest.mark.e2e
def test_marts_carry_each_rows_version_and_level(tmp_path):
    """The row's unit flows through staging and intermediate models to marts.fct_* (real dbt)."""
    paths = DataPaths(tmp_path / "data")
    landing = paths.landing
    write_reception(
        landing / "so-tiep-cong-dan_2025_phuong-doan-ket.xlsx",
        "Phường Đoàn Kết",
        [visit(FIRST_HALF, "DK-1"), visit(SECOND_HALF, "DK-2", people=3)],
        year=2025,
    )
    write_reception(
        landing / "so-tiep-cong-dan_2025_03408.xlsx", "03408", [visit(FIRST_HALF, "DP-1"), visit(SECOND_HALF, "TP-1")], year=2025
    )
    reform = landing / "chi-tieu-cai-cach-hanh-chinh_2025_tan-phong.xlsx"
    write_register(reform, source("reform_indicator"), "Phường Tân Phong", 2025,
                   [{"month": m, "dossiers_received_online": 1} for m in (6, 7)])  # fmt: skip
    build = tmp_path / "build.duckdb"
    with duckdb.connect(str(build)) as con:
        ingest_landing(con, landing, paths.quarantine, TEST_KEY)
    # the two marts and everything they are made of, with their data tests, as the pipeline builds them
    result = run_dbt(paths, build, "build", "--exclude-resource-type", "unit_test", "--indirect-selection", "cautious",
                     "--select", "+fct_citizen_receptions", "+fct_reform_indicators")  # fmt: skip
    assert result.returncode == 0, failed_nodes(paths) or result.stdout[-3000:]
    with duckdb.connect(str(build), read_only=True) as con:
        visits = con.execute(
            "select source_file, received_on, unit_id, unit_level from marts.fct_citizen_receptions order by 1, 2"
        ).fetchall()
        months = con.execute("select distinct report_month, unit_id from marts.fct_reform_indicators order by 1").fetchall()
    assert visits == [
        ("so-tiep-cong-dan_2025_03408.xlsx", FIRST_HALF, "p_dong_phong", "commune_level"),
        ("so-tiep-cong-dan_2025_03408.xlsx", SECOND_HALF, "p_tan_phong_2025", "commune_level"),
        ("so-tiep-cong-dan_2025_phuong-doan-ket.xlsx", FIRST_HALF, "p_doan_ket", "commune_level"),
        ("so-tiep-cong-dan_2025_phuong-doan-ket.xlsx", SECOND_HALF, "p_doan_ket_2025", "commune_level"),
    ]
    assert months == [(6, "p_tan_phong"), (7, "p_tan_phong_2025")]
