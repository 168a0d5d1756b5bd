"""dim_admin_unit from the national seeds overlaid by the local seed, built by dbt on a fresh warehouse.

The 2023 report depends on the city's 17 local rows; the 2025–2026 reports on the province's 38
commune-level units after 1 July 2025 and on the two new wards being the local seed's rows.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest

from pipeline.dbt import run_dbt
from pipeline.paths import DBT_PROJECT_DIR, DataPaths
from reference import admin_units, deployment

LOCAL_SEED = DBT_PROJECT_DIR / "seeds" / "reference"
REFERENCE_MODELS = ["+dim_admin_unit", "+dim_admin_unit_succession", "int_admin_units__warehouse_ids", "reporting_obligations"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh warehouse where dbt built (and tested) the unit dimension and everything it needs."""
    root = tmp_path_factory.mktemp("national")
    paths = DataPaths(root)
    # named as a run's build (the file name is in dbt's profile: the session's saved parse holds)
    build = paths.build_dir / "national" / paths.warehouse.name
    build.parent.mkdir(parents=True)
    result = run_dbt(paths, build, "build", "--indirect-selection", "cautious", "--select", *REFERENCE_MODELS)
    assert result.returncode == 0, result.stdout[-6000:]
    return build


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(warehouse, read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _seed_rows(name: str) -> list[dict[str, str]]:
    with (LOCAL_SEED / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_committed_national_seeds_are_what_the_pinned_package_gives(tmp_path):
    """`make national-units` output, byte for byte: nobody edits the national seeds by hand."""
    written = admin_units.write_csvs(admin_units.build_reference(), tmp_path, admin_units.SEED_PREFIX)
    for path in written.values():
        committed = admin_units.SEED_DIR / path.name
        assert committed.read_bytes() == path.read_bytes(), f"{committed} is stale: run make national-units"


def test_the_city_of_2023_is_unchanged(warehouse):
    """Every local row comes through with its id, names, kind, level, parent, figures and dates."""
    expected = {
        row["unit_id"]: (
            row["official_code"] or None,
            row["name"],
            row["full_name"],
            row["kind"],
            row["level"],
            row["parent_unit_id"] or None,
            float(row["area_ha"]) if row["area_ha"] else None,
            int(row["population"]) if row["population"] else None,
            int(row["ethnic_groups"]) if row["ethnic_groups"] else None,
            dt.date.fromisoformat(row["valid_from"]),
            dt.date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
            int(row["report_order"]),
        )
        for row in _seed_rows("admin_units.csv")
    }
    rows = query(
        warehouse,
        "select unit_id, official_code, unit_name, unit_full_name, unit_kind, unit_level, parent_unit_id, area_ha,"
        " population, ethnic_groups, valid_from, valid_to, report_order from marts.dim_admin_unit where source = 'local'",
    )
    assert {row[0]: row[1:] for row in rows} == expected
    city = query(
        warehouse,
        "select count(*) filter (where unit_kind = 'ward'), count(*) filter (where unit_kind = 'commune'),"
        " round(sum(area_ha), 1), sum(population) from marts.dim_admin_unit"
        " where parent_unit_id = 'tp_lai_chau'"
        " and date '2023-12-31' between valid_from and coalesce(valid_to, date '9999-12-31')",
    )
    assert city == [(5, 2, 9687.9, 47469)]
    successions = query(
        warehouse, "select unit_id, successor_unit_id, succeeded_on from marts.dim_admin_unit where source = 'local'"
    )
    expected_successions = {(r["predecessor_unit_id"], r["successor_unit_id"]) for r in _seed_rows("admin_unit_successions.csv")}
    assert {(u, s) for u, s, _ in successions if s} == expected_successions
    assert {d for _, s, d in successions if s} == {dt.date(2025, 7, 1)}


NEW_WARDS = [("03388", "p_doan_ket_2025", "Phường Đoàn Kết"), ("03408", "p_tan_phong_2025", "Phường Tân Phong")]


@pytest.mark.parametrize(("code", "unit_id", "full_name"), NEW_WARDS)
def test_each_new_ward_is_the_local_seeds_row_once(warehouse, code, unit_id, full_name):
    rows = query(
        warehouse,
        "select unit_id, unit_full_name, parent_unit_id, source from marts.dim_admin_unit"
        " where official_code = ? and date '2026-01-01' between valid_from and coalesce(valid_to, date '9999-12-31')",
        [code],
    )
    assert rows == [(unit_id, full_name, "tinh_lai_chau", "local")]
    assert query(warehouse, "select count(*) from marts.dim_admin_unit where unit_id = ?", [f"{code}@2025-07-01"]) == [(0,)]


def test_the_province_after_the_reform_lists_every_commune_level_unit_and_each_owes_registers(warehouse):
    national = {
        unit.official_code: unit.full_name
        for unit in admin_units.build_reference().units
        if unit.province_code == "12" and unit.level == "commune" and unit.valid_from == admin_units.REFORM_DAY
    }
    assert len(national) == 38  # Resolution 1670/NQ-UBTVQH15: 36 communes and 2 wards
    rows = query(
        warehouse,
        "select official_code, unit_full_name, unit_kind from marts.dim_admin_unit"
        " where parent_unit_id = 'tinh_lai_chau' and unit_level = 'commune_level'"
        " and date '2026-06-30' between valid_from and coalesce(valid_to, date '9999-12-31')",
    )
    assert {code: name for code, name, _ in rows} == national
    assert sorted(kind for _, _, kind in rows).count("ward") == 2
    owing = query(
        warehouse,
        "select count(distinct u.unit_id) from marts.dim_admin_unit as u"
        " inner join reference.reporting_obligations as o on o.unit_kind = u.unit_kind"
        " where u.parent_unit_id = 'tinh_lai_chau' and u.valid_from = date '2025-07-01'",
    )
    assert owing == [(38,)]


def test_unit_ids_are_unique_and_the_nation_is_there(warehouse):
    total, distinct, local, national = query(
        warehouse,
        "select count(*), count(distinct unit_id), count(*) filter (where source = 'local'),"
        " count(*) filter (where source = 'national') from marts.dim_admin_unit",
    )[0]
    # 14,149 national versions; 12 of them are the local seed's 10 coded rows (the province is
    # both versions of code 12), and the seed adds the city's 7 bodies.
    assert (total, distinct, local, national) == (14_154, 14_154, 17, 14_137)


def test_units_from_other_districts_are_predecessors_of_the_new_wards(warehouse):
    """The national list merges Lản Nhì Thàng (Phong Thổ) into Đoàn Kết and Nùng Nàng, Bản Giang
    (Tam Đường) into Tân Phong, which the local seed leaves out (reference/README.md)."""
    rows = query(
        warehouse,
        "select s.successor_unit_id, u.unit_full_name, u.district_code, s.source from marts.dim_admin_unit_succession s"
        " join marts.dim_admin_unit u on u.unit_id = s.predecessor_unit_id"
        " where s.successor_unit_id in ('p_doan_ket_2025', 'p_tan_phong_2025') and u.district_code <> '105'",
    )
    assert sorted(rows) == [
        ("p_doan_ket_2025", "Xã Lản Nhì Thàng", "109", "national"),
        ("p_tan_phong_2025", "Xã Bản Giang", "106", "national"),
        ("p_tan_phong_2025", "Xã Nùng Nàng", "106", "national"),
    ]


def test_python_sees_the_deployments_units_as_the_dimension_does(warehouse):
    """reference.deployment (for ingestion, before dbt) applies the same overlay as dbt."""
    rows = query(
        warehouse,
        "select unit_id, official_code, unit_name, unit_full_name, unit_kind, unit_level, parent_unit_id, province_code,"
        " valid_from, valid_to, is_valid_from_known, source from marts.dim_admin_unit where in_deployment",
    )
    python = {
        (
            u.unit_id,
            u.official_code,
            u.name,
            u.full_name,
            u.kind,
            u.unit_level,
            u.parent_unit_id,
            u.province_code,
            u.valid_from,
            u.valid_to,
            u.valid_from_known,
            u.source,
        )
        for u in deployment.warehouse_units(["12"])
    }
    assert set(rows) == python
    assert len(python) == 159
    assert {u.unit_id for u in deployment.warehouse_units(["08"])} >= {"02@..2025-06-30", "08@..2025-06-30", "08@2025-07-01"}


def test_deployment_provinces_come_from_the_environment(monkeypatch):
    monkeypatch.delenv(deployment.PROVINCES_ENV, raising=False)
    assert deployment.deployment_provinces() == ("12",)
    monkeypatch.setenv(deployment.PROVINCES_ENV, "12, 08")
    assert deployment.deployment_provinces() == ("12", "08")


def test_the_build_is_told_each_province_once(monkeypatch, tmp_path):
    """control.deployment_provinces has a unique test: a province named twice is one province."""
    import duckdb

    from pipeline.dbt import write_build_parameters

    monkeypatch.setenv(deployment.PROVINCES_ENV, "12, 12,08")
    build = tmp_path / "warehouse.duckdb"
    write_build_parameters(build)
    with duckdb.connect(str(build), read_only=True) as con:
        assert con.execute("select province_code from control.deployment_provinces").fetchall() == [("12",), ("08",)]
