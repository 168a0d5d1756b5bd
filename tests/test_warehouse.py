"""The published warehouse: dbt tests stop a bad build, and the analysts' DuckDB CLI opens it."""

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline import stages
from pipeline.errors import DataCheckFailed
from pipeline.paths import DataPaths
from tests.dag_runs import copy_build, staged_copy


def test_dbt_tests_fail_the_build_and_name_the_failing_test(sample_build, data_dir):
    paths = DataPaths(data_dir)
    build = str(staged_copy(sample_build[1], paths, "t"))  # the sample, ingested, as run t's build
    with duckdb.connect(build) as con:
        changed = con.execute("update raw.citizen_reception set reception_kind = 'walk_in' where _row_number = 11").fetchone()[0]
    with pytest.raises(DataCheckFailed) as caught:
        stages.build_models(paths, build)
    # the model's column checks are one dbt test; the failure names the check, its column and the count
    assert "test.laichau.column_checks_stg_landing__citizen_receptions." in str(caught.value)
    assert changed > 0 and f"reception_kind: accepted_values, {changed} row(s)" in str(caught.value)
    assert "walk_in" not in str(caught.value)  # counts, never a value
    assert not paths.warehouse.exists()


def relations(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every table and view of the database, "schema.name" to its kind."""
    return dict(
        con.execute(
            "select schema_name || '.' || table_name, 'table' from duckdb_tables() union all "
            "select schema_name || '.' || view_name, 'view' from duckdb_views() where not internal"
        ).fetchall()
    )


def test_a_rebuild_replaces_each_model_in_place_whatever_was_under_its_name(sample_build, data_dir):
    """The project's materializations (dbt_project/macros/materializations.sql) replace a model in
    one call: a table standing where a view model goes, or a view where a table model goes,
    is replaced; the mart gets back its rows, its contract's constraints and its comments; no
    temporary or backup relation is left behind."""
    from pipeline.dbt import dbt_build

    paths = DataPaths(data_dir)
    build = copy_build(sample_build[1], paths.build_dir / "rebuild")
    view, table = "stg_landing__citizen_receptions", "fct_citizen_receptions"

    with duckdb.connect(str(build)) as con:
        before = relations(con)
        rows = con.execute(f"select count(*) from marts.{table}").fetchone()[0]
        con.execute(f"drop view staging.{view}; create table staging.{view} as select 1 as stale")
        con.execute(f"drop table marts.{table}; create view marts.{table} as select 1 as stale")
    dbt_build(paths, build, select=f"{view} {table}")
    with duckdb.connect(str(build), read_only=True) as con:
        assert relations(con) == before
        assert before[f"staging.{view}"] == "view" and before[f"marts.{table}"] == "table"
        assert con.execute(f"select count(*) from marts.{table}").fetchone() == (rows,) and rows > 0
        uncommented, not_null = con.execute(
            "select count(*) filter (where comment is null), count(*) filter (where not is_nullable) "
            "from duckdb_columns() where schema_name = 'marts' and table_name = ?",
            [table],
        ).fetchone()
        assert uncommented == 0 and not_null > 0
        comment = con.execute("select comment from duckdb_tables() where schema_name = 'marts' and table_name = ?", [table])
        assert comment.fetchone()[0]


def test_a_model_that_fails_leaves_the_relation_it_was_replacing(sample_build, data_dir):
    """The project's materializations drop and create in one transaction: when the create fails,
    the table (with its rows) or the view that was there is still there."""
    from pipeline.dbt import dbt_build

    paths = DataPaths(data_dir)
    build = copy_build(sample_build[1], paths.build_dir / "failing")
    view, table = "stg_landing__petitions", "fct_citizen_receptions"
    with duckdb.connect(str(build)) as con:
        rows = con.execute(f"select count(*) from marts.{table}").fetchone()[0]
        # what each model reads is gone: the view cannot be bound, the table cannot be selected
        con.execute("drop view intermediate.int_citizen_receptions__current; drop table raw.petition_handling")
    with pytest.raises(DataCheckFailed) as caught:
        dbt_build(paths, build, select=f"{view} {table}")
    assert f"model.laichau.{table}" in str(caught.value) and f"model.laichau.{view}" in str(caught.value)
    with duckdb.connect(str(build), read_only=True) as con:
        assert con.execute(f"select count(*) from marts.{table}").fetchone() == (rows,) and rows > 0
        assert relations(con)[f"staging.{view}"] == "view"


def test_the_analysts_duckdb_cli_opens_the_published_warehouse_read_only(sample_build, tmp_path):
    _, build = sample_build
    paths = DataPaths(tmp_path / "data")
    stages.publish_warehouse(paths, str(staged_copy(build, paths, "t")))
    cli = Path(sys.executable).parent / "duckdb"  # the duckdb-cli package pinned beside duckdb
    # the bundled 2023 report's visits (the sample also holds 2025 and 2026 registers)
    query = "select unit_level, count(*) from marts.fct_citizen_receptions where report_year = 2023 group by 1 order by 1"
    result = subprocess.run(
        [str(cli), "-readonly", "-csv", str(paths.warehouse), "-c", query], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["unit_level,count_star()", "city_level,28", "commune_level,16"]


def file_mib(path: Path) -> float:
    return path.stat().st_size / 2**20


def test_a_build_that_dropped_and_recreated_its_tables_is_published_compacted(data_dir):
    """dbt's drop-and-recreate, by hand on a real DuckDB file: the freed blocks stay in the build
    (CHECKPOINT and VACUUM do not give them back) and the published copy leaves them out, with the
    same tables, rows, views and comments."""
    from pipeline.warehouse import COMPACT_FREE_SHARE, free_share, publish, start_build

    paths = DataPaths(data_dir)
    create = (
        "create or replace table facts as select range as id, md5(range::varchar) as key from range(300000);"
        "comment on table facts is 'one row per id';"
        "create or replace view fact_count as select count(*) as n from facts"
    )
    sizes = []
    for night in range(4):
        build = start_build(paths, f"night{night}")
        with duckdb.connect(str(build)) as con:
            con.execute(create)
            con.execute("VACUUM")
            con.execute("CHECKPOINT")
        if night:
            assert free_share(build) >= COMPACT_FREE_SHARE  # what the build would publish uncompacted
        publish(paths, build)
        sizes.append(file_mib(paths.warehouse))
        assert not (build.parent).exists()
        assert free_share(paths.warehouse) < COMPACT_FREE_SHARE
    # uncompacted, the second night's file would be about twice the first's; a compacted copy's
    # size varies a little with how DuckDB's threads pack its blocks (5.3-6.3 MiB seen here)
    assert max(sizes) <= sizes[0] * 1.25, sizes
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        assert con.execute("select n from fact_count").fetchone() == (300000,)
        assert con.execute("select count(distinct key) from facts").fetchone() == (300000,)
        assert con.execute("select comment from duckdb_tables() where table_name = 'facts'").fetchone() == ("one row per id",)
