"""Runs ``dbt build`` (seeds, models and their data tests) against a staging warehouse file."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from pipeline import duckdb_settings
from pipeline.errors import DataCheckFailed
from pipeline.paths import DBT_PROJECT_DIR, DataPaths

log = logging.getLogger(__name__)
# The report a build makes when none is asked: the bundled sample's (the former city, 2023).
DEFAULT_REQUEST = {"reporting_unit_code": "105", "period_start": "2023-01-01", "period_end": "2023-12-31"}
# dbt's selection of the report layer: the requests (control.report_requests) and every model and
# test after them (report.figures, appendices, completeness, series), on the marts as they are.
REPORT_LAYER = "stg_control__report_requests+"
CONTROL_COMMENTS = {
    "report_requests": "Các báo cáo lần dựng gần nhất đã lập (đơn vị, kỳ). / The reports the last build made: "
    "reporting unit code and period, each with the same period of the year before.",
    "deployment_provinces": "Các tỉnh hệ thống phục vụ. / The provinces the deployment serves (LAICHAU_PROVINCES).",
}


def dbt_executable() -> str:
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def run_dbt(paths: DataPaths, build: Path, *args: str, requests: list[dict] | None = None) -> subprocess.CompletedProcess:
    """Run a dbt command on ``build``, asking it for the reports of ``requests`` (see
    write_build_parameters); artefacts and logs go under the data folder.

    dbt runs in the build's folder and the profile names the file relatively: dbt keeps its
    parse of the project (target/partial_parse.msgpack) only while the profile's connection
    (its path among it) and vars are what they were, and every run builds in a folder of its own.
    So the nightly parses the project once, not on every run; a new data folder's first run
    parses it whole (about 7 s)."""
    write_build_parameters(build, requests)
    target = paths.dbt_artifacts / "target"
    command = [
        dbt_executable(),
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(target),
        "--log-path",
        str(paths.dbt_artifacts / "logs"),
    ]
    env = {
        **os.environ,
        "LAICHAU_BUILD_DB": build.name,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        # dbt's file log at its default (debug) level writes every query of every node, ~10 MB a
        # build, and costs 10-15% of a build's time; what a run needs is in the task log (dbt's
        # stdout, below) and run_results.json. DBT_LOG_LEVEL_FILE=debug brings it back.
        "DBT_LOG_LEVEL_FILE": os.environ.get("DBT_LOG_LEVEL_FILE", "warn"),
    }
    log.info("Running %s in %s", " ".join(command), build.parent)
    result = subprocess.run(command, cwd=build.parent, env=env, capture_output=True, text=True, check=False)
    for line in result.stdout.splitlines():
        log.info("dbt | %s", line)
    return result


def write_build_parameters(build: Path, requests: list[dict] | None = None) -> None:
    """Write what dbt is asked to build into the build's ``control`` schema (dbt's source
    ``control``): ``report_requests``, each request (``ReportRequest.as_row`` dicts) with its same
    period of the year before (report_requests.with_previous_year: the overview's comparison
    column), or the bundled sample's report when none is given; and ``deployment_provinces``
    (LAICHAU_PROVINCES), so dbt and ingestion agree on them. Tables rather than dbt vars: a var
    that changes (a year-to-date cut-off moves every night) makes dbt parse the whole project
    again."""
    from pipeline.report_requests import with_previous_year
    from reference.deployment import deployment_provinces

    rows = with_previous_year(requests) if requests else [dict(DEFAULT_REQUEST)]
    provinces = list(dict.fromkeys(deployment_provinces()))  # "12,12" is one province
    with duckdb.connect(str(build), config=duckdb_settings.config()) as con:
        con.execute("create schema if not exists control")
        con.execute(
            "create or replace table control.report_requests "
            "(reporting_unit_code varchar not null, period_start date not null, period_end date not null)"
        )
        con.executemany(
            "insert into control.report_requests values (?, ?, ?)",
            [[r["reporting_unit_code"], r["period_start"], r["period_end"]] for r in rows],
        )
        con.execute("create or replace table control.deployment_provinces (province_code varchar not null)")
        con.executemany("insert into control.deployment_provinces values (?)", [[code] for code in provinces])
        for table, comment in CONTROL_COMMENTS.items():
            con.execute(f"comment on table control.{table} is '{comment}'")


def failed_nodes(paths: DataPaths) -> list[str]:
    """Names and messages of the nodes that failed in dbt's last run."""
    results_file = paths.dbt_artifacts / "target" / "run_results.json"
    if not results_file.exists():
        return []
    results = json.loads(results_file.read_text(encoding="utf-8"))["results"]
    return [
        f"{r['unique_id']}: {r['status']}" + (f" ({r['message']})" if r.get("message") else "")
        for r in results
        if r["status"] in {"error", "fail", "runtime error"}
    ]


def dbt_build(paths: DataPaths, build: Path, requests: list[dict] | None = None, select: str | None = None) -> None:
    """Build every model (or those of ``select``), the report tables of ``requests`` (see
    pipeline.report_requests: dicts with reporting_unit_code, period_start, period_end) among them,
    and run their data tests; a failing model or test stops the run. No requests: ``DEFAULT_REQUEST``
    (105, 2023)."""
    selection = ["--select", select] if select else []
    # dbt's unit tests check the models' logic on fixed inputs, not the night's data: they run in
    # the project's own tests (tests/test_dbt_unit_tests.py), as dbt recommends, not every night.
    result = run_dbt(paths, build, "build", *selection, "--exclude-resource-type", "unit_test", requests=requests)
    if result.returncode != 0:
        failures = failed_nodes(paths)
        if not failures:  # dbt did not get as far as running nodes: a project or machine problem
            raise RuntimeError(f"dbt build could not run:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
        raise DataCheckFailed("dbt build failed; nothing was published:\n- " + "\n- ".join(failures))


def project_digest(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """A digest of what the docs site shows: every file of the dbt project (models, macros, seeds,
    tests, .yml) and the dbt versions. The same digest means the same site."""
    digest = hashlib.sha256()
    skip = {"target", "logs", "dbt_packages"}
    for path in sorted(p for p in project_dir.rglob("*") if p.is_file() and not skip & set(p.relative_to(project_dir).parts)):
        digest.update(str(path.relative_to(project_dir)).encode())
        digest.update(path.read_bytes())
    for package in ("dbt-core", "dbt-duckdb"):
        digest.update(f"{package}={importlib.metadata.version(package)}".encode())
    return digest.hexdigest()[:16]


def dbt_docs(paths: DataPaths, build: Path, requests: list[dict] | None = None) -> Path:
    """The dbt docs site of the warehouse as one self-contained page: models, columns, tests and
    lineage, with the catalogue of column types (no row data). Made again only when the project
    changed (``project_digest``): a nightly on the same project keeps the site it has, saving a
    dbt process that would parse the whole project again."""
    site = paths.dbt_artifacts / "docs" / "index.html"
    stamp = site.with_name("project-digest.txt")
    digest = project_digest()
    if site.exists() and stamp.exists() and stamp.read_text(encoding="utf-8").strip() == digest:
        log.info("dbt docs are current for project %s: not generated again", digest)
        return site
    result = run_dbt(paths, build, "docs", "generate", "--static", requests=requests)
    if result.returncode != 0:
        raise RuntimeError(f"dbt docs generate failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
    site.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(paths.dbt_artifacts / "target" / "static_index.html", site)
    stamp.write_text(digest + "\n", encoding="utf-8")
    return site
