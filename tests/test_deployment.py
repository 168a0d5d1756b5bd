"""docker-compose.yml cannot run here (no Docker engine): check what can be checked of it, that it
is the embedded set-up's production shape and that every command it runs exists."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ingestion.pseudonymize import KEY_FILE_ENV
from pipeline.paths import DATA_DIR_ENV, DataPaths
from tests.conftest import REPO_ROOT

COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
AIRFLOW_SERVICES = ["airflow-init", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer"]
LONG_RUNNING = [name for name in AIRFLOW_SERVICES if name != "airflow-init"]
CELERY_SERVICES = ["redis", "airflow-worker"]
# What .env must hold (make .env writes it): compose refuses to start without each.
REQUIRED = ["AIRFLOW_UID", "POSTGRES_PASSWORD", "AIRFLOW_JWT_SECRET", "AIRFLOW_FERNET_KEY"]
FILLED_ENV = {"AIRFLOW_UID": "1000", "POSTGRES_PASSWORD": "p", "AIRFLOW_JWT_SECRET": "j", "AIRFLOW_FERNET_KEY": "f"}


def compose(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Docker Compose's own parser (Debian's docker-compose, installed by make system-deps): it
    validates the file against the Compose schema and interpolates .env, with no engine needed."""
    clean = {k: v for k, v in os.environ.items() if k not in REQUIRED}
    return subprocess.run(
        ["docker-compose", "--project-directory", str(REPO_ROOT), "-f", str(REPO_ROOT / "docker-compose.yml"), *args],
        capture_output=True, text=True, env={**clean, **env}, timeout=120,
    )  # fmt: skip


def test_the_compose_file_is_valid_for_compose_with_and_without_the_celery_profile():
    result = compose("config", "-q", env=FILLED_ENV)
    assert result.returncode == 0, result.stderr
    result = compose("--profile", "celery", "config", "--services", env=FILLED_ENV)
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == {"postgres", *AIRFLOW_SERVICES, *CELERY_SERVICES}


@pytest.mark.parametrize("missing", REQUIRED)
def test_compose_refuses_to_start_while_a_secret_or_the_uid_is_unset(missing):
    result = compose("config", "-q", env={k: v for k, v in FILLED_ENV.items() if k != missing})
    assert result.returncode != 0
    assert f"Set {missing} in .env" in result.stderr


def test_no_secret_has_a_default_in_the_compose_file():
    text = (REPO_ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    for name in REQUIRED:
        assert f"${{{name}:-" not in text and f"${{{name}:?" in text
    assert "change-me" not in text


def test_services_are_the_airflow_3_components_with_postgres_and_a_celery_profile():
    assert set(COMPOSE["services"]) == {"postgres", *AIRFLOW_SERVICES, *CELERY_SERVICES}
    commands = {name: COMPOSE["services"][name]["command"] for name in [*AIRFLOW_SERVICES, "airflow-worker"]}
    assert commands == {
        "airflow-init": ["airflow", "db", "migrate"],
        "airflow-apiserver": ["airflow", "api-server"],
        "airflow-scheduler": ["airflow", "scheduler"],
        "airflow-dag-processor": ["airflow", "dag-processor"],
        "airflow-triggerer": ["airflow", "triggerer"],
        "airflow-worker": ["airflow", "celery", "worker"],
    }
    for name in CELERY_SERVICES:
        assert COMPOSE["services"][name]["profiles"] == ["celery"]
    for name in ["postgres", *AIRFLOW_SERVICES]:
        assert "profiles" not in COMPOSE["services"][name]


def test_every_long_running_service_has_a_healthcheck_and_restarts():
    for name in ["postgres", *LONG_RUNNING, *CELERY_SERVICES]:
        service = COMPOSE["services"][name]
        assert service["healthcheck"]["test"], name
        assert service["restart"] == "unless-stopped", name
    assert COMPOSE["services"]["airflow-scheduler"]["environment"]["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"] == "True"
    assert COMPOSE["services"]["airflow-worker"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_airflow_services_share_the_embedded_settings_with_postgres_metadata():
    for name in [*AIRFLOW_SERVICES, "airflow-worker"]:
        service = COMPOSE["services"][name]
        env = service["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "${AIRFLOW_EXECUTOR:-LocalExecutor}"
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
        assert env["AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION"] == "False"
        assert env["AIRFLOW__CORE__DEFAULT_TIMEZONE"] == "Asia/Ho_Chi_Minh"
        assert env[DATA_DIR_ENV] == "/data"
        assert env[KEY_FILE_ENV] == "/run/secrets/pseudonym_key"
        assert "./data:/data" in service["volumes"]
        assert "./data/airflow-logs:/opt/airflow/logs" in service["volumes"]
        assert service["user"].startswith("${AIRFLOW_UID:?") and service["user"].endswith(":0")
        dags = Path(env["AIRFLOW__CORE__DAGS_FOLDER"])
        assert dags.name == "dags" and (REPO_ROOT / "dags").is_dir()
    dockerfile = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "WORKDIR /opt/laichau" in dockerfile and "requirements.lock" in dockerfile and "FROM python:3.11" in dockerfile
    assert "chmod -R g+rwX /data" in dockerfile  # a container running as AIRFLOW_UID:0 can write
    assert COMPOSE["secrets"]["pseudonym_key"]["file"] == "./data/secrets/pseudonym.key"


def test_make_key_and_env_need_no_python(tmp_path):
    """The Docker host makes the pseudonymisation key and .env with the shell alone."""
    env = {"PATH": "/usr/bin:/bin", "LAICHAU_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(["make", "-s", "-C", str(REPO_ROOT), "key"], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    key = (tmp_path / "data" / "secrets" / "pseudonym.key").read_text()
    assert len(key.strip()) == 64 and int(key, 16)
    assert (tmp_path / "data" / "secrets" / "pseudonym.key").stat().st_mode & 0o077 == 0
    again = subprocess.run(["make", "-s", "-C", str(REPO_ROOT), "key"], capture_output=True, text=True, env=env)
    assert again.returncode == 0 and (tmp_path / "data" / "secrets" / "pseudonym.key").read_text() == key
    dotenv = tmp_path / ".env"
    makefile = str(REPO_ROOT / "Makefile")
    result = subprocess.run(["make", "-s", "-C", str(tmp_path), "-f", makefile, ".env"], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    values = dict(line.split("=", 1) for line in dotenv.read_text().splitlines())
    assert values["AIRFLOW_UID"] == str(os.getuid()) and all(len(values[k]) >= 32 for k in REQUIRED[1:])
    assert compose("config", "-q", env=values).returncode == 0


def test_the_postgres_driver_is_pinned():
    import psycopg2  # noqa: F401  - the image installs requirements.lock, so this must import


AIRFLOW_COMMANDS = [["db", "migrate"], ["api-server"], ["scheduler"], ["dag-processor"], ["triggerer"], ["celery", "worker"]]
# `airflow <command> --help` for each command, in one process: the parser the `airflow` entry point
# (airflow.__main__) builds and parses with, as the containers' commands meet it. One Airflow
# start-up instead of one per command (about 3 s of CPU each).
_HELP_SCRIPT = """
import contextlib, io, json, sys
from airflow.cli import cli_parser
parser = cli_parser.get_parser()
seen = {}
for command in json.loads(sys.argv[1]):
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            parser.parse_args([*command, "--help"])
        code = "no exit"
    except SystemExit as stop:
        code = stop.code or 0
    seen[" ".join(command)] = [code, printed.getvalue()]
print(json.dumps(seen))
"""


@pytest.fixture(scope="module")
def airflow_help() -> dict[str, list]:
    import json

    # plain, unwrapped help text whatever the terminal settings (rich-argparse colours and wraps it)
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    env.update(NO_COLOR="1", COLUMNS="200")
    command = [sys.executable, "-c", _HELP_SCRIPT, json.dumps(AIRFLOW_COMMANDS)]
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.parametrize("command", AIRFLOW_COMMANDS, ids=" ".join)
def test_every_airflow_command_of_the_compose_file_exists(command, airflow_help):
    code, printed = airflow_help[" ".join(command)]
    assert code == 0, printed[-2000:]
    assert printed.startswith(f"Usage: airflow {' '.join(command)} "), printed[:300]


def test_the_embedded_sqlite_waits_for_its_one_writer(tmp_path, monkeypatch):
    """Airflow's own SQLite gets a busy timeout (a write waits for the writer before it instead of
    failing after 5 s); a deployment's own database gets no SQLite arguments."""
    import importlib

    from pipeline.cli import airflow_env

    monkeypatch.delenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", raising=False)
    env = airflow_env(DataPaths(tmp_path))
    for key in ("AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS_ASYNC"):
        module, _, name = env[key].rpartition(".")
        assert getattr(importlib.import_module(module), name)["timeout"] >= 30
    monkeypatch.setenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "postgresql+psycopg2://airflow@db/airflow")
    assert "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS" not in airflow_env(DataPaths(tmp_path))
