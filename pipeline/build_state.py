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

A night with new files is told which registers they changed: each register's part of the inputs
(its rows of the load log and of its landing table) is recorded with the code's digest, and a
register whose part is the same, built by the same code, holds the same rows in force; dbt then
builds what the changed registers feed, not every register's marts (``changed_registers``,
pipeline.dbt.after_new_loads).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
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


def register_digests(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Each register's part of a build's inputs, by its id (raw._loads.source_id, the name of its
    landing table): a digest of its rows of the load log, every column (statuses and
    supersessions among them), and the number of rows of its landing table (rows are only ever
    added with a load; the count catches a table changed by other means)."""
    if not _table_exists(con, "raw._loads"):
        return {}
    rows = con.execute(
        "select source_id, md5(string_agg(t::varchar, chr(10) order by t::varchar)) from raw._loads as t group by source_id"
    ).fetchall()
    digests = {}
    for source, loads in rows:
        table = f"raw.{source}"
        count = con.execute(f'select count(*) from raw."{source}"').fetchone()[0] if _table_exists(con, table) else None
        digests[source] = f"{loads}:{count}"
    return digests


def last_build(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The last validated build recorded in this warehouse: its inputs digest, run, results file,
    and (recorded since builds are narrowed to the registers that changed) its code's digest and
    its registers' digests (JSON). A warehouse recorded before has None for the last two."""
    if not _table_exists(con, TABLE):
        return None
    cursor = con.execute(f"select * from {TABLE} order by built_at desc limit 1")
    row = cursor.fetchone()
    if row is None:
        return None
    found = dict(zip((column[0] for column in cursor.description), row, strict=True))
    names = ("inputs_digest", "run_id", "results_file", "built_at", "code_digest", "register_digests")
    return {name: found.get(name) for name in names}


def record(con: duckdb.DuckDBPyConnection, run_id: str, results_file: str | None) -> str:
    """Record that this build, as it now is, passed validation; returns its inputs digest."""
    code = code_digest()
    digest = inputs_digest(con, code)
    con.execute("create schema if not exists raw")
    con.execute(
        f"create table if not exists {TABLE} (inputs_digest varchar not null, run_id varchar not null, "
        "results_file varchar, built_at timestamp not null)"
    )
    con.execute(f"alter table {TABLE} add column if not exists code_digest varchar")
    con.execute(f"alter table {TABLE} add column if not exists register_digests varchar")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute(
        f"insert into {TABLE} (inputs_digest, run_id, results_file, built_at, code_digest, register_digests) "
        "values (?, ?, ?, ?, ?, ?)",
        [digest, run_id, results_file, now, code, json.dumps(register_digests(con), sort_keys=True)],
    )
    return digest


def changed_registers(con: duckdb.DuckDBPyConnection) -> set[str] | None:
    """The registers whose part of the inputs differs from the last validated build's, when that
    build was made by the same code (dbt project, checks, reader, provinces): the build, a copy of
    the warehouse it published, holds every other register's marts as this night would build
    them. None when the whole project must be built: no build recorded, one recorded before
    registers were, or other code."""
    last = last_build(con)
    if last is None or last["register_digests"] is None or last["code_digest"] != code_digest():
        return None
    before, now = json.loads(last["register_digests"]), register_digests(con)
    return {source for source in before.keys() | now.keys() if before.get(source) != now.get(source)}


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
