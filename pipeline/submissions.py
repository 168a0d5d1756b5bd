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

import duckdb

# Added to the loader's raw._loads by ensure_load_columns until the loader's DDL has them itself;
# the loader keeps the same names and types.
LOAD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("arrived_at", "TIMESTAMP"),
    ("status", "VARCHAR DEFAULT 'accepted'"),
    ("rejected_at", "TIMESTAMP"),
    ("rejection_json", "VARCHAR"),
    ("skipped_rows", "INTEGER"),
    ("reader_version", "VARCHAR"),
)
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


def ensure_load_columns(con: duckdb.DuckDBPyConnection) -> None:
    """Give an existing raw._loads the submission-state columns (idempotent); existing loads are
    accepted. Does nothing before the loader has created the table."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = '_loads'"
    ).fetchone()[0]
    if not exists:
        return
    for name, kind in LOAD_COLUMNS:
        con.execute(f"ALTER TABLE raw._loads ADD COLUMN IF NOT EXISTS {name} {kind}")
    con.execute(f"UPDATE raw._loads SET status = '{ACCEPTED}' WHERE status IS NULL")


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
