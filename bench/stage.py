"""One stage of the nightly in a fresh interpreter, as an Airflow task runs: ``python -m bench.stage``.

``bench.nightly`` runs the DAG's tasks one after the other, each in its own process, passing each
the results (XCom) of the stages before it through JSON files in a state folder. The stage calls
the same public function the DAG task calls (``pipeline.stages``), so whatever the DAG's stages
become, the benchmark measures them. Besides the stages, the two floors run here too: ``floor_read``
(python-calamine reads every workbook's data sheet, nothing else) and ``floor_sql`` (one
hand-written DuckDB query over the published warehouse's raw tables for the same figures the
report computes).

The child prints one JSON object: its result, the wall time and CPU of its work, and the peak
resident memory of itself and of the processes it started and reaped (dbt, the reading server and
its children), from ``getrusage``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import time
from pathlib import Path

STAGES = ("plan_reports", "discover", "take_run_lock", "ingest", "dbt_build", "validate", "publish", "report")
# The read-ahead tasks of a DAG that parses in mapped tasks before ingest (pipeline.stages.plan_parse
# and parse_batch), run when pipeline.stages has them: see dag_stages().
PARSE_STAGES = ("plan_parse", "parse_batch")
FLOORS = ("floor_read", "floor_sql")
# The report figures the hand-written query computes, all of scope `total`.
FLOOR_FIGURES = ("reception.visits", "reception.people", "petition.received", "petition.resolved", "petition.pending")


def dag_stages() -> tuple[str, ...]:
    """The DAG's tasks in order; ``parse_batch`` stands for all its mapped instances."""
    from pipeline import stages

    if hasattr(stages, "plan_parse") and hasattr(stages, "parse_batch"):
        at = STAGES.index("ingest")
        return (*STAGES[:at], *PARSE_STAGES, *STAGES[at:])
    return STAGES


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_rss_mb() -> dict[str, float]:
    """Peak resident set (MiB) of this process and of the largest child it reaped (Linux: KiB)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"self": own.ru_maxrss / 1024, "children": children.ru_maxrss / 1024}


def _load(state: Path, name: str) -> dict | list:
    return json.loads((state / f"{name}.json").read_text(encoding="utf-8"))


def run_stage(
    name: str, state: Path, run_id: str, period: tuple[str, str], reporting_units: str, batch: int | None = None
) -> dict | list:
    """The DAG task ``name``, given the XCom of the tasks before it (files in ``state``)."""
    from pipeline import report_requests, runlock, stages
    from pipeline.paths import DataPaths

    paths = DataPaths.from_env()
    if name == "plan_reports":
        planned = report_requests.plan(reporting_units, period[0], period[1], dt.date.today())
        return [r.as_dict() for r in planned]
    if name == "discover":
        return stages.discover(paths)
    if name == "take_run_lock":
        runlock.acquire(paths, run_id, stage="take_run_lock")
        return run_id
    if name == "plan_parse":
        return stages.plan_parse(paths, run_id)
    if name == "parse_batch":
        return stages.parse_batch(paths, run_id, _load(state, "plan_parse")[batch])
    if name == "ingest":
        return stages.ingest(paths, run_id)
    planned = _load(state, "plan_reports")
    if name == "dbt_build":
        return stages.build_models(paths, _load(state, "ingest")["build"], planned)
    if name == "validate":
        built = _load(state, "dbt_build")
        return stages.validate(paths, built["build"], run_id, planned, built)
    if name == "publish":
        return stages.publish_warehouse(paths, _load(state, "validate")["build"])
    if name == "report":
        return stages.report(paths, planned, run_id, _load(state, "ingest"), _load(state, "validate"))
    raise ValueError(name)


def floor_read(landing: Path) -> dict:
    """The least any ingest must do: calamine reads each workbook's data sheet into Python values."""
    from python_calamine import CalamineWorkbook

    from ingestion.registry import load_sources

    sources = load_sources()
    cells = files = 0
    for path in sorted(p for p in landing.glob("*.xlsx") if not p.name.startswith((".", "~$"))):
        source = next(s for s in sources if s.matches(path.name))
        grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(source.sheet).to_python()
        cells += sum(len(row) for row in grid)
        files += 1
    return {"files": files, "cells": cells}


# The same figures as report.figures (scope total) for each province of the old list, written by
# hand on the raw tables: a register's rows count when its load is not superseded, its unit is a
# commune of the province (the national reference's province code) and its date is in the period;
# a petition is resolved by the cut-off when its status says so and it was resolved by then.
FLOOR_SQL = """
with
units as (
    select unit_id, province_code
    from read_csv(?, header = true, all_varchar = true)
),
current_loads as (
    select load_id from raw._loads where superseded_by is null
),
receptions as (
    select units.province_code,
        count(*) as visits,
        coalesce(sum(people_count), 0) as people
    from raw.citizen_reception as r
    join units on units.unit_id = r._unit_id
    where r._load_id in (select load_id from current_loads)
        and r.received_on between ?::date and ?::date
    group by all
),
petitions as (
    select units.province_code,
        count(*) as received,
        count(*) filter (where status = 'resolved' and coalesce(resolved_on, received_on) <= ?::date) as resolved
    from raw.petition_handling as p
    join units on units.unit_id = p._unit_id
    where p._load_id in (select load_id from current_loads)
        and p.received_on between ?::date and ?::date
    group by all
)
select coalesce(receptions.province_code, petitions.province_code) as province_code,
    coalesce(visits, 0), coalesce(people, 0), coalesce(received, 0), coalesce(resolved, 0),
    coalesce(received, 0) - coalesce(resolved, 0)
from receptions full join petitions using (province_code)
order by 1
"""


def floor_sql(warehouse: Path, period: tuple[str, str]) -> dict:
    """One query over the raw tables for the figures FLOOR_FIGURES of every province; by province code."""
    import duckdb

    from reference.admin_units import SEED_DIR, SEED_PREFIX

    start, end = period
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(FLOOR_SQL, [str(SEED_DIR / f"{SEED_PREFIX}admin_units.csv"), start, end, end, start, end]).fetchall()
    return {code: dict(zip(FLOOR_FIGURES, map(int, values), strict=True)) for code, *values in rows}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=[*STAGES, *PARSE_STAGES, *FLOORS])
    parser.add_argument("--batch", type=int, help="parse_batch: the index of its batch in plan_parse's list")
    parser.add_argument("--state", type=Path, required=True, help="folder of the run's stage results (XCom)")
    parser.add_argument("--run-id", default="bench")
    parser.add_argument("--period", nargs=2, default=("2023-01-01", "2023-12-31"))
    parser.add_argument("--reporting-units", default="", help="official codes, comma separated")
    parser.add_argument("--landing", type=Path, help="floor_read: the folder of workbooks")
    parser.add_argument("--warehouse", type=Path, help="floor_sql: the published warehouse")
    args = parser.parse_args(argv)
    period = tuple(args.period)
    start_cpu, started = cpu_seconds(), time.perf_counter()
    if args.name == "floor_read":
        result = floor_read(args.landing)
    elif args.name == "floor_sql":
        result = floor_sql(args.warehouse, period)
    else:
        result = run_stage(args.name, args.state, args.run_id, period, args.reporting_units, args.batch)
    wall, end_cpu = time.perf_counter() - started, cpu_seconds()
    if args.name in (*STAGES, *PARSE_STAGES):
        suffix = f"-{args.batch}" if args.name == "parse_batch" else ""
        (args.state / f"{args.name}{suffix}.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    out = {"start_cpu": start_cpu, "work_cpu": end_cpu - start_cpu, "work_wall": wall, "peak_rss_mb": peak_rss_mb()}
    if args.name in FLOORS:
        out["result"] = result
    sys.stdout.write("\n" + json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
