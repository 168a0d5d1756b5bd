"""The ingest benchmark's registers and harness still work (its numbers are not tested: it is a benchmark)."""

import json
import statistics

import duckdb

from bench import ingest as bench_ingest
from bench.reception import reception_rows, write_reception_registers
from ingestion.loader import ingest_landing
from tests.conftest import TEST_KEY


def test_generated_rows_are_the_same_for_the_same_seed_and_fill_every_column():
    first, again = list(reception_rows(300, seed=7)), list(reception_rows(300, seed=7))
    assert first == again
    assert first != list(reception_rows(300, seed=8))
    assert all(value is not None for row in first for value in row.values())
    assert [row["seq_no"] for row in first] == list(range(1, 301))


def test_generated_registers_load_whole_one_load_per_workbook(tmp_path):
    landing = tmp_path / "landing"
    write_reception_registers(landing, 301, files=3)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    report = ingest_landing(con, landing, tmp_path / "quarantine", TEST_KEY)
    assert [f.status for f in report.files] == ["loaded"] * 3
    assert sorted(f.rows for f in report.files) == [100, 100, 101]
    assert con.sql("select count(*), count(distinct _load_id), count(citizen_key) from raw.citizen_reception").fetchone() == (
        301,
        3,
        301,
    )
    assert con.sql("select count(*) from raw._loads where superseded_by is not null").fetchone() == (0,)


def test_benchmark_runs_measures_both_sides_and_caches_its_registers(data_dir, capsys):
    assert bench_ingest.main(["--layouts", "200x1,300x2", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "generated in" in out and "ratio" in out
    results = json.loads((data_dir / "bench" / "ingest-results.json").read_text())
    assert set(results) == {"200x1", "300x2"}
    for measured in results.values():
        assert statistics.median(measured["floor_cpu"]) > 0 and statistics.median(measured["ingest_cpu"]) > 0
    assert bench_ingest.main(["--layouts", "200x1", "--repeat", "1"]) == 0
    assert "reception-200x1 — cached" in capsys.readouterr().out
