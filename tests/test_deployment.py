"""docker-compose.yml cannot run here (no Docker engine): check what can be checked of it, that it
is the embedded set-up's production shape and that every command it runs exists."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ingestion.pseudonymize import KEY_FILE_ENV
from pipeline.paths import DATA_DIR_ENV
from tests.conftest import REPO_ROOT

COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
AIRFLOW_SERVICES = ["airflow-init", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer"]


def test_services_are_the_airflow_3_components_with_postgres():
    assert set(COMPOSE["services"]) == {"postgres", *AIRFLOW_SERVICES}
    commands = {name: COMPOSE["services"][name]["command"] for name in AIRFLOW_SERVICES}
    assert commands == {
        "airflow-init": ["airflow", "db", "migrate"],
        "airflow-apiserver": ["airflow", "api-server"],
        "airflow-scheduler": ["airflow", "scheduler"],
        "airflow-dag-processor": ["airflow", "dag-processor"],
        "airflow-triggerer": ["airflow", "triggerer"],
    }


def test_airflow_services_share_the_embedded_settings_with_postgres_metadata():
    for name in AIRFLOW_SERVICES:
        env = COMPOSE["services"][name]["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
        assert env[DATA_DIR_ENV] == "/data"
        assert env[KEY_FILE_ENV] == "/run/secrets/pseudonym_key"
        assert "./data:/data" in COMPOSE["services"][name]["volumes"]
        dags = Path(env["AIRFLOW__CORE__DAGS_FOLDER"])
        assert dags.name == "dags" and (REPO_ROOT / "dags").is_dir()
    dockerfile = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "WORKDIR /opt/laichau" in dockerfile and "requirements.lock" in dockerfile and "FROM python:3.11" in dockerfile
    assert COMPOSE["secrets"]["pseudonym_key"]["file"] == "./data/secrets/pseudonym.key"


def test_the_postgres_driver_is_pinned():
    import psycopg2  # noqa: F401  - the image installs requirements.lock, so this must import


@pytest.mark.parametrize("command", [["db", "migrate"], ["api-server"], ["scheduler"], ["dag-processor"], ["triggerer"]])
def test_every_airflow_command_of_the_compose_file_exists(command):
    airflow = Path(sys.executable).parent / "airflow"
    result = subprocess.run([str(airflow), *command, "--help"], capture_output=True, text=True, env=os.environ.copy())
    assert result.returncode == 0, result.stderr[-2000:]
