"""Write-audit-publish for the DuckDB warehouse.

Each run builds into a new file (a copy of the published warehouse, so raw load history carries
over), runs its checks there, and only then ``os.replace``-s it over ``warehouse.duckdb``: an
atomic rename on one file system. An analyst holding the published file open read-only keeps
reading the old inode and never blocks the run or sees a half-built warehouse; a failed run
leaves the last good warehouse untouched.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import duckdb

from pipeline.paths import DataPaths


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:120]


def start_build(paths: DataPaths, run_id: str, stage: str = "build") -> Path:
    """A fresh staging copy of the published warehouse (or an empty file on the first run).

    The copy has the published file's name, in a folder of its own: DuckDB names a database
    after its file, and dbt's views refer to tables through that name, so a view built in
    ``build-x.duckdb`` would break once the file is renamed to ``warehouse.duckdb``.
    """
    for leftover in paths.build_dir.glob(f"{stage}-*"):
        shutil.rmtree(leftover)  # one run at a time (max_active_runs=1): anything here is from a dead run
    build = paths.build_dir / f"{stage}-{_safe(run_id)}" / paths.warehouse.name
    build.parent.mkdir(parents=True)
    if paths.warehouse.exists():
        shutil.copyfile(paths.warehouse, build)
    return build


def checkpoint(build: Path) -> None:
    """Fold any write-ahead log into the file so the single file is the whole database."""
    with duckdb.connect(str(build)) as con:
        con.execute("CHECKPOINT")


def publish(paths: DataPaths, build: Path) -> Path:
    """Atomically make ``build`` the published warehouse."""
    if not build.exists():
        raise FileNotFoundError(f"nothing to publish: {build} does not exist")
    checkpoint(build)
    wal = build.with_name(build.name + ".wal")
    if wal.exists():
        raise RuntimeError(f"{wal} still exists after CHECKPOINT; refusing to publish a partial database")
    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)
    os.replace(build, paths.warehouse)
    shutil.rmtree(build.parent, ignore_errors=True)
    return paths.warehouse
