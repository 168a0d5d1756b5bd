"""`make airflow` as a deployment runs it, driven as its users drive it: a real scheduler,
dag-processor, triggerer and api-server (SQLite, LocalExecutor) started by ``pipeline.cli airflow``,
the nightly triggered and read through the REST API, then everything stopped.

``run_nightly`` records what it saw for the tests to assert (tests/test_e2e.py: the real
scheduler's run is the first night of the ``nightly_2023`` scenario, whose later nights run on the
data folder it published).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from pipeline.paths import DataPaths
from tests.conftest import REPO_ROOT
from tests.dag_runs import DAG_ID


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
    """Processes whose environment names this marker (a data folder)."""
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


def run_nightly(data: Path, conf: dict) -> dict:
    """Start `make airflow`'s processes on ``data`` (triggered runs only), trigger the nightly with
    ``conf`` through the REST API, wait for it to finish, read what the API says of it, stop
    everything. Returns the record: the DAG as the API showed it, the run's and its tasks' states,
    the parse batches' mapped instances, ingest's XCom, the runs listed, and how the launcher stopped."""
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
    record: dict = {}
    try:
        _wait("the api-server answers", lambda: _api(base, "/api/v2/version"), 300)
        password = json.loads((data / "airflow" / "passwords.json").read_text())["admin"]
        token = _api(base, "/auth/token", body={"username": "admin", "password": password})["access_token"]
        dag = _wait("the DAG is parsed", lambda: _api(base, f"/api/v2/dags/{DAG_ID}", token), 300)
        record["dag"] = {k: dag[k] for k in ("is_paused", "timetable_description", "next_dagrun_run_after")}

        run = _api(base, f"/api/v2/dags/{DAG_ID}/dagRuns", token, {"logical_date": None, "conf": conf})
        run_path = f"/api/v2/dags/{DAG_ID}/dagRuns/{urllib.parse.quote(run['dag_run_id'], safe='')}"

        def finished():
            state = _api(base, run_path, token)["state"]
            return state if state in ("success", "failed") else None

        state = _wait("the triggered run finishes", finished, 1500, every_s=5)
        instances = _api(base, f"{run_path}/taskInstances?limit=100", token)["task_instances"]  # the API's most
        states: dict[str, str] = {"run": state, "run_id": run["dag_run_id"]}
        for ti in instances:  # a mapped task's state: its instances' (all the same when it went well)
            states[ti["task_id"]] = ti["state"] if states.get(ti["task_id"], ti["state"]) == ti["state"] else "mixed"
        mapped = _api(base, f"{run_path}/taskInstances/parse_batch/listMapped", token)["task_instances"]
        ingest = _api(base, f"{run_path}/taskInstances/ingest/xcomEntries/return_value?deserialize=true", token)["value"]
        record.update(
            states=states,
            parse_batch={str(ti["map_index"]): ti["state"] for ti in mapped},
            parse_batch_spans=sorted((ti["start_date"], ti["end_date"]) for ti in mapped),
            ingest=json.loads(ingest) if isinstance(ingest, str) else ingest,
            runs=[(r["dag_run_id"], r["run_type"]) for r in _api(base, f"/api/v2/dags/{DAG_ID}/dagRuns", token)["dag_runs"]],
        )
    finally:
        launcher.send_signal(signal.SIGTERM)
        try:
            output, _ = launcher.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(launcher.pid, signal.SIGKILL)
            output, _ = launcher.communicate()
    record["launcher"] = {
        "returncode": launcher.returncode,
        "output": output[-3000:],
        # nothing of it keeps running: no scheduler, worker, api-server or dag-processor
        "left_running": _processes_with(f"LAICHAU_DATA_DIR={data}"),
    }
    record["key_file"] = (DataPaths(data).secrets / "pseudonym.key").is_file()
    return record
