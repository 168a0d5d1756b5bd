"""Test set-up shared by every test.

Airflow reads its configuration when first imported, so its home (SQLite metadata) and the
dags folder are set here, before any test imports Airflow. Every test that runs the pipeline
gets its own data folder through LAICHAU_DATA_DIR.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# Test modules also import this file as ``tests.conftest``: the second import must not move the
# session to a new folder after Airflow has read the first one's settings.
_SESSION_DIR = Path(os.environ.get("LAICHAU_TEST_SESSION_DIR") or tempfile.mkdtemp(prefix="laichau-tests-"))
os.environ["LAICHAU_TEST_SESSION_DIR"] = str(_SESSION_DIR)
os.environ["AIRFLOW_HOME"] = str(_SESSION_DIR / "airflow")
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(REPO_ROOT / "dags")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_SESSION_DIR / 'airflow' / 'airflow.db'}"
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "False"
os.environ["LAICHAU_PSEUDONYM_KEY"] = "test-key-" + "0123456789abcdef" * 3
os.environ["LAICHAU_DATA_DIR"] = str(_SESSION_DIR / "data-default")

SAMPLE_LANDING = REPO_ROOT / "sample_data" / "landing"
# The 2023 report's figures, copied from the seed report: the golden values the pipeline must reproduce.
FIGURES_FILE = REPO_ROOT / "tests" / "fixtures" / "figures-2023.yaml"
TEST_KEY = os.environ["LAICHAU_PSEUDONYM_KEY"].encode()


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """A migrated SQLite Airflow metadata database for dag.test()."""
    home = Path(os.environ["AIRFLOW_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    airflow = Path(sys.executable).parent / "airflow"
    subprocess.run([str(airflow), "db", "migrate"], check=True, capture_output=True, env=os.environ.copy())
    return home


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data folder for one test; the pipeline reads LAICHAU_DATA_DIR at run time."""
    root = tmp_path / "data"
    root.mkdir()
    monkeypatch.setenv("LAICHAU_DATA_DIR", str(root))
    return root


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory):
    """The bundled sample ingested into a real DuckDB file and built by ``dbt build`` with the default
    report request (105, 2023), once per test session. Tests only read it (``read_only=True``); a
    test that changes a warehouse copies it first (keep the file name: dbt's views name the database
    after the file)."""
    import duckdb

    from ingestion.loader import ingest_landing
    from pipeline.dbt import dbt_build
    from pipeline.paths import DataPaths

    paths = DataPaths(tmp_path_factory.mktemp("sample-build"))
    build = paths.root / "build.duckdb"
    with duckdb.connect(str(build)) as con:
        ingest_landing(con, SAMPLE_LANDING, paths.quarantine, TEST_KEY)
        con.execute("CHECKPOINT")
    dbt_build(paths, build)
    return paths, build


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


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch):
    """A real SMTP server (aiosmtpd) on loopback, and the Airflow connection laichau_smtp pointing
    at it, mailing OFFICE: what the pipeline mails lands in ``inbox.messages``."""
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
    monkeypatch.setenv(f"AIRFLOW_CONN_{CONNECTION_ID.upper()}", json.dumps(connection))
    monkeypatch.setenv(RECIPIENTS_ENV, OFFICE)
    yield handler
    controller.stop()


def mail_body(message) -> str:
    """The HTML text of a received mail."""
    return "\n".join(part.get_content() for part in message.walk() if part.get_content_type() == "text/html")
