"""DAG integrity: it imports cleanly, does nothing heavy at import, and is scheduled as intended."""

import datetime as dt
import itertools
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

DAG_ID = "laichau_citizen_reporting"


@pytest.fixture(scope="module")
def dag():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(REPO_ROOT / "dags"))
    assert bag.import_errors == {}
    return bag.dags[DAG_ID]


@pytest.mark.parametrize("module", ["laichau_citizen_reporting", "laichau_reports"])
def test_dag_imports_without_heavy_libraries(module):
    allowed = ("pipeline", "pipeline.notify", "pipeline.assets", "pipeline.dag_support")  # standard library and airflow.sdk only
    code = (
        f"import sys; sys.path.insert(0, 'dags'); import {module}; "
        "heavy = {'duckdb', 'great_expectations', 'dbt', 'pandas', 'python_calamine', 'numpy', "
        "'ingestion', 'reporting'}; "
        "print(sorted(heavy & {name.split('.')[0] for name in sys.modules}) "
        f"+ sorted(n for n in sys.modules if n.startswith('pipeline') and n not in {allowed!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, env=os.environ.copy(), check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_publish_is_the_warehouse_asset_the_reports_dag_is_scheduled_on(dag):
    from airflow.dag_processing.dagbag import DagBag

    from pipeline.assets import WAREHOUSE

    reports = DagBag(dag_folder=str(REPO_ROOT / "dags")).dags["laichau_reports"]
    assert dag.get_task("publish").outlets == [WAREHOUSE]
    assert [t.outlets for t in dag.tasks if t.outlets] == [[WAREHOUSE]]  # only publish
    assert list(reports.timetable.asset_condition.objects) == [WAREHOUSE]
    assert not any(t.outlets for t in reports.tasks)  # its own publish never schedules it again
    assert "ingest" not in reports.task_ids and "discover" not in reports.task_ids


def test_stages_are_tasks_in_order(dag):
    chain = [
        "plan_reports", "discover", "take_run_lock", "plan_parse", "parse_batch", "ingest", "dbt_build", "validate",
        "publish", "report", "release_run_lock",
    ]  # fmt: skip
    assert set(dag.task_ids) == set(chain)
    for upstream, downstream in itertools.pairwise(chain):
        assert downstream in dag.get_task(upstream).downstream_task_ids


def test_parse_batch_is_mapped_over_plan_parse_and_ingest_runs_on_a_night_without_batches(dag):
    """parse_batch is expanded (dynamic task mapping) over plan_parse's batches; ingest, the single
    writer, waits for every mapped instance, and runs when there was nothing to map (skipped) but
    not when a parse failed."""
    parse = dag.get_task("parse_batch")
    assert type(parse).__name__ == "DecoratedMappedOperator"
    assert set(parse.op_kwargs_expand_input.value) == {"batch"}
    assert parse.upstream_task_ids == {"plan_parse"}
    ingest = dag.get_task("ingest")
    assert ingest.upstream_task_ids == {"plan_parse", "parse_batch"}
    assert ingest.trigger_rule == "none_failed"
    assert dag.get_task("plan_parse").upstream_task_ids == {"take_run_lock"}


def test_the_run_lock_is_a_setup_released_by_a_teardown(dag):
    """The teardown runs when a stage failed too, so a failed run does not hold the lock; it does
    not run when the set-up failed (another run holds the lock, which is not ours to release)."""
    take, release = dag.get_task("take_run_lock"), dag.get_task("release_run_lock")
    assert take.is_setup and release.is_teardown
    assert take.task_id in release.upstream_task_ids and "report" in release.upstream_task_ids
    assert release.trigger_rule == "all_done_setup_success"


def test_schedule_is_nightly_in_vietnam_time_without_catchup(dag):
    timetable = dag.timetable
    assert type(timetable).__name__ == "CronTriggerTimetable"
    assert timetable.expression == "0 1 * * *"
    assert str(timetable.timezone) in {"Asia/Ho_Chi_Minh", "Timezone('Asia/Ho_Chi_Minh')"}
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert {"laichau", "nightly"} <= set(dag.tags)


def test_tasks_retry_with_backoff(dag):
    for task in dag.tasks:
        assert task.retries >= 1
        assert task.retry_exponential_backoff
        assert task.retry_delay >= dt.timedelta(minutes=1)


def test_report_params_default_to_the_configured_units_year_to_date(dag):
    """Empty params: every configured unit that exists on the run's date, 1 January to that date."""
    assert all(dag.params[name] is None for name in ("reporting_unit", "period", "period_start", "period_end"))
    from pipeline.periods import PeriodKind
    from pipeline.report_requests import plan

    requests = plan(None, None, None, dt.date(2026, 11, 26))
    assert {(r.period.start, r.period.end, r.period.kind) for r in requests} == {
        (dt.date(2026, 1, 1), dt.date(2026, 11, 26), PeriodKind.YEAR_TO_DATE)
    }
    inspection = plan("105", "2022-12-15", "2023-12-14", dt.date(2026, 1, 1))[0].period
    assert (inspection.kind, inspection.code) == (PeriodKind.DECREE09_YEAR, "2023-decree09")
    with pytest.raises(ValueError):
        plan("105", "2023-12-31", "2023-01-01", dt.date(2026, 1, 1))
