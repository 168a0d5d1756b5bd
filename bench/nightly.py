"""The nightly at national scale against its floors: ``make bench`` (``python -m bench.nightly``).

Targets (docs/performance.md): 1M register rows over thousands of workbooks, a full nightly in at
most 10 minutes with at most 1 GB peak memory on a 2-core machine, and a night with nothing new
(the same landing folder again) in at most 10% of the full night's time.

1. A landing set of citizen-reception and petition-handling registers of communes from the
   national reference (``bench.national``), generated once in parallel and cached.
2. The nightly as the product runs it: each DAG task in a fresh process (``bench.stage``), in the
   DAG's order, with the deployment's provinces set so every commune is accepted; per stage the
   wall time, the CPU of the process and everything it started (dbt, the reading server and its
   children) and the peak resident memory of the process and of its largest child. Then the same
   nightly again with nothing changed.
3. The floors, measured in the same run: (a) python-calamine reading every workbook's data sheet;
   (b) one hand-written DuckDB query over the published warehouse's raw tables computing the
   figures of ``bench.stage.FLOOR_FIGURES`` for every province reported on, whose numbers must
   equal the report's (``report.figures``).

Prints a table and the ratios; ``--json FILE`` writes every measurement; ``--check`` exits 1 when a
target is missed or the floor's figures differ from the report's. A benchmark, not a test: without
``--check`` it exits 0 whatever it measures (a figure mismatch is still printed loudly).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench import national
from bench.measure import BENCH_KEY
from bench.stage import FLOOR_FIGURES, dag_stages
from pipeline.paths import REPO_ROOT, DataPaths

DEFAULT_ROWS = 1_000_000
DEFAULT_WORKBOOKS = 3_000
DEFAULT_PROVINCES = "8"  # the first 8 provinces of the 2025 list: 11 old provinces, 1,934 communes
PERIOD = (f"{national.YEAR}-01-01", f"{national.YEAR}-12-31")
MAX_NO_CHANGE_RATIO = 0.10
MAX_FULL_SECONDS = 600.0  # at 1M rows or more
TARGET_ROWS = 1_000_000
MAX_PEAK_MB = 1024.0


def bench_root() -> Path:
    return DataPaths.from_env().root / "bench"


def child_env(data_dir: Path, provinces: list[str]) -> dict[str, str]:
    """The environment of a nightly's tasks: its own data folder, the deployment's provinces, a key."""
    env = {k: v for k, v in os.environ.items() if k != "LAICHAU_PSEUDONYM_KEY_FILE"}
    env.update(
        {
            "LAICHAU_DATA_DIR": str(data_dir),
            "LAICHAU_PROVINCES": ",".join(provinces),
            "LAICHAU_PSEUDONYM_KEY": BENCH_KEY.decode(),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
        }
    )
    return env


def _start(name: str, env: dict[str, str], args: tuple[str, ...]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bench.stage", name, *args],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(name: str, process: subprocess.Popen) -> dict:
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"stage {name} failed ({process.returncode}):\n{stdout[-2000:]}\n{stderr[-4000:]}")
    return json.loads(stdout.strip().splitlines()[-1])


def run_children(name: str, env: dict[str, str], arg_lists: list[tuple[str, ...]], jobs: int = 1) -> dict:
    """``bench.stage name`` in fresh interpreters, one per argument list, at most ``jobs`` at a
    time (mapped task instances run side by side): the wall time of them all, the CPU of every
    process (start-up and imports included, as a task pays them) measured from here, the largest
    peak memory, and the work each reported."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    reports, running = [], []
    for args in arg_lists:
        if len(running) >= jobs:
            reports.append(_finish(name, running.pop(0)))
        running.append(_start(name, env, args))
    reports += [_finish(name, process) for process in running]
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    measured = {
        "wall": wall,
        "cpu": cpu,
        "peak_rss_mb": max((max(r["peak_rss_mb"].values()) for r in reports), default=0.0),
        "work_wall": sum(r["work_wall"] for r in reports),
        "work_cpu": sum(r["work_cpu"] for r in reports),
        "processes": len(reports),
    }
    if len(reports) == 1 and "result" in reports[0]:
        measured["result"] = reports[0]["result"]
    return measured


def run_child(name: str, env: dict[str, str], *args: str) -> dict:
    """One ``bench.stage name`` in a fresh interpreter (see run_children)."""
    return run_children(name, env, [args])


def nightly(label: str, run_id: str, work: Path, env: dict[str, str], reporting_units: str) -> dict:
    """Every DAG task in order, each in a fresh process; their measurements and the run's totals."""
    state = work / "state" / label
    state.mkdir(parents=True, exist_ok=True)
    measured = {}
    common = ("--state", str(state), "--run-id", run_id, "--period", *PERIOD, "--reporting-units", reporting_units)
    for stage in dag_stages():
        if stage == "parse_batch":  # the mapped tasks, side by side as the executor's slots allow
            batches = json.loads((state / "plan_parse.json").read_text(encoding="utf-8"))
            arg_lists = [(*common, "--batch", str(index)) for index in range(len(batches))]
            measured[stage] = run_children(stage, env, arg_lists, jobs=os.cpu_count() or 1)
        else:
            measured[stage] = run_child(stage, env, *common)
        print(f"  {label} {stage:<13} {measured[stage]['wall']:8.2f} s wall {measured[stage]['cpu']:8.2f} s CPU "
              f"{measured[stage]['peak_rss_mb']:7.0f} MB", flush=True)  # fmt: skip
    results = {
        stage: json.loads((state / f"{stage}.json").read_text(encoding="utf-8")) for stage in ("ingest", "dbt_build", "validate")
    }
    return {
        "stages": measured,
        "wall": sum(m["wall"] for m in measured.values()),
        "cpu": sum(m["cpu"] for m in measured.values()),
        "peak_rss_mb": max(m["peak_rss_mb"] for m in measured.values()),
        "loaded": len(results["ingest"].get("loaded", [])),
        "unchanged": len(results["ingest"].get("unchanged", [])),
        "quarantined": len(results["ingest"].get("quarantined", [])),
        "rejected": len(results["validate"].get("rejected", [])),
        "unchanged_since": results["dbt_build"].get("unchanged_since"),
    }


def report_figures(warehouse: Path, requests: list[dict]) -> dict[str, dict[str, int]]:
    """FLOOR_FIGURES of scope total of each request, from the published report.figures."""
    import duckdb

    found: dict[str, dict[str, int]] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for request in requests:
            rows = con.execute(
                "select key, value from report.figures where reporting_unit_code = ? and period_start = ? "
                "and period_end = ? and scope = 'total' and key in (select unnest(?::varchar[]))",
                [request["reporting_unit_code"], request["period_start"], request["period_end"], list(FLOOR_FIGURES)],
            ).fetchall()
            found[request["reporting_unit_code"]] = {key: int(value) for key, value in rows}
    return found


def link_landing(source: Path, landing: Path) -> int:
    """The cached workbooks into a fresh landing folder: hard links (no copy of a million rows),
    which ingestion sees as ordinary files; a copy where links are not possible."""
    landing.mkdir(parents=True)
    count = 0
    for path in sorted(source.glob("*.xlsx")):
        try:
            os.link(path, landing / path.name)
        except OSError:
            shutil.copy2(path, landing / path.name)
        count += 1
    return count


def table(full: dict, again: dict) -> str:
    header = (
        f"{'stage':<13} {'full wall s':>11} {'CPU s':>8} {'peak MB':>8}   {'no-change wall s':>16} {'CPU s':>8} {'peak MB':>8}"
    )
    lines = [header, "-" * len(header)]
    for stage in full["stages"]:
        a, b = full["stages"][stage], again["stages"][stage]
        lines.append(
            f"{stage:<13} {a['wall']:>11.2f} {a['cpu']:>8.2f} {a['peak_rss_mb']:>8.0f}   "
            f"{b['wall']:>16.2f} {b['cpu']:>8.2f} {b['peak_rss_mb']:>8.0f}"
        )
    lines.append("-" * len(header))
    lines.append(
        f"{'total':<13} {full['wall']:>11.2f} {full['cpu']:>8.2f} {full['peak_rss_mb']:>8.0f}   "
        f"{again['wall']:>16.2f} {again['cpu']:>8.2f} {again['peak_rss_mb']:>8.0f}"
    )
    return "\n".join(lines)


def failures(results: dict) -> list[str]:
    found = []
    if results["figures"]["mismatches"]:
        found.append(f"the hand-written SQL's figures differ from report.figures: {results['figures']['mismatches']}")
    ratio = results["ratios"]["no_change_vs_full"]
    if ratio > MAX_NO_CHANGE_RATIO:
        found.append(f"the no-change run took {ratio:.0%} of the full run (at most {MAX_NO_CHANGE_RATIO:.0%})")
    if results["rows"] >= TARGET_ROWS and results["full"]["wall"] > MAX_FULL_SECONDS:
        found.append(f"the full nightly took {results['full']['wall']:.0f} s (at most {MAX_FULL_SECONDS:.0f} s at ≥1M rows)")
    peak = max(results["full"]["peak_rss_mb"], results["no_change"]["peak_rss_mb"])
    if peak > MAX_PEAK_MB:
        found.append(f"peak memory {peak:.0f} MB (at most {MAX_PEAK_MB:.0f} MB)")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help=f"register rows in all (default {DEFAULT_ROWS:,})")
    parser.add_argument("--workbooks", type=int, default=DEFAULT_WORKBOOKS, help=f"workbooks (default {DEFAULT_WORKBOOKS:,})")
    parser.add_argument(
        "--provinces",
        default=DEFAULT_PROVINCES,
        help="a count of 2025 provinces, Lai Châu first (default %(default)s), or codes with commas: '12,01' or '01,'",
    )
    parser.add_argument("--seed", default=str(national.DEFAULT_SEED), help="seed of the generated registers")
    parser.add_argument("--regenerate", action="store_true", help="write the landing set again even if cached")
    parser.add_argument("--jobs", type=int, default=None, help="processes writing the landing set (default: the cores)")
    parser.add_argument("--json", type=Path, help="write the measurements to this file")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed or the figures differ")
    args = parser.parse_args(argv)

    provinces = national.parse_provinces(args.provinces)
    root = bench_root()
    root.mkdir(parents=True, exist_ok=True)
    source, plans, seconds = national.landing_set(
        root, args.rows, args.workbooks, provinces, args.seed, args.regenerate, args.jobs
    )
    state = f"generated in {seconds:.1f} s (not counted)" if seconds is not None else "cached"
    reported = sorted({p.province_code for p in plans})
    print(
        f"landing set {source}: {args.rows:,} rows in {args.workbooks:,} workbooks ({', '.join(national.SOURCES)}), "
        f"{len({p.unit_id for p in plans}):,} communes of provinces {','.join(provinces)} — {state}",
        flush=True,
    )

    work = root / "nightly"
    shutil.rmtree(work, ignore_errors=True)
    data_dir = work / "data"
    link_landing(source, DataPaths(data_dir).landing)
    env = child_env(data_dir, provinces)
    units = ",".join(reported)
    print(f"reports: {units} (old-list provinces), {PERIOD[0]} to {PERIOD[1]}", flush=True)

    full = nightly("full", "bench-full", work, env, units)
    again = nightly("no-change", "bench-no-change", work, env, units)
    floor_read = run_child("floor_read", env, "--state", str(work), "--landing", str(DataPaths(data_dir).landing))
    print(f"  floor: calamine read {floor_read['work_wall']:.2f} s wall, {floor_read['work_cpu']:.2f} s CPU", flush=True)
    warehouse = DataPaths(data_dir).warehouse
    floor_sql = run_child("floor_sql", env, "--state", str(work), "--warehouse", str(warehouse), "--period", *PERIOD)
    print(f"  floor: hand-written SQL {floor_sql['work_wall']:.2f} s wall, {floor_sql['work_cpu']:.2f} s CPU", flush=True)

    requests = json.loads((work / "state" / "full" / "plan_reports.json").read_text(encoding="utf-8"))
    from_report = report_figures(warehouse, requests)
    from_sql = floor_sql.pop("result")
    floor_read.pop("result", None)
    mismatches = {
        code: {"report": from_report.get(code), "sql": from_sql.get(code)}
        for code in sorted(set(from_report) | set(from_sql))
        if from_report.get(code) != from_sql.get(code)
    }
    ingest = full["stages"]["ingest"]
    floors_wall = floor_read["work_wall"] + floor_sql["work_wall"]
    results = {
        "rows": args.rows,
        "workbooks": args.workbooks,
        "provinces": provinces,
        "communes": len({p.unit_id for p in plans}),
        "sources": list(national.SOURCES),
        "landing": str(source),
        "generated_seconds": seconds,
        "full": full,
        "no_change": again,
        "floors": {"calamine_read": floor_read, "hand_written_sql": floor_sql},
        "figures": {"keys": list(FLOOR_FIGURES), "report": from_report, "sql": from_sql, "mismatches": mismatches},
        "ratios": {
            "ingest_vs_calamine_cpu": ingest["cpu"] / floor_read["work_cpu"],
            "ingest_vs_calamine_wall": ingest["wall"] / floor_read["work_wall"],
            "full_vs_floors_wall": full["wall"] / floors_wall,
            "no_change_vs_full": again["wall"] / full["wall"],
        },
    }
    ratios = results["ratios"]
    print()
    print(f"Nightly at national scale: {args.rows:,} rows, {args.workbooks:,} workbooks, {results['communes']:,} communes")
    print(
        f"(wall and CPU per task process: start-up included; CPU and peak memory include dbt and the reading "
        f"processes; full run loaded {full['loaded']} workbook(s), quarantined {full['quarantined']}, rejected "
        f"{full['rejected']}; no-change run loaded {again['loaded']}, dbt {'skipped' if again['unchanged_since'] else 'ran'})"
    )
    print(table(full, again))
    print(
        f"floors: calamine read {floor_read['work_wall']:.2f} s wall / {floor_read['work_cpu']:.2f} s CPU; "
        f"hand-written SQL {floor_sql['work_wall']:.2f} s wall / {floor_sql['work_cpu']:.2f} s CPU"
    )
    print(
        f"ratios: ingest / calamine read {ratios['ingest_vs_calamine_cpu']:.1f}× CPU "
        f"({ratios['ingest_vs_calamine_wall']:.1f}× wall); "
        f"full nightly / (calamine read + SQL) {ratios['full_vs_floors_wall']:.1f}× wall; "
        f"no-change / full {ratios['no_change_vs_full']:.1%} (target ≤ {MAX_NO_CHANGE_RATIO:.0%})"
    )
    peak = max(full["peak_rss_mb"], again["peak_rss_mb"])
    print(
        f"peak memory {peak:.0f} MB (target ≤ {MAX_PEAK_MB:.0f} MB); "
        f"full nightly {full['wall']:.0f} s (target ≤ {MAX_FULL_SECONDS:.0f} s at 1M rows)"
    )
    if mismatches:
        print("!" * 78)
        print(f"FIGURES DIFFER: the hand-written SQL and report.figures disagree for {', '.join(mismatches)}:")
        for code, pair in mismatches.items():
            print(f"  {code}: report {pair['report']} / SQL {pair['sql']}")
        print("!" * 78)
    else:
        print(
            f"figures: the hand-written SQL equals report.figures for {', '.join(FLOOR_FIGURES)} in {len(from_report)} report(s)"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    (root / "nightly-results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    if args.check:
        problems = failures(results)
        for problem in problems:
            print(f"CHECK FAILED: {problem}")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
