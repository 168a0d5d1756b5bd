"""Ingest speed against the floor of a raw python-calamine read: ``make bench-ingest``.

The target (docs/performance.md): at 100k rows, ingesting a register costs at most 3× the CPU
of calamine merely reading it, and 10× the rows costs at most 11× the CPU (linear). Absolute
seconds depend on the machine; the ratio to the floor measured on the same machine, the same
files and at the same moment does much less, which is why both are measured side by side.

For each layout (rows × workbooks) the registers are generated once and cached under
``$LAICHAU_DATA_DIR/bench/``; then, ``--repeat`` times, a fresh interpreter reads them with
calamine (the floor) and another ingests them into a fresh DuckDB file (``bench.measure``).
The table shows medians. This is a benchmark, not a test: it exits 0 whatever it measures,
unless ``--check`` is given.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.reception import DEFAULT_SEED, SOURCE_ID, write_reception_registers
from pipeline.paths import REPO_ROOT, DataPaths

DEFAULT_LAYOUTS = "10000x1,100000x1,100000x20"
MAX_RATIO = 3.0  # ingest CPU / floor CPU at 100k rows
MAX_SCALING = 11.0  # ingest CPU at 100k rows / at 10k rows, one workbook each
# What the cached workbooks are made from: a change to any of these regenerates them.
GENERATOR_INPUTS = [
    REPO_ROOT / "bench" / "reception.py",
    REPO_ROOT / "ingestion" / "templates.py",
    REPO_ROOT / "ingestion" / "sources" / f"{SOURCE_ID}.yml",
    REPO_ROOT / "sample_data" / "common.py",
    REPO_ROOT / "sample_data" / "reception.py",
]
MANIFEST = ".complete.json"  # hidden, so ingestion does not take it for a clerk's file


@dataclass(frozen=True)
class Layout:
    rows: int
    files: int

    @classmethod
    def parse(cls, text: str) -> Layout:
        rows, _, files = text.strip().lower().partition("x")
        return cls(int(rows), int(files or 1))

    @property
    def name(self) -> str:
        return f"{self.rows}x{self.files}"


@dataclass
class Measurements:
    layout: Layout
    floor_cpu: list[float] = field(default_factory=list)
    floor_wall: list[float] = field(default_factory=list)
    ingest_cpu: list[float] = field(default_factory=list)
    ingest_wall: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return statistics.median(self.ingest_cpu) / statistics.median(self.floor_cpu)


def bench_dir() -> Path:
    return DataPaths.from_env().root / "bench"


def fingerprint(seed: int | str) -> str:
    digest = hashlib.sha256(str(seed).encode())
    for path in GENERATOR_INPUTS:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def registers(layout: Layout, seed: int | str, regenerate: bool) -> tuple[Path, float | None]:
    """The layout's workbooks, generated unless an identical set is cached; seconds spent generating."""
    directory = bench_dir() / f"reception-{layout.name}"
    manifest = directory / MANIFEST
    wanted = {"rows": layout.rows, "files": layout.files, "seed": seed, "fingerprint": fingerprint(seed)}
    if not regenerate and manifest.exists() and json.loads(manifest.read_text()) == wanted:
        return directory, None
    shutil.rmtree(directory, ignore_errors=True)
    started = time.perf_counter()
    write_reception_registers(directory, layout.rows, layout.files, seed=seed)
    manifest.write_text(json.dumps(wanted))  # last, so an interrupted generation is redone
    return directory, time.perf_counter() - started


def run_child(*args: str) -> tuple[dict, float]:
    """Run one ``bench.measure`` in a fresh interpreter: its report, and the CPU of its work.

    The CPU is everything the child process and the processes it reaped used (``RUSAGE_CHILDREN``
    of this process, before and after), less what the child had used before its work began.
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-m", "bench.measure", *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"bench.measure {args[0]} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    total = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return report, total - report["start_cpu"]


def measure(layout: Layout, directory: Path, repeat: int) -> Measurements:
    """Floor and ingest alternately, so a busy moment on the machine falls on both alike."""
    result = Measurements(layout)
    for attempt in range(1, repeat + 1):
        report, cpu = run_child("floor", str(directory))
        result.floor_cpu.append(cpu)
        result.floor_wall.append(report["wall"])
        work = Path(tempfile.mkdtemp(prefix="ingest-", dir=bench_dir()))
        try:
            report, cpu = run_child("ingest", str(directory), "--workdir", str(work), "--rows", str(layout.rows))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        result.ingest_cpu.append(cpu)
        result.ingest_wall.append(report["wall"])
        print(
            f"  {layout.name} run {attempt}/{repeat}: floor {result.floor_cpu[-1]:.2f} s CPU, "
            f"ingest {cpu:.2f} s CPU / {report['wall']:.2f} s wall",
            flush=True,
        )
    return result


def table(results: list[Measurements]) -> str:
    header = (
        f"{'layout':>11} {'files':>5} {'rows':>7} {'floor CPU s':>11} {'ingest CPU s':>12} {'ratio':>6} "
        f"{'ingest wall s':>13} {'ingest rows/s':>13} {'floor rows/s':>12}"
    )
    lines = [header, "-" * len(header)]
    for m in results:
        floor_cpu, ingest_cpu = statistics.median(m.floor_cpu), statistics.median(m.ingest_cpu)
        ingest_wall = statistics.median(m.ingest_wall)
        lines.append(
            f"{m.layout.name:>11} {m.layout.files:>5} {m.layout.rows:>7} {floor_cpu:>11.2f} {ingest_cpu:>12.2f} "
            f"{m.ratio:>5.1f}× {ingest_wall:>13.2f} {m.layout.rows / ingest_wall:>13,.0f} {m.layout.rows / floor_cpu:>12,.0f}"
        )
    return "\n".join(lines)


def scaling(results: list[Measurements]) -> tuple[float, float] | None:
    """Ingest and floor CPU at 100k rows over 10k rows, one workbook each (None if not both measured)."""
    by_layout = {m.layout: m for m in results}
    small, large = by_layout.get(Layout(10_000, 1)), by_layout.get(Layout(100_000, 1))
    if small is None or large is None:
        return None
    return (
        statistics.median(large.ingest_cpu) / statistics.median(small.ingest_cpu),
        statistics.median(large.floor_cpu) / statistics.median(small.floor_cpu),
    )


def failures(results: list[Measurements]) -> list[str]:
    found = [
        f"{m.layout.name}: ingest CPU is {m.ratio:.1f}× the floor (at most {MAX_RATIO:g}×)"
        for m in results
        if m.layout.rows >= 100_000 and m.ratio > MAX_RATIO
    ]
    scaled = scaling(results)
    if scaled is not None and scaled[0] > MAX_SCALING:
        found.append(f"10k → 100k rows costs {scaled[0]:.1f}× the ingest CPU (at most {MAX_SCALING:g}×)")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layouts", default=DEFAULT_LAYOUTS, help=f"ROWSxWORKBOOKS, comma separated (default {DEFAULT_LAYOUTS})")
    parser.add_argument("--repeat", type=int, default=3, help="measurements per layout; the table shows medians (default 3)")
    parser.add_argument("--seed", default=str(DEFAULT_SEED), help="seed of the generated registers")
    parser.add_argument("--regenerate", action="store_true", help="write the registers again even if cached")
    parser.add_argument(
        "--check", action="store_true", help=f"exit 1 if a 100k ratio > {MAX_RATIO:g} or scaling > {MAX_SCALING:g}"
    )
    args = parser.parse_args(argv)
    layouts = [Layout.parse(text) for text in args.layouts.split(",") if text.strip()]
    bench_dir().mkdir(parents=True, exist_ok=True)

    folders = {}
    for layout in layouts:
        folders[layout], seconds = registers(layout, args.seed, args.regenerate)
        state = f"generated in {seconds:.1f} s (not counted)" if seconds is not None else "cached"
        print(f"registers {layout.name}: {folders[layout]} — {state}", flush=True)

    results = [measure(layout, folders[layout], args.repeat) for layout in layouts]
    print()
    print(f"Ingest vs raw calamine read, median of {args.repeat}; CPU = user+sys of the process and its children")
    print(table(results))
    scaled = scaling(results)
    if scaled is not None:
        print(
            f"10k → 100k rows (one workbook each): ingest CPU ×{scaled[0]:.1f} (linear: ≤ {MAX_SCALING:g}), "
            f"floor CPU ×{scaled[1]:.1f}"
        )
    raw = {m.layout.name: {k: getattr(m, k) for k in ("floor_cpu", "floor_wall", "ingest_cpu", "ingest_wall")} for m in results}
    (bench_dir() / "ingest-results.json").write_text(json.dumps(raw, indent=2))

    if args.check:
        problems = failures(results)
        for problem in problems:
            print(f"CHECK FAILED: {problem}")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
