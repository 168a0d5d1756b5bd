"""One run at a time: real processes contending for the run lock over one data folder, real
DuckDB builds, and a real stale write-ahead log beside the published warehouse."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from pipeline import runlock, stages
from pipeline.paths import DataPaths
from pipeline.warehouse import clear_dead_builds, start_build
from tests.conftest import REPO_ROOT
from tests.workbooks import visit, write_reception

INGEST = textwrap.dedent(
    """
    import json, sys
    from pipeline import stages
    from pipeline.paths import DataPaths
    from pipeline.runlock import RunLockError

    print("ready", flush=True)
    sys.stdin.readline()
    try:
        result = stages.ingest(DataPaths.from_env(), sys.argv[1])
    except RunLockError as refused:
        print(json.dumps({"refused": str(refused)}), flush=True)
        sys.exit(3)
    print(json.dumps({"build": result["build"]}), flush=True)
    """
)


def landing_with_one_workbook(data_dir: Path) -> Path:
    return write_reception(
        data_dir / "landing" / "2023" / "so-tiep-cong-dan_2023_phuong-tan-phong.xlsx",
        "Phường Tân Phong",
        [visit(dt.date(2023, 3, 2), "TP-1", people=2), visit(dt.date(2023, 4, 5), "TP-2")],
    )


def start_ingest(run_id: str, wait: float) -> subprocess.Popen:
    """``stages.ingest`` in a process of its own, held at the start line until told to go."""
    env = {**os.environ, runlock.WAIT_ENV: str(wait), "PYTHONPATH": str(REPO_ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", INGEST, run_id],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO_ROOT,
    )
    assert process.stdout.readline().strip() == "ready", process.stderr.read()
    return process


def finish(process: subprocess.Popen) -> tuple[int, dict]:
    out, err = process.communicate(timeout=120)
    lines = out.strip().splitlines()
    assert lines, err
    return process.returncode, json.loads(lines[-1])


def fingerprint_of(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def loads_in(build: Path) -> int:
    with duckdb.connect(str(build), read_only=True) as con:
        return con.execute("select count(*) from raw._loads").fetchone()[0]


def test_a_second_run_waits_then_stops_naming_the_first_and_never_touches_its_build(data_dir):
    landing_with_one_workbook(data_dir)
    paths = DataPaths(data_dir)
    first = start_ingest("run-a", wait=0)
    first.stdin.write("go\n")
    first.stdin.flush()
    code, result = finish(first)
    assert code == 0, result
    build_a = Path(result["build"])
    before = fingerprint_of(build_a.parent)
    holder = runlock.holder(paths)
    assert holder.run_id == "run-a" and holder.pid is None  # between stages: no process holds it

    second = start_ingest("run-b", wait=2)
    began = time.monotonic()
    second.stdin.write("go\n")
    second.stdin.flush()
    code, result = finish(second)
    assert code == 3
    assert time.monotonic() - began >= 2  # it waited the configured time first
    message = result["refused"]
    assert "'run-a'" in message and holder.started_at in message
    assert "Một lượt chạy khác đang chạy" in message and "Another run is in progress" in message
    assert fingerprint_of(build_a.parent) == before and loads_in(build_a) == 1
    assert not (paths.build_dir / "build-run-b").exists()
    assert runlock.holder(paths).run_id == "run-a"

    # a run that waits long enough goes on once the first releases the lock
    third = start_ingest("run-c", wait=60)
    third.stdin.write("go\n")
    third.stdin.flush()
    time.sleep(1.5)
    assert third.poll() is None  # still waiting
    assert runlock.release(paths, "run-a")
    code, result = finish(third)
    assert code == 0, result
    assert runlock.holder(paths).run_id == "run-c"
    assert fingerprint_of(build_a.parent) == before  # the released run's build is still not stale: kept
    assert loads_in(Path(result["build"])) == 1

    # the first run's later stages now refuse, naming the holder, and publish nothing
    with pytest.raises(runlock.NotLockHolder, match="'run-c'"):
        stages.build_models(paths, str(build_a))
    with pytest.raises(runlock.NotLockHolder, match="'run-c'"):
        stages.publish_warehouse(paths, str(build_a))
    assert not paths.warehouse.exists()


def test_two_ingests_started_together_one_builds_the_other_stops(data_dir):
    landing_with_one_workbook(data_dir)
    paths = DataPaths(data_dir)
    runs = {name: start_ingest(name, wait=3) for name in ("left", "right")}
    for process in runs.values():
        process.stdin.write("go\n")
        process.stdin.flush()
    outcomes = {name: finish(process) for name, process in runs.items()}
    winners = [name for name, (code, _) in outcomes.items() if code == 0]
    losers = [name for name, (code, _) in outcomes.items() if code == 3]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    winner, loser = winners[0], losers[0]
    assert f"'{winner}'" in outcomes[loser][1]["refused"]
    build = Path(outcomes[winner][1]["build"])
    assert build.exists() and loads_in(build) == 1
    assert [p.name for p in paths.build_dir.iterdir()] == [f"build-{winner}"]
    assert runlock.holder(paths).run_id == winner


def write_lock(paths: DataPaths, run_id: str, heartbeat: dt.datetime, pid: int | None, stage: str = "dbt_build") -> None:
    lock = runlock.Holder(run_id, socket.gethostname(), pid, stage, "2026-01-01T01:00:00+00:00", heartbeat.isoformat())
    runlock.lock_file(paths).write_text(json.dumps(lock.__dict__), encoding="utf-8")


def test_a_stale_lock_is_taken_over_with_a_warning(data_dir, caplog):
    paths = DataPaths(data_dir)
    write_lock(paths, "dead-run", dt.datetime.now(dt.UTC) - dt.timedelta(hours=7), pid=None)
    runlock.acquire(paths, "new-run", wait=0)
    assert runlock.holder(paths).run_id == "new-run"
    assert "Taking over the run lock from run 'dead-run'" in caplog.text and "7.0 h old" in caplog.text


def test_a_lock_whose_stage_process_died_is_taken_over_but_a_live_one_is_not(data_dir):
    paths = DataPaths(data_dir)
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        write_lock(paths, "busy-run", dt.datetime.now(dt.UTC), pid=alive.pid)
        with pytest.raises(runlock.RunLockBusy, match="'busy-run'"):
            runlock.acquire(paths, "new-run", wait=0.5)
    finally:
        alive.kill()
        alive.wait()
    # the same lock, now naming a process that is gone: the stage was killed mid-way
    runlock.acquire(paths, "new-run", wait=0)
    assert runlock.holder(paths).run_id == "new-run"


def test_a_run_clears_only_builds_of_dead_runs(data_dir, monkeypatch):
    paths = DataPaths(data_dir)
    monkeypatch.setenv(runlock.STALE_ENV, "3600")
    two_hours_ago = time.time() - 2 * 3600
    for name, touched in [
        ("build-dead", two_hours_ago),
        ("report-dead", two_hours_ago),
        ("build-slow", two_hours_ago),  # the lock holder's: its dbt build has run for hours, its heartbeat is fresh
        ("build-finished", time.time()),  # a run that ended a moment ago: not stale yet
        ("build-me", two_hours_ago),  # this run's own failed attempt
    ]:
        folder = paths.build_dir / name
        folder.mkdir(parents=True)
        (folder / "warehouse.duckdb").write_bytes(b"x")
        for path in (folder / "warehouse.duckdb", folder):
            os.utime(path, (touched, touched))
    write_lock(paths, "slow", dt.datetime.now(dt.UTC), pid=None)
    assert sorted(p.name for p in clear_dead_builds(paths, "me")) == ["build-dead", "report-dead"]
    assert sorted(p.name for p in paths.build_dir.iterdir()) == ["build-finished", "build-me", "build-slow"]
    build = start_build(paths, "me")
    assert build.parent.name == "build-me" and not build.exists()  # its own earlier attempt is replaced
    assert sorted(p.name for p in paths.build_dir.iterdir()) == ["build-finished", "build-me", "build-slow"]


def publish_figures(paths: DataPaths, run_id: str, figures: list[tuple[str, float]]) -> None:
    """A run that builds a small warehouse and publishes it through the stage function."""
    runlock.acquire(paths, run_id, wait=0)
    with runlock.holding(paths, run_id, "ingest"):
        build = start_build(paths, run_id)
        with duckdb.connect(str(build)) as con:
            con.execute("create schema if not exists report")
            con.execute("create or replace table report.figures (key varchar, value double)")
            con.executemany("insert into report.figures values (?, ?)", figures)
    stages.publish_warehouse(paths, str(build))
    runlock.release(paths, run_id)


def test_publishing_removes_a_stale_wal_of_the_published_file(data_dir):
    paths = DataPaths(data_dir)
    publish_figures(paths, "first", [("reception.visits", 44.0), ("reception.people", 47.0)])
    # an analyst's read-write session that changes the published file and is killed before it checkpoints
    session = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            f"con = duckdb.connect({str(paths.warehouse)!r})\n"
            "con.execute('delete from report.figures')\n"
            "con.execute('create table report.scratch as select 1 as x')\n"
            "print('written', flush=True)\n"
            "time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert session.stdout.readline().strip() == "written"
    session.send_signal(signal.SIGKILL)
    session.wait()
    wal = paths.warehouse.with_name("warehouse.duckdb.wal")
    assert wal.exists() and wal.stat().st_size > 0

    publish_figures(paths, "second", [("reception.visits", 45.0), ("reception.people", 48.0), ("petition.received", 100.0)])
    assert not wal.exists()
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        figures = dict(con.execute("select key, value from report.figures").fetchall())
        tables = con.execute("select table_name from information_schema.tables where table_schema = 'report'").fetchall()
    assert figures == {"reception.visits": 45.0, "reception.people": 48.0, "petition.received": 100.0}
    assert tables == [("figures",)]
