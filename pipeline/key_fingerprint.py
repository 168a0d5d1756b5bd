"""Which pseudonymisation key the warehouse was made under, and refusing any other.

A lost key file used to be replaced silently by a new one, and a changed key used without a
word: every pseudonym after that links to nothing loaded before, and nobody notices until the
counts of repeat visitors are wrong. Ingest therefore stores the key's fingerprint
(``ingestion.pseudonymize.fingerprint``) in ``raw._pseudonym_key``; ``discover`` and ``make run``
compare the key at hand with the one the published warehouse records and refuse on a mismatch.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import duckdb

from ingestion.pseudonymize import RESTORE_KEY, KeyChangedError, fingerprint
from pipeline.paths import DataPaths

TABLE = "raw._pseudonym_key"


def stored_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint a warehouse records, or None if it predates fingerprints or is empty."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = '_pseudonym_key'"
    ).fetchone()[0]
    if not exists:
        return None
    row = con.execute(f"select fingerprint from {TABLE} order by first_used_at limit 1").fetchone()
    return row[0] if row else None


def published_fingerprint(paths: DataPaths) -> str | None:
    """The fingerprint of the published warehouse, read without ever writing to it.

    Opened read-only, which DuckDB allows beside analysts' read-only sessions. If an analyst holds
    it open read-write (DuckDB then refuses any other process), a copy is read instead: the
    fingerprint table is written once, by ingest, so a copy taken mid-session still has it.
    """
    if not paths.warehouse.exists():
        return None
    try:
        with duckdb.connect(str(paths.warehouse), read_only=True) as con:
            return stored_fingerprint(con)
    except duckdb.IOException:
        with tempfile.TemporaryDirectory(prefix="laichau-key-check-") as scratch:
            copy = Path(scratch) / paths.warehouse.name
            shutil.copyfile(paths.warehouse, copy)
            with duckdb.connect(str(copy), read_only=True) as con:
                return stored_fingerprint(con)


def changed_key_message(stored: str, current: str | None) -> str:
    """Vietnamese, then English: what is wrong, why it matters, how to restore the key."""
    if current is None:
        what_vi = "Không tìm thấy khóa bí danh hóa (pseudonymisation key)"
        what_en = "The pseudonymisation key is missing"
    else:
        what_vi = f"Khóa bí danh hóa đang dùng (dấu vân tay {current}) không phải khóa đã dùng"
        what_en = f"The pseudonymisation key in use (fingerprint {current}) is not the key used"
    return (
        f"{what_vi} để tạo kho dữ liệu đã công bố (dấu vân tay {stored}); không tạo khóa mới và không chạy tiếp. / "
        f"{what_en} to make the published warehouse (fingerprint {stored}); no new key was made and the run "
        f"did not start. {RESTORE_KEY}"
    )


def check_published(paths: DataPaths, key: bytes | None) -> None:
    """Raise KeyChangedError unless ``key`` is the one the published warehouse was made under.

    ``key=None`` means no key is configured: fine for a fresh data folder, refused otherwise.
    """
    stored = published_fingerprint(paths)
    current = fingerprint(key) if key is not None else None
    if stored is not None and stored != current:
        raise KeyChangedError(changed_key_message(stored, current))


def record(con: duckdb.DuckDBPyConnection, key: bytes) -> str:
    """Store the key's fingerprint in a build on its first use; refuse a build made under another key."""
    current = fingerprint(key)
    stored = stored_fingerprint(con)
    if stored is not None and stored != current:
        raise KeyChangedError(changed_key_message(stored, current))
    if stored is None:
        con.execute("create schema if not exists raw")
        con.execute(f"create table if not exists {TABLE} (fingerprint varchar not null, first_used_at timestamp not null)")
        con.execute(f"insert into {TABLE} values (?, ?)", [current, dt.datetime.now(dt.UTC).replace(tzinfo=None)])
    return current
