"""Failures the pipeline raises. ``DataCheckFailed`` is about the data, not the machine: retrying
cannot fix it, so the DAG fails the task at once instead of retrying."""


class DataCheckFailed(RuntimeError):
    """dbt tests or validation suites failed: nothing is published."""
