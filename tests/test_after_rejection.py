"""What dbt builds again after validation rejects submissions (pipeline.dbt.after_rejection).

The rule, on a small project graph of the shape dbt parses: the rejected registers' rows in force
and everything after them, every other reader of the loads, nothing of the other registers. The
troubled-nights scenario (tests/test_e2e.py) runs it on the real project and builds what it
skipped again to show nothing there changed.
"""

from __future__ import annotations

from types import SimpleNamespace

from pipeline.dbt import ROWS_IN_FORCE_MACRO, after_rejection


def _model(name: str, parents: list[str], macros: tuple[str, ...] = ()) -> SimpleNamespace:
    return SimpleNamespace(name=name, resource_type="model", depends_on=SimpleNamespace(nodes=parents, macros=list(macros)))


def _project() -> SimpleNamespace:
    loads = "model.p.stg_landing__loads"
    sources = {
        f"source.p.landing.{table}": SimpleNamespace(source_name="landing", name=table)
        for table in ("_loads", "award", "petition_handling")
    }
    sources["source.p.reference.units"] = SimpleNamespace(source_name="reference", name="units")
    nodes = {
        loads: _model("stg_landing__loads", ["source.p.landing._loads"]),
        "model.p.stg_landing__awards": _model("stg_landing__awards", ["source.p.landing.award"]),
        "model.p.stg_landing__petitions": _model("stg_landing__petitions", ["source.p.landing.petition_handling"]),
        "model.p.stg_reference__units": _model("stg_reference__units", ["source.p.reference.units"]),
        "model.p.int_awards__current": _model(
            "int_awards__current", ["model.p.stg_landing__awards", loads], ("macro.dbt.run_query", ROWS_IN_FORCE_MACRO)
        ),
        "model.p.int_petitions__current": _model(
            "int_petitions__current", ["model.p.stg_landing__petitions", loads], (ROWS_IN_FORCE_MACRO,)
        ),
        # reads the loads without rows_in_force: which loads it reads is unknown, so always built again
        "model.p.int_awards_by_hand": _model("int_awards_by_hand", ["model.p.stg_landing__awards", loads]),
        # rows_in_force over no register's rows: the same
        "model.p.int_units_in_force": _model(
            "int_units_in_force", ["model.p.stg_reference__units", loads], (ROWS_IN_FORCE_MACRO,)
        ),
        "model.p.fct_source_submissions": _model("fct_source_submissions", [loads]),
        "model.p.fct_awards": _model("fct_awards", ["model.p.int_awards__current"]),
        "test.p.column_checks_stg_landing__loads": SimpleNamespace(
            name="column_checks_stg_landing__loads", resource_type="test", depends_on=SimpleNamespace(nodes=[loads], macros=[])
        ),
    }
    return SimpleNamespace(nodes=nodes, sources=sources)


def test_after_a_rejection_dbt_builds_the_rejected_registers_branch_and_every_other_reader_of_the_loads():
    project = _project()
    assert after_rejection({"petition_handling"})(project).split() == [
        "stg_landing__loads",
        "fct_source_submissions+",
        "int_awards_by_hand+",
        "int_petitions__current+",
        "int_units_in_force+",
    ]
    both = after_rejection(["award", "petition_handling"])(project).split()
    assert {"int_awards__current+", "int_petitions__current+"} <= set(both)
    # a register nobody rejected is left alone, whichever others are
    assert "int_awards__current+" not in after_rejection({"petition_handling", "inspection"})(project).split()
