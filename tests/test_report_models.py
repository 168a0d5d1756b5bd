"""The report layer's appendices and completeness as dbt models (rpt_appendix_1/2, rpt_completeness).

The quick tests keep the hand-kept lists in step (register titles, appendix columns). The build
test runs the real ``dbt build`` of the report layer for several report requests on the bundled
sample's marts (the session's sample build, copied): the city's 2023 report gives the appendix totals and the
completeness the pipeline always gave, a cut-off report of the same year coexists with it, and a
rebuild replaces a request's rows without touching the others'.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import openpyxl
import pytest
import yaml

from ingestion.registry import load_sources
from pipeline.dbt import REPORT_LAYER, failed_nodes, run_dbt
from pipeline.paths import DBT_PROJECT_DIR, DataPaths
from pipeline.periods import Period
from pipeline.report_requests import resolve
from reporting.appendices import NOT_KEPT, load_definitions, read_appendices, write_appendix_exports
from reporting.completeness import read_completeness
from reporting.unit_names import read_unit_names
from tests.dag_runs import copy_build

YEAR_2023 = ("105", dt.date(2023, 1, 1), dt.date(2023, 12, 31))
CUT_OFF_2023 = ("105", dt.date(2023, 1, 1), dt.date(2023, 11, 14))
# The totals rows of Phụ lục I and II of the city's 2023 report, as the pipeline computed them
# before the appendices moved into dbt (reporting/appendices.yml SQL, same sample).
APPENDIX_1_TOTALS = {
    "reception_visits": 44, "reception_people": 47, "reception_cases": 44, "dialogues": 21,
    "dialogue_participants": 1467, "dialogue_issues": 247, "petitions_received": 100, "petitions_resolved": 86,
    "petitions_pending": 14, "inspections": 5, "units_inspected": 6, "recovery_recommended_vnd": 1957783982,
    "dossiers_received": 13241, "dossiers_on_time": 12870, "dossiers_late": 118,
}  # fmt: skip
APPENDIX_2_TOTALS = {
    "models_economy": 6, "models_culture": 3, "models_society": 5, "models_security": 5, "models_defence": 5,
    "models_total": 24, "models_recognised": 20,
}  # fmt: skip
REPORT_MODELS = [
    "int_report_requests", "int_report_members", "int_report_obligations", "int_report_appendix_units",
    "rpt_appendix_1", "rpt_appendix_2", "rpt_completeness",
]  # fmt: skip


def test_register_titles_seed_matches_the_registry():
    with (DBT_PROJECT_DIR / "seeds" / "reference" / "registers.csv").open(encoding="utf-8") as handle:
        seed = {row["source_id"]: row["title_vi"] for row in csv.DictReader(handle)}
    assert seed == {source.id: source.title_vi for source in load_sources()}


def test_appendix_layout_names_the_model_columns_in_order():
    for spec in load_definitions()["appendices"]:
        model = yaml.safe_load((DBT_PROJECT_DIR / "models" / "report" / f"rpt_{spec['id']}.yml").read_text(encoding="utf-8"))
        columns = [c["name"] for c in model["models"][0]["columns"]]
        values = columns[columns.index("is_total") + 1 : columns.index("note_vi")]
        assert [c["name"] for c in spec["columns"]] == values


def _build(paths: DataPaths, build: Path, requests: list[tuple[str, dt.date, dt.date]], *select: str) -> None:
    asked = [
        {"reporting_unit_code": code, "period_start": start.isoformat(), "period_end": end.isoformat()}
        for code, start, end in requests
    ]
    args = ["build", *(["--select", *select] if select else [])]
    result = run_dbt(paths, build, *args, requests=asked)
    assert result.returncode == 0, failed_nodes(paths) or result.stdout[-3000:]


def _rows(con: duckdb.DuckDBPyConnection, table: str, request: tuple[str, dt.date, dt.date]) -> list[tuple]:
    return con.execute(
        f"select * from report.{table} where reporting_unit_code = ? and period_start = ? and period_end = ? order by all",
        list(request),
    ).fetchall()


@pytest.mark.e2e
def test_report_models_reproduce_2023_and_keep_other_requests(sample_build, tmp_path):
    paths = DataPaths(tmp_path / "data")
    # the sample's marts as built, in a warehouse from before the report layer moved into dbt:
    # label-keyed report tables, which the report layer's first build drops
    build = copy_build(sample_build[1], tmp_path / "build")
    with duckdb.connect(str(build)) as con:
        con.execute("drop schema report cascade")
        con.execute("create schema report")
        con.execute("create table report.appendix_1 (period varchar, row_no integer, note varchar)")
        con.execute("insert into report.appendix_1 values ('2023', 1, null)")
        con.execute("create table report.figures (period varchar, scope varchar, key varchar, value double)")
        con.execute("create table report.sentences (period varchar, key varchar, text_vi varchar)")

    _build(paths, build, [YEAR_2023], REPORT_LAYER)
    with duckdb.connect(str(build), read_only=True) as con:
        schema = "from information_schema.columns where table_schema = 'report'"
        tables = {t for (t,) in con.execute(f"select distinct table_name {schema}").fetchall()}
        figure_columns = {c for (c,) in con.execute(f"select column_name {schema} and table_name = 'figures'").fetchall()}
        year = {table: _rows(con, table, YEAR_2023) for table in ("appendix_1", "appendix_2", "completeness")}
        appendices = {a.id: a for a in read_appendices(con, *YEAR_2023)}
        rates = read_completeness(con, *YEAR_2023)
        statuses = con.execute(
            "select status, count(*) from report.completeness where not is_total "
            "and reporting_unit_code = ? and period_start = ? and period_end = ? group by all",
            list(YEAR_2023),
        ).fetchall()
        types = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'report' and table_name = 'appendix_1'"
            ).fetchall()
        )
    for appendix_id, expected in (("appendix_1", APPENDIX_1_TOTALS), ("appendix_2", APPENDIX_2_TOTALS)):
        rows = appendices[appendix_id].rows
        assert [r["is_total"] for r in rows] == [False] * 13 + [True]
        assert {name: rows[-1][name] for name in expected} == expected
    # the label-keyed figures and sentences are dropped too; sentences are no table any more
    assert "sentences" not in tables and {"reporting_unit_code", "period_start", "period_end"} <= figure_columns
    assert types["reception_visits"] == "BIGINT" and types["recovery_recommended_vnd"] == "HUGEINT"
    # the sample is loaded today, after the 15/11/2023 due day: every one of the 66 registers is late
    assert statuses == [("late", 66)]
    assert len(rates) == 14 and {r["rate_pct"] for r in rates.values()} == {100.0}
    assert rates["citizen_reception"] == {
        "expected": 8, "submitted": 8, "late": 8, "missing": [], "rejected": [], "rate_pct": 100.0,
    }  # fmt: skip
    # a unit keeping no such register is "—" in print, not 0
    office = next(r for r in appendices["appendix_1"].rows if r["unit_id"] == "tp_van_phong")
    assert office["reception_visits"] is None and office["dialogues"] == 4

    # a cut-off report of the same year is added beside the annual one
    _build(paths, build, [CUT_OFF_2023], *REPORT_MODELS)
    with duckdb.connect(str(build), read_only=True) as con:
        assert {table: _rows(con, table, YEAR_2023) for table in year} == year
        cut_off = {a.id: a for a in read_appendices(con, *CUT_OFF_2023)}
    # December's reform figures are left out of the cut-off report (the month is not whole)
    assert cut_off["appendix_1"].rows[-1]["dossiers_received"] < APPENDIX_1_TOTALS["dossiers_received"]

    # rebuilding the annual report replaces its rows, once, and leaves the cut-off report alone
    with duckdb.connect(str(build), read_only=True) as con:
        before_cut_off = {table: _rows(con, table, CUT_OFF_2023) for table in year}
    _build(paths, build, [YEAR_2023], *REPORT_MODELS)
    with duckdb.connect(str(build), read_only=True) as con:
        assert {table: _rows(con, table, YEAR_2023) for table in year} == year
        assert {table: _rows(con, table, CUT_OFF_2023) for table in year} == before_cut_off

    request = resolve(YEAR_2023[0], Period(*YEAR_2023[1:]))
    with duckdb.connect(str(build), read_only=True) as con:
        names = read_unit_names(con, request.unit_id, request.period)
    written = write_appendix_exports(tmp_path / "reports", request, list(appendices.values()), names)
    with next(p for p in written if p.name == "phu-luc-i_105_2023-01-01_2023-12-31.csv").open(encoding="utf-8-sig") as handle:
        printed = list(csv.reader(handle))
    assert printed[1][:3] == ["1", "Văn phòng HĐND và UBND thành phố Lai Châu", NOT_KEPT]
    assert printed[-1][:3] == ["", "Tổng cộng", "44"]
    sheet = openpyxl.load_workbook(next(p for p in written if p.suffix == ".xlsx"))["Phụ lục I"]
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert NOT_KEPT in cells and 1957783982 in cells
