"""The laichau_reports DAG: further reports from the published warehouse, scheduled on the nightly's
Asset or triggered with params, never reading a workbook again (real DAG runs, dbt, GX)."""

from __future__ import annotations

import duckdb
import pytest

from pipeline.paths import DataPaths
from pipeline.report_requests import EXTRA_ENV
from tests.conftest import REPO_ROOT
from tests.test_e2e import PERIOD_2023, expected_figures, mismatches, published_figures, seed

pytestmark = pytest.mark.e2e
NO_PARAMS = {"reporting_unit": None, "period": None, "period_start": None, "period_end": None}


@pytest.fixture(scope="module")
def dags(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(REPO_ROOT / "dags"))
    return bag.dags["laichau_citizen_reporting"], bag.dags["laichau_reports"]


def _loads(warehouse) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select load_id, file_sha256 from raw._loads order by load_id").fetchall()


def test_reports_for_another_unit_and_period_are_built_without_reading_a_workbook(dags, data_dir, monkeypatch):
    nightly, reports = dags
    seed(data_dir)
    assert nightly.test(run_conf=PERIOD_2023).state == "success"
    paths = DataPaths(data_dir)
    loads = _loads(paths.warehouse)

    # triggered with params: Phường Đoàn Kết (03388) for 2025, its predecessors' first half included
    run = reports.test(run_conf={**NO_PARAMS, "reporting_unit": "03388", "period": "2025"})
    assert run.state == "success"
    assert _loads(paths.warehouse) == loads  # nothing ingested
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        requests = con.execute(
            "select distinct reporting_unit_code, period_start::varchar, period_end::varchar from report.figures order by all"
        ).fetchall()
    assert ("03388", "2025-01-01", "2025-12-31") in requests
    assert ("105", "2023-01-01", "2023-12-31") in requests  # the nightly's report is still there
    assert mismatches(published_figures(paths.warehouse), expected_figures()) == {}
    assert (paths.reports / "03388_2025-01-01_2025-12-31" / "bao-cao_03388_2025-01-01_2025-12-31.docx").is_file()

    # as the Asset schedule runs it: no params, the configured extra reports
    monkeypatch.setenv(EXTRA_ENV, "105:2025-H1")
    run = reports.test(run_conf=NO_PARAMS)
    assert run.state == "success"
    assert _loads(paths.warehouse) == loads
    assert (paths.reports / "105_2025-01-01_2025-06-30").is_dir()

    # nothing configured and nothing asked: skipped, not failed
    monkeypatch.delenv(EXTRA_ENV)
    run = reports.test(run_conf=NO_PARAMS)
    assert run.state == "success"
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    assert states["plan_reports"] == "skipped"
