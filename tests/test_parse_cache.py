"""The parse stage: batches of new workbooks read ahead of ingest into the parse cache, and ingest
storing from it. Real xlsx files (the project's writers and the bundled sample), real reading
children, real DuckDB files."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from ingestion import parse_cache
from ingestion.loader import ingest_landing, landing_entries, reader_version, sha256_of
from ingestion.parse_batches import Known, cut, known_from, plan, read_batch
from ingestion.pseudonymize import fingerprint
from ingestion.sandbox import ReadResult
from pipeline import runlock, stages
from pipeline.paths import DataPaths
from tests.conftest import SAMPLE_LANDING, TEST_KEY
from tests.workbooks import visit, write_corrupt, write_reception

KEY_FP = fingerprint(TEST_KEY)


def file(name: str, size: int) -> dict:
    return {"file": name, "bytes": size, "sha256": name * 4}


def test_batches_are_bounded_by_file_count_and_bytes():
    files = [file(f"f{i}", 10) for i in range(7)]
    batches = cut(files, max_files=3, max_bytes=1000)
    assert [[f["file"] for f in b["files"]] for b in batches] == [["f0", "f1", "f2"], ["f3", "f4", "f5"], ["f6"]]
    assert [b["bytes"] for b in batches] == [30, 30, 10]
    sized = [file("a", 40), file("b", 40), file("c", 30), file("big", 500), file("d", 10)]
    batches = cut(sized, max_files=50, max_bytes=100)
    # c would take the first batch past 100 bytes; a file larger than the bound is alone
    assert [[f["file"] for f in b["files"]] for b in batches] == [["a", "b"], ["c"], ["big"], ["d"]]
    assert all(b["bytes"] <= 100 or len(b["files"]) == 1 for b in batches)
    assert cut([], 50, 100) == []


def test_batch_limits_come_from_the_environment(monkeypatch):
    from ingestion.parse_batches import batch_limits

    assert batch_limits() == (50, 64 * 1024 * 1024)
    monkeypatch.setenv("LAICHAU_PARSE_BATCH_FILES", "5")
    monkeypatch.setenv("LAICHAU_PARSE_BATCH_MB", "2")
    assert batch_limits() == (5, 2 * 1024 * 1024)


@pytest.fixture
def today() -> dt.date:
    """The day the reads of a test record (read per test: a session can run past midnight)."""
    return parse_cache.reading_day()


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    """Three good registers and a corrupt one; personal values that must stay in the landing folder."""
    folder = tmp_path / "landing"
    for unit, ward, rows in [
        ("Phường Tân Phong", "tan-phong", 2),
        ("Phường Đoàn Kết", "doan-ket", 3),
        ("Phường Quyết Tiến", "quyet-tien", 1),
    ]:
        write_reception(
            folder / "2023" / f"so-tiep-cong-dan_2023_{ward}.xlsx",
            unit,
            [
                visit(dt.date(2023, 3, 1 + i), f"{ward}-{i}", name=f"Lò Thị Bí Mật {ward} {i}", id_number=f"0351990{i:05d}")
                for i in range(rows)
            ],
        )
    write_corrupt(folder / "2023" / "so-tiep-cong-dan_2023_bi-hong.xlsx")
    return folder


def names(batches: list[dict]) -> list[str]:
    return sorted(f["file"] for b in batches for f in b["files"])


def test_plan_lists_what_ingest_would_read_and_read_batch_caches_only_good_reads(landing, today):
    batches = plan(landing, Known(), TEST_KEY, max_files=2)
    assert [len(b["files"]) for b in batches] == [2, 2]
    assert len(names(batches)) == 4
    for entry in (f for b in batches for f in b["files"]):
        assert entry["sha256"] == sha256_of(landing / entry["file"])
        assert set(entry) == {"file", "bytes", "sha256"}

    summaries = [read_batch(landing, batch, TEST_KEY, workers=2) for batch in batches]
    assert sum(s["cached"] for s in summaries) == 3
    assert [f for s in summaries for f in s["failed"]] == ["2023/so-tiep-cong-dan_2023_bi-hong.xlsx"]

    cache = landing / "_parsed"
    stored = sorted(p.name for p in (cache / reader_version()).iterdir())
    good = sorted(sha256_of(p) for p in landing.rglob("*.xlsx") if "bi-hong" not in p.name and "_parsed" not in p.parts)
    assert stored == sorted([f"{s}.json" for s in good] + [f"{s}.parquet" for s in good])  # no temporary file left
    sidecar = json.loads((cache / reader_version() / f"{good[0]}.json").read_text(encoding="utf-8"))
    assert sidecar["reader_version"] == reader_version() and sidecar["key_fingerprint"] == KEY_FP
    assert sidecar["arrival"] == today.isoformat()
    assert "errors" not in sidecar["result"] and sidecar["result"]["source_id"] == "citizen_reception"
    assert sidecar["result"]["rows"] in (1, 2, 3) and sidecar["result"]["coverage_start"] == "2023-01-01"

    # the cache is the pipeline's own: ingest never takes it for a clerk's file
    assert all("_parsed" not in p.parts for p in landing_entries(landing))
    # and what is cached is not planned again; the corrupt file is (ingest quarantines it)
    assert names(plan(landing, Known(), TEST_KEY)) == ["2023/so-tiep-cong-dan_2023_bi-hong.xlsx"]


def test_the_cache_holds_no_personal_value(landing):
    for batch in plan(landing, Known(), TEST_KEY):
        read_batch(landing, batch, TEST_KEY, workers=2)
    secrets = {f"Lò Thị Bí Mật {w} {i}" for w, n in [("tan-phong", 2), ("doan-ket", 3), ("quyet-tien", 1)] for i in range(n)}
    secrets |= {f"0351990{i:05d}" for i in range(3)} | {"Tổ 9, phường Thử Nghiệm", "Nội dung thử nghiệm"}
    texts = []
    for path in (landing / "_parsed").rglob("*"):
        if path.suffix == ".parquet":  # compressed: compare the values, not the bytes
            texts.append(json.dumps(pq.read_table(path).to_pylist(), ensure_ascii=False, default=str))
        elif path.is_file():
            texts.append(path.read_text(encoding="utf-8"))
    assert len(texts) == 6
    text = "\n".join(texts)
    assert [s for s in secrets if s in text] == []
    assert "Phường Tân Phong" in text  # the title block's unit, as raw._loads keeps it


def test_a_cache_entry_serves_only_its_reader_version_key_and_days_from_its_own(landing, today):
    path = next(p for p in landing.rglob("*tan-phong.xlsx"))
    sha = sha256_of(path)
    read_batch(landing, {"files": [{"file": path.relative_to(landing).as_posix(), "bytes": 1, "sha256": sha}]}, TEST_KEY)
    cache, version = landing / "_parsed", reader_version()
    entry = parse_cache.lookup(cache, version, sha, KEY_FP, today)
    assert entry is not None and entry.result.rows == 2 and entry.rows.is_file()
    assert parse_cache.lookup(cache, "another-version", sha, KEY_FP, today) is None
    assert parse_cache.lookup(cache, version, sha, fingerprint(b"another key" * 4), today) is None
    assert parse_cache.lookup(cache, version, sha, KEY_FP, today + dt.timedelta(days=3)) is not None  # later: the same read
    assert parse_cache.lookup(cache, version, sha, KEY_FP, today - dt.timedelta(days=1)) is None  # earlier: read again
    # rows without their sidecar (a task killed between the two renames) are no entry
    sidecar = cache / version / f"{sha}.json"
    saved = sidecar.read_text(encoding="utf-8")
    sidecar.unlink()
    assert parse_cache.lookup(cache, version, sha, KEY_FP, today) is None
    sidecar.write_text(saved[: len(saved) // 2], encoding="utf-8")  # half a file: not an entry either
    assert parse_cache.lookup(cache, version, sha, KEY_FP, today) is None
    # rows damaged on disk (their footer cut off) are no entry: the workbook is read again, not quarantined
    sidecar.write_text(saved, encoding="utf-8")
    assert parse_cache.lookup(cache, version, sha, KEY_FP, today) is not None
    rows = cache / version / f"{sha}.parquet"
    rows.write_bytes(rows.read_bytes()[:-20])
    assert parse_cache.lookup(cache, version, sha, KEY_FP, today) is None


def test_a_failed_read_is_never_cached(today):
    with pytest.raises(ValueError):
        parse_cache.store(Path("/nonexistent"), "v", "0" * 64, KEY_FP, today, ReadResult(errors=[object()]), Path("x"))


def test_housekeeping_removes_other_versions_old_entries_loaded_files_and_killed_writes(landing):
    for batch in plan(landing, Known(), TEST_KEY):
        read_batch(landing, batch, TEST_KEY, workers=2)
    cache, version = landing / "_parsed", reader_version()
    entries = sorted({p.name.split(".")[0] for p in (cache / version).iterdir()})
    assert len(entries) == 3
    old_version = cache / "0123456789abcdef"
    old_version.mkdir()
    (old_version / "x.parquet").write_bytes(b"old")
    killed = parse_cache.temporary_rows(cache, version, entries[0])
    killed.write_bytes(b"half")
    two_days = time.time() - 2 * 86400
    os.utime(killed, (two_days, two_days))
    stale = [cache / version / f"{entries[1]}.{suffix}" for suffix in ("json", "parquet")]
    for path in stale:
        os.utime(path, (time.time() - 8 * 86400,) * 2)
    removed = parse_cache.housekeep(cache, version, max_age_days=7, loaded={entries[2]})
    assert removed == 1 + 1 + 2 + 2
    assert sorted(p.name for p in cache.iterdir()) == [version]
    assert sorted(p.name for p in (cache / version).iterdir()) == [f"{entries[0]}.json", f"{entries[0]}.parquet"]


def test_plan_skips_what_the_published_warehouse_loaded_or_refused(tmp_path, landing):
    quarantine = landing / "_quarantine"
    with duckdb.connect(str(tmp_path / "published.duckdb")) as con:
        report = ingest_landing(con, landing, quarantine, TEST_KEY)
        assert sorted(f.status for f in report.files) == ["loaded"] * 3 + ["quarantined"]
        known = known_from(con, quarantine)
    assert len(known.loaded) == 3 and len(known.refused) == 1 and len(known.arrivals) == 4
    assert plan(landing, known, TEST_KEY) == []
    write_reception(landing / "2023" / "so-tiep-cong-dan_2023_moi.xlsx", "Phường Tân Phong", [visit(dt.date(2023, 5, 1), "M-1")])
    assert names(plan(landing, known, TEST_KEY)) == ["2023/so-tiep-cong-dan_2023_moi.xlsx"]


def _subset(target: Path) -> Path:
    """One 2023 workbook of every source of the bundled sample (every reader path, in little time)."""
    seen = set()
    for path in sorted((SAMPLE_LANDING / "2023").glob("*.xlsx")):
        prefix = path.name.split("_")[0]
        if prefix not in seen:
            seen.add(prefix)
            (target / "2023").mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / "2023" / path.name)
    return target


RAW_TIMES = {"_loaded_at", "loaded_at", "arrived_at", "seen_at", "changed_ns"}


def raw_contents(database: Path) -> dict[str, list]:
    """Every raw table's rows, ordered, without the load and arrival times (which differ run to run)."""
    with duckdb.connect(str(database), read_only=True) as con:
        tables = [
            t for (t,) in con.execute("select table_name from information_schema.tables where table_schema = 'raw'").fetchall()
        ]
        contents = {}
        for table in tables:
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ? "
                    "order by ordinal_position",
                    [table],
                ).fetchall()
                if c not in RAW_TIMES
            ]
            contents[table] = con.execute(f'select {", ".join(columns)} from raw."{table}" order by all').fetchall()
    return contents


def test_ingest_from_the_cache_stores_what_ingest_without_it_stores(tmp_path):
    landing = _subset(tmp_path / "landing")
    files = len(list(landing.rglob("*.xlsx")))
    assert files >= 10
    quarantine = landing / "_quarantine"
    with duckdb.connect(str(tmp_path / "direct.duckdb")) as con:
        direct = ingest_landing(con, landing, quarantine, TEST_KEY)
    assert direct.from_cache == 0 and len(direct.with_status("loaded")) == files

    batches = plan(landing, Known(), TEST_KEY, max_files=4)
    assert len(batches) == -(-files // 4)
    assert sum(read_batch(landing, b, TEST_KEY, workers=2)["cached"] for b in batches) == files
    with duckdb.connect(str(tmp_path / "cached.duckdb")) as con:
        from_cache = ingest_landing(con, landing, quarantine, TEST_KEY)
    assert from_cache.from_cache == files and from_cache.summary()["from_parse_cache"] == files
    assert [(f.path, f.status, f.rows, f.load_id) for f in from_cache.files] == [
        (f.path, f.status, f.rows, f.load_id) for f in direct.files
    ]
    direct_raw, cached_raw = raw_contents(tmp_path / "direct.duckdb"), raw_contents(tmp_path / "cached.duckdb")
    assert sum(len(rows) for rows in direct_raw.values()) > 100
    assert cached_raw == direct_raw


def test_ingest_reads_again_a_file_cached_on_a_later_day(landing, tmp_path, today):
    """A worker whose clock ran ahead: its read could have let a date through that is still in the future here."""
    path = next(p for p in landing.rglob("*doan-ket.xlsx"))
    sha = sha256_of(path)
    read_batch(landing, {"files": [{"file": path.relative_to(landing).as_posix(), "bytes": 1, "sha256": sha}]}, TEST_KEY)
    sidecar = landing / "_parsed" / reader_version() / f"{sha}.json"
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    meta["arrival"] = (today + dt.timedelta(days=1)).isoformat()
    sidecar.write_text(json.dumps(meta), encoding="utf-8")
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        report = ingest_landing(con, landing, landing / "_quarantine", TEST_KEY)
    assert report.from_cache == 0
    assert sorted(f.status for f in report.files) == ["loaded"] * 3 + ["quarantined"]


def test_the_stages_plan_and_parse_under_the_run_lock_and_ingest_counts_cached_files(data_dir, landing):
    paths = DataPaths(data_dir)
    shutil.move(landing, paths.landing)
    runlock.acquire(paths, "run-1", stage="take_run_lock")
    try:
        batches = stages.plan_parse(paths, "run-1")
        assert len(names(batches)) == 4
        json.dumps(batches)  # XCom
        with pytest.raises(runlock.NotLockHolder):
            stages.parse_batch(paths, "another-run", batches[0])
        parsed = [stages.parse_batch(paths, "run-1", b) for b in batches]
        assert sum(p["cached"] for p in parsed) == 3
        summary = stages.ingest(paths, "run-1")
    finally:
        runlock.release(paths, "run-1")
    assert summary["from_parse_cache"] == 3 and len(summary["loaded"]) == 3 and len(summary["quarantined"]) == 1


def test_the_hostile_corpus_through_the_parse_stage(tmp_path):
    """Links, pipes, bombs, broken and lying files (tests/hostile): planning and parsing never raise,
    only good reads are cached (ingest loads each of those from the cache and quarantines the rest
    as its case says), and nothing planted in a file reaches the cache."""
    from tests.hostile.builders import Context, build_all

    landing = tmp_path / "landing"
    cases = build_all(Context(landing / "hostile", tmp_path, tmp_path / "outside"))
    batches = plan(landing, Known(), TEST_KEY, max_files=10)
    json.dumps(batches)
    parsed = [read_batch(landing, batch, TEST_KEY) for batch in batches]
    json.dumps(parsed)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        report = ingest_landing(con, landing, landing / "_quarantine", TEST_KEY)
    loaded = report.with_status("loaded")
    assert len(loaded) >= 10 and report.from_cache == len(loaded) == sum(p["cached"] for p in parsed)
    for case in cases:
        statuses = [f.status for f in report.files if f"{case.tag}/" in f.path]
        if case.expect == "quarantined":
            assert "quarantined" in statuses, case.id
        elif case.expect == "loaded" and not case.or_quarantined_with:
            assert "loaded" in statuses, case.id
    secrets = {s for c in cases for s in c.secrets if s}
    texts = [
        json.dumps(pq.read_table(p).to_pylist(), ensure_ascii=False, default=str)
        if p.suffix == ".parquet"
        else p.read_text(encoding="utf-8")
        for p in (landing / "_parsed").rglob("*")
        if p.is_file()
    ]
    assert len(texts) == 2 * len(loaded)
    assert [s for s in secrets if any(s in text for text in texts)] == []


def test_a_parse_batch_keeps_the_lock_fresh_without_naming_its_process(data_dir):
    """Several parse tasks run at once: none of them may make the lock look abandoned when it exits."""
    paths = DataPaths(data_dir)
    paths.landing.mkdir(parents=True)
    runlock.acquire(paths, "run-1", stage="take_run_lock")
    try:
        before = runlock.holder(paths)
        time.sleep(1.1)
        assert stages.parse_batch(paths, "run-1", {"files": [], "bytes": 0})["cached"] == 0
        after = runlock.holder(paths)
    finally:
        runlock.release(paths, "run-1")
    assert (after.run_id, after.stage, after.pid) == ("run-1", "parse_batch", None)
    assert after.heartbeat_at > before.heartbeat_at and after.started_at == before.started_at
