"""
### Lai Châu: reports for other units and periods, from the published warehouse

Runs each time the nightly **publishes** the warehouse (Asset `laichau_warehouse`), or when
triggered with params. It never reads a workbook: it copies the published warehouse, lets dbt build
only the report layer (`stg_control__report_requests+`: report.figures, appendices, completeness, series,
with their tests) for its requests, validates, publishes, and writes the documents, exactly as the
nightly's last stages do.

**plan_reports**: params `reporting_unit` (official codes) and `period` (a preset: `2024`,
`2024-Q3`, `2024-decree09`…) or `period_start` / `period_end`; with no params, the reports of
`LAICHAU_EXTRA_REPORTS` (`12:2025-decree09;03388,03408:2026-Q3`); with neither, nothing to do (the
run is skipped). One run at a time with the nightly: the same run lock.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag, setup, task, teardown
from airflow.sdk.exceptions import AirflowSkipException

from pipeline.assets import WAREHOUSE
from pipeline.dag_support import TIMEZONE, data_paths, fail_fast_on_bad_data, run_day
from pipeline.notify import RunMailNotifier


@dag(
    dag_id="laichau_reports",
    description="Reports for other units and periods, built on the published warehouse (no ingest)",
    schedule=[WAREHOUSE],
    start_date=pendulum.datetime(2026, 1, 1, tz=TIMEZONE),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "on_failure_callback": RunMailNotifier()},
    params={
        "reporting_unit": Param(None, type=["null", "string"], title="Reporting unit (official codes)"),
        "period": Param(None, type=["null", "string"], title="Report period (preset)"),
        "period_start": Param(None, type=["null", "string"], format="date", title="Report period start"),
        "period_end": Param(None, type=["null", "string"], format="date", title="Report cut-off date"),
    },
    tags=["laichau", "citizen-reporting", "reports"],
    doc_md=__doc__,
)
def laichau_reports():
    @task
    @fail_fast_on_bad_data
    def plan_reports(params: dict | None = None, dag_run=None) -> list[dict]:
        from pipeline import report_requests

        params = params or {}
        today = run_day(dag_run)
        asked = [params.get(k) for k in ("reporting_unit", "period", "period_start", "period_end")]
        if any(asked):
            requests = report_requests.plan(
                params.get("reporting_unit"), params.get("period_start"), params.get("period_end"), today, params.get("period")
            )
        else:
            requests = report_requests.plan_extra(today)
        if not requests:
            raise AirflowSkipException(f"No report asked for and {report_requests.EXTRA_ENV} is empty")
        return [r.as_dict() for r in requests]

    @setup
    @fail_fast_on_bad_data
    def take_run_lock(planned: list[dict], run_id: str | None = None) -> str:
        from pipeline import runlock

        runlock.acquire(data_paths(), run_id or "manual", stage="take_run_lock")
        return run_id or "manual"

    @teardown
    def release_run_lock(locked_by: str) -> bool:
        from pipeline import runlock

        return runlock.release(data_paths(), locked_by)

    @task
    @fail_fast_on_bad_data
    def start_report_build(locked_by: str) -> dict:
        from pipeline import stages

        return stages.start_report_build(data_paths(), locked_by)

    @task
    @fail_fast_on_bad_data
    def dbt_report_tables(started: dict, planned: list[dict]) -> dict:
        from pipeline import stages

        return stages.build_report_tables(data_paths(), started["build"], planned)

    @task
    @fail_fast_on_bad_data
    def validate(built: dict, planned: list[dict], run_id: str | None = None) -> dict:
        from pipeline import stages

        return stages.validate(data_paths(), built["build"], run_id or "manual", planned, built)

    @task
    @fail_fast_on_bad_data
    def publish(validated: dict) -> dict:  # no outlet: its own publish must not schedule it again
        from pipeline import stages

        return stages.publish_warehouse(data_paths(), validated["build"])

    @task(on_success_callback=RunMailNotifier())
    @fail_fast_on_bad_data
    def report(published: dict, validated: dict, planned: list[dict], run_id: str | None = None) -> dict:
        from pipeline import stages

        return stages.report(data_paths(), planned, run_id or "manual", None, validated)

    planned = plan_reports()
    locked = take_run_lock(planned)
    validated = validate(dbt_report_tables(start_report_build(locked), planned), planned)
    reported = report(publish(validated), validated, planned)
    reported >> release_run_lock(locked)


laichau_reports()
