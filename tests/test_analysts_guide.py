"""What analysts read: docs/analysts.md's queries run, and the warehouse explains itself.

Every ```sql block of the guide is executed on the sample warehouse (read-only) and must return
rows; every code column of the marts and report tables has its Vietnamese label beside it, taken
from the source registry through a generated seed that cannot drift; every table and column of
those schemas carries its dbt description as a DuckDB comment; counts and money are integers and
dates are dates.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from ingestion import code_labels
from ingestion.registry import load_sources
from pipeline.dbt import run_dbt
from pipeline.paths import DataPaths

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "analysts.md"
ANALYST_SCHEMAS = ("marts", "report")
INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}
# Measured quantities (areas, percentages) may have decimals; everything else numeric is a count,
# an amount of VND, a year, a month or an order, and must be a whole number.
MEASURED = re.compile(r"(_ha|_m2|_pct|^value_decimal)$")
DATE_NAMES = re.compile(r"(_on|^valid_from|^valid_to|^period_start|^period_end|^data_runs_to|^date_day|^month_start)$")


def guide_queries() -> list[str]:
    """The ```sql blocks of docs/analysts.md, in order."""
    return re.findall(r"```sql\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.DOTALL)


def _columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str, str | None]]:
    return con.execute(
        "select schema_name, table_name, column_name, data_type, comment from duckdb_columns() "
        "where schema_name in ? order by schema_name, table_name, column_index",
        [list(ANALYST_SCHEMAS)],
    ).fetchall()


@pytest.fixture(scope="module")
def warehouse(sample_build):
    _, build = sample_build
    with duckdb.connect(str(build), read_only=True) as con:
        yield con


def test_the_committed_label_seed_is_what_the_generator_writes():
    """`make labels` output, byte for byte: a choice added to the registry reaches the marts' labels."""
    assert code_labels.SEED_PATH.read_text(encoding="utf-8") == code_labels.render(), (
        f"{code_labels.SEED_PATH} is stale: run make labels"
    )


def test_the_seed_has_every_choice_of_the_registry():
    seed = {tuple(line.split(",", 3)[:3]) for line in code_labels.render().splitlines()[1:]}
    for source in load_sources():
        for column in source.columns:
            for code in column.choices.values():
                assert (source.id, column.name, code) in seed


@pytest.mark.parametrize("number", range(len(guide_queries())))
def test_every_query_of_the_guide_returns_rows(warehouse, number):
    """A query the guide shows works on the sample and finds something (no error, no empty answer)."""
    query = guide_queries()[number]
    rows = warehouse.execute(query).fetchall()
    assert rows, f"query {number + 1} of docs/analysts.md returns nothing:\n{query}"


def test_the_guide_has_queries_for_labels_and_repeat_visitors():
    queries = guide_queries()
    assert len(queries) >= 12
    assert any("_vi" in q and "marts." in q for q in queries)
    assert any("having count(*) > 1" in q and "citizen_key" in q for q in queries)
    assert "make sql" in GUIDE.read_text(encoding="utf-8")


def test_repeat_visits_link_to_the_earlier_visit_of_the_same_citizen_and_case(warehouse):
    """The sample's repeat visits of 2025-2026 follow an earlier visit of the same citizen about the
    same case (2023's six are about cases first received before 2023, whose visits are not loaded:
    its report counts 44 visits = 44 cases)."""
    repeats = warehouse.execute(
        """
        select f.report_year,
               count(*) as repeats,
               count(*) filter (where exists (
                   select 1 from marts.fct_citizen_receptions e
                   where e.citizen_key = f.citizen_key and e.case_key = f.case_key and e.received_on <= f.received_on
                     and e.reception_id <> f.reception_id)) as linked
        from marts.fct_citizen_receptions f
        where f.case_occurrence = 'repeat'
        group by all order by all
        """
    ).fetchall()
    by_year = {year: (count, linked) for year, count, linked in repeats}
    assert by_year[2023] == (6, 0)
    assert by_year[2025][1] > 0 and by_year[2026][1] > 0
    assert sum(linked for _, linked in by_year.values()) >= 10


def test_every_code_in_the_marts_and_report_has_its_vietnamese_label(warehouse):
    """A `<code>_vi` beside each code column, filled wherever the code is; the registry's choice
    columns that reach a fact all have one."""
    columns = _columns(warehouse)
    names = {(schema, table): {c for s, t, c, _, _ in columns if (s, t) == (schema, table)} for schema, table, *_ in columns}
    pairs = [(s, t, c[: -len("_vi")]) for (s, t), cs in names.items() for c in cs if c.endswith("_vi") and c[: -len("_vi")] in cs]
    assert len(pairs) >= 45
    unlabelled = {}
    for schema, table, column in pairs:
        codes = warehouse.execute(
            f'select distinct "{column}" from {schema}.{table} where "{column}" is not null and "{column}_vi" is null'
        ).fetchall()
        labelled = warehouse.execute(f'select count("{column}_vi") from {schema}.{table}').fetchone()[0]
        if codes:
            unlabelled[f"{schema}.{table}.{column}"] = [code for (code,) in codes]
        assert labelled or table in {"fct_disciplinary_decisions"}, f"{schema}.{table}.{column}_vi is never filled"
    assert unlabelled == {}
    choice_columns = {c.name for s in load_sources() for c in s.columns if c.type == "choice"}
    for (schema, table), cs in names.items():
        if table.startswith("fct_"):
            missing = {c for c in cs & choice_columns if f"{c}_vi" not in cs}
            assert not missing, f"{schema}.{table} has codes without labels: {missing}"


def test_the_labels_are_the_registers_own_words(warehouse):
    rows = warehouse.execute("select distinct status, status_vi from marts.fct_petitions order by status").fetchall()
    assert ("being_resolved", "Đang giải quyết") in rows and ("resolved", "Đã giải quyết") in rows
    scopes = dict(warehouse.execute("select distinct scope, scope_vi from report.figures").fetchall())
    assert scopes["subunits"] == "Cấp xã, phường trực thuộc"


def test_every_table_and_column_of_the_marts_and_report_has_a_comment(warehouse):
    """The dbt descriptions are in DuckDB (persist_docs): duckdb_tables() and duckdb_columns() show them
    (DuckDB 1.5's DESCRIBE lists names and types only)."""
    tables = warehouse.execute(
        "select schema_name, table_name, comment from duckdb_tables() where schema_name in ?", [list(ANALYST_SCHEMAS)]
    ).fetchall()
    assert len(tables) >= 25
    assert [f"{s}.{t}" for s, t, comment in tables if not (comment or "").strip()] == []
    columns = _columns(warehouse)
    assert [f"{s}.{t}.{c}" for s, t, c, _, comment in columns if not (comment or "").strip()] == []
    described = {(t, c): comment for _, t, c, _, comment in columns}
    assert "pseudonym" in described[("fct_citizen_receptions", "citizen_key")]
    assert "Vietnamese label" in described[("fct_petitions", "status_vi")]
    # DESCRIBE with the comments: the table macro the build leaves in the warehouse
    rows = warehouse.execute("from describe_with_comments('marts', 'fct_petitions')").fetchall()
    assert [r[0] for r in rows] == [c for s, t, c, _, _ in columns if (s, t) == ("marts", "fct_petitions")]
    assert all((r[3] or "").strip() for r in rows)


def test_counts_and_money_are_integers_and_dates_are_dates(warehouse):
    """No DOUBLE (or DECIMAL) holds a count or an amount of VND: only measured areas and percentages
    may have decimals. Columns named as dates are DATE."""
    columns = _columns(warehouse)
    fractional = {"DOUBLE", "FLOAT"}
    numeric = [(s, t, c, ty) for s, t, c, ty, _ in columns if ty in INTEGER_TYPES | fractional or ty.startswith("DECIMAL")]
    assert len(numeric) > 100
    not_whole = [f"{s}.{t}.{c} {ty}" for s, t, c, ty in numeric if ty not in INTEGER_TYPES and not MEASURED.search(c)]
    assert not_whole == []
    money = [(s, t, c, ty) for s, t, c, ty, _ in columns if c.endswith("_vnd") or "count" in c or c in {"people", "value"}]
    assert len(money) >= 8 and all(ty in INTEGER_TYPES for *_, ty in money), money
    dates = [f"{s}.{t}.{c} {ty}" for s, t, c, ty, _ in columns if DATE_NAMES.search(c) and ty != "DATE"]
    assert dates == []


def test_a_figures_table_of_the_double_layout_is_rebuilt_in_the_typed_one(sample_build, tmp_path):
    """A published warehouse of before (value DOUBLE, no labels) upgrades on the next build: the
    on-run-start hook drops the table, as an incremental append would leave the new columns out."""
    _, build = sample_build
    copy = tmp_path / build.name  # the same file name: dbt's views name the database after it
    shutil.copy(build, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(
            "create or replace table report.figures as select reporting_unit_code, period_start, period_end, scope, key, "
            "coalesce(value::double, value_decimal::double) as value, unit, label_vi, data_runs_to, computed_at "
            "from report.figures"
        )
    result = run_dbt(DataPaths(tmp_path), copy, "build", "--select", "rpt_figures")
    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(copy), read_only=True) as con:
        types = dict(
            con.execute(
                "select column_name, data_type from duckdb_columns() where schema_name = 'report' and table_name = 'figures'"
            ).fetchall()
        )
        rows = con.execute("select count(*), count(value), count(value_decimal), count(scope_vi) from report.figures").fetchone()
    assert types["value"] == "BIGINT" and types["value_decimal"] == "DECIMAL(18,2)"
    assert rows[0] == 74 and rows[1] + rows[2] == 74 and rows[3] == 74
