"""Loads landing-folder workbooks into DuckDB's ``raw`` schema, with lineage and history.

For every file in the landing folder:

* unchanged since it was last loaded (same sha256) → skipped;
* readable and within its contract → its rows are appended to ``raw.<source>`` with lineage
  (file, sha256, sheet, row number, load time) and a row in ``raw._loads``; an earlier load of
  the same unit, source and year is marked superseded, never deleted;
* anything else → copied to quarantine beside an error report (Vietnamese and English), and a
  row in ``raw._rejections``. The other files go on; nothing already loaded is touched.

Personal columns are turned into keyed pseudonyms here and dropped, so they never reach DuckDB.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingestion.errors import IngestError, WorkbookRejected
from ingestion.parser import ParsedWorkbook, identify_source, parse_workbook
from ingestion.pseudonymize import pseudonym
from ingestion.registry import Source, load_sources
from ingestion.units import UnitDirectory

log = logging.getLogger(__name__)

LINEAGE_COLUMNS = [
    ("_load_id", "VARCHAR NOT NULL"),
    ("_source_file", "VARCHAR NOT NULL"),
    ("_file_sha256", "VARCHAR NOT NULL"),
    ("_sheet", "VARCHAR NOT NULL"),
    ("_row_number", "INTEGER NOT NULL"),
    ("_loaded_at", "TIMESTAMP NOT NULL"),
]

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
CREATE TABLE IF NOT EXISTS raw._rejections (
    file_path VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    source_id VARCHAR,
    rejected_at TIMESTAMP NOT NULL,
    error_count INTEGER NOT NULL,
    errors_json VARCHAR NOT NULL,
    quarantine_path VARCHAR NOT NULL
);
"""


@dataclass
class FileOutcome:
    path: str
    sha256: str
    status: str  # loaded | unchanged | quarantined | still_quarantined
    source_id: str | None = None
    unit_id: str | None = None
    year: int | None = None
    rows: int = 0
    load_id: str | None = None
    superseded: str | None = None
    errors: list[IngestError] = field(default_factory=list)
    quarantine_path: str | None = None


@dataclass
class IngestReport:
    files: list[FileOutcome]

    def with_status(self, *statuses: str) -> list[FileOutcome]:
        return [f for f in self.files if f.status in statuses]

    def summary(self) -> dict:
        return {
            "loaded": [f.path for f in self.with_status("loaded")],
            "unchanged": [f.path for f in self.with_status("unchanged")],
            "quarantined": [
                {"file": f.path, "errors": len(f.errors), "report": f.quarantine_path}
                for f in self.with_status("quarantined", "still_quarantined")
            ],
        }


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def landing_files(landing: Path) -> list[Path]:
    """Every file a clerk dropped, oldest first.

    Office lock files (``~$``) and hidden files are not theirs; folders starting with ``_`` or
    ``.`` are the pipeline's own (``_quarantine``).
    """
    files = [
        p
        for p in landing.rglob("*")
        if p.is_file()
        and not p.name.startswith((".", "~$"))
        and not any(part.startswith((".", "_")) for part in p.relative_to(landing).parts[:-1])
    ]
    return sorted(files, key=lambda p: (p.stat().st_mtime, str(p)))


def ensure_raw_tables(con: duckdb.DuckDBPyConnection, sources: tuple[Source, ...]) -> None:
    """Create the raw schema, and add columns a registry entry has gained since the last run."""
    con.execute(RAW_DDL)
    for source in sources:
        columns = LINEAGE_COLUMNS + source.stored_columns()
        ddl = ", ".join(f"{name} {kind}" for name, kind in columns)
        con.execute(f"CREATE TABLE IF NOT EXISTS {source.raw_table} ({ddl})")
        existing = {
            row[0]
            for row in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'raw' AND table_name = ?",
                [source.id],
            ).fetchall()
        }
        for name, kind in source.stored_columns():
            if name not in existing:
                con.execute(f"ALTER TABLE {source.raw_table} ADD COLUMN {name} {kind}")


def _records(parsed: ParsedWorkbook, key: bytes) -> list[dict]:
    """Rows as stored: personal columns replaced by their pseudonyms, then dropped."""
    personal = {c.name for c in parsed.source.columns if c.personal}
    out = []
    for row in parsed.rows:
        record = {name: value for name, value in row.items() if name not in personal}
        for spec in parsed.source.pseudonyms:
            record[spec.name] = pseudonym(
                key,
                {c: row.get(c) for c in spec.prefer},
                {c: row.get(c) for c in spec.fallback},
            )
        out.append(record)
    return out


def _quarantine(path: Path, relative: str, sha: str, errors: list[IngestError], quarantine: Path, now: dt.datetime) -> Path:
    """Copy the file aside with its error report; the clerk's original stays where it was."""
    quarantine.mkdir(parents=True, exist_ok=True)
    stem = f"{now:%Y%m%dT%H%M%S}_{sha[:8]}_{path.name}"
    target = quarantine / stem
    shutil.copy2(path, target)
    lines = [
        f"Tệp bị cách ly / Quarantined file: {relative}",
        f"SHA-256: {sha}",
        f"Thời điểm / When: {now:%d/%m/%Y %H:%M:%S} UTC",
        "",
        "Tệp chưa được nạp vì các lỗi dưới đây. Sửa tệp rồi gửi lại vào thư mục tiếp nhận; "
        "số liệu đã nạp trước đó vẫn được giữ nguyên.",
        "The file was not loaded because of the errors below. Fix it and drop it into the landing "
        "folder again; data loaded earlier is kept as it was.",
        "",
        *(e.render() for e in errors),
        "",
    ]
    (quarantine / f"{stem}.errors.txt").write_text("\n".join(lines), encoding="utf-8")
    (quarantine / f"{stem}.errors.json").write_text(
        json.dumps({"file": relative, "sha256": sha, "errors": [e.to_dict() for e in errors]}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    return target


def _store(
    con: duckdb.DuckDBPyConnection, parsed: ParsedWorkbook, relative: str, sha: str, key: bytes, now: dt.datetime
) -> tuple[str, str | None]:
    source = parsed.source
    load_id = f"{source.id}:{parsed.unit.unit_id}:{parsed.year}:{sha[:16]}"
    records = _records(parsed, key)
    names = [name for name, _ in LINEAGE_COLUMNS] + [name for name, _ in source.stored_columns()]
    lineage = [load_id, relative, sha, parsed.sheet]
    values = [
        [*lineage, row_number, now, *(record.get(name) for name, _ in source.stored_columns())]
        for record, row_number in zip(records, parsed.row_numbers, strict=True)
    ]
    placeholders = ", ".join("?" for _ in names)
    con.execute("BEGIN TRANSACTION")
    try:
        if values:  # a nil return loads no lines but is still a submission
            con.executemany(f"INSERT INTO {source.raw_table} ({', '.join(names)}) VALUES ({placeholders})", values)
        previous = con.execute(
            "SELECT load_id FROM raw._loads WHERE source_id = ? AND unit_id = ? AND report_year = ? AND superseded_by IS NULL",
            [source.id, parsed.unit.unit_id, parsed.year],
        ).fetchone()
        con.execute(
            "UPDATE raw._loads SET superseded_by = ?, superseded_at = ? "
            "WHERE source_id = ? AND unit_id = ? AND report_year = ? AND superseded_by IS NULL",
            [load_id, now, source.id, parsed.unit.unit_id, parsed.year],
        )
        con.execute(
            "INSERT INTO raw._loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
            [
                load_id,
                source.id,
                parsed.unit.unit_id,
                parsed.written_unit,
                parsed.year,
                relative,
                sha,
                parsed.sheet,
                len(values),
                now,
            ],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return load_id, previous[0] if previous else None


def _unknown_source_error(name: str, sources: tuple[Source, ...]) -> IngestError:
    kinds_vi = "; ".join(f"{s.title_vi} (tên tệp dạng {', '.join(s.file_patterns)})" for s in sources)
    kinds_en = "; ".join(f"{s.title_en} (file names like {', '.join(s.file_patterns)})" for s in sources)
    return IngestError(
        name,
        None,
        None,
        None,
        "không nhận ra đây là sổ/biểu nào: tên tệp và dòng tiêu đề không khớp với biểu mẫu nào. "
        f"Hãy dùng đúng biểu mẫu và đặt tên tệp theo mẫu: {kinds_vi}",
        "cannot tell which register or form this is: neither its name nor its header row matches a template. "
        f"Use the template and name the file like: {kinds_en}",
    )


def ingest_landing(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    quarantine: Path,
    key: bytes,
    units: UnitDirectory | None = None,
    sources: tuple[Source, ...] | None = None,
) -> IngestReport:
    """Load every new workbook in ``landing``; one bad file never stops the others."""
    sources = sources or load_sources()
    units = units or UnitDirectory.from_seed()
    ensure_raw_tables(con, sources)
    loaded = {row[0] for row in con.execute("SELECT file_sha256 FROM raw._loads").fetchall()}
    rejected = dict(con.execute("SELECT file_sha256, quarantine_path FROM raw._rejections").fetchall())
    outcomes: list[FileOutcome] = []
    for path in landing_files(landing):
        relative = path.relative_to(landing).as_posix()
        sha = sha256_of(path)
        if sha in loaded:
            outcomes.append(FileOutcome(relative, sha, "unchanged"))
            continue
        if sha in rejected:
            outcomes.append(FileOutcome(relative, sha, "still_quarantined", quarantine_path=rejected[sha]))
            continue
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        source = identify_source(path, sources)
        try:
            if source is None:
                raise WorkbookRejected([_unknown_source_error(relative, sources)])
            parsed = parse_workbook(path, source, units, display_name=relative)
        except WorkbookRejected as rejection:
            target = _quarantine(path, relative, sha, rejection.errors, quarantine, now)
            target = target.relative_to(landing) if target.is_relative_to(landing) else target
            con.execute(
                "INSERT INTO raw._rejections VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    relative,
                    sha,
                    source.id if source else None,
                    now,
                    len(rejection.errors),
                    json.dumps([e.to_dict() for e in rejection.errors], ensure_ascii=False),
                    str(target),
                ],
            )
            rejected[sha] = str(target)
            outcomes.append(
                FileOutcome(
                    relative,
                    sha,
                    "quarantined",
                    source_id=source.id if source else None,
                    errors=rejection.errors,
                    quarantine_path=str(target),
                )
            )
            log.warning("Quarantined %s: %d error(s); report %s.errors.txt", relative, len(rejection.errors), target)
            continue
        load_id, superseded = _store(con, parsed, relative, sha, key, now)
        loaded.add(sha)
        outcomes.append(
            FileOutcome(
                relative, sha, "loaded", source.id, parsed.unit.unit_id, parsed.year, len(parsed.rows), load_id, superseded
            )
        )
        log.info(
            "Loaded %s: %s, %s %s, %d rows%s",
            relative,
            source.id,
            parsed.unit.unit_id,
            parsed.year,
            len(parsed.rows),
            f" (supersedes {superseded})" if superseded else "",
        )
    return IngestReport(outcomes)
