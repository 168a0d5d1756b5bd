"""The parse cache: workbooks read ahead of ingest, by parallel tasks, for the one writer to load.

A national first load has tens of thousands of workbooks; reading them is nearly all of ingest's
time, while storing them is one bulk insert each. So the reading is done first, in Airflow tasks
mapped over batches of files (``ingestion.parse_batches``), possibly on several machines, and each
successful read leaves here what the single writer (``ingestion.loader``) needs to store it:

    landing/_parsed/<reader_version>/<sha256>.parquet   the stored rows, already pseudonymised
    landing/_parsed/<reader_version>/<sha256>.json      the ReadResult without errors, and the key

Keyed by content (sha256) and by the reading rules (``reader_version``): a file renamed or sent
again hits the same entry, a change of reading code misses it. The Parquet holds pseudonyms made
with the key, so the entry names the key's fingerprint and is used only under that key. It lives
in the landing area because it is derived from clerks' files (only the pipeline reads it;
``_parsed`` is never taken for a clerk's file).

A read depends on its day: a date later than the day after the file is read is a clerk's error
(``parser._converter``). So an entry records the day it was read (``arrival``) and serves an
ingest only on that day or later: a read that had no date beyond its day has none beyond any
later day either, and nothing else in a read depends on the day; on an earlier day (a worker
whose clock runs ahead) the file is read again. Failed reads are never cached: ingest reads
the file again and quarantines it with the full report, which only it writes.

Entries are written under a temporary name and moved into place with ``os.replace`` (the rows
first, the sidecar last, so a sidecar always has its rows): a killed task leaves at most a
temporary file, which housekeeping removes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import shutil
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from ingestion.sandbox import ReadResult

log = logging.getLogger(__name__)

FOLDER = "_parsed"
# Bumped when the sidecar's fields change: an entry of another format is not used.
FORMAT = 1
CACHE_DAYS_ENV = "LAICHAU_PARSE_CACHE_DAYS"
DEFAULT_CACHE_DAYS = 7
TEMPORARY_PREFIX = ".tmp-"


def root(landing: Path) -> Path:
    return landing / FOLDER


def reading_day() -> dt.date:
    """The day a file is read on (UTC, as ingest has always used): later dates in it are errors."""
    return dt.datetime.now(dt.UTC).date()


def cache_days() -> int:
    return max(0, int(os.environ.get(CACHE_DAYS_ENV) or DEFAULT_CACHE_DAYS))


@dataclass(frozen=True)
class Entry:
    rows: Path  # the Parquet file ingest inserts from
    result: ReadResult
    arrival: dt.date


def entry_paths(cache: Path, version: str, sha256: str) -> tuple[Path, Path]:
    folder = cache / version
    return folder / f"{sha256}.parquet", folder / f"{sha256}.json"


def temporary_rows(cache: Path, version: str, sha256: str) -> Path:
    """Where a reading child writes the rows before they are moved into the entry (same folder,
    so ``os.replace`` is a rename; hidden and marked, so nothing takes it for an entry)."""
    folder = cache / version
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{TEMPORARY_PREFIX}{sha256}.{uuid.uuid4().hex}.parquet"


def _metadata(result: ReadResult) -> dict:
    """Everything a ReadResult carries but its errors (which can quote what was typed)."""
    fields = asdict(result)
    fields.pop("errors")
    for name in ("coverage_start", "coverage_end"):
        if fields[name] is not None:
            fields[name] = fields[name].isoformat()
    return fields


def _result(fields: dict) -> ReadResult:
    fields = dict(fields)
    for name in ("coverage_start", "coverage_end"):
        if fields.get(name) is not None:
            fields[name] = dt.date.fromisoformat(fields[name])
    return ReadResult(**fields)


def store(cache: Path, version: str, sha256: str, key_fingerprint: str, arrival: dt.date, result: ReadResult, rows: Path) -> Path:
    """Move a successful read's rows (written by the child to ``temporary_rows``) into the cache
    with its sidecar, atomically. Refuses a failed read: those are never cached."""
    if result.rejected:
        raise ValueError("a failed read is not cached: ingest reads the file again and quarantines it")
    parquet, sidecar = entry_paths(cache, version, sha256)
    sidecar_text = json.dumps(
        {
            "format": FORMAT,
            "sha256": sha256,
            "reader_version": version,
            "key_fingerprint": key_fingerprint,
            "arrival": arrival.isoformat(),
            "parsed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "result": _metadata(result),
        },
        ensure_ascii=False,
        indent=1,
    )
    temporary = sidecar.with_name(f"{TEMPORARY_PREFIX}{sidecar.name}.{uuid.uuid4().hex}")
    temporary.write_text(sidecar_text, encoding="utf-8")
    os.replace(rows, parquet)
    os.replace(temporary, sidecar)
    return parquet


def lookup(cache: Path, version: str, sha256: str, key_fingerprint: str, day: dt.date) -> Entry | None:
    """The cached read of ``sha256`` under these reading rules and key, usable on ``day``; None if
    there is none (or it is unreadable, of another format or key, or read on a later day)."""
    parquet, sidecar = entry_paths(cache, version, sha256)
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        if not parquet.is_file():
            return None
        if (meta["format"], meta["sha256"], meta["reader_version"], meta["key_fingerprint"]) != (
            FORMAT,
            sha256,
            version,
            key_fingerprint,
        ):
            return None
        arrival = dt.date.fromisoformat(meta["arrival"])
        if arrival > day:
            return None  # read "in the future": a date between day and arrival would have passed there
        # a damaged file (its footer unreadable) is read again from the workbook, not quarantined
        from pyarrow.parquet import read_metadata

        read_metadata(parquet)
        return Entry(parquet, _result(meta["result"]), arrival)
    except (OSError, ValueError, KeyError, TypeError):  # pyarrow's ArrowInvalid is a ValueError
        return None


def housekeep(cache: Path, version: str, max_age_days: int | None = None, loaded: set[str] | None = None) -> int:
    """Bound the cache's disk: remove the folders of other reader versions, entries read more than
    ``max_age_days`` ago (``LAICHAU_PARSE_CACHE_DAYS``, default 7), entries of files the published
    warehouse has loaded already (``loaded``: sha256s), and temporary files of killed tasks.
    Returns how many files were removed."""
    if not cache.is_dir():
        return 0
    max_age_days = cache_days() if max_age_days is None else max_age_days
    cutoff = time.time() - max_age_days * 86400
    removed = 0
    for folder in cache.iterdir():
        if folder.name != version:
            removed += sum(1 for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 1
            if folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    folder.unlink()
            continue
        for path in folder.iterdir():
            try:
                modified = path.lstat().st_mtime
            except FileNotFoundError:
                continue
            sha = path.name.split(".", 1)[0]
            old = modified < cutoff
            if path.name.startswith(TEMPORARY_PREFIX):
                # a task still writing it is younger than a day; older ones were killed
                old = modified < time.time() - min(max_age_days * 86400, 86400)
            elif loaded is not None and sha in loaded:
                old = True
            if old:
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed += 1
    if removed:
        log.info(
            "Parse cache: removed %d file(s) (other reader versions, older than %d day(s), or loaded)", removed, max_age_days
        )
    return removed
