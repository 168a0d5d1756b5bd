"""The submissions' state in ``raw._loads``: accepted or rejected by validation.

A submission is one workbook loaded for a source, unit and year. Validation can reject it after
the loader accepted it (a Biểu identity it breaks, a duplicated line); it then stays in the load
log as history with ``status = 'rejected'`` and the checks it failed (locations and check names
only), and the unit's latest accepted submission counts instead (see stg_landing__loads).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

ACCEPTED, REJECTED = "accepted", "rejected"


@dataclass(frozen=True)
class Submission:
    """A load as the clerk knows it: which file, which sheet, which register, unit and year."""

    load_id: str
    source_id: str
    unit_id: str
    report_year: int
    file_path: str
    file_sha256: str
    sheet: str


def submissions(con: duckdb.DuckDBPyConnection, load_ids: list[str]) -> dict[str, Submission]:
    """The loads named, keyed by load_id (unknown ids are left out)."""
    if not load_ids:
        return {}
    rows = con.execute(
        "select load_id, source_id, unit_id, report_year, file_path, file_sha256, sheet "
        "from raw._loads where list_contains(?, load_id)",
        [sorted(set(load_ids))],
    ).fetchall()
    return {row[0]: Submission(*row) for row in rows}


def reject_loads(con: duckdb.DuckDBPyConnection, findings: dict[str, list[dict]], now: dt.datetime) -> None:
    """Mark each load rejected with the locations of what failed (check names, sheet, row and
    column: never a cell's value)."""
    for load_id, items in findings.items():
        con.execute(
            "UPDATE raw._loads SET status = ?, rejected_at = ?, rejection_json = ? WHERE load_id = ?",
            [REJECTED, now, json.dumps(items, ensure_ascii=False), load_id],
        )


def accepted_load_ids(warehouse: Path) -> set[str]:
    """Loads the published warehouse holds as accepted: they passed validation in an earlier run.
    Opened read-only, so an analyst's open connection is no obstacle."""
    if not warehouse.exists():
        return set()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = {
            row[0]
            for row in con.execute(
                "select column_name from information_schema.columns where table_schema = 'raw' and table_name = '_loads'"
            ).fetchall()
        }
        if not columns:
            return set()
        where = f"where coalesce(status, '{ACCEPTED}') = '{ACCEPTED}'" if "status" in columns else ""
        return {row[0] for row in con.execute(f"select load_id from raw._loads {where}").fetchall()}
