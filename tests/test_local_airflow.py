"""`make airflow` as a deployment runs it: a real scheduler, dag-processor, triggerer and api-server
(SQLite, LocalExecutor). The DAG is unpaused by itself, finds its data folder and key without the
launcher's help, runs when triggered through the REST API, and everything stops cleanly."""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipeline.paths import DataPaths
from tests.conftest import REPO_ROOT
from tests.dag_runs import PERIOD_2023, expected_figures, mismatches, published_figures

DAG_ID = "laichau_citizen_reporting"
pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(base: str, path: str, token: str | None = None, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})},
        method="POST" if body is not None else "GET",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _wait(what: str, check, timeout_s: float, every_s: float = 2.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            value = check()
        except OSError:  # not up yet (connection refused, 404 before the DAG is parsed)
            value = None
        if value:
            return value
        time.sleep(every_s)
    raise TimeoutError(f"{what} within {timeout_s:.0f} s")


def _processes_with(marker: str) -> list[int]:
    """Processes whose environment names this test's data folder."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if marker.encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def test_make_airflow_runs_the_nightly_under_a_real_scheduler_and_stops_cleanly(tmp_path):
    data = tmp_path / "data"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # only the data folder: no Airflow settings and no key setting from the test session, so the
    # DAG must find its key (data/secrets/pseudonym.key) and folder by itself
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "LAICHAU_"))}
    env["LAICHAU_DATA_DIR"] = str(data)
    launcher = subprocess.Popen(
        # triggered runs only: the scheduler would otherwise start the latest missed nightly first
        [sys.executable, "-m", "pipeline.cli", "airflow", "--port", str(port), "--no-schedule"],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        _wait("the api-server answers", lambda: _api(base, "/api/v2/version"), 300)
        password = json.loads((data / "airflow" / "passwords.json").read_text())["admin"]
        token = _api(base, "/auth/token", body={"username": "admin", "password": password})["access_token"]
        dag = _wait("the DAG is parsed", lambda: _api(base, f"/api/v2/dags/{DAG_ID}", token), 300)
        assert dag["is_paused"] is False  # nobody unpaused it
        assert dag["timetable_description"] == "At 01:00"
        # the next nightly is planned at 01:00 Asia/Ho_Chi_Minh (18:00 UTC), though not started here
        assert dag["next_dagrun_run_after"].endswith("T18:00:00Z"), dag["next_dagrun_run_after"]

        run = _api(base, f"/api/v2/dags/{DAG_ID}/dagRuns", token, {"logical_date": None, "conf": PERIOD_2023})
        run_path = f"/api/v2/dags/{DAG_ID}/dagRuns/{urllib.request.quote(run['dag_run_id'], safe='')}"

        def finished():
            state = _api(base, run_path, token)["state"]
            return state if state in ("success", "failed") else None

        assert _wait("the triggered run finishes", finished, 1500, every_s=5) == "success"
        paths = DataPaths(data)
        assert mismatches(published_figures(paths.warehouse), expected_figures()) == {}
        assert (paths.secrets / "pseudonym.key").is_file()
        runs = _api(base, f"/api/v2/dags/{DAG_ID}/dagRuns", token)["dag_runs"]
        assert [(r["dag_run_id"], r["run_type"]) for r in runs] == [(run["dag_run_id"], "manual")]  # --no-schedule
        # the parse stage was mapped over the sample's batches (50 files each), run side by side by
        # the LocalExecutor's parallel slots (AIRFLOW__CORE__PARALLELISM=4)
        mapped = _api(base, f"{run_path}/taskInstances/parse_batch/listMapped", token)["task_instances"]
        assert sorted(ti["map_index"] for ti in mapped) == list(range(len(mapped))) and len(mapped) >= 3
        assert {ti["state"] for ti in mapped} == {"success"}
        spans = sorted((ti["start_date"], ti["end_date"]) for ti in mapped)
        assert any(later[0] < earlier[1] for earlier, later in itertools.pairwise(spans)), spans
    finally:
        launcher.send_signal(signal.SIGTERM)
        try:
            output, _ = launcher.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(launcher.pid, signal.SIGKILL)
            output, _ = launcher.communicate()
    assert launcher.returncode == 0, output[-3000:]
    assert "Stopped." in output
    # nothing of it keeps running: no scheduler, worker, api-server or dag-processor
    assert _processes_with(f"LAICHAU_DATA_DIR={data}") == []
