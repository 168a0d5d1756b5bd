"""Write-audit-publish for the DuckDB warehouse.

Each run builds into a new file (a copy of the published warehouse, so raw load history carries
over), runs its checks there, and only then ``os.replace``-s it over ``warehouse.duckdb``: an
atomic rename on one file system. An analyst holding the published file open read-only keeps
reading the old inode and never blocks the run or sees a half-built warehouse; a failed run
leaves the last good warehouse untouched.

Builds are per run (``build/<stage>-<run>/``) and only one run builds at a time (pipeline/runlock.py).
A run clears its own earlier attempt and the folders of dead runs, never a live run's build.

dbt drops and recreates the tables it builds on a rebuild night, and DuckDB keeps the
dropped tables' blocks in the file as free blocks (neither ``CHECKPOINT`` nor ``VACUUM`` gives
them back): on the sample the published file went from 22 MiB to 39-41 MiB on the second night,
45% of its blocks free. When at least ``COMPACT_FREE_SHARE`` of the build's blocks are free,
``publish`` publishes a compacted copy instead (``COPY FROM DATABASE`` into a new file, which
writes live blocks only): the published file stays at its first night's size. A night with
nothing new (no dbt, almost nothing freed) publishes the build as it is and pays nothing.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from pathlib import Path

import duckdb

from pipeline import duckdb_settings
from pipeline.paths import DataPaths

log = logging.getLogger(__name__)
# Publish a compacted copy when at least this share of the build's blocks are free (see above).
COMPACT_FREE_SHARE = 0.2
COMPACT_FOLDER = "compacted"


def safe_name(name: str) -> str:
    """A run id as it appears in a build folder's name."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:120]


def _last_touched(folder: Path) -> float:
    return max([folder.stat().st_mtime, *(p.stat().st_mtime for p in folder.rglob("*"))])


def clear_dead_builds(paths: DataPaths, run_id: str) -> list[Path]:
    """Remove build folders of dead runs: untouched for longer than the lock's staleness and not
    the lock holder's. Another live run's build is never removed (its run may be between stages)."""
    from pipeline import runlock

    holder = runlock.holder(paths)
    keep = {safe_name(run_id), safe_name(holder.run_id) if holder else None}
    cutoff = time.time() - runlock.stale_seconds()
    removed = []
    for folder in sorted(paths.build_dir.glob("*-*")) if paths.build_dir.exists() else []:
        if folder.is_dir() and folder.name.split("-", 1)[1] not in keep and _last_touched(folder) < cutoff:
            log.warning("Removing %s, the build of a dead run", folder)
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def start_build(paths: DataPaths, run_id: str, stage: str = "build") -> Path:
    """A fresh staging copy of the published warehouse (or an empty file on the first run).

    The copy has the published file's name, in a folder of its own: DuckDB names a database
    after its file, and dbt's views refer to tables through that name, so a view built in
    ``build-x.duckdb`` would break once the file is renamed to ``warehouse.duckdb``. Call it
    holding the run lock: it replaces this run's own earlier attempt and clears dead runs' builds.
    """
    clear_dead_builds(paths, run_id)
    build = paths.build_dir / f"{stage}-{safe_name(run_id)}" / paths.warehouse.name
    shutil.rmtree(build.parent, ignore_errors=True)  # this run's earlier, failed attempt (a retry)
    build.parent.mkdir(parents=True)
    if paths.warehouse.exists():
        shutil.copyfile(paths.warehouse, build)
    return build


def checkpoint(build: Path) -> None:
    """Fold any write-ahead log into the file so the single file is the whole database."""
    with duckdb.connect(str(build)) as con:
        con.execute("CHECKPOINT")


def free_share(database: Path) -> float:
    """The share of the file's blocks that are free: blocks of dropped tables DuckDB keeps."""
    with duckdb.connect(str(database), read_only=True) as con:
        total, free = con.execute(
            "select total_blocks, free_blocks from pragma_database_size() where database_name = current_database()"
        ).fetchone()
    return free / total if total else 0.0


def compacted(build: Path) -> Path:
    """A copy of ``build`` holding its live blocks only, beside it, with the same file name (dbt's
    views name the database after its file). ``COPY FROM DATABASE`` copies schemas, tables with
    their constraints and comments, views and macros; DETACH checkpoints the copy into one file."""
    target = build.parent / COMPACT_FOLDER / build.name
    shutil.rmtree(target.parent, ignore_errors=True)  # an earlier attempt of this publish
    target.parent.mkdir()
    quoted = "'" + str(target).replace("'", "''") + "'"
    with duckdb.connect(str(build), config=duckdb_settings.config()) as con:
        (name,) = con.execute("select current_database()").fetchone()
        con.execute(f"attach {quoted} as compacted")
        con.execute(f'copy from database "{name}" to compacted')
        con.execute("detach compacted")
    refuse_unwritten(target, "DETACH")
    return target


def wal_of(database: Path) -> Path:
    return database.with_name(database.name + ".wal")


def refuse_unwritten(database: Path, after: str) -> None:
    """Stop the publish when ``database`` still has a write-ahead log after ``after`` (which writes
    it into the file): the file alone would be a partial database."""
    if wal_of(database).exists():
        raise RuntimeError(f"{wal_of(database)} still exists after {after}; refusing to publish a partial database")


def remove_stale_wal(paths: DataPaths) -> bool:
    """Delete a write-ahead log lying beside the published warehouse.

    The pipeline never writes the published file, so a ``warehouse.duckdb.wal`` there is left by
    an analyst's read-write session that crashed (or was killed) before checkpointing. DuckDB
    replays the WAL beside a file whenever it opens it, and it does not check that the log was
    written for *that* file: after a publish, the old file's log would be replayed onto the new
    warehouse (readers once saw 0 figures this way). The log's changes were made to the old file,
    which the publish replaces anyway, so nothing worth keeping is lost.
    """
    wal = wal_of(paths.warehouse)
    try:
        wal.unlink()
    except FileNotFoundError:
        return False
    log.warning("Removed %s, a write-ahead log left by a read-write session on the old warehouse", wal)
    return True


def publish(paths: DataPaths, build: Path) -> Path:
    """Atomically make ``build`` the published warehouse, with no stale WAL beside it: the build
    itself, or its compacted copy when much of it is free blocks (one ``os.replace`` either way)."""
    if not build.exists():
        raise FileNotFoundError(f"nothing to publish: {build} does not exist")
    checkpoint(build)
    refuse_unwritten(build, "CHECKPOINT")
    share = free_share(build)
    if share >= COMPACT_FREE_SHARE:
        started = time.perf_counter()
        source = compacted(build)
        log.info(
            "Compacted the warehouse (%.0f%% of its blocks were free): %.1f MB -> %.1f MB in %.1f s",
            100 * share,
            build.stat().st_size / 1e6,
            source.stat().st_size / 1e6,
            time.perf_counter() - started,
        )
    else:
        source = build
    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_wal(paths)  # before: so no instant exists where the new file sits beside an old log
    os.replace(source, paths.warehouse)
    remove_stale_wal(paths)  # after: a session that was still writing the old file may have made one meanwhile
    shutil.rmtree(build.parent, ignore_errors=True)
    return paths.warehouse
