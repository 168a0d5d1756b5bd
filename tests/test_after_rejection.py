"""What dbt builds again after validation rejects submissions (pipeline.dbt.after_rejection), and
what a night's new files make it build (pipeline.dbt.after_new_loads).

The rule, on a small project graph of the shape dbt parses: the rejected registers' rows in force
and everything after them, every other reader of the loads, nothing of the other registers. The
troubled-nights scenario (tests/test_e2e.py) runs it on the real project and builds what it
skipped again to show nothing there changed; the nightly-2023 scenario does the same after a
night with one new workbook.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from pipeline.dbt import REPORT_LAYER, ROWS_IN_FORCE_MACRO, after_new_loads, after_rejection

LOADS = "model.p.stg_landing__loads"


def _model(name: str, parents: list[str], macros: tuple[str, ...] = ()) -> SimpleNamespace:
    return SimpleNamespace(name=name, resource_type="model", depends_on=SimpleNamespace(nodes=parents, macros=list(macros)))


def _source(schema_name: str, name: str, identifier: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(source_name=schema_name, name=name, identifier=identifier or name)


def _rows_in_force(name: str, *parents: str) -> SimpleNamespace:
    return _model(name, [*parents, LOADS], ("macro.dbt.run_query", ROWS_IN_FORCE_MACRO))


def _project() -> SimpleNamespace:
    tables = ("_loads", "_rejections", "award", "petition_handling", "inspection")
    sources = {f"source.p.landing.{t}": _source("landing", t) for t in tables}
    sources["source.p.reference.units"] = _source("reference", "units")
    # a source named otherwise than its table: matched by its table (the register's id)
    sources["source.p.landing.schools"] = _source("landing", "schools", "school_network")
    nodes = {
        LOADS: _model("stg_landing__loads", ["source.p.landing._loads"]),
        # a staging model reading a seed (a code list) besides its landing table is still the register's
        "model.p.stg_landing__awards": _model("stg_landing__awards", ["source.p.landing.award", "seed.p.code_labels"]),
        "seed.p.code_labels": SimpleNamespace(name="code_labels", resource_type="seed", depends_on=SimpleNamespace(macros=[])),
        "model.p.stg_landing__petitions": _model("stg_landing__petitions", ["source.p.landing.petition_handling"]),
        "model.p.stg_landing__schools": _model("stg_landing__schools", ["source.p.landing.schools"]),
        "model.p.stg_reference__units": _model("stg_reference__units", ["source.p.reference.units"]),
        "model.p.int_awards__current": _rows_in_force("int_awards__current", "model.p.stg_landing__awards"),
        "model.p.int_petitions__current": _rows_in_force("int_petitions__current", "model.p.stg_landing__petitions"),
        "model.p.int_schools__current": _rows_in_force("int_schools__current", "model.p.stg_landing__schools"),
        # reads the loads without rows_in_force: which loads it reads is unknown, so always built again
        "model.p.int_awards_by_hand": _model("int_awards_by_hand", ["model.p.stg_landing__awards", LOADS]),
        # rows_in_force over no register's rows: the same
        "model.p.int_units_in_force": _rows_in_force("int_units_in_force", "model.p.stg_reference__units"),
        # or whose staging model reads another model too (it could read the loads)
        "model.p.stg_landing__petitions_by_unit": _model(
            "stg_landing__petitions_by_unit", ["source.p.landing.petition_handling", "model.p.stg_reference__units"]
        ),
        "model.p.int_petitions_by_unit": _rows_in_force("int_petitions_by_unit", "model.p.stg_landing__petitions_by_unit"),
        # rows_in_force also reading the loads' table, itself or through its staging model: the same
        "model.p.stg_landing__inspections": _model(
            "stg_landing__inspections", ["source.p.landing.inspection", "source.p.landing._loads"]
        ),
        "model.p.int_inspections__current": _rows_in_force("int_inspections__current", "model.p.stg_landing__inspections"),
        "model.p.int_awards_and_loads": _rows_in_force(
            "int_awards_and_loads", "model.p.stg_landing__awards", "source.p.landing._loads"
        ),
        "model.p.fct_source_submissions": _model("fct_source_submissions", [LOADS]),
        "model.p.fct_awards": _model("fct_awards", ["model.p.int_awards__current"]),
        "test.p.column_checks_stg_landing__loads": SimpleNamespace(
            name="column_checks_stg_landing__loads", resource_type="test", depends_on=SimpleNamespace(nodes=[LOADS], macros=[])
        ),
    }
    return SimpleNamespace(nodes=nodes, sources=sources)


def test_after_a_rejection_dbt_builds_the_rejected_registers_branch_and_every_other_reader_of_the_loads():
    project = _project()
    assert after_rejection({"petition_handling"})(project).split() == [
        "stg_landing__loads",
        "fct_source_submissions+",
        "int_awards_and_loads+",
        "int_awards_by_hand+",
        "int_inspections__current+",
        "int_petitions__current+",
        "int_petitions_by_unit+",
        "int_units_in_force+",
    ]
    assert "int_petitions_by_unit+" in after_rejection({"award"})(project).split()
    both = after_rejection(["award", "school_network"])(project).split()
    assert {"int_awards__current+", "int_schools__current+"} <= set(both)
    assert "int_petitions__current+" not in both
    # a register nobody rejected is left alone, whichever others are
    assert "int_awards__current+" not in after_rejection({"petition_handling", "inspection"})(project).split()
    assert "int_schools__current+" not in after_rejection({"schools"})(project).split()  # its source's name, not its table


def test_a_project_without_the_loads_model_says_so():
    project = _project()
    project.nodes = {uid: node for uid, node in project.nodes.items() if uid != LOADS}
    with pytest.raises(RuntimeError, match="no stg_landing__loads model"):
        after_rejection({"award"})(project)


def test_a_night_with_new_files_builds_their_registers_branch_the_refused_files_and_the_report_layer():
    project = _project()
    selected = after_new_loads({"petition_handling"})(project).split()
    # what a rejection of the same register would build again, the same way
    assert (
        selected[: len(after_rejection({"petition_handling"})(project).split())]
        == after_rejection({"petition_handling"})(project).split()
    )
    # the register's landing table and what reads it (its staging model, were it a table, and its tests)
    assert "source:landing.petition_handling+" in selected
    # the files refused (raw._rejections) are read afresh every night that changed anything
    assert "source:landing._rejections+" in selected
    # the report layer: the night's requests may be new
    assert selected[-1] == REPORT_LAYER
    # the load log is selected through the loads model (after_rejection), not with what reads it
    # as a source: that would select every register's rows in force
    assert "source:landing._loads+" not in selected
    # every source is selected alone, for its tests (dbt runs a test when one of its parents is selected)
    assert {"source:landing._loads", "source:landing.award", "source:reference.units"} <= set(selected)
    # other registers' tables are left alone
    assert not {"source:landing.award+", "source:landing.inspection+", "int_awards__current+"} & set(selected)
    # a register is named by its table, as the loads name it; a night that only refused files
    # builds the loads' other readers, the refusals and the report layer
    assert "source:landing.schools+" in after_new_loads({"school_network"})(project).split()
    assert not {"source:landing.schools+", "int_schools__current+"} & set(after_new_loads(set())(project).split())
