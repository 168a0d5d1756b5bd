"""One measurement, run in a fresh interpreter by ``bench.ingest``: ``python -m bench.measure floor|ingest``.

A fresh process per measurement keeps imports, caches and DuckDB's memory of one run out of the
next. The child reports the CPU it had used when the measured work began (interpreter start and
imports); the parent subtracts that from everything the process (and any worker processes it
reaped) used, read with ``getrusage(RUSAGE_CHILDREN)``, so parsing in child processes counts too.
Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

# A fixed key of the length the pipeline requires; pseudonyms of synthetic people are worthless.
BENCH_KEY = b"bench-key-" + b"0123456789abcdef" * 3


def cpu_seconds() -> float:
    """User + system CPU of this process and of the children it has reaped so far."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def workbooks(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.xlsx") if not p.name.startswith((".", "~$")))


def floor(directory: Path, sheet: str) -> dict:
    """The least any ingest must do: calamine reads the data sheet of each workbook into Python values."""
    from python_calamine import CalamineWorkbook

    paths = workbooks(directory)
    start_cpu, started = cpu_seconds(), time.perf_counter()
    cells = 0
    for path in paths:
        grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
        cells += sum(len(row) for row in grid)
    wall, end_cpu = time.perf_counter() - started, cpu_seconds()
    return {"start_cpu": start_cpu, "work_cpu_in_process": end_cpu - start_cpu, "wall": wall, "files": len(paths), "cells": cells}


def ingest(directory: Path, workdir: Path, expected_rows: int) -> dict:
    """``ingest_landing`` of the folder into a fresh DuckDB file, then a check that every row loaded."""
    import duckdb

    from ingestion.loader import ingest_landing
    from ingestion.sandbox import stop_readers

    database = workdir / "warehouse.duckdb"
    start_cpu, started = cpu_seconds(), time.perf_counter()
    con = duckdb.connect(str(database))
    report = ingest_landing(con, directory, workdir / "quarantine", BENCH_KEY)
    con.close()
    stop_readers()  # reaps the reading server, so its children's CPU is counted here
    wall, end_cpu = time.perf_counter() - started, cpu_seconds()

    statuses = {f.status for f in report.files}
    loaded = sum(f.rows for f in report.files)
    with duckdb.connect(str(database), read_only=True) as check:
        stored = check.execute("SELECT count(*) FROM raw.citizen_reception").fetchone()[0]
    if statuses != {"loaded"} or loaded != expected_rows or stored != expected_rows:
        errors = [e.render() for f in report.files for e in f.errors][:5]
        raise SystemExit(
            f"ingest did not load the benchmark workbooks whole: statuses {sorted(statuses)}, "
            f"{loaded} rows reported, {stored} stored, {expected_rows} expected; first errors: {errors}"
        )
    return {
        "start_cpu": start_cpu,
        "work_cpu_in_process": end_cpu - start_cpu,
        "wall": wall,
        "files": len(report.files),
        "rows": loaded,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["floor", "ingest"])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--sheet", default="Sổ tiếp công dân")
    parser.add_argument("--workdir", type=Path, help="empty folder for the DuckDB file and quarantine (ingest)")
    parser.add_argument("--rows", type=int, default=0, help="rows the folder holds (ingest checks they all loaded)")
    args = parser.parse_args(argv)
    if args.kind == "floor":
        result = floor(args.directory, args.sheet)
    else:
        if args.workdir is None:
            parser.error("ingest needs --workdir")
        result = ingest(args.directory, args.workdir, args.rows)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
