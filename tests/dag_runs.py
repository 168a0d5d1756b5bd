"""Running the real DAGs in-process (``dag.test()``) and reading what a run left: its task states,
mapped instances and XComs in Airflow's metadata, its run summary, its published figures."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import yaml

from pipeline.paths import DataPaths
from tests.conftest import FIGURES_FILE, SAMPLE_LANDING

DAG_ID = "laichau_citizen_reporting"
REPORTS_DAG_ID = "laichau_reports"
PERIOD_2023 = {"reporting_unit": "105", "period_start": "2023-01-01", "period_end": "2023-12-31"}
NO_PARAMS = {"reporting_unit": None, "period": None, "period_start": None, "period_end": None}
REPORT_DIR_2023 = "105_2023-01-01_2023-12-31"  # reports/<code>_<start>_<end>/
REQUEST_2023 = ["105", dt.date(2023, 1, 1), dt.date(2023, 12, 31)]  # the city's 2023 report
REQUEST_WHERE = "reporting_unit_code = ? and period_start = ? and period_end = ?"
# The 2023 figures file's scopes, as report.figures names them
SCOPES_2023 = {"city": "total", "city_level": "own_bodies", "commune_level": "subunits"}


def run_dag(dag, conf: dict | None = PERIOD_2023, logical_date=None) -> dict[str, str]:
    """Run a DAG once in-process with ``conf`` (params it does not name are empty); returns the
    run's state (``run``), its id (``run_id``) and each task's state."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    # every param named: dag.test() keeps an earlier run's conf in the DAG's params otherwise
    dag_run = dag.test(run_conf=None if conf is None else {**NO_PARAMS, **conf}, logical_date=logical_date)
    with create_session() as session:
        states = {
            ti.task_id: str(ti.state)
            for ti in session.query(TaskInstance).filter(TaskInstance.dag_id == dag.dag_id, TaskInstance.run_id == dag_run.run_id)
        }
    return {"run": str(dag_run.state), "run_id": dag_run.run_id, **states}


def task_states(states: dict[str, str]) -> dict[str, str]:
    """The run's and its tasks' states, without the run id."""
    return {k: v for k, v in states.items() if k != "run_id"}


def returned(dag_run_id: str, task_id: str, dag_id: str = DAG_ID) -> dict:
    """What a task returned (its XCom)."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        row = (
            session.query(XComModel)
            .filter(XComModel.dag_id == dag_id, XComModel.run_id == dag_run_id, XComModel.task_id == task_id)
            .filter(XComModel.key == "return_value")
            .one()
        )
        value = row.value
    return json.loads(value) if isinstance(value, str) else value


def seed(data_dir: Path) -> Path:
    landing = data_dir / "landing"
    shutil.copytree(SAMPLE_LANDING, landing)
    return landing


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def latest_summary(paths: DataPaths) -> dict:
    """The run summary (runs/<run>.json) the last run wrote."""
    return json.loads(max(paths.runs.glob("*.json"), key=lambda p: p.stat().st_mtime_ns).read_text(encoding="utf-8"))


def published_figures(
    warehouse: Path, code: str = "105", start: str = "2023-01-01", end: str = "2023-12-31"
) -> dict[tuple[str, str], float]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select key, scope, coalesce(value::double, value_decimal::double) from report.figures "
            "where reporting_unit_code = ? and period_start = ? and period_end = ?",
            [code, start, end],
        ).fetchall()
    return {(key, scope): value for key, scope, value in rows}


def figures_record(figures: dict[tuple[str, str], float]) -> dict[str, float]:
    """Figures keyed ``key|scope``, for a scenario's JSON record."""
    return {f"{key}|{scope}": value for (key, scope), value in figures.items()}


def figures_from_record(record: dict[str, float]) -> dict[tuple[str, str], float]:
    return {tuple(k.split("|", 1)): v for k, v in record.items()}


def expected_figures() -> dict[tuple[str, str], tuple[float, str]]:
    """(key, scope) → (value, check) of every figure of the 2023 report."""
    spec = yaml.safe_load(FIGURES_FILE.read_text(encoding="utf-8"))
    return {
        (f["key"], SCOPES_2023[f.get("scope", "city")]): (float(f["value"]), f.get("check", "equal")) for f in spec["figures"]
    }


def mismatches(published: dict[tuple[str, str], float], expected: dict[tuple[str, str], tuple[float, str]]) -> dict:
    """Figures that differ from the report: equal, or as the figures file's `check` says for the two
    rates the report rounds ("rounded": 99% is any value rounding to 99; "above": over 97%)."""
    wrong = {}
    for key, (value, check) in expected.items():
        got = published.get(key)
        ok = got is not None and (
            (check == "equal" and got == value)
            or (check == "rounded" and round(got) == value)
            or (check == "above" and got > value)
        )
        if not ok:
            wrong[key] = (got, check, value)
    return wrong


def warehouse_state(path: Path) -> dict:
    """What an analyst can see: row counts of every table, the load log and the figures."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute("select table_schema, table_name from information_schema.tables order by all").fetchall()
        counts = {f"{s}.{t}": con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0] for s, t in tables}
        loads = con.execute("select load_id, file_sha256, superseded_by from raw._loads order by load_id").fetchall()
        figures = con.execute(
            "select reporting_unit_code, period_start, period_end, scope, key, value from report.figures order by all"
        ).fetchall()
    return {"counts": counts, "loads": loads, "figures": figures}


def copy_build(build: Path, folder: Path) -> Path:
    """A writable copy of a built warehouse (conftest.sample_build) in ``folder``, under the same
    file name: dbt's views name the database after its file."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / build.name
    shutil.copyfile(build, copy)
    return copy


def staged_copy(build: Path, paths: DataPaths, run_id: str) -> Path:
    """A copy of a built warehouse (conftest.sample_build) as run ``run_id``'s staging build, the
    run holding the run lock: what the stages after dbt_build expect to find."""
    from pipeline import runlock
    from pipeline.warehouse import safe_name

    copy = copy_build(build, paths.build_dir / f"ingest-{safe_name(run_id)}")
    runlock.acquire(paths, run_id)
    return copy
