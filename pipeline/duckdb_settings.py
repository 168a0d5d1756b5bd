"""The DuckDB settings every writing process of the pipeline uses (ingest, dbt, validation).

DuckDB takes up to 80% of the machine's memory by default and keeps what it reads cached; with a
million register rows dbt's process alone peaked at 3.7 GB. A memory limit makes DuckDB spill to
its temporary folder beside the database instead, so a night's processes stay within the memory
the deployment gives them (docs/performance.md). ``LAICHAU_DUCKDB_MEMORY_LIMIT`` sets it (DuckDB's
syntax: ``512MB``, ``2GB``); dbt reads the same variable (dbt_project/profiles.yml).
"""

from __future__ import annotations

import os

MEMORY_ENV = "LAICHAU_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "512MB"  # keep in step with dbt_project/profiles.yml


def memory_limit() -> str:
    return os.environ.get(MEMORY_ENV) or DEFAULT_MEMORY_LIMIT


def config() -> dict[str, str]:
    """``duckdb.connect(..., config=config())`` for a process that reads or writes a build."""
    return {"memory_limit": memory_limit()}
