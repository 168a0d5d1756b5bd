"""Reports for any unit and period, across the 1 July 2025 reorganisation and at cut-off dates,
through the contract: requests (official code, period) → dbt's report tables, on data sets the
project's generator makes (sample_data.datasets 2024, 2025 and 2026), checked against figures
added up from the generated rows themselves (sample_data.figures), never against numbers written here."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from ingestion.loader import ingest_landing
from pipeline.dbt import dbt_build
from pipeline.paths import DataPaths
from pipeline.periods import Period
from pipeline.report_requests import ReportRequestError, plan, resolve, with_previous_year
from sample_data.datasets import dataset
from sample_data.figures import expected_figures
from sample_data.generate import dataset_workbooks, generate
from tests.conftest import TEST_KEY

pytestmark = pytest.mark.e2e

OLD_DOAN_KET = ("p_doan_ket", "p_quyet_tien", "p_quyet_thang", "x_sung_phai")
OLD_TAN_PHONG = ("p_tan_phong", "p_dong_phong", "x_san_thang")
CITY_BODIES = ("tp_van_phong", "tp_ban_tiep_cong_dan", "tp_thanh_tra", "tp_phong_noi_vu", "tp_phong_gddt", "tp_phong_tu_phap")
H1_2025 = Period(dt.date(2025, 1, 1), dt.date(2025, 6, 30))
YEAR_2025 = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
TODAY = dt.date(2026, 11, 27)
YTD_2026 = Period(dt.date(2026, 1, 1), TODAY)
YEAR_2024 = Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
CUT_OFF_2024 = Period(dt.date(2024, 1, 1), dt.date(2024, 11, 14))
DECREE09_2024 = Period(dt.date(2023, 12, 15), dt.date(2024, 12, 14))
REQUESTS = [
    resolve("03388", YEAR_2025),
    resolve("03408", YEAR_2025),
    resolve("105", H1_2025),
    resolve("12", YTD_2026),
    resolve("105", YEAR_2024),
    resolve("105", CUT_OFF_2024),
    resolve("105", DECREE09_2024),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict]:
    """The generator's 2025 and 2026 data sets, ingested into a real DuckDB file and built by dbt
    for the requests above; with the expected row counts of each unit version and register."""
    paths = DataPaths(tmp_path_factory.mktemp("merger"))
    expected: dict[str, dict] = {}
    for name in ("2024", "2025", "2026"):
        spec = dataset(name, today=TODAY)
        generate(paths.landing / name, spec)
        expected[name] = expected_figures(dataset_workbooks(spec), spec.year)
    for period in (CUT_OFF_2024, DECREE09_2024):
        expected[period.code] = expected_figures(dataset_workbooks(dataset("2024")), 2024, period.start, period.end)
    # named as a run's build (the file name is in dbt's profile: the session's saved parse holds)
    build = paths.build_dir / "merger" / paths.warehouse.name
    build.parent.mkdir(parents=True)
    with duckdb.connect(str(build)) as con:
        report = ingest_landing(con, paths.landing, paths.quarantine, TEST_KEY)
        con.execute("CHECKPOINT")
    assert report.summary()["quarantined"] == []
    dbt_build(paths, build, [r.as_row() for r in REQUESTS])
    yield build, expected
    shutil.rmtree(paths.root, ignore_errors=True)


def figure(build: Path, request, key: str, scope: str = "total") -> float | None:
    with duckdb.connect(str(build), read_only=True) as con:
        row = con.execute(
            "select coalesce(value::double, value_decimal::double) from report.figures "
            "where reporting_unit_code = ? and period_start = ? and period_end = ? "
            "and key = ? and scope = ?",
            [request.unit_code, request.period.start, request.period.end, key, scope],
        ).fetchone()
    return row[0] if row else None


def visits(expected: dict, units: tuple[str, ...]) -> int:
    return sum(int(expected.get((unit, "citizen_reception"), {}).get("rows", 0)) for unit in units)


def test_the_new_wards_2025_reports_include_their_predecessors_first_half(built):
    build, expected = built
    doan_ket, tan_phong = REQUESTS[0], REQUESTS[1]
    first_half = visits(expected["2025"], OLD_DOAN_KET)
    second_half = visits(expected["2025"], ("p_doan_ket_2025",))
    assert first_half > 0 and second_half > 0
    assert figure(build, doan_ket, "reception.visits") == first_half + second_half
    assert figure(build, tan_phong, "reception.visits") == visits(expected["2025"], (*OLD_TAN_PHONG, "p_tan_phong_2025"))
    # a ward's own registers are its own bodies' figures; it has no commune-level subunits
    assert figure(build, doan_ket, "reception.visits", "own_bodies") == first_half + second_half


def test_the_former_city_s_last_half_year_counts_every_old_ward_and_its_bodies(built):
    build, expected = built
    city = REQUESTS[2]
    wards = visits(expected["2025"], (*OLD_DOAN_KET, *OLD_TAN_PHONG))
    bodies = visits(expected["2025"], CITY_BODIES)
    assert figure(build, city, "reception.visits", "subunits") == wards
    assert figure(build, city, "reception.visits", "own_bodies") == bodies
    assert figure(build, city, "reception.visits") == wards + bodies
    assert figure(build, city, "city.admin_units") == 7


def test_the_former_city_cannot_be_reported_past_its_end():
    with pytest.raises(ReportRequestError, match="ceased on 2025-06-30"):
        plan("105", "2025-01-01", "2025-12-31", TODAY)


def test_the_province_2026_counts_both_wards_and_flags_who_sent_nothing(built):
    build, expected = built
    province = REQUESTS[3]
    assert figure(build, province, "reception.visits") == visits(expected["2026"], ("p_doan_ket_2025", "p_tan_phong_2025"))
    with duckdb.connect(str(build), read_only=True) as con:
        statuses = dict(
            con.execute(
                "select unit_id, list(distinct status order by status) from report.completeness "
                "where reporting_unit_code = '12' and period_start = ? and period_end = ? and not is_total group by 1",
                [province.period.start, province.period.end],
            ).fetchall()
        )
        rate = con.execute(
            "select owed, sent, rate_pct from report.completeness where reporting_unit_code = '12' and period_start = ? "
            "and is_total and source_id is null",
            [province.period.start],
        ).fetchone()
    assert set(statuses["p_doan_ket_2025"]) <= {"sent", "late"} and set(statuses["p_tan_phong_2025"]) <= {"sent", "late"}
    silent = [unit for unit, seen in statuses.items() if seen == ["not_sent"]]
    assert rate[0] > rate[1] > 0 and rate[2] < 100 and silent, "the communes that sent nothing are flagged"


def test_a_cut_off_report_and_the_annual_report_of_2024_coexist(built):
    build, expected = built
    annual, cut_off, decree09 = REQUESTS[4:]
    bodies_and_wards = (*CITY_BODIES, *OLD_DOAN_KET, *OLD_TAN_PHONG)
    whole_year = visits(expected["2024"], bodies_and_wards)
    to_14_november = visits(expected[CUT_OFF_2024.code], bodies_and_wards)
    assert whole_year > to_14_november > 0
    assert figure(build, annual, "reception.visits") == whole_year
    assert figure(build, cut_off, "reception.visits") == to_14_november
    # the Decree 09 year runs 15/12/2023-14/12/2024; the data set has no 2023 rows
    assert figure(build, decree09, "reception.visits") == visits(expected[DECREE09_2024.code], bodies_and_wards)
    petitions = sum(int(expected[CUT_OFF_2024.code].get((u, "petition_handling"), {}).get("rows", 0)) for u in bodies_and_wards)
    assert figure(build, cut_off, "petition.received") == petitions


def test_every_report_table_is_keyed_by_unit_and_period(built):
    build, _ = built
    with duckdb.connect(str(build), read_only=True) as con:
        for table in ("figures", "appendix_1", "appendix_2", "completeness"):
            keys = set(
                con.execute(f"select distinct reporting_unit_code, period_start, period_end from report.{table}").fetchall()
            )
            # each request, and the same period a year earlier that dbt builds beside it for the
            # overview's comparison (report_requests.with_previous_year)
            asked = with_previous_year([r.as_row() for r in REQUESTS])
            expected = {
                (r["reporting_unit_code"], dt.date.fromisoformat(r["period_start"]), dt.date.fromisoformat(r["period_end"]))
                for r in asked
            }
            assert {(r.unit_code, r.period.start, r.period.end) for r in REQUESTS} < expected
            assert keys == expected, table
