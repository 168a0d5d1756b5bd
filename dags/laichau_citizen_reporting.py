"""
### Lai Châu city: nightly citizen-work reporting

Every night: **discover** the workbooks in the landing folder → **plan_parse** cuts the new ones
into batches and **parse_batch** (mapped, one task per batch, in parallel: LocalExecutor slots or
Celery workers sharing the data folder) reads each batch into the parse cache `landing/_parsed/`
→ **ingest**, the single writer, loads them in bulk into a staging copy of the warehouse (bad
files are quarantined with an error report, the rest go on)
→ **dbt_build** the staging, intermediate and mart models and run their tests (skipped with
validation when nothing changed since the last validated build, narrowed to what the changed
registers feed when only some did: pipeline/build_state.py) → **validate**
with the Great Expectations suites (a workbook whose rows fail a check is rejected, its clerk
gets a report, and the rest goes on) → **publish** the staging copy atomically as
`data/warehouse.duckdb` → **report**: the figures of the annual report for the chosen period,
its sentences, and Excel/CSV exports under `data/reports/`.

**plan_reports** first checks what the run reports on: param `reporting_unit` (an official code:
`105` the former city, `03388` / `03408` the wards Đoàn Kết / Tân Phong, `12` the province; empty:
every unit of `LAICHAU_REPORTING_UNITS` that exists on the period's last day) and the period,
`period` (a preset: `2024`, `2024-Q3`, `2024-decree09`…) or `period_start` / `period_end` (empty:
the current year to the run's date, in Asia/Ho_Chi_Minh time). A period reaching past a unit's end
is refused before anything is ingested. dbt builds the `report.*` tables of those requests in the
same build that is validated and published. See docs/architecture.md.

One run at a time, also beside `make run`: the set-up task **take_run_lock** takes the lock file
`data/run.lock` (waiting a bounded time for another run), every stage checks it, and the teardown
task **release_run_lock** releases it, also when a stage failed.

Each publish is an event of the Asset `laichau_warehouse`: the DAG **laichau_reports** runs on it
(the reports of `LAICHAU_EXTRA_REPORTS`, or any unit and period asked for by trigger) and never
reads a workbook again.

A task that fails for good, and a run that quarantined or rejected files, mail the office through
the Airflow SMTP connection `laichau_smtp` (recipients `LAICHAU_NOTIFY_TO`): pipeline/notify.py.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import CronTriggerTimetable, Param, dag, setup, task, teardown

from pipeline.assets import WAREHOUSE
from pipeline.dag_support import TIMEZONE, data_paths, fail_fast_on_bad_data, run_day
from pipeline.notify import RunMailNotifier


@dag(
    dag_id="laichau_citizen_reporting",
    description="Registers and forms → DuckDB warehouse → validated marts → report figures",
    schedule=CronTriggerTimetable("0 1 * * *", timezone=TIMEZONE),
    start_date=pendulum.datetime(2026, 1, 1, tz=TIMEZONE),
    catchup=False,
    max_active_runs=1,
    default_args={
        "retries": 2,
        "retry_delay": timedelta(minutes=2),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(minutes=30),
        # a task that failed for good mails the office (connection laichau_smtp; pipeline.notify)
        "on_failure_callback": RunMailNotifier(),
    },
    params={
        "reporting_unit": Param(
            None,
            type=["null", "string"],
            title="Reporting unit (official code)",
            description="105 = the former city (to 30/06/2025), 03388 / 03408 = the wards Đoàn Kết / Tân Phong, "
            "12 = the province; several separated by commas. Empty: the configured list (LAICHAU_REPORTING_UNITS).",
        ),
        "period": Param(
            None,
            type=["null", "string"],
            title="Report period (preset)",
            description="2024, 2024-H1, 2024-Q3, 2024-03, 2024-decree09, 2024-decree09-Q3, ytd. "
            "Leave empty to use the dates below.",
        ),
        "period_start": Param(
            None,
            type=["null", "string"],
            format="date",
            title="Report period start",
            description="First day counted. Empty: 1 January of the cut-off's year.",
        ),
        "period_end": Param(
            None,
            type=["null", "string"],
            format="date",
            title="Report cut-off date",
            description="Last day counted. Empty: the run's date (Asia/Ho_Chi_Minh).",
        ),
    },
    tags=["laichau", "citizen-reporting", "nightly"],
    doc_md=__doc__,
)
def laichau_citizen_reporting():
    @task
    @fail_fast_on_bad_data
    def plan_reports(params: dict | None = None, dag_run=None) -> list[dict]:
        from pipeline import report_requests

        params = params or {}
        today = run_day(dag_run)
        requests = report_requests.plan(
            params.get("reporting_unit"), params.get("period_start"), params.get("period_end"), today, params.get("period")
        )
        return [r.as_dict() for r in requests]

    @task
    @fail_fast_on_bad_data
    def discover(planned: list[dict]) -> dict:
        from pipeline import stages

        return stages.discover(data_paths())

    @setup
    @fail_fast_on_bad_data
    def take_run_lock(discovered: dict, run_id: str | None = None) -> str:
        from pipeline import runlock

        runlock.acquire(data_paths(), run_id or "manual", stage="take_run_lock")
        return run_id or "manual"

    @teardown
    def release_run_lock(locked_by: str) -> bool:
        from pipeline import runlock

        return runlock.release(data_paths(), locked_by)

    @task
    @fail_fast_on_bad_data
    def plan_parse(locked_by: str, run_id: str | None = None) -> list[dict]:
        from pipeline import stages

        return stages.plan_parse(data_paths(), run_id or "manual")

    @task
    @fail_fast_on_bad_data
    def parse_batch(batch: dict, run_id: str | None = None) -> dict:
        from pipeline import stages

        return stages.parse_batch(data_paths(), run_id or "manual", batch)

    # none_failed: a night with nothing new maps parse_batch over no batch (skipped) and ingest still
    # runs; a failed plan_parse or parse_batch (or take_run_lock before them) stops it. It follows
    # plan_parse, not take_run_lock: a set-up's direct downstream tasks must keep all_success.
    @task(trigger_rule="none_failed")
    @fail_fast_on_bad_data
    def ingest(run_id: str | None = None) -> dict:
        from pipeline import stages

        return stages.ingest(data_paths(), run_id or "manual")

    @task
    @fail_fast_on_bad_data
    def dbt_build(ingested: dict, planned: list[dict]) -> dict:
        from pipeline import stages

        return stages.build_models(data_paths(), ingested["build"], planned)

    @task
    @fail_fast_on_bad_data
    def validate(built: dict, planned: list[dict], run_id: str | None = None) -> dict:
        from pipeline import stages

        return stages.validate(data_paths(), built["build"], run_id or "manual", planned, built)

    @task(outlets=[WAREHOUSE])  # an asset event per publish: laichau_reports runs on it
    @fail_fast_on_bad_data
    def publish(validated: dict) -> dict:
        from pipeline import stages

        return stages.publish_warehouse(data_paths(), validated["build"])

    @task(on_success_callback=RunMailNotifier())  # mails the files this run could not count
    @fail_fast_on_bad_data
    def report(
        published: dict,
        ingested: dict,
        validated: dict,
        planned: list[dict],
        run_id: str | None = None,
    ) -> dict:
        from pipeline import stages

        return stages.report(data_paths(), planned, run_id or "manual", ingested, validated)

    planned = plan_reports()
    locked = take_run_lock(discover(planned))
    batches = plan_parse(locked)
    ingested = ingest()
    [batches, parse_batch.expand(batch=batches)] >> ingested
    validated = validate(dbt_build(ingested, planned), planned)
    reported = report(publish(validated), ingested, validated, planned)
    reported >> release_run_lock(locked)


laichau_citizen_reporting()
