"""What both DAG files share, light enough for the dag-processor to import: the time zone, the day
a run is for, where the data folder is, and which failures are not retried. Pipeline modules are
imported only when a task runs."""

from __future__ import annotations

import functools

TIMEZONE = "Asia/Ho_Chi_Minh"


def fail_fast_on_bad_data(func):
    """Data problems (failed checks, no or another pseudonymisation key, a report that cannot be
    written for that unit and period) are not transient, and neither is another run holding the
    lock after the bounded wait: they fail the task at once, with no retries."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from airflow.sdk.exceptions import AirflowFailException

        from ingestion.pseudonymize import PseudonymKeyError
        from pipeline.errors import DataCheckFailed
        from pipeline.periods import PeriodError
        from pipeline.report_requests import ReportRequestError
        from pipeline.runlock import RunLockError

        try:
            return func(*args, **kwargs)
        except (DataCheckFailed, PseudonymKeyError, RunLockError, ReportRequestError, PeriodError) as exc:
            raise AirflowFailException(str(exc)) from exc

    return wrapper


def data_paths():
    """The data folder (LAICHAU_DATA_DIR, else the repository's data/), read when a task runs."""
    from pipeline.paths import DataPaths

    return DataPaths.from_env()


def run_day(dag_run):
    """The night a run is for (a scheduled run's logical date), else when it was triggered, in
    Asia/Ho_Chi_Minh: the cut-off of a year-to-date report."""
    import pendulum

    return pendulum.instance(dag_run.logical_date or dag_run.run_after).in_timezone(TIMEZONE).date()
