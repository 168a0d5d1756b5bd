"""What a warehouse was built from, so that a night with nothing new does not build it again.

A build's *inputs* are what its marts and checks are a function of: the raw load log and
rejection log (which workbooks count, superseded by which, refused why), the dbt project, the GX
suites, the reading code (ingestion.loader.reader_version) and the deployment's provinces. After a
build passed validation its inputs' digest is recorded in the build (``raw._builds``), so it is
published with it. The next night, after ingest, the staging copy's inputs are digested again: the
same digest means dbt would rebuild the same marts and validation would check the same rows, so
both are skipped, and only the report tables of requests the warehouse does not hold yet (a
year-to-date report's new cut-off) are built.

The marts do not depend on the date they are built (no ``current_date`` in them); the report
tables do depend on their request, which is why those are built per request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os

import duckdb

from pipeline.paths import EXPECTATIONS_DIR

log = logging.getLogger(__name__)

TABLE = "raw._builds"
# The logs whose every row decides what the marts hold. raw._arrivals is not among them: a file
# seen again with the same bytes changes nothing (a re-sent file that becomes current again
# changes raw._loads).
STATE_TABLES = ("raw._loads", "raw._rejections")


def _table_exists(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, _, table = qualified.partition(".")
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
        ).fetchone()[0]
    )


def _files_digest(folder) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def code_digest() -> str:
    """The code and configuration a build is made with: dbt project, GX suites and checks, the
    workbook reader, the deployment's provinces (the build's control.deployment_provinces)."""
    from ingestion.loader import reader_version
    from pipeline.dbt import project_digest
    from reference.deployment import PROVINCES_ENV

    parts = [project_digest(), _files_digest(EXPECTATIONS_DIR), reader_version(), os.environ.get(PROVINCES_ENV, "")]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def inputs_digest(con: duckdb.DuckDBPyConnection, code: str | None = None) -> str:
    """The digest of a build's inputs: its load and rejection logs, row by row, and ``code``."""
    digest = hashlib.sha256((code or code_digest()).encode())
    for table in STATE_TABLES:
        if _table_exists(con, table):
            # every column of every row, in a fixed order: a status, a supersession, a coverage change
            query = f"select md5(coalesce(string_agg(t::varchar, chr(10) order by t::varchar), '')) from {table} as t"
            (rows,) = con.execute(query).fetchone()
            digest.update(f"{table}={rows}".encode())
    return digest.hexdigest()


def last_build(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The last validated build recorded in this warehouse: its inputs digest, run and results file."""
    if not _table_exists(con, TABLE):
        return None
    query = f"select inputs_digest, run_id, results_file, built_at from {TABLE} order by built_at desc limit 1"
    row = con.execute(query).fetchone()
    return None if row is None else dict(zip(("inputs_digest", "run_id", "results_file", "built_at"), row, strict=True))


def record(con: duckdb.DuckDBPyConnection, run_id: str, results_file: str | None) -> str:
    """Record that this build, as it now is, passed validation; returns its inputs digest."""
    digest = inputs_digest(con)
    con.execute("create schema if not exists raw")
    con.execute(
        f"create table if not exists {TABLE} (inputs_digest varchar not null, run_id varchar not null, "
        "results_file varchar, built_at timestamp not null)"
    )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute(f"insert into {TABLE} values (?, ?, ?, ?)", [digest, run_id, results_file, now])
    return digest


def request_key(request: dict) -> tuple[str, str, str]:
    """A report request as the report tables key it: unit code, first and last day (ISO)."""
    return (str(request["reporting_unit_code"]), str(request["period_start"]), str(request["period_end"]))


def missing_requests(con: duckdb.DuckDBPyConnection, requests: list[dict]) -> list[dict]:
    """The requests whose report tables this warehouse does not hold (report.completeness has an
    overall row for every request built, also one owing nothing)."""
    if not _table_exists(con, "report.completeness"):
        return list(requests)
    held = {
        (code, str(start), str(end))
        for code, start, end in con.execute(
            "select distinct reporting_unit_code, period_start, period_end from report.completeness"
        ).fetchall()
    }
    return [r for r in requests if request_key(r) not in held]


def unchanged_since(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The recorded build whose inputs equal this build's, or None when something changed."""
    last = last_build(con)
    if last is None or last["inputs_digest"] != inputs_digest(con):
        return None
    return last
