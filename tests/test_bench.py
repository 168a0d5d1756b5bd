"""The ingest benchmark's registers and harness still work (its numbers are not tested: it is a benchmark)."""

import datetime as dt
import json
import statistics

import duckdb
import pytest

from bench import ingest as bench_ingest
from bench import national
from bench import nightly as bench_nightly
from bench.reception import reception_rows, write_reception_registers
from bench.stage import FLOOR_FIGURES, dag_stages
from ingestion.loader import ingest_landing
from ingestion.sandbox import stop_readers
from ingestion.units import default_directory
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


def test_national_landing_set_spreads_communes_over_provinces_and_loads_whole(tmp_path, monkeypatch):
    monkeypatch.setenv("LAICHAU_PROVINCES", "12,01")
    folder, plans, seconds = national.landing_set(tmp_path, 400, 4, ["12", "01"], "7", jobs=2)
    assert seconds is not None
    assert sorted(p.name for p in folder.glob("*.xlsx")) == sorted(p.file_name for p in plans)
    assert {p.source_id for p in plans} == {"citizen_reception", "petition_handling"}
    assert {p.province_code for p in plans} == {"01", "12"}  # old-list provinces, one each here
    assert all(p.unit_label.endswith(")") for p in plans)  # name and code: names repeat nationally
    assert national.landing_set(tmp_path, 400, 4, ["12", "01"], "7")[2] is None  # cached
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    # the units are read once per process, and the reading server forks with them: start afresh
    # with the provinces set, and leave nothing of them behind
    stop_readers()
    default_directory.cache_clear()
    try:
        report = ingest_landing(con, folder, tmp_path / "quarantine", TEST_KEY)
    finally:
        stop_readers()
        default_directory.cache_clear()
    assert [f.status for f in report.files] == ["loaded"] * 4, [e.render() for f in report.files for e in f.errors][:3]
    loaded = con.sql(
        "select _unit_id, count(*) from raw.citizen_reception group by 1 union all "
        "select _unit_id, count(*) from raw.petition_handling group by 1 order by 1"
    ).fetchall()
    assert sorted(loaded) == sorted((p.unit_id, p.rows) for p in plans)


def test_province_counts_and_codes():
    assert national.parse_provinces("2") == ["12", "01"]
    assert national.parse_provinces("01,") == ["01"]
    assert national.parse_provinces("12, 1") == ["12", "01"]
    with pytest.raises(ValueError):
        national.parse_provinces("12,99")


def test_petition_rows_are_consistent_as_the_checks_read_them():
    rows = list(national.petition_rows(500, seed=3))
    assert rows == list(national.petition_rows(500, seed=3))
    for row in rows:
        received = (
            row["received_on"]
            if isinstance(row["received_on"], dt.date)
            else dt.datetime.strptime(row["received_on"], "%d/%m/%Y").date()
        )
        assert (row["handling"] == "Thụ lý giải quyết") == (row["competence"] == "Thuộc thẩm quyền")
        assert (row["resolved_on"] is not None) == (row["status"] == "Đã giải quyết")
        assert row["resolved_on"] is None or received <= row["resolved_on"] <= dt.date(national.YEAR, 12, 31)


@pytest.mark.e2e
def test_nightly_benchmark_runs_both_nights_and_its_floor_sql_equals_the_report(data_dir, capsys):
    out_file = data_dir / "out" / "nightly.json"
    code = bench_nightly.main(["--rows", "2000", "--workbooks", "6", "--provinces", "12,01", "--json", str(out_file)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "no-change / full" in printed and "FIGURES DIFFER" not in printed
    results = json.loads(out_file.read_text(encoding="utf-8"))
    for night in ("full", "no_change"):
        assert list(results[night]["stages"]) == list(dag_stages())
        for stage, measured in results[night]["stages"].items():
            if stage == "parse_batch" and night == "no_change":
                assert measured["processes"] == 0  # nothing new: the parse is mapped over no batch
                continue
            assert measured["wall"] > 0 and measured["cpu"] > 0 and measured["peak_rss_mb"] > 0
    assert results["full"]["stages"]["parse_batch"]["processes"] >= 1
    assert results["no_change"]["unchanged_since"]  # dbt and validation skipped: nothing changed
    assert results["full"]["loaded"] == 6 and results["full"]["quarantined"] == 0
    assert results["no_change"]["loaded"] == 0 and results["no_change"]["unchanged"] == 6
    figures = results["figures"]
    assert set(figures["report"]) == {"01", "12"} and figures["mismatches"] == {}
    assert figures["sql"] == figures["report"]
    assert all(set(values) == set(FLOOR_FIGURES) for values in figures["report"].values())
    assert sum(v["reception.visits"] + v["petition.received"] for v in figures["report"].values()) == 2000
    ratios = results["ratios"]
    assert ratios["no_change_vs_full"] == results["no_change"]["wall"] / results["full"]["wall"]
    assert {"ingest_vs_calamine_cpu", "full_vs_floors_wall"} <= set(ratios)
    assert results["floors"]["calamine_read"]["work_cpu"] > 0 and results["floors"]["hand_written_sql"]["work_wall"] > 0
