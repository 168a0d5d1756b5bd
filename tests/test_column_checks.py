"""The project's dbt checks (tests/generic/column_checks.sql): every kind of check fails on the row
that breaks it, and the failure names the check, its column and the count, never a value."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import yaml

from pipeline.dbt import failed_nodes, run_dbt
from pipeline.paths import DataPaths
from tests.conftest import REPO_ROOT
from tests.dag_runs import copy_build

FIGURE_GRAIN = ["reporting_unit_code", "period_start", "period_end", "scope", "key"]
FIGURE_EXPRESSION = "(value is null) <> (value_decimal is null) and (value_decimal is null) = (unit not in ('pct', 'ha'))"


def test_each_kind_of_check_fails_on_its_row_and_names_column_and_count_not_value(sample_build, tmp_path):
    paths = DataPaths(tmp_path / "data")
    build = copy_build(sample_build[1], paths.build_dir / "checks")
    with duckdb.connect(str(build)) as con:
        # unique: a register listed twice (a seed table)
        con.execute("insert into reference.registers select * from reference.registers order by source_id limit 1")
        # one row of report.figures for each check, each a different count figure of the default report
        keys = [k for (k,) in con.execute(
            "select key from report.figures where scope = 'total' and unit = 'count' and value is not null order by key limit 4"
        ).fetchall()]  # fmt: skip
        assert len(keys) == 4
        where = "scope = 'total' and key = ?"
        con.execute(f"update report.figures set label_vi = null where {where}", [keys[0]])  # not_null
        con.execute(f"update report.figures set unit = 'sổ-lạ' where {where}", [keys[1]])  # accepted_values
        con.execute(f"update report.figures set value_decimal = 1.5 where {where}", [keys[2]])  # expression
        con.execute(f"insert into report.figures select * from report.figures where {where}", [keys[3]])  # grain
        # relationships: a petition of a unit the warehouse does not know
        first = con.execute("select min(petition_id) from marts.fct_petitions").fetchone()[0]
        con.execute("update marts.fct_petitions set unit_id = 'đơn-vị-lạ' where petition_id = ?", [first])

    # the checks of these three models, not those of the models reading them
    checks = ["column_checks_registers", "column_checks_rpt_figures", "column_checks_fct_petitions_relationships"]
    result = run_dbt(paths, build, "test", "--select", " ".join(checks))
    assert result.returncode == 1, result.stdout[-3000:]
    failures = "\n".join(failed_nodes(paths, build))
    assert "test.laichau.column_checks_registers." in failures
    assert "test.laichau.column_checks_rpt_figures." in failures
    assert "test.laichau.column_checks_fct_petitions_relationships." in failures
    # each broken check, and no other: the models' other checks passed
    assert {line.strip() for line in failures.splitlines() if line.startswith("    ")} == {
        "source_id: unique, 1 row(s)",
        "label_vi: not_null, 1 row(s)",
        "unit: accepted_values, 1 row(s)",
        f"{FIGURE_EXPRESSION}: expression, 1 row(s)",
        f"{', '.join(FIGURE_GRAIN)}: grain, 1 row(s)",
        "unit_id -> dim_admin_unit.unit_id: relationships, 1 row(s)",
    }
    # what failed is counted, never shown: the values written above appear nowhere
    assert "sổ-lạ" not in failures and "đơn-vị-lạ" not in failures and "1.5" not in failures


def project_nodes() -> Iterator[tuple[Path, dict]]:
    """Every model, seed and source table the project's .yml files declare, with its file."""
    for path in sorted((REPO_ROOT / "dbt_project").glob("[ms]*/**/*.yml")):  # models/, seeds/
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        yield from ((path, node) for node in [*document.get("models", []), *document.get("seeds", [])])
        yield from ((path, table) for source in document.get("sources", []) for table in source.get("tables", []))


def test_every_column_test_of_the_project_is_a_column_check():
    """The column tests dbt ships (not_null, unique, accepted_values, relationships) are one node
    each; the project writes them as its models' column_checks (see the macro), except a check
    with a config of its own (a `where`)."""
    plain = []
    for path, node in project_nodes():
        for column in node.get("columns") or []:
            for test in column.get("data_tests") or []:
                name, body = (test, {}) if isinstance(test, str) else next(iter(test.items()))
                if name in {"not_null", "unique", "accepted_values", "relationships"} and "config" not in (body or {}):
                    plain.append(f"{path.name}: {node['name']}.{column['name']} {name}")
    assert plain == []


def test_relationships_are_checks_of_their_own():
    """A test with several parents (a relationship's other model) does not stop the models after
    its model when it fails: dbt skips only what depends on all of its parents. So a model's
    relationships are a column_checks test of their own, and its other checks stop its children."""
    mixed = []
    for path, node in project_nodes():
        for test in node.get("data_tests") or []:
            arguments = test.get("column_checks", {}).get("arguments", {}) if isinstance(test, dict) else {}
            if "relationships" in arguments and len(arguments) > 1:
                mixed.append(f"{path.name}: {node['name']}")
    assert mixed == []
