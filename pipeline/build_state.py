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
(its rows of the load log and of its landing table) is recorded beside the build, in
``raw._build_registers``, with the digest of the code that built the marts; a register whose part
is the same, built by the same code, holds the same rows in force, and dbt builds what the changed
registers feed, not every register's marts (``changed_registers``, pipeline.dbt.after_new_loads).
A run records only marts it built itself: a reports-only run (the laichau_reports DAG) records
nothing. ``LAICHAU_FULL_BUILD=1`` makes a night build the whole project whatever was recorded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from pathlib import Path

import duckdb

from pipeline.paths import EXPECTATIONS_DIR

log = logging.getLogger(__name__)

TABLE = "raw._builds"
# each register's part of a recorded build's inputs (a table of its own: raw._builds keeps the
# columns earlier versions of the pipeline insert, so going back to one still records its builds)
REGISTERS_TABLE = "raw._build_registers"
FULL_BUILD_ENV = "LAICHAU_FULL_BUILD"
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
    workbook reader, the deployment's provinces (the build's control.deployment_provinces, as
    resolved: the variable or the default), DuckDB's version, and the pipeline's modules that write
    the build's parameters and choose what dbt builds (pipeline/dbt.py, this module)."""
    import duckdb as duckdb_package

    from ingestion.loader import reader_version
    from pipeline.dbt import project_digest
    from reference.deployment import deployment_provinces

    selection = hashlib.sha256()
    for module in ("dbt.py", "build_state.py"):
        selection.update((Path(__file__).parent / module).read_bytes())
    parts = [
        project_digest(),
        _files_digest(EXPECTATIONS_DIR),
        reader_version(),
        ",".join(deployment_provinces()),
        duckdb_package.__version__,
        selection.hexdigest(),
    ]
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
    added with a load: the count is a cheap guard against a table changed by other means, not a
    digest of its rows)."""
    if not _table_exists(con, "raw._loads"):
        return {}
    rows = con.execute(
        "select source_id, md5(string_agg(to_json(t)::varchar, chr(10) order by load_id)) from raw._loads as t group by source_id"
    ).fetchall()
    digests = {}
    for source, loads in rows:
        table = f"raw.{source}"
        count = con.execute(f'select count(*) from raw."{source}"').fetchone()[0] if _table_exists(con, table) else None
        digests[source] = f"{loads}:{count}"
    return digests


def last_build(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The last validated build recorded in this warehouse: its inputs digest, run and results file."""
    if not _table_exists(con, TABLE):
        return None
    query = f"select inputs_digest, run_id, results_file, built_at from {TABLE} order by built_at desc limit 1"
    row = con.execute(query).fetchone()
    return None if row is None else dict(zip(("inputs_digest", "run_id", "results_file", "built_at"), row, strict=True))


def record(con: duckdb.DuckDBPyConnection, run_id: str, results_file: str | None, code: str | None = None) -> str:
    """Record that this build, as it now is, passed validation, its marts built by ``code`` (the
    digest build_models took before dbt ran; default: this process's code); returns its inputs
    digest."""
    code = code or code_digest()
    digest = inputs_digest(con, code)
    con.execute("create schema if not exists raw")
    con.execute(
        f"create table if not exists {TABLE} (inputs_digest varchar not null, run_id varchar not null, "
        "results_file varchar, built_at timestamp not null)"
    )
    con.execute(
        f"create table if not exists {REGISTERS_TABLE} (run_id varchar not null, built_at timestamp not null, "
        "code_digest varchar not null, register_digests varchar not null)"
    )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute(f"insert into {TABLE} values (?, ?, ?, ?)", [digest, run_id, results_file, now])
    registers = json.dumps(register_digests(con), sort_keys=True)
    con.execute(f"insert into {REGISTERS_TABLE} values (?, ?, ?, ?)", [run_id, now, code, registers])
    return digest


def changed_registers(con: duckdb.DuckDBPyConnection, code: str | None = None) -> set[str] | None:
    """The registers whose part of the inputs differs from the last validated build's, when its
    marts were built by the same code as this night's (``code``; default: this process's): the
    build, a copy of the warehouse that build published, holds every other register's marts as
    this night would build them. None when the whole project must be built: no build recorded,
    the last one recorded without its registers (by an earlier version), other code, or
    ``LAICHAU_FULL_BUILD=1``."""
    last = last_build(con)
    if last is None or os.environ.get(FULL_BUILD_ENV, "").strip() not in {"", "0"}:
        return None
    if not _table_exists(con, REGISTERS_TABLE):
        return None
    row = con.execute(
        f"select code_digest, register_digests from {REGISTERS_TABLE} where run_id = ? and built_at = ?",
        [last["run_id"], last["built_at"]],
    ).fetchone()
    if row is None or row[0] != (code or code_digest()):
        return None
    before, now = json.loads(row[1]), register_digests(con)
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


def unchanged_since(con: duckdb.DuckDBPyConnection, code: str | None = None) -> dict | None:
    """The recorded build whose inputs equal this build's (its code: ``code``, default this
    process's), or None when something changed."""
    last = last_build(con)
    if last is None or last["inputs_digest"] != inputs_digest(con, code):
        return None
    return last
