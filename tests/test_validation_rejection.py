"""Validation rejects the one submission behind a failing check and publishes the rest.

Real stage runs (ingest → dbt build → validate → publish → report) on real workbooks written
with the project's template writer, real DuckDB, dbt and GX; no Airflow (test_e2e.py runs the DAG).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from pipeline import runlock, stages
from pipeline.errors import DataCheckFailed
from pipeline.paths import DataPaths
from reporting.report_document import read_document_text
from tests.dag_runs import staged_copy
from tests.workbooks import visit, write_reception

pytestmark = pytest.mark.e2e
REQUEST_2023 = [{"reporting_unit_code": "105", "period_start": "2023-01-01", "period_end": "2023-12-31"}]


def run_stages(paths: DataPaths, run_id: str, requests: list[dict] | None = REQUEST_2023) -> tuple[dict, dict]:
    """ingest → dbt build → validate → publish (→ report): what the DAG's tasks do, in order."""
    stages.discover(paths)
    ingested = stages.ingest(paths, run_id)
    stages.build_models(paths, ingested["build"], requests)
    validated = stages.validate(paths, ingested["build"], run_id, requests)
    stages.publish_warehouse(paths, validated["build"])
    if requests is not None:
        stages.report(paths, requests, run_id, ingested, validated)  # releases the run lock
    else:
        runlock.release(paths, run_id)  # what the DAG's teardown task does
    return ingested, validated


def current_load(con: duckdb.DuckDBPyConnection, source: str, unit: str, year: int = 2023) -> str:
    return con.execute(
        "select file_path from staging.stg_landing__loads where is_current and source_id = ? and unit_id = ? and report_year = ?",
        [source, unit, year],
    ).fetchone()[0]


def test_a_failure_no_submission_explains_still_stops_the_publish(sample_build, tmp_path):
    """A broken dimension is not a clerk's doing: validation stops, nothing is rejected or published,
    even though a submission's failure is in the same run."""
    _, build = sample_build
    paths = DataPaths(tmp_path / "data")
    copy = staged_copy(build, paths, "t1")
    with duckdb.connect(str(copy)) as con:
        con.execute("update marts.dim_admin_unit set area_ha = -1 where unit_id = 'p_tan_phong'")
        # 900 people in one of Tân Phong's visits: its register's failure, in the same run
        con.execute(
            "update marts.fct_citizen_receptions set people_count = 900 "
            "where reception_id = (select min(reception_id) from marts.fct_citizen_receptions where unit_id = 'p_tan_phong')"
        )
    with pytest.raises(DataCheckFailed) as caught:
        stages.validate(paths, str(copy), "t1")
    message = str(caught.value)
    assert "dim_admin_unit: expect_column_values_to_be_between(column=area_ha" in message
    assert "[not attributable to a submission]" in message
    assert "fct_citizen_receptions: expect_column_values_to_be_between(column=people_count" in message
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute("select distinct status from raw._loads").fetchall() == [("accepted",)]
    assert not paths.warehouse.exists()
    assert not paths.quarantine.exists()


def test_a_first_deployment_validates_and_publishes(data_dir):
    """No workbook yet, then a single reception register: every register the others owe is missing,
    which completeness reports; validation and dbt pass on the empty tables. With nothing sent at
    all, the warehouse is published but the run fails loudly instead of reporting an empty year."""
    paths = DataPaths(data_dir)
    with pytest.raises(DataCheckFailed, match="Nothing was sent for: Thành phố Lai Châu"):
        run_stages(paths, "empty")
    assert paths.warehouse.exists() and runlock.holder(paths) is None
    document = paths.reports / "105_2023-01-01_2023-12-31" / "bao-cao_105_2023-01-01_2023-12-31.docx"
    assert "SỐ LIỆU CHƯA ĐẦY ĐỦ – 0/66" in read_document_text(document).all
    write_reception(paths.landing / "2023" / "so-tiep-cong-dan_2023_phuong-tan-phong.xlsx", "Phường Tân Phong",
                    [visit(dt.date(2023, 3, 1), "TP-1", people=2)])  # fmt: skip
    run_stages(paths, "one-workbook")
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        assert con.execute("select count(*), sum(people_count) from marts.fct_citizen_receptions").fetchone() == (1, 2)
        assert con.execute("select count(*) from marts.fct_petitions").fetchone() == (0,)
        sent = con.execute("select count(*) filter (where submitted), count(*) from report.completeness").fetchone()
    assert sent[0] == 1 and sent[1] > 1
    assert Path(paths.reports / "105_2023-01-01_2023-12-31").exists()


def test_a_reports_only_run_validates_without_recording_a_build(sample_build, tmp_path):
    """The laichau_reports DAG builds only the report layer on the published marts. When it has to
    validate (the code changed since the nightly), what it validated is not recorded as a build of
    this code: the next nightly must still build the marts with the new code, not narrow to the
    registers that changed (pipeline.build_state.changed_registers)."""
    _, build = sample_build
    paths = DataPaths(tmp_path / "data")
    copy = staged_copy(build, paths, "reports")

    def recorded() -> list:
        with duckdb.connect(str(copy), read_only=True) as con:
            exists = con.execute("select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = '_builds'")
            return con.execute("select run_id from raw._builds").fetchall() if exists.fetchone()[0] else []

    before = recorded()
    validated = stages.validate(paths, str(copy), "reports", built={"build": str(copy), "unchanged_since": None})
    assert validated["checks"] > 0 and validated["rejected"] == []
    assert recorded() == before
    # the nightly's validation of the same build (build_models' result names the code) is recorded
    stages.validate(paths, str(copy), "nightly", built={"build": str(copy), "unchanged_since": None, "code_digest": "c"})
    assert recorded() == [*before, ("nightly",)]
