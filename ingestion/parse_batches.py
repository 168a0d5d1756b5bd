"""Which landing files to read ahead of ingest, in batches, and reading one batch into the cache.

``plan`` lists the files ingest would read (a sha256 the published warehouse has neither loaded
nor refused under the current reading rules) that the parse cache does not hold yet, and cuts
them into batches of at most ``LAICHAU_PARSE_BATCH_FILES`` files or ``LAICHAU_PARSE_BATCH_MB``
megabytes: an Airflow task is mapped over each (``.expand``). A batch names files only (their
path relative to the landing folder, size and sha256), never what they hold, since it travels
as XCom.

``read_batch`` reads a batch with the sandboxed reader (``ingestion.sandbox``: bounded children)
and caches each successful read (``ingestion.parse_cache``). It depends on nothing but the data
folder and the key, so it runs on any Celery worker that mounts the same data folder.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ingestion import limits, parse_cache
from ingestion.errors import WorkbookRejected, printable
from ingestion.filecheck import refuse_special
from ingestion.loader import landing_entries, reader_version, requeued_since, sha256_of
from ingestion.pseudonymize import fingerprint
from ingestion.sandbox import ReaderUnavailable, ReadJob, read_all

log = logging.getLogger(__name__)

BATCH_FILES_ENV = "LAICHAU_PARSE_BATCH_FILES"
BATCH_MB_ENV = "LAICHAU_PARSE_BATCH_MB"
WORKERS_ENV = "LAICHAU_PARSE_WORKERS"
DEFAULT_BATCH_FILES = 50
DEFAULT_BATCH_MB = 64


def batch_limits() -> tuple[int, int]:
    """(files, bytes) a batch may hold at most, read at call time so a deployment can tune them."""
    files = int(os.environ.get(BATCH_FILES_ENV) or DEFAULT_BATCH_FILES)
    megabytes = float(os.environ.get(BATCH_MB_ENV) or DEFAULT_BATCH_MB)
    return max(1, files), max(1, int(megabytes * 1024 * 1024))


@dataclass(frozen=True)
class Known:
    """What the published warehouse says about landing files: loaded sha256s, sha256s refused
    under the current reading rules (and not asked to be read again), and the sha256 of each
    (name, ctime) arrival seen, so a file already seen is not hashed again."""

    loaded: frozenset[str] = frozenset()
    refused: frozenset[str] = frozenset()
    arrivals: dict[tuple[str, int], str] | None = None


def known_from(con, quarantine: Path) -> Known:
    """What a warehouse (the published one, opened read-only) knows, as ingest would judge it:
    a file refused under the current reading rules counts as refused unless a requeue request
    (``loader.request_requeue``) came after its refusal."""
    tables = {
        name for (name,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw'").fetchall()
    }
    loaded = {sha for (sha,) in con.execute("SELECT file_sha256 FROM raw._loads").fetchall()} if "_loads" in tables else set()
    refused: set[str] = set()
    if "_rejections" in tables:
        requeue = requeued_since(quarantine)
        for sha, when in con.execute(
            "SELECT file_sha256, max(rejected_at) FROM raw._rejections WHERE reader_version = ? GROUP BY ALL",
            [reader_version()],
        ).fetchall():
            asked = max((requeue[k] for k in (sha, "*") if k in requeue), default=None)
            if asked is None or asked < when:
                refused.add(sha)
    arrivals = (
        {
            (name, changed): sha
            for name, sha, changed in con.execute("SELECT file_path, file_sha256, changed_ns FROM raw._arrivals").fetchall()
        }
        if "_arrivals" in tables
        else {}
    )
    return Known(frozenset(loaded), frozenset(refused), arrivals)


def cut(files: Iterable[dict], max_files: int, max_bytes: int) -> list[dict]:
    """Consecutive files into batches of at most ``max_files`` files and ``max_bytes`` bytes (a
    file larger than ``max_bytes`` alone in its batch). Each batch: {"files": [...], "bytes": n}."""
    batches: list[dict] = []
    current: list[dict] = []
    size = 0
    for file in files:
        if current and (len(current) >= max_files or size + file["bytes"] > max_bytes):
            batches.append({"files": current, "bytes": size})
            current, size = [], 0
        current.append(file)
        size += file["bytes"]
    if current:
        batches.append({"files": current, "bytes": size})
    return batches


def candidates(landing: Path, known: Known, key: bytes) -> list[dict]:
    """The landing files ingest would read and the parse cache cannot serve, oldest first.

    Only regular files within the size limit whose name is printable as it is (any other entry
    ingest refuses or reads itself); each hashed through ``sha256_of``, which never follows a link.
    """
    version, key_fp, day = reader_version(), fingerprint(key), parse_cache.reading_day()
    cache = parse_cache.root(landing)
    seen: set[str] = set()
    found = []
    for path in landing_entries(landing):
        relative = path.relative_to(landing).as_posix()
        if printable(relative) != relative:
            continue
        try:
            refuse_special(path, relative)
            info = path.lstat()
            if info.st_size > limits.MAX_FILE_BYTES:
                continue
            sha = (known.arrivals or {}).get((relative, info.st_ctime_ns)) or sha256_of(path)
        except (WorkbookRejected, OSError):
            continue  # a link, a pipe, gone or unreadable: ingest refuses it with a report
        if sha in known.loaded or sha in known.refused or sha in seen:
            continue
        seen.add(sha)
        if parse_cache.lookup(cache, version, sha, key_fp, day) is not None:
            continue
        found.append({"file": relative, "bytes": info.st_size, "sha256": sha})
    return found


def plan(landing: Path, known: Known, key: bytes, max_files: int | None = None, max_bytes: int | None = None) -> list[dict]:
    """Tidy the cache (ingestion.parse_cache.housekeep), then the batches to read (see ``cut``)."""
    default_files, default_bytes = batch_limits()
    parse_cache.housekeep(parse_cache.root(landing), reader_version(), loaded=set(known.loaded))
    files = candidates(landing, known, key)
    batches = cut(files, max_files or default_files, max_bytes or default_bytes)
    log.info("Parse plan: %d file(s) to read ahead in %d batch(es)", len(files), len(batches))
    return batches


def read_batch(landing: Path, batch: dict, key: bytes, workers: int | None = None) -> dict:
    """Read ``batch``'s files in bounded children and cache each successful read; failed reads are
    not cached (ingest reads them again and quarantines them with the full report). A file whose
    bytes changed since it was planned is skipped: ingest sees its new bytes. Returns counts and
    file names only (XCom)."""
    version, key_fp, day = reader_version(), fingerprint(key), parse_cache.reading_day()
    cache = parse_cache.root(landing)
    workers = workers or int(os.environ.get(WORKERS_ENV) or 0) or None
    jobs: dict[ReadJob, tuple[str, tuple[int, int]]] = {}
    skipped: list[str] = []
    for file in batch["files"]:
        path = landing / file["file"]
        try:
            refuse_special(path, file["file"])
            before = path.lstat()
            if sha256_of(path) != file["sha256"]:
                skipped.append(file["file"])
                continue
        except (WorkbookRejected, OSError):
            skipped.append(file["file"])
            continue
        if parse_cache.lookup(cache, version, file["sha256"], key_fp, day) is not None:
            continue  # a retry of this task, or the same bytes twice: read already
        out = parse_cache.temporary_rows(cache, version, file["sha256"])
        jobs[ReadJob(str(path), file["file"], day, str(out))] = (file["sha256"], (before.st_size, before.st_mtime_ns))
    cached, failed = [], []
    try:
        for job, result in read_all(list(jobs), key, workers):
            sha, (size, mtime) = jobs[job]
            rows = Path(job.out)
            try:
                now = Path(job.path).lstat()
                changed = (now.st_size, now.st_mtime_ns) != (size, mtime)
            except OSError:
                changed = True
            if result.rejected or changed or not rows.is_file():
                rows.unlink(missing_ok=True)
                (skipped if changed and not result.rejected else failed).append(job.name)
                continue
            parse_cache.store(cache, version, sha, key_fp, day, result, rows)
            cached.append(job.name)
    except ReaderUnavailable:
        for job in jobs:
            Path(job.out).unlink(missing_ok=True)
        raise
    log.info(
        "Parse batch: %d file(s) cached, %d failed to read (ingest quarantines them), %d changed or gone",
        len(cached),
        len(failed),
        len(skipped),
    )
    return {"cached": len(cached), "failed": failed, "skipped": skipped, "reader_version": version}
