"""Test set-up shared by every test.

Airflow reads its configuration when first imported, so its home (SQLite metadata) and the
dags folder are set here, before any test imports Airflow. Every test that runs the pipeline
gets its own data folder through LAICHAU_DATA_DIR.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SESSION_PREFIX = "laichau-tests-"
# The file a session that made its folder holds locked (flock) while it runs: a later session
# removes only folders that have it, and only when nobody holds it (see earlier_sessions).
SESSION_LOCK = ".session.lock"
# a folder this session makes (the controller's import), not one given by LAICHAU_TEST_SESSION_DIR
_OWN_SESSION_DIR = not os.environ.get("LAICHAU_TEST_SESSION_DIR")
# Test modules also import this file as ``tests.conftest``: the second import must not move the
# session to a new folder after Airflow has read the first one's settings.
_SESSION_DIR = Path(os.environ.get("LAICHAU_TEST_SESSION_DIR") or tempfile.mkdtemp(prefix=SESSION_PREFIX))
os.environ["LAICHAU_TEST_SESSION_DIR"] = str(_SESSION_DIR)
if _OWN_SESSION_DIR:
    _SESSION_LOCK_FILE = (_SESSION_DIR / SESSION_LOCK).open("w")  # held until the process ends
    fcntl.flock(_SESSION_LOCK_FILE, fcntl.LOCK_EX)
# pytest-xdist workers share the session folder (its scenarios, tests/scenarios.py) but each has its
# own Airflow metadata database: SQLite takes one writer at a time.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
os.environ["AIRFLOW_HOME"] = str(_SESSION_DIR / f"airflow-{_WORKER}")
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(REPO_ROOT / "dags")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{Path(os.environ['AIRFLOW_HOME']) / 'airflow.db'}"
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "False"
os.environ["LAICHAU_PSEUDONYM_KEY"] = "test-key-" + "0123456789abcdef" * 3
os.environ["LAICHAU_DATA_DIR"] = str(_SESSION_DIR / f"data-default-{_WORKER}")

SAMPLE_LANDING = REPO_ROOT / "sample_data" / "landing"
# The 2023 report's figures, copied from the seed report: the golden values the pipeline must reproduce.
FIGURES_FILE = REPO_ROOT / "tests" / "fixtures" / "figures-2023.yaml"
TEST_KEY = os.environ["LAICHAU_PSEUDONYM_KEY"].encode()


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """A migrated SQLite Airflow metadata database for dag.test(), one per worker (SQLite takes
    one writer at a time): ``airflow db migrate`` runs once per session, and each worker starts
    from a copy of the database it made (the same file a migration of its own would write)."""
    import shutil

    from tests.scenarios import shared_scenario

    def migrate(folder: Path) -> dict:
        database = folder / "airflow.db"
        env = {**os.environ, "AIRFLOW_HOME": str(folder), "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{database}"}
        airflow = Path(sys.executable).parent / "airflow"
        subprocess.run([str(airflow), "db", "migrate"], check=True, capture_output=True, env=env)
        return {"database": str(database)}

    home = Path(os.environ["AIRFLOW_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shared_scenario("airflow-db", migrate)["database"], home / "airflow.db")
    return home


@pytest.fixture(scope="session", autouse=True)
def dbt_saved_parse() -> Path:
    """dbt's parse of the project, made once per session (``dbt parse``, by the first worker) and
    read by every dbt run of the session through ``DBT_PARTIAL_PARSE_FILE_PATH``: each test's data
    folder is new, and its first dbt run would otherwise parse the whole project again (~7 s each).
    dbt only reads that file (it writes its own target's); a run whose profile or project differs
    from the saved parse's parses in full, as in production (pipeline/dbt.py)."""
    from pipeline.dbt import run_dbt
    from pipeline.paths import DataPaths
    from tests.scenarios import shared_scenario

    def parse(folder: Path) -> dict:
        paths = DataPaths(folder)
        build = paths.build_dir / "parse" / paths.warehouse.name
        build.parent.mkdir(parents=True)
        result = run_dbt(paths, build, "parse")
        assert result.returncode == 0, result.stdout[-3000:]
        return {"file": str(paths.dbt_artifacts / "target" / "partial_parse.msgpack")}

    saved = Path(shared_scenario("dbt-parse", parse)["file"])
    os.environ["DBT_PARTIAL_PARSE_FILE_PATH"] = str(saved)
    return saved


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data folder for one test; the pipeline reads LAICHAU_DATA_DIR at run time."""
    root = tmp_path / "data"
    root.mkdir()
    monkeypatch.setenv("LAICHAU_DATA_DIR", str(root))
    return root


@pytest.fixture(scope="session")
def sample_build():
    """The bundled sample ingested into a real DuckDB file and built by ``dbt build`` with the default
    report request (105, 2023), once per test session (tests/scenarios.py). Tests only read it
    (``read_only=True``); a test that changes a warehouse copies it first (keep the file name:
    dbt's views name the database after the file)."""
    from pipeline.paths import DataPaths
    from tests.scenarios import shared_scenario

    def build(folder: Path) -> dict:
        import duckdb

        from ingestion.loader import ingest_landing
        from pipeline.dbt import dbt_build

        paths = DataPaths(folder)
        # named as a run's staging build (pipeline.warehouse): dbt's views name the database after
        # the file, so copies published as the warehouse keep resolving
        target = paths.build_dir / "ingest-sample" / paths.warehouse.name
        target.parent.mkdir(parents=True)
        with duckdb.connect(str(target)) as con:
            ingest_landing(con, SAMPLE_LANDING, paths.quarantine, TEST_KEY)
            con.execute("CHECKPOINT")
        dbt_build(paths, target)
        return {"root": str(paths.root), "build": str(target)}

    record = shared_scenario("sample-build", build)
    return DataPaths(Path(record["root"])), Path(record["build"])


@pytest.fixture(scope="session")
def dags(airflow_db) -> dict:
    """The project's DAGs by id, parsed once per session."""
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO_ROOT / "dags")).dags


OFFICE = "van-phong@ubnd.example.vn"


class Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        import email
        from email.policy import default as default_policy

        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


@contextlib.contextmanager
def smtp_inbox() -> Iterator[tuple[Inbox, dict[str, str]]]:
    """A real SMTP server (aiosmtpd) on loopback, and the environment that points the Airflow
    connection laichau_smtp at it, mailing OFFICE: what the pipeline mails lands in
    ``inbox.messages``."""
    import json
    import socket

    from aiosmtpd.controller import Controller

    from pipeline.notify import CONNECTION_ID, RECIPIENTS_ENV

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    connection = {
        "conn_type": "smtp",
        "host": "127.0.0.1",
        "port": port,
        "extra": {"disable_tls": True, "disable_ssl": True, "from_email": "dan-van@ubnd.example.vn", "timeout": 10},
    }
    try:
        yield handler, {f"AIRFLOW_CONN_{CONNECTION_ID.upper()}": json.dumps(connection), RECIPIENTS_ENV: OFFICE}
    finally:
        controller.stop()


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch):
    """smtp_inbox() for one test."""
    with smtp_inbox() as (handler, environment):
        for key, value in environment.items():
            monkeypatch.setenv(key, value)
        yield handler


def mail_body(message) -> str:
    """The HTML text of a received mail."""
    return "\n".join(part.get_content() for part in message.walk() if part.get_content_type() == "text/html")


# pytest-xdist hands each worker whole scopes (--dist loadscope: a module, or a class of
# tests/test_e2e.py, whose tests share one recorded scenario), in collection order
# (--no-loadscope-reorder). The longest go first, so the many short modules fill the gaps at the
# end: seconds each scope took in a measured run of `make test` (four workers on two cores,
# 28/11/2026, the real scheduler's run as TestNightly2023's first night), longest first; the
# rest keep their order. (``--dist loadgroup`` would group by marker, but xdist 3.8 cannot rename
# pytest 9.2's node ids: its groups were silently ignored and both workers built, or waited on,
# the same scenario.)
SCOPE_SECONDS = {
    "test_e2e.py::TestTroubledNights": 217,
    "test_e2e.py::TestNightly2023": 171,
    "test_e2e.py::TestMissingWardNights": 146,
    "test_bench.py": 111,
    "test_validation_rejection.py": 96,
    "test_coverage.py": 48,
    "test_reports_for_any_unit_and_period.py": 33,
    "test_hostile_inputs.py": 32,
    "test_warehouse.py": 29,
    "test_overview.py": 29,
    "test_report_models.py": 26,
    "test_run_lock.py": 24,
    "test_unit_by_date.py": 23,
    "test_validation.py": 22,
    "test_dbt_parse.py": 22,
    "test_parse_cache.py": 19,
    "test_dbt_docs.py": 18,
    "test_printable_forms.py": 17,
    "test_report.py": 15,
    "test_national_units.py": 14,
    "test_deployment.py": 14,
    "test_dbt_unit_tests.py": 13,
}


def scope_of(item: pytest.Item) -> str:
    """The item's loadscope scope, as SCOPE_SECONDS names it (file, or file::Class)."""
    return item.nodeid.rsplit("/", 1)[-1].rsplit("::", 1)[0]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest scopes first (SCOPE_SECONDS): the longest work is scheduled before the many
    short tests that fill the gaps."""
    items.sort(key=lambda item: -SCOPE_SECONDS.get(scope_of(item), 0))


# Python's cyclic garbage collector and the session's heap. A test worker holds about a million
# objects that live as long as it does (Airflow, dbt, GX and their parses), and the collector walks
# them all at every full collection, at the default thresholds a dozen times a night, and again
# when the process exits: on one sample night (dag.test), 4-5 s of its ~30 s of CPU went to
# collections, and a worker's exit took ~4 s (measured 28/11/2026). What is there once collection
# is done is frozen (left out of collections: reference counting still frees it, but a cycle among
# it stays until the process ends), later collections run less often, and what is left at the end
# is frozen too, so the exit does not walk it. Nothing a test checks depends on when cyclic
# garbage is freed (files, databases and locks are closed explicitly). The pipeline's processes
# keep Python's thresholds; they freeze what they hold when they keep a dbt parse (pipeline/dbt.py).
GC_THRESHOLDS = (10_000, 10, 10)


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    gc.freeze()


# A session's folder (its scenarios, Airflow homes, builds and data folders: ~300 MB) stays after
# the run, to look at what a failure left. Like pytest's own temporary folders, the latest
# KEEP_SESSIONS are kept: a session that made its folder removes the older ones beside it that a
# session made (SESSION_LOCK) and nobody holds, in a process of its own (a thread of the
# controller would wait for the interpreter lock between files, and stop with it).
KEEP_SESSIONS = 3
_REMOVE_UNLOCKED = """
import fcntl, os, shutil, sys
for folder in sys.argv[2:]:
    try:
        with open(os.path.join(folder, sys.argv[1])) as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # OSError: its session is running
            shutil.rmtree(folder, ignore_errors=True)
    except OSError:
        pass
"""


def earlier_sessions(current: Path, keep: int = KEEP_SESSIONS) -> list[Path]:
    """The folders beside ``current`` that sessions made, but the latest ``keep - 1``, oldest first
    (whether their sessions still run is checked when removing them)."""
    made: list[tuple[float, Path]] = []
    for folder in current.parent.glob(f"{SESSION_PREFIX}*"):
        try:
            if folder != current and (folder / SESSION_LOCK).is_file():
                made.append((folder.stat().st_mtime, folder))
        except OSError:  # removed meanwhile (another session's clean-up)
            continue
    earlier = [folder for _, folder in sorted(made)]
    return earlier[: max(0, len(earlier) - (keep - 1))]


def remove_in_background(folders: list[Path]) -> subprocess.Popen:
    """Remove those of ``folders`` whose session is not running (nobody holds its SESSION_LOCK), in
    a process that goes on after this one if need be."""
    return subprocess.Popen(
        [sys.executable, "-c", _REMOVE_UNLOCKED, SESSION_LOCK, *map(str, folders)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def pytest_sessionstart(session: pytest.Session) -> None:
    if _OWN_SESSION_DIR and "PYTEST_XDIST_WORKER" not in os.environ and (old := earlier_sessions(_SESSION_DIR)):
        remove_in_background(old)
