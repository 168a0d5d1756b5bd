"""Submissions with coverage: a workbook covers the period its title block names (its year by
default), rows dated outside it are clerk errors, and a newer workbook replaces only the rows
within its period. Real xlsx written with the project's template writer, real DuckDB, real dbt."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import pytest

from ingestion.coverage import coverage_in
from ingestion.errors import WorkbookRejected
from ingestion.loader import RAW_DDL, ensure_raw_tables, ingest_landing
from ingestion.parser import parse_workbook
from ingestion.registry import load_sources
from ingestion.templates import write_register
from ingestion.units import UnitDirectory
from pipeline.dbt import failed_nodes, run_dbt
from pipeline.paths import DataPaths
from tests.conftest import TEST_KEY
from tests.workbooks import reception_source, visit, write_source

TAN_PHONG = "Phường Tân Phong"


@pytest.fixture(scope="module")
def units() -> UnitDirectory:
    return UnitDirectory.from_seed()


def _source(source_id: str):
    return next(s for s in load_sources() if s.id == source_id)


@pytest.mark.parametrize(
    ("written", "start", "end"),
    [
        ("Tháng 3 năm 2025", dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
        ("Kỳ báo cáo: tháng 02/2024", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("Quý II năm 2025", dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
        ("QUÝ 4/2024", dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
        ("6 tháng đầu năm 2025", dt.date(2025, 1, 1), dt.date(2025, 6, 30)),
        ("Sáu tháng cuối năm 2025", dt.date(2025, 7, 1), dt.date(2025, 12, 31)),
        ("9 tháng đầu năm 2025", dt.date(2025, 1, 1), dt.date(2025, 9, 30)),
        ("Từ tháng 1 đến tháng 5 năm 2025", dt.date(2025, 1, 1), dt.date(2025, 5, 31)),
        ("Từ ngày 15/12/2024 đến ngày 14/12/2025", dt.date(2024, 12, 15), dt.date(2025, 12, 14)),
        ("BÁO CÁO THÁNG 12 NĂM 2024", dt.date(2024, 12, 1), dt.date(2024, 12, 31)),
    ],
)
def test_periods_written_in_a_title_block(written, start, end):
    coverage = coverage_in(written)
    assert coverage is not None and (coverage.start, coverage.end) == (start, end)


@pytest.mark.parametrize(
    "written", ["Năm: 2023", "SỔ TIẾP CÔNG DÂN NĂM 2023", "Lai Châu, ngày 05 tháng 01 năm 2024", "Theo tháng"]
)
def test_a_year_title_or_a_signing_date_is_not_a_period(written):
    assert coverage_in(written) is None


def test_a_monthly_register_covers_its_month_and_its_rows_must_lie_in_it(tmp_path, units):
    good = write_source(
        tmp_path / "so-tiep-cong-dan_thang-3.xlsx",
        "citizen_reception",
        TAN_PHONG,
        [visit(dt.date(2023, 3, 1), "A-1"), visit(dt.date(2023, 3, 31), "A-2")],
        period="Tháng 3 năm 2023",
    )
    parsed = parse_workbook(good, reception_source(), units)
    assert (parsed.year, parsed.coverage.start, parsed.coverage.end) == (2023, dt.date(2023, 3, 1), dt.date(2023, 3, 31))

    bad = write_source(
        tmp_path / "so-tiep-cong-dan_thang-3_loi.xlsx",
        "citizen_reception",
        TAN_PHONG,
        [visit(dt.date(2023, 3, 1), "A-1"), visit(dt.date(2023, 4, 2), "A-2")],
        period="Tháng 3 năm 2023",
    )
    with pytest.raises(WorkbookRejected) as caught:
        parse_workbook(bad, reception_source(), units)
    (error,) = caught.value.errors
    assert (error.file, error.sheet, error.row, error.rule) == ("so-tiep-cong-dan_thang-3_loi.xlsx", "Sổ tiếp công dân", 12,
                                                                "date_outside_coverage")  # fmt: skip
    assert error.column.startswith("B «Ngày tiếp")
    assert "02/04/2023" in error.vi and "tháng 3/2023" in error.vi and "01/03/2023–31/03/2023" in error.vi
    assert "hãy sửa ngày" in error.vi and "correct the date" in error.en and "March 2023" in error.en
    rendered = error.render()
    assert rendered.index("dòng 12") < rendered.index("row 12")  # Vietnamese first, then English


def test_the_year_line_may_hold_the_period_and_must_agree_with_it(tmp_path, units):
    source = reception_source()
    in_year_line = tmp_path / "so-tiep-cong-dan_6-thang.xlsx"
    write_register(in_year_line, source, TAN_PHONG, "6 tháng đầu năm 2023", [visit(dt.date(2023, 6, 30), "A-1")])
    parsed = parse_workbook(in_year_line, source, units)
    assert (parsed.year, parsed.coverage.kind, parsed.coverage.end) == (2023, "half_year", dt.date(2023, 6, 30))

    disagreeing = tmp_path / "so-tiep-cong-dan_lech-nam.xlsx"
    write_register(disagreeing, source, TAN_PHONG, 2022, [visit(dt.date(2023, 2, 1), "A-1")], period="Quý I năm 2023")
    with pytest.raises(WorkbookRejected) as caught:
        parse_workbook(disagreeing, source, units)
    assert [e.rule for e in caught.value.errors] == ["coverage_year_mismatch"]
    assert "2022" in caught.value.errors[0].vi and "quý I/2023" in caught.value.errors[0].vi


def test_two_different_periods_or_an_impossible_one_are_clerk_errors(tmp_path, units):
    source = reception_source()
    two = tmp_path / "so-tiep-cong-dan_hai-ky.xlsx"
    write_register(two, source, TAN_PHONG, "Tháng 3 năm 2023", [visit(dt.date(2023, 3, 2), "A-1")], period="Quý I năm 2023")
    with pytest.raises(WorkbookRejected) as caught:
        parse_workbook(two, source, units)
    assert "conflicting_coverage" in {e.rule for e in caught.value.errors}

    impossible = tmp_path / "so-tiep-cong-dan_ky-sai.xlsx"
    write_register(impossible, source, TAN_PHONG, 2023, [visit(dt.date(2023, 3, 2), "A-1")],
                   period="Từ ngày 31/03/2023 đến ngày 01/03/2023")  # fmt: skip
    with pytest.raises(WorkbookRejected) as caught:
        parse_workbook(impossible, source, units)
    (error,) = caught.value.errors
    assert error.rule == "invalid_coverage" and "kết thúc trước khi bắt đầu" in error.vi and "ends before" in error.en


def test_a_month_line_outside_a_quarterly_workbook_is_an_error(tmp_path, units):
    source = _source("reform_indicator")
    path = tmp_path / "chi-tieu-cai-cach-hanh-chinh_quy-1.xlsx"
    months = [{"month": 3, "dossiers_received_online": 4}, {"month": 4, "dossiers_received_online": 5}]
    write_register(path, source, TAN_PHONG, 2023, months, period="Quý I năm 2023")
    with pytest.raises(WorkbookRejected) as caught:
        parse_workbook(path, source, units)
    (error,) = caught.value.errors
    assert (error.row, error.rule) == (12, "date_outside_coverage") and "tháng 4/2023" in error.vi


def test_an_old_warehouse_gains_the_coverage_columns_with_its_loads_covering_their_year(tmp_path):
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    old_ddl = RAW_DDL.split("ALTER TABLE raw._loads ADD COLUMN IF NOT EXISTS coverage_start")[0]
    assert "coverage" not in old_ddl
    con.execute(old_ddl.split("UPDATE")[0])
    con.execute(
        "INSERT INTO raw._loads (load_id, source_id, unit_id, written_unit, report_year, file_path, file_sha256, sheet, "
        "row_count, loaded_at) VALUES ('old', 'citizen_reception', 'p_tan_phong', 'x', 2022, 'f', 's', 'sh', 1, now())"
    )
    ensure_raw_tables(con, load_sources())
    assert con.execute("SELECT coverage_start, coverage_end FROM raw._loads").fetchall() == [
        (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    ]


# --- loads and marts -------------------------------------------------------------------------


def _drop(landing: Path, name: str, rows: list[dict], period: str | None, when: int) -> Path:
    """Write a reception register into the landing folder as arriving at ``when`` (landing order)."""
    path = write_source(landing / "2023" / name, "citizen_reception", TAN_PHONG, rows, period=period)
    os.utime(path, (when, when))
    return path


def _marts(paths: DataPaths, build: Path) -> tuple[list, list]:
    result = run_dbt(
        paths,
        build,
        "build",
        "--select",
        "+fct_citizen_receptions",
        "+fct_source_submissions",
        "--indirect-selection",
        "cautious",
    )
    assert result.returncode == 0, failed_nodes(paths) or result.stdout[-3000:]
    with duckdb.connect(str(build), read_only=True) as con:
        rows = con.execute(
            "select strftime(received_on, '%m'), count(*), sum(people_count) from marts.fct_citizen_receptions "
            "where unit_id = 'p_tan_phong' group by all order by 1"
        ).fetchall()
        submission = con.execute(
            "select current_loads, versions, current_row_count, first_covered_on, last_covered_on "
            "from marts.fct_source_submissions where unit_id = 'p_tan_phong' and source_id = 'citizen_reception'"
        ).fetchall()
    return rows, submission


@pytest.mark.e2e
def test_monthly_registers_add_up_and_a_corrected_month_replaces_only_that_month(data_dir):
    paths = DataPaths(data_dir)
    # named as a run's build (the file name is in dbt's profile: the session's saved parse holds)
    landing, build = paths.landing, paths.build_dir / "months" / paths.warehouse.name
    build.parent.mkdir(parents=True)
    january = [visit(dt.date(2023, 1, 5), "J-1"), visit(dt.date(2023, 1, 20), "J-2", people=3)]
    february = [visit(dt.date(2023, 2, 3), "F-1"), visit(dt.date(2023, 2, 17), "F-2"), visit(dt.date(2023, 2, 28), "F-3")]
    _drop(landing, "so-tiep-cong-dan_thang-1_tan-phong.xlsx", january, "Tháng 1 năm 2023", 1_700_000_000)
    first_february = _drop(landing, "so-tiep-cong-dan_thang-2_tan-phong.xlsx", february, "Tháng 2 năm 2023", 1_700_000_100)

    with duckdb.connect(str(build)) as con:
        report = ingest_landing(con, landing, paths.quarantine, TEST_KEY)
    assert [f.status for f in report.files] == ["loaded", "loaded"]
    assert [f.superseded for f in report.files] == [None, None]  # February replaces nothing of January
    rows, submission = _marts(paths, build)
    assert rows == [("01", 2, 4), ("02", 3, 3)]  # both months count
    assert submission == [(2, 2, 5, dt.date(2023, 1, 1), dt.date(2023, 2, 28))]

    # February corrected: one visit fewer, another with more people. January is untouched.
    corrected = [visit(dt.date(2023, 2, 3), "F-1", people=5), visit(dt.date(2023, 2, 17), "F-2")]
    _drop(landing, "so-tiep-cong-dan_thang-2_tan-phong_sua.xlsx", corrected, "Tháng 2 năm 2023", 1_700_000_200)
    with duckdb.connect(str(build)) as con:
        report = ingest_landing(con, landing, paths.quarantine, TEST_KEY)
        first_february_load = con.execute(
            "select load_id from raw._loads where file_path = '2023/so-tiep-cong-dan_thang-2_tan-phong.xlsx'"
        ).fetchone()[0]
    (loaded,) = report.with_status("loaded")
    assert loaded.superseded == first_february_load
    rows, submission = _marts(paths, build)
    assert rows == [("01", 2, 4), ("02", 2, 6)]
    assert submission[0][:3] == (2, 3, 4)

    # The first February sent again: it is the latest February again, January still counts.
    first_february.touch()  # a copy arrives again: its change time moves
    with duckdb.connect(str(build)) as con:
        report = ingest_landing(con, landing, paths.quarantine, TEST_KEY)
    assert [f.status for f in report.with_status("reinstated")] == ["reinstated"]
    rows, _ = _marts(paths, build)
    assert rows == [("01", 2, 4), ("02", 3, 3)]

    # The full year after the months replaces them all.
    year = [visit(dt.date(2023, 1, 5), "J-1"), visit(dt.date(2023, 7, 1), "Y-7")]
    _drop(landing, "so-tiep-cong-dan_2023_tan-phong.xlsx", year, None, 1_700_000_400)
    with duckdb.connect(str(build)) as con:
        ingest_landing(con, landing, paths.quarantine, TEST_KEY)
    rows, submission = _marts(paths, build)
    assert rows == [("01", 1, 1), ("07", 1, 1)]
    assert submission[0][0] == 1 and submission[0][3:] == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
