"""Which registers a night's files changed since the last validated build (pipeline.build_state).

Real DuckDB files with the loader's own raw tables. dbt's side of it (what it then builds) is
tests/test_after_rejection.py; the nightly-2023 scenario (tests/test_e2e.py) runs both on the
sample and builds what the night skipped again to show nothing there changed.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from ingestion.loader import RAW_DDL
from pipeline import build_state


def _load(con: duckdb.DuckDBPyConnection, load_id: str, source: str, rows: int) -> None:
    con.execute(
        "insert into raw._loads (load_id, source_id, unit_id, written_unit, report_year, file_path, file_sha256, "
        "sheet, row_count, loaded_at) values (?, ?, 'p_tan_phong', 'Phường Tân Phong', 2023, ?, ?, 'Sổ', ?, ?)",
        [load_id, source, f"landing/{load_id}.xlsx", load_id * 4, rows, dt.datetime(2024, 1, 5)],
    )
    con.executemany(f"insert into raw.{source} values (?)", [[load_id]] * rows)


@pytest.fixture
def con(tmp_path):
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        con.execute(RAW_DDL)
        for source in ("citizen_reception", "petition_handling", "award"):
            con.execute(f"create table raw.{source} (_load_id varchar)")
        _load(con, "r1", "citizen_reception", 3)
        _load(con, "p1", "petition_handling", 2)
        _load(con, "a1", "award", 1)
        yield con


def test_nothing_is_narrowed_before_a_build_is_recorded_for_other_code_or_when_asked(con, monkeypatch):
    assert build_state.changed_registers(con) is None  # no build recorded: the whole project
    build_state.record(con, "night-1", None)
    assert build_state.changed_registers(con) == set()  # nothing changed (unchanged_since says so too)
    assert build_state.unchanged_since(con)["run_id"] == "night-1"
    monkeypatch.setenv("LAICHAU_PROVINCES", "12,01")  # the deployment's provinces are part of the code
    assert build_state.changed_registers(con) is None
    monkeypatch.delenv("LAICHAU_PROVINCES")
    monkeypatch.setenv("LAICHAU_FULL_BUILD", "1")  # the operator's way to have the whole project built
    assert build_state.changed_registers(con) is None
    monkeypatch.setenv("LAICHAU_FULL_BUILD", "0")
    assert build_state.changed_registers(con) == set()


def test_the_code_recorded_is_the_code_that_built_the_marts(con):
    """build_models takes the code's digest before dbt runs and validate records that one: a
    deployment between the two must not make the old code's marts count as the new code's."""
    build_state.record(con, "night-1", None, code="the code dbt built with")
    assert build_state.changed_registers(con, code="the code dbt built with") == set()
    assert build_state.changed_registers(con, code="the code deployed since") is None
    assert build_state.changed_registers(con) is None  # this process's code is neither


def test_a_register_changes_with_a_new_load_a_supersession_a_status_or_its_landing_rows(con):
    build_state.record(con, "night-1", None)
    _load(con, "r2", "citizen_reception", 1)
    assert build_state.changed_registers(con) == {"citizen_reception"}
    con.execute("update raw._loads set superseded_by = 'p2', superseded_at = now() where load_id = 'p1'")
    assert build_state.changed_registers(con) == {"citizen_reception", "petition_handling"}
    build_state.record(con, "night-2", None)
    assert build_state.changed_registers(con) == set()
    con.execute("update raw._loads set status = 'rejected' where load_id = 'a1'")
    assert build_state.changed_registers(con) == {"award"}
    build_state.record(con, "night-3", None)
    con.execute("insert into raw.petition_handling values ('p1')")  # rows added by other means than a load
    assert build_state.changed_registers(con) == {"petition_handling"}
    # a register seen for the first time
    con.execute("create table raw.inspection (_load_id varchar)")
    _load(con, "i1", "inspection", 2)
    assert build_state.changed_registers(con) == {"petition_handling", "inspection"}


def test_a_build_recorded_by_an_earlier_version_is_built_whole_and_an_earlier_version_can_still_record(con):
    """raw._builds keeps its four columns: a build recorded by a version that did not record the
    registers (before, or after going back to one) makes the next night build everything."""
    build_state.record(con, "night-1", None)
    _load(con, "r2", "citizen_reception", 1)
    assert build_state.changed_registers(con) == {"citizen_reception"}
    # what an earlier version of record() inserts
    con.execute("insert into raw._builds values ('old', 'night-2', null, timestamp '2999-01-01')")
    assert build_state.last_build(con)["run_id"] == "night-2"
    assert build_state.changed_registers(con) is None
    # the earlier version's record gone (its row dated in the future here, to stay the latest),
    # this version's record is the last one again, registers and all
    con.execute("delete from raw._builds where run_id = 'night-2'")
    assert build_state.changed_registers(con) == {"citizen_reception"}
