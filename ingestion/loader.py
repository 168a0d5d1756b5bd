"""Loads landing-folder workbooks into DuckDB's ``raw`` schema, with lineage and history.

For every entry of the landing folder, oldest first:

* not a regular file (a symlink, a fifo, a device) → refused with a report, never followed,
  opened or copied;
* already loaded (same sha256) → skipped; but if it arrives again (a clerk re-sends an earlier
  version), that earlier load becomes current again: for each day of the period a workbook
  covers (its year, or the month, quarter, ... its title block names), the latest *arrival* of
  the unit's workbooks covering that day is what counts (dbt macro ``rows_in_force``);
* quarantined before under the same reading rules → skipped (``still_quarantined``); when the
  rules change (``reader_version``) or someone asks (``requeue``), it is read again;
* otherwise it is read in a child process (``ingestion.sandbox``) with memory and time limits,
  unless a parse task read it already (``ingestion.parse_cache``: same sha256, reading rules and
  key, read on this day or before): its rows are bulk-inserted into ``raw.<source>`` with
  lineage (file, sha256, sheet, row number, load time) and a row in ``raw._loads``; or the file
  is copied to quarantine beside an error report (Vietnamese and English), with a row in
  ``raw._rejections`` that holds only where the errors are and which rules they broke, never
  what was typed.

One bad file never stops the others; nothing already loaded is deleted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib.metadata
import json
import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb

from ingestion import limits, parse_cache
from ingestion.errors import IngestError, WorkbookRejected, printable
from ingestion.filecheck import refuse_special
from ingestion.pseudonymize import fingerprint
from ingestion.registry import SOURCES_DIR, Source, load_sources
from ingestion.sandbox import ReadJob, ReadResult, read_all
from ingestion.sql_literals import bind
from ingestion.units import SEED_PATH

log = logging.getLogger(__name__)

LINEAGE_COLUMNS = [
    ("_load_id", "VARCHAR NOT NULL"),
    ("_source_file", "VARCHAR NOT NULL"),
    ("_file_sha256", "VARCHAR NOT NULL"),
    ("_sheet", "VARCHAR NOT NULL"),
    ("_row_number", "INTEGER NOT NULL"),
    ("_loaded_at", "TIMESTAMP NOT NULL"),
]
# The unit version owning the row (the one valid on its date, ingestion.row_units). Nullable: rows
# loaded before it was recorded belong to their load's unit (raw._loads.unit_id).
ROW_UNIT_COLUMN = ("_unit_id", "VARCHAR")

RAW_DDL = """
CREATE SCHEMA IF NOT EXISTS raw;
CREATE TABLE IF NOT EXISTS raw._loads (
    load_id VARCHAR PRIMARY KEY,
    source_id VARCHAR NOT NULL,
    unit_id VARCHAR NOT NULL,
    written_unit VARCHAR NOT NULL,
    report_year INTEGER NOT NULL,
    file_path VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    sheet VARCHAR NOT NULL,
    row_count INTEGER NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    superseded_by VARCHAR,
    superseded_at TIMESTAMP
);
ALTER TABLE raw._loads ADD COLUMN IF NOT EXISTS arrived_at TIMESTAMP;
ALTER TABLE raw._loads ADD COLUMN IF NOT EXISTS status VARCHAR DEFAULT 'accepted';
ALTER TABLE raw._loads ADD COLUMN IF NOT EXISTS rejected_at TIMESTAMP;
ALTER TABLE raw._loads ADD COLUMN IF NOT EXISTS rejection_json VARCHAR;
ALTER TABLE raw._loads ADD COLUMN IF NOT EXISTS skipped_rows INTEGER;
ALTER TABLE raw._loads ADD COLUMN IF NOT EXISTS reader_version VARCHAR;
ALTER TABLE raw._loads ADD COLUMN IF NOT EXISTS coverage_start DATE;
ALTER TABLE raw._loads ADD COLUMN IF NOT EXISTS coverage_end DATE;
ALTER TABLE raw._loads ADD COLUMN IF NOT EXISTS unit_versions VARCHAR[];
UPDATE raw._loads SET arrived_at = loaded_at WHERE arrived_at IS NULL;
UPDATE raw._loads SET coverage_start = make_date(report_year, 1, 1), coverage_end = make_date(report_year, 12, 31)
WHERE coverage_start IS NULL;
UPDATE raw._loads SET status = 'accepted' WHERE status IS NULL;
CREATE TABLE IF NOT EXISTS raw._rejections (
    file_path VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    source_id VARCHAR,
    rejected_at TIMESTAMP NOT NULL,
    error_count INTEGER NOT NULL,
    errors_json VARCHAR NOT NULL,
    quarantine_path VARCHAR NOT NULL
);
ALTER TABLE raw._rejections ADD COLUMN IF NOT EXISTS unit_id VARCHAR;
ALTER TABLE raw._rejections ADD COLUMN IF NOT EXISTS report_year INTEGER;
ALTER TABLE raw._rejections ADD COLUMN IF NOT EXISTS report_path VARCHAR;
ALTER TABLE raw._rejections ADD COLUMN IF NOT EXISTS reader_version VARCHAR;
CREATE TABLE IF NOT EXISTS raw._arrivals (
    file_path VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    changed_ns BIGINT NOT NULL,
    seen_at TIMESTAMP NOT NULL
);
"""


@dataclass
class FileOutcome:
    path: str
    sha256: str | None
    status: str  # loaded | unchanged | reinstated | quarantined | still_quarantined
    source_id: str | None = None
    unit_id: str | None = None
    year: int | None = None
    rows: int = 0
    load_id: str | None = None
    superseded: str | None = None
    errors: list[IngestError] = field(default_factory=list)
    quarantine_path: str | None = None  # the quarantined copy (None: not copied, e.g. a symlink)
    report_path: str | None = None  # its .errors.txt
    skipped_rows: int = 0


@dataclass
class IngestReport:
    files: list[FileOutcome]
    from_cache: int = 0  # files whose read a parse task had cached (ingestion.parse_cache)

    def with_status(self, *statuses: str) -> list[FileOutcome]:
        return [f for f in self.files if f.status in statuses]

    def summary(self) -> dict:
        """What travels as XCom and into the run summary: file names, counts and report paths only."""
        return {
            "loaded": [f.path for f in self.with_status("loaded", "reinstated")],
            "unchanged": [f.path for f in self.with_status("unchanged")],
            "quarantined": [
                {
                    "file": f.path,
                    "errors": len(f.errors),
                    "rules": sorted({e.rule for e in f.errors}),
                    "report": f.report_path,
                    "new": f.status == "quarantined",
                }
                for f in self.with_status("quarantined", "still_quarantined")
            ],
            "from_parse_cache": self.from_cache,
        }


@cache
def reader_version() -> str:
    """A digest of everything that decides how a workbook is read: the reading code, the source
    registry and the unit seed. A file quarantined under other rules is read again."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted([*package.glob("*.py"), *SOURCES_DIR.glob("*.yml"), SEED_PATH]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for reader in ("python-calamine", "pyarrow"):  # a new reader may read what the old one could not
        digest.update(f"{reader}={importlib.metadata.version(reader)}".encode())
    return digest.hexdigest()[:16]


def sha256_of(path: Path) -> str:
    """The file's sha256, read through a descriptor that refuses to follow a link or block on a
    fifo, and only if it is a regular file: a file swapped for a link or a pipe after it was
    listed is refused (``WorkbookRejected``), never followed or waited on."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            refuse_special(path, printable(path.name))
            raise OSError(f"{path} is not a regular file")
        digest = hashlib.sha256()
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_ours(relative: Path) -> bool:
    """The pipeline's own folders inside landing (the quarantine, the parse cache), and hidden or lock files."""
    return (
        relative.parts[0] in ("_quarantine", parse_cache.FOLDER)
        or any(part.startswith(".") for part in relative.parts)
        or (relative.name.startswith("~$"))
    )


def landing_entries(landing: Path) -> list[Path]:
    """Every entry a clerk dropped, oldest first, without following links.

    Symlinks are listed (to be refused with a report), never followed into; Office lock files
    (``~$``) and hidden files are not the clerks' work; ``_quarantine`` and ``_parsed`` are the
    pipeline's own.
    """
    found: list[tuple[int, str, Path]] = []
    for root, directories, files in os.walk(landing, followlinks=False):
        here = Path(root)
        kept = []
        for name in directories:
            path = here / name
            relative = path.relative_to(landing)
            if _is_ours(relative):
                continue
            if path.is_symlink():
                found.append((path.lstat().st_mtime_ns, str(relative), path))
            else:
                kept.append(name)
        directories[:] = kept
        for name in files:
            path = here / name
            relative = path.relative_to(landing)
            if _is_ours(relative):
                continue
            found.append((path.lstat().st_mtime_ns, str(relative), path))
    return [path for _, _, path in sorted(found, key=lambda item: (item[0], item[1]))]


def ensure_raw_tables(con: duckdb.DuckDBPyConnection, sources: tuple[Source, ...]) -> None:
    """Create the raw schema, and add columns a registry entry has gained since the last run.
    The catalogue is read once: a DDL statement per column would cost more than a workbook."""
    con.execute(RAW_DDL)
    existing: dict[str, set[str]] = {}
    for table, column in con.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'raw'"
    ).fetchall():
        existing.setdefault(table, set()).add(column)
    for source in sources:
        if source.id not in existing:
            ddl = ", ".join(f"{name} {kind}" for name, kind in [*LINEAGE_COLUMNS, ROW_UNIT_COLUMN, *source.stored_columns()])
            con.execute(f"CREATE TABLE {source.raw_table} ({ddl})")
            continue
        for name, kind in [ROW_UNIT_COLUMN, *source.stored_columns()]:
            if name not in existing[source.id]:
                con.execute(f"ALTER TABLE {source.raw_table} ADD COLUMN {name} {kind}")


QUARANTINED = (
    "Tệp bị cách ly / Quarantined file",
    "Tệp chưa được nạp vì các lỗi dưới đây. Sửa tệp rồi gửi lại vào thư mục tiếp nhận; "
    "số liệu đã nạp trước đó vẫn được giữ nguyên.",
    "The file was not loaded because of the errors below. Fix it and drop it into the landing "
    "folder again; data loaded earlier is kept as it was.",
)


def write_quarantine(
    path: Path,
    name: str,
    sha: str | None,
    errors: list[IngestError],
    quarantine: Path,
    now: dt.datetime,
    copy: bool,
    wording: tuple[str, str, str] = QUARANTINED,
    extra: dict | None = None,
) -> tuple[Path | None, Path]:
    """Copy the file aside (if it is a regular file) with its error report; the clerk's original
    stays where it was. Names are bounded and hash-based: the clerk's name is inside the report.
    ``wording`` is (title, what happened in Vietnamese, in English)."""
    quarantine.mkdir(parents=True, exist_ok=True)
    token = (sha or "").removeprefix("path-").removeprefix("size-") or hashlib.sha256(os.fsencode(str(path))).hexdigest()
    suffix = path.suffix.lower() if path.suffix.lower() in (*limits.ACCEPTED_SUFFIXES, ".csv") else ".bin"
    stem = f"{now:%Y%m%dT%H%M%S}_{token[:16]}"
    serial = 1
    while (quarantine / f"{stem}.errors.txt").exists():  # the same bytes quarantined twice in a second
        serial += 1
        stem = f"{now:%Y%m%dT%H%M%S}_{token[:16]}_{serial}"
    target = None
    if copy and path.is_file() and not path.is_symlink():
        target = quarantine / f"{stem}{suffix}"
        shutil.copyfile(path, target, follow_symlinks=False)
    title, intro_vi, intro_en = wording
    lines = [
        f"{title}: {name}",
        f"SHA-256: {sha or '-'}",
        f"Thời điểm / When: {now:%d/%m/%Y %H:%M:%S} UTC",
        f"Bản sao / Copy: {target.name if target else '(không chép / not copied)'}",
        "",
        intro_vi,
        intro_en,
        "",
        *(e.render() for e in errors),
        "",
    ]
    report = quarantine / f"{stem}.errors.txt"
    report.write_text("\n".join(lines), encoding="utf-8")
    (quarantine / f"{stem}.errors.json").write_text(
        json.dumps(
            {"file": name, "sha256": sha, **(extra or {}), "errors": [e.to_dict() for e in errors]}, ensure_ascii=False, indent=2
        ),
        encoding="utf-8",
    )
    return target, report


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> duckdb.DuckDBPyConnection:
    """``con.execute`` with the parameters written in as literals (ingestion.sql_literals says why)."""
    return con.execute(bind(sql, params))


class _Clock:
    """Strictly increasing timestamps: the order of arrivals within one run is the landing order."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        latest = con.execute("SELECT max(arrived_at) FROM raw._loads").fetchone()[0]
        self.last = latest or dt.datetime.min

    def now(self) -> dt.datetime:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        self.last = max(now, self.last + dt.timedelta(microseconds=1))
        return self.last


def _store(
    con: duckdb.DuckDBPyConnection, source: Source, result: ReadResult, job: ReadJob, sha: str, arrived: dt.datetime
) -> tuple[str, str | None]:
    """Store one workbook's rows and its load record in a transaction of its own."""
    con.execute("BEGIN TRANSACTION")
    try:
        stored = _store_rows(con, source, result, job, sha, arrived)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return stored


def _store_rows(
    con: duckdb.DuckDBPyConnection, source: Source, result: ReadResult, job: ReadJob, sha: str, arrived: dt.datetime
) -> tuple[str, str | None]:
    """The rows, the load record and the supersession of one workbook, in the caller's transaction."""
    load_id = f"{source.id}:{result.unit_id}:{result.year}:{sha[:16]}"
    names = [name for name, _ in source.stored_columns()]
    lineage = ", ".join(name for name, _ in LINEAGE_COLUMNS)
    if result.rows:  # a nil return loads no lines but is still a submission
        con.execute(
            bind(
                f"INSERT INTO {source.raw_table} ({lineage}, _unit_id, {', '.join(names)}) "
                f"SELECT ?, ?, ?, ?, _row_number, ?, _unit_id, {', '.join(names)} FROM read_parquet(?)",
                [load_id, job.name, sha, result.sheet, arrived, str(job.out)],
            )
        )
    _run(
        con,
        "INSERT INTO raw._loads (load_id, source_id, unit_id, written_unit, report_year, file_path, file_sha256, "
        "sheet, row_count, loaded_at, arrived_at, status, skipped_rows, reader_version, coverage_start, coverage_end, "
        "unit_versions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'accepted', ?, ?, ?, ?, ?)",
        [
            load_id,
            source.id,
            result.unit_id,
            result.written_unit,
            result.year,
            job.name,
            sha,
            result.sheet,
            result.rows,
            arrived,
            arrived,
            result.skipped_rows,
            reader_version(),
            result.coverage_start,
            result.coverage_end,
            result.unit_versions or [result.unit_id],
        ],
    )
    previous = _make_current(con, load_id, arrived)
    return load_id, previous


def _store_together(
    con: duckdb.DuckDBPyConnection, batch: list[tuple[Source, ReadResult, ReadJob, str, dt.datetime]]
) -> list[tuple[str, str | None]] | None:
    """Store several workbooks in one transaction, in order: one commit instead of one per file
    (a night of many small registers spends more on commits than on rows). None, with nothing
    stored, if any of them fails: the caller then stores them one by one, so that the failure
    costs only its own file."""
    if len(batch) < 2:
        return None
    con.execute("BEGIN TRANSACTION")
    try:
        stored = [_store_rows(con, *item) for item in batch]
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        return None
    return stored


def _make_current(con: duckdb.DuckDBPyConnection, load_id: str, arrived: dt.datetime) -> str | None:
    """Mark superseded by ``load_id`` the unit's loads of this source whose whole period
    ``load_id`` covers (a year after its months; a corrected month; the same year sent again).
    A load it covers only in part stays unmarked: its other rows still count. This column is
    history; dbt's ``rows_in_force`` decides row by row what counts. Returns the loads marked
    (comma-separated), for the log."""
    marked = _run(
        con,
        "UPDATE raw._loads AS older SET superseded_by = newer.load_id, superseded_at = ? "
        "FROM raw._loads AS newer WHERE newer.load_id = ? "
        "AND older.source_id = newer.source_id AND older.unit_id = newer.unit_id "
        "AND older.coverage_start >= newer.coverage_start AND older.coverage_end <= newer.coverage_end "
        "AND older.superseded_by IS NULL AND older.load_id <> newer.load_id "
        "RETURNING older.load_id, older.status",
        [arrived, load_id],
    ).fetchall()
    return ", ".join(sorted(older for older, status in marked if status == "accepted")) or None


def _overtaken(con: duckdb.DuckDBPyConnection, load_id: str) -> bool:
    """A later accepted workbook of the same unit and source covers part of this one's period:
    sending this one again makes it the latest there again."""
    return _run(
        con,
        "SELECT count(*) > 0 FROM raw._loads AS this JOIN raw._loads AS later "
        "ON later.source_id = this.source_id AND later.unit_id = this.unit_id AND later.load_id <> this.load_id "
        "WHERE this.load_id = ? AND later.status = 'accepted' AND later.arrived_at > this.arrived_at "
        "AND later.coverage_start <= this.coverage_end AND this.coverage_start <= later.coverage_end",
        [load_id],
    ).fetchone()[0]


def _reinstate(con: duckdb.DuckDBPyConnection, load_id: str, arrived: dt.datetime) -> str | None:
    """An earlier workbook sent again becomes the latest for its period, without being read again."""
    _run(
        con,
        "UPDATE raw._loads SET superseded_by = NULL, superseded_at = NULL, arrived_at = ? WHERE load_id = ?",
        [arrived, load_id],
    )
    return _make_current(con, load_id, arrived)


def _reaccept(con: duckdb.DuckDBPyConnection, load_id: str, arrived: dt.datetime) -> None:
    """A load validation rejected, asked to be checked again (``requeue``): accepted and current
    again in this run's build, so this run's validation decides anew."""
    _run(con, "UPDATE raw._loads SET status = 'accepted', rejected_at = NULL, rejection_json = NULL WHERE load_id = ?", [load_id])
    _reinstate(con, load_id, arrived)


def requeued_since(quarantine: Path) -> dict[str, dt.datetime]:
    """Requeue requests (``python -m pipeline.cli requeue``): sha256 (or ``*``) → when asked."""
    folder = quarantine / ".requeue"
    if not folder.is_dir():
        return {}
    return {
        marker.name: dt.datetime.fromtimestamp(marker.stat().st_mtime, dt.UTC).replace(tzinfo=None)
        for marker in folder.iterdir()
        if marker.is_file()
    }


def request_requeue(quarantine: Path, sha256: str | None) -> Path:
    """Ask the next run to read a quarantined file again (``None``: every quarantined file)."""
    folder = quarantine / ".requeue"
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / (sha256 or "*")
    marker.write_text(dt.datetime.now(dt.UTC).isoformat() + "\n", encoding="utf-8")
    return marker


def _reject(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    name: str,
    sha: str | None,
    result: ReadResult,
    quarantine: Path,
    landing: Path,
    now: dt.datetime,
    copy: bool,
) -> FileOutcome:
    target, report = write_quarantine(path, name, sha, result.errors, quarantine, now, copy)

    def shown(p: Path | None) -> str | None:
        return None if p is None else str(p.relative_to(landing) if p.is_relative_to(landing) else p)

    _run(
        con,
        "INSERT INTO raw._rejections (file_path, file_sha256, source_id, unit_id, report_year, rejected_at, "
        "error_count, errors_json, quarantine_path, report_path, reader_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            name,
            sha or "-",
            result.source_id,
            result.unit_id,
            result.year,
            now,
            len(result.errors),
            json.dumps([e.location() for e in result.errors], ensure_ascii=False),
            shown(target) or "-",
            shown(report),
            reader_version(),
        ],
    )
    log.warning(
        "Quarantined %s: %d error(s) (%s); report %s",
        name,
        len(result.errors),
        ", ".join(sorted({e.rule for e in result.errors})),
        shown(report),
    )
    return FileOutcome(
        name,
        sha,
        "quarantined",
        source_id=result.source_id,
        unit_id=result.unit_id,
        year=result.year,
        errors=result.errors,
        quarantine_path=str(target) if target else None,
        report_path=str(report),
    )


def _unreadable_file(name: str, exc: OSError) -> IngestError:
    return IngestError(
        name,
        None,
        None,
        None,
        f"hệ thống không đọc được tệp ({exc.strerror or type(exc).__name__}), thường do quyền truy cập. "
        "Hãy chép lại tệp vào thư mục tiếp nhận hoặc báo bộ phận kỹ thuật.",
        f"the file cannot be read ({exc.strerror or type(exc).__name__}), usually its permissions. "
        "Copy it into the landing folder again or tell the technical team.",
        "unreadable_file",
    )


def _load_failed(name: str, exc: Exception) -> IngestError:
    return IngestError(
        name,
        None,
        None,
        None,
        f"tệp đọc được nhưng không lưu được vào kho dữ liệu ({type(exc).__name__}). Hãy báo bộ phận kỹ thuật; "
        "không cần gửi lại tệp.",
        f"the file was read but could not be stored in the warehouse ({type(exc).__name__}). Tell the technical "
        "team; the file need not be sent again.",
        "load_failed",
    )


@contextlib.contextmanager
def _one_database_thread(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB on one thread while ingest uses the connection, then as it was.

    Ingest sends DuckDB many small statements and a bulk insert per workbook; spreading those
    over every core costs more CPU in coordination than it saves in time (half of the
    database's CPU in ingest), and the cores are busy with the reading children meanwhile."""
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    con.execute("SET threads = 1")
    try:
        yield
    finally:
        con.execute(f"SET threads = {int(threads)}")


def ingest_landing(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    quarantine: Path,
    key: bytes,
    sources: tuple[Source, ...] | None = None,
    workers: int | None = None,
) -> IngestReport:
    """Load every new workbook in ``landing``; one bad file never stops the others."""
    with _one_database_thread(con):
        return _ingest_landing(con, landing, quarantine, key, sources, workers)


def _ingest_landing(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    quarantine: Path,
    key: bytes,
    sources: tuple[Source, ...] | None,
    workers: int | None,
) -> IngestReport:
    sources = sources or load_sources()
    by_id = {s.id: s for s in sources}
    ensure_raw_tables(con, sources)
    version = reader_version()
    loads: dict[str, tuple[str, str]] = {}
    loads_rejected_at: dict[str, dt.datetime] = {}
    for sha, load_id, status, rejected_at in con.execute(
        "SELECT file_sha256, load_id, status, rejected_at FROM raw._loads"
    ).fetchall():
        loads[sha] = (load_id, status)
        if rejected_at is not None:
            loads_rejected_at[load_id] = rejected_at
    planned: set[str] = set()
    rejected = {
        sha: (when, report)
        for sha, when, report in _run(
            con,
            "SELECT file_sha256, max(rejected_at), arg_max(report_path, rejected_at) FROM raw._rejections "
            "WHERE reader_version = ? GROUP BY ALL",
            [version],
        ).fetchall()
    }
    arrivals = {tuple(row) for row in con.execute("SELECT file_path, file_sha256, changed_ns FROM raw._arrivals").fetchall()}
    requeue = requeued_since(quarantine)
    cache, key_fp, day = parse_cache.root(landing), fingerprint(key), parse_cache.reading_day()
    cached: dict[ReadJob, ReadResult] = {}
    clock = _Clock(con)
    outcomes: list[FileOutcome | None] = []
    jobs: list[tuple[int, ReadJob, Path, str]] = []
    new_arrivals: list[list] = []  # recorded together once the folder is listed: one commit, not one per file
    with tempfile.TemporaryDirectory(prefix="laichau-ingest-") as work:
        for path in landing_entries(landing):
            name = printable(path.relative_to(landing).as_posix())
            try:
                info = path.lstat()
            except FileNotFoundError:
                continue  # taken away since the folder was listed: it is no longer there to load
            try:
                refuse_special(path, name)
                # An oversized file is refused without reading it through: it is known by its size and time.
                sha = sha256_of(path) if info.st_size <= limits.MAX_FILE_BYTES else f"size-{info.st_size}-{info.st_mtime_ns}"
            except (WorkbookRejected, OSError) as problem:
                errors = problem.errors if isinstance(problem, WorkbookRejected) else [_unreadable_file(name, problem)]
                # Never opened (or not openable), so never hashed: it is known by a digest of its path.
                token = "path-" + hashlib.sha256(os.fsencode(str(path))).hexdigest()[:32]
                if token in rejected:
                    outcomes.append(FileOutcome(name, None, "still_quarantined", report_path=rejected[token][1]))
                    continue
                refused = _reject(con, path, name, token, ReadResult(errors), quarantine, landing, clock.now(), False)
                refused.sha256 = None
                outcomes.append(refused)
                continue
            # ctime, not mtime: a copy that keeps the old modification time (Explorer, cp -p, unzip)
            # has still arrived again.
            arrival = (name, sha, info.st_ctime_ns)
            new_arrival = arrival not in arrivals
            if new_arrival:
                new_arrivals.append([*arrival, clock.now()])
                arrivals.add(arrival)
            if sha in planned:  # the same bytes twice in the landing folder: read once
                outcomes.append(FileOutcome(name, sha, "unchanged"))
                continue
            if sha in loads:
                load_id, status = loads[sha]
                asked = max((requeue[k] for k in (sha, "*") if k in requeue), default=None)
                if status != "accepted" and asked is not None and asked > loads_rejected_at.get(load_id, dt.datetime.max):
                    # asked to check a file validation rejected again: it is validated afresh in this run
                    _reaccept(con, load_id, clock.now())
                    outcomes.append(FileOutcome(name, sha, "reinstated", load_id=load_id))
                elif status != "accepted":  # rejected by validation: it stays rejected until it is corrected
                    outcomes.append(FileOutcome(name, sha, "still_quarantined", load_id=load_id))
                elif new_arrival and _overtaken(con, load_id):
                    previous = _reinstate(con, load_id, clock.now())
                    outcomes.append(FileOutcome(name, sha, "reinstated", load_id=load_id, superseded=previous))
                    log.info("Re-sent %s: its earlier load %s is current again", name, load_id)
                else:
                    outcomes.append(FileOutcome(name, sha, "unchanged", load_id=load_id))
                continue
            if sha in rejected:
                asked = max((requeue[k] for k in (sha, "*") if k in requeue), default=None)
                if asked is None or asked < rejected[sha][0]:
                    outcomes.append(FileOutcome(name, sha, "still_quarantined", report_path=rejected[sha][1]))
                    continue
            # Dates in the file may not be later than the day it is read (a typo such as 2032 for 2023).
            entry = parse_cache.lookup(cache, version, sha, key_fp, day)
            if entry is not None:  # a parse task read it already: its rows are stored from the cache
                job = ReadJob(str(path), name, entry.arrival, str(entry.rows))
                cached[job] = entry.result
            else:
                job = ReadJob(str(path), name, day, str(Path(work) / f"{len(jobs)}.parquet"))
            jobs.append((len(outcomes), job, path, sha))
            planned.add(sha)
            outcomes.append(None)

        if new_arrivals:
            con.execute("BEGIN TRANSACTION")
            con.execute("INSERT INTO raw._arrivals VALUES " + ", ".join(bind("(?, ?, ?, ?)", row) for row in new_arrivals))
            con.execute("COMMIT")

        results = dict(read_all([job for _, job, _, _ in jobs if job not in cached], key, workers))
        results.update(cached)
        if cached:
            log.info("%d of %d file(s) to read came from the parse cache", len(cached), len(jobs))
        read: list[tuple[int, ReadJob, Path, str, ReadResult, dt.datetime]] = []
        for position, job, path, sha in jobs:
            result, now = results[job], clock.now()
            if result.rejected:
                outcomes[position] = _reject(con, path, job.name, sha, result, quarantine, landing, now, True)
            else:
                read.append((position, job, path, sha, result, now))
        together = _store_together(con, [(by_id[r.source_id], r, job, sha, now) for _, job, _, sha, r, now in read])
        for number, (position, job, path, sha, result, now) in enumerate(read):
            source = by_id[result.source_id]
            try:
                load_id, superseded = together[number] if together else _store(con, source, result, job, sha, now)
            except Exception as exc:  # a storage bug must cost this file, not the run
                # The type only: a database message can quote a stored value.
                log.error("Storing %s failed: %s", job.name, type(exc).__name__)
                failed = ReadResult([_load_failed(job.name, exc)], source.id, result.unit_id, result.year)
                outcomes[position] = _reject(con, path, job.name, sha, failed, quarantine, landing, now, True)
                continue
            loads[sha] = (load_id, "accepted")
            outcomes[position] = FileOutcome(
                job.name,
                sha,
                "loaded",
                source.id,
                result.unit_id,
                result.year,
                result.rows,
                load_id,
                superseded,
                skipped_rows=result.skipped_rows,
            )
            log.info(
                "Loaded %s: %s, %s %s, %d rows, %d skipped line(s)%s",
                job.name,
                source.id,
                result.unit_id,
                result.year,
                result.rows,
                result.skipped_rows,
                f" (supersedes {superseded})" if superseded else "",
            )
    return IngestReport([o for o in outcomes if o is not None], from_cache=len(cached))
