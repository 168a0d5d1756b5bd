"""``make airflow``: the embedded production shape of Airflow on this machine, as a deployment runs it.

The scheduler, dag-processor, triggerer and api-server run as separate processes on the SQLite
metadata database under the data folder with the LocalExecutor, the nightly DAG unpaused from
the start and scheduled in Asia/Ho_Chi_Minh time. The DAG finds the data folder and the
pseudonymisation key by itself (``LAICHAU_DATA_DIR`` or ``data/``, and ``secrets/pseudonym.key``
in it): nothing depends on this launcher's environment but Airflow's own settings.

Each component runs in its own process group; stopping the launcher (Ctrl-C, SIGTERM) stops every
group, waits for them and kills what is left, so nothing keeps running after it.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.paths import SAMPLE_LANDING_DIR, DataPaths

COMPONENTS = ("scheduler", "dag-processor", "triggerer", "api-server")
USER = "admin"
STOP_TIMEOUT_S = 30.0


@dataclass
class LocalAirflow:
    paths: DataPaths
    port: int = 8080
    # False: triggered runs only; the scheduler starts no scheduled run (not even the latest
    # missed nightly it would otherwise start as soon as the DAG is unpaused)
    schedule: bool = True
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def home(self) -> Path:
        return self.paths.root / "airflow"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def passwords_file(self) -> Path:
        return self.home / "passwords.json"

    def password(self) -> str:
        return json.loads(self.passwords_file.read_text(encoding="utf-8"))[USER]

    def _secret(self, name: str) -> str:
        """A secret made once and kept under the Airflow home (mode 600), so restarts keep tokens valid."""
        path = self.home / name
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
            path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip()

    def environment(self) -> dict[str, str]:
        from pipeline.cli import airflow_env

        self.home.mkdir(parents=True, exist_ok=True)
        if not self.passwords_file.exists():
            self.passwords_file.write_text(json.dumps({USER: secrets.token_urlsafe(16)}), encoding="utf-8")
            self.passwords_file.chmod(0o600)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW__") and k != "AIRFLOW_HOME"}
        return {
            **env,
            **airflow_env(self.paths),
            "LAICHAU_DATA_DIR": str(self.paths.root),
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": os.environ.get("AIRFLOW__CORE__PARALLELISM", "4"),
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": str(self.schedule),
            "AIRFLOW__CORE__DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.url}/execution/",
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__API_AUTH__JWT_SECRET": self._secret("jwt_secret"),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USER}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(self.passwords_file),
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(self.home / "logs"),
        }

    def start(self) -> None:
        from pipeline.cli import ensure_local_key
        from pipeline.stages import seed_landing

        env = self.environment()
        # the DAG finds this key itself (secrets/pseudonym.key in its data folder): made here if missing
        ensure_local_key(self.paths)
        env.pop("LAICHAU_PSEUDONYM_KEY_FILE", None)
        if seed_landing(self.paths, SAMPLE_LANDING_DIR):
            print(f"Seeded {self.paths.landing} with the bundled sample.")
        airflow = str(Path(sys.executable).parent / "airflow")
        subprocess.run([airflow, "db", "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
        logs = self.home / "components"
        logs.mkdir(parents=True, exist_ok=True)
        for name in COMPONENTS:
            log = (logs / f"{name}.log").open("ab")
            self.processes[name] = subprocess.Popen(
                [airflow, name], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        (self.home / "components.pid").write_text(
            json.dumps({name: p.pid for name, p in self.processes.items()}), encoding="utf-8"
        )

    def wait_ready(self, timeout_s: float = 180.0) -> None:
        """Until the API answers; raises naming a component that exited, with its log's path."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited ({process.returncode}); see {self.home / 'components' / name}.log")
            try:
                with urllib.request.urlopen(f"{self.url}/api/v2/version", timeout=5):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(1)
        raise TimeoutError(f"the api-server did not answer on {self.url} within {timeout_s:.0f} s")

    def stop(self) -> list[int]:
        """Stop every component's process group; returns the pids still alive afterwards (none)."""
        for process in self.processes.values():
            if process.poll() is None:
                _signal_group(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for process in self.processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
        for process in self.processes.values():  # the group: LocalExecutor workers, api-server workers
            _signal_group(process.pid, signal.SIGKILL)
            if process.poll() is None:
                process.wait(timeout=10)
        deadline = time.monotonic() + 10  # killed children of a killed leader take a moment to be reaped
        while time.monotonic() < deadline and any(_group_alive(p.pid) for p in self.processes.values()):
            time.sleep(0.2)
        return [p.pid for p in self.processes.values() if _group_alive(p.pid)]


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def serve(port: int = 8080, schedule: bool = True) -> int:
    """Start, print where to look, and run until stopped. ``schedule=False``: triggered runs only
    (trying a change on a copy of the data without the scheduler starting a nightly)."""
    local = LocalAirflow(DataPaths.from_env(), port, schedule)
    stopping = False

    def request_stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        local.start()
        local.wait_ready()
        when = "runs at 01:00 Asia/Ho_Chi_Minh" if schedule else "runs only when triggered (--no-schedule)"
        print(
            f"Airflow is up: {local.url} (user {USER}, password in {local.passwords_file}). The nightly "
            f"{when}; trigger it from the UI or the REST API. Ctrl-C stops everything.",
            flush=True,
        )
        while not stopping:
            for name, process in local.processes.items():
                if process.poll() is not None:
                    print(f"{name} exited ({process.returncode}); stopping.", file=sys.stderr, flush=True)
                    stopping = True
            time.sleep(1)
    finally:
        left = local.stop()
        print("Stopped." if not left else f"Still running: {left}", flush=True)
    return 0
