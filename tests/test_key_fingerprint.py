"""The pseudonymisation key is never silently replaced or changed once a warehouse was made under it.

Real runs of the stage functions on a real workbook and DuckDB files, the real CLI functions, and
analysts' sessions in processes of their own.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingestion.pseudonymize import KEY_ENV, KEY_FILE_ENV, KeyChangedError, fingerprint
from pipeline import cli, key_fingerprint, runlock, stages
from pipeline.paths import DataPaths
from tests.workbooks import visit, write_reception

K1 = "k1-" + "a1b2c3d4" * 8
K2 = "k2-" + "e5f6a7b8" * 8


def test_the_fingerprint_names_a_key_without_revealing_it():
    assert fingerprint(K1.encode()) == fingerprint(K1.encode())
    assert fingerprint(K1.encode()) != fingerprint(K2.encode())
    assert len(fingerprint(K1.encode())) == 16 and int(fingerprint(K1.encode()), 16) >= 0
    assert "a1b2c3d4" not in fingerprint(K1.encode())


def run_under_current_key(paths: DataPaths, run_id: str) -> None:
    """discover → ingest → publish, the stages that touch the key (dbt and the suites do not)."""
    stages.discover(paths)
    build = stages.ingest(paths, run_id)["build"]
    stages.publish_warehouse(paths, build)
    runlock.release(paths, run_id)


def analyst(warehouse: Path, read_only: bool) -> subprocess.Popen:
    session = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys\n"
            f"con = duckdb.connect({str(warehouse)!r}, read_only={read_only})\n"
            "print(con.execute('select count(*) from raw._loads').fetchone()[0], flush=True)\n"
            "sys.stdin.readline()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert session.stdout.readline().strip() == "1"
    return session


def test_a_lost_or_changed_key_stops_the_run_and_the_old_key_lets_it_go_on(data_dir, monkeypatch, capsys):
    write_reception(
        data_dir / "landing" / "2023" / "so-tiep-cong-dan_2023_phuong-tan-phong.xlsx",
        "Phường Tân Phong",
        [visit(dt.date(2023, 3, 2), "TP-1")],
    )
    paths = DataPaths(data_dir)
    key_file = paths.secrets / "pseudonym.key"
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)

    # a fresh data folder gets a new key: that is K1, and a run under it publishes
    assert cli.ensure_local_key(paths) == {KEY_FILE_ENV: str(key_file)}
    k1 = key_file.read_text(encoding="utf-8")
    monkeypatch.setenv(KEY_FILE_ENV, str(key_file))
    run_under_current_key(paths, "under-k1")
    assert key_fingerprint.published_fingerprint(paths) == fingerprint(k1.strip().encode())

    # the key file is lost: make run / make key refuse, and make no new key
    key_file.unlink()
    monkeypatch.delenv(KEY_FILE_ENV)
    capsys.readouterr()
    assert cli.main(["key"]) == 2
    assert cli.main(["run"]) == 2
    refused = capsys.readouterr().err
    assert "Không tìm thấy khóa bí danh hóa" in refused and "The pseudonymisation key is missing" in refused
    assert "data/secrets/pseudonym.key" in refused and KEY_ENV in refused and "would not link" in refused
    assert not key_file.exists()
    assert not (data_dir / "airflow").exists()  # refused before starting Airflow

    # another key: discover refuses (also with analysts holding the warehouse open), and so would ingest
    monkeypatch.setenv(KEY_ENV, K2)
    for read_only in (True, False):
        session = analyst(paths.warehouse, read_only)
        try:
            with pytest.raises(KeyChangedError) as caught:
                stages.discover(paths)
        finally:
            session.communicate("\n", timeout=30)
        message = str(caught.value)
        assert fingerprint(K2.encode()) in message and fingerprint(k1.strip().encode()) in message
        assert "không phải khóa đã dùng" in message and "is not the key used" in message
    with pytest.raises(KeyChangedError):
        stages.ingest(paths, "under-k2")
    runlock.release(paths, "under-k2")

    # K1 restored from the backup: the run goes on, and the warehouse still records K1
    monkeypatch.delenv(KEY_ENV)
    key_file.write_text(k1, encoding="utf-8")
    assert cli.ensure_local_key(paths) == {KEY_FILE_ENV: str(key_file)}
    assert key_file.read_text(encoding="utf-8") == k1
    monkeypatch.setenv(KEY_FILE_ENV, str(key_file))
    session = analyst(paths.warehouse, read_only=True)
    try:
        assert stages.discover(paths)["files"]
    finally:
        session.communicate("\n", timeout=30)
    run_under_current_key(paths, "under-k1-again")
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        assert con.execute("select fingerprint from raw._pseudonym_key").fetchall() == [(fingerprint(k1.strip().encode()),)]


def test_a_warehouse_made_before_fingerprints_records_the_key_of_its_next_run(data_dir):
    paths = DataPaths(data_dir)
    with duckdb.connect(str(paths.warehouse)) as con:
        con.execute("create schema raw; create table raw._loads (load_id varchar)")
    assert key_fingerprint.published_fingerprint(paths) is None
    key_fingerprint.check_published(paths, None)  # nothing to compare with: a new key may be made
    with duckdb.connect(str(paths.warehouse)) as con:
        assert key_fingerprint.record(con, K1.encode()) == fingerprint(K1.encode())
        assert key_fingerprint.record(con, K1.encode()) == fingerprint(K1.encode())
        with pytest.raises(KeyChangedError):
            key_fingerprint.record(con, K2.encode())
        assert con.execute("select count(*) from raw._pseudonym_key").fetchone() == (1,)
