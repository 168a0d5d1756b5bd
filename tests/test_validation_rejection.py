"""Validation rejects the one submission behind a failing check and publishes the rest.

Real stage runs (ingest → dbt build → validate → publish → report) on real workbooks written
with the project's template writer, real DuckDB, dbt and GX; no Airflow (test_e2e.py runs the DAG).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from ingestion.loader import request_requeue, sha256_of
from pipeline import runlock, stages
from pipeline.errors import DataCheckFailed
from pipeline.paths import DataPaths
from reporting.report_document import read_document_text
from tests.conftest import SAMPLE_LANDING
from tests.test_e2e import expected_figures, mismatches, published_figures
from tests.workbooks import sample_rows, visit, write_reception, write_source

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


def test_failing_submissions_are_rejected_and_the_rest_is_published(data_dir):
    paths = DataPaths(data_dir)
    shutil.copytree(SAMPLE_LANDING, paths.landing)
    run_stages(paths, "first", requests=None)

    # Tân Phong re-sends its petition register: one eligible petition outside the ward's competence
    # is marked "accepted for resolution", which Biểu 01/XLD's identity forbids.
    unit, rows = sample_rows("petition_handling", "phuong-tan-phong")
    rows[2].update(competence="Không thuộc thẩm quyền", handling="Thụ lý giải quyết")
    broken_petitions = write_source(paths.landing / "2023" / "so-xu-ly-don_2023_phuong-tan-phong-gui-lai.xlsx",
                                    "petition_handling", unit, rows)  # fmt: skip
    # Đoàn Kết re-sends its reform indicators with March entered twice, the second time with
    # another count (an identical line would be refused by the loader as a duplicate line).
    unit_dk, months = sample_rows("reform_indicator", "phuong-doan-ket")
    months.insert(3, {**months[2], "documents_exchanged": (months[2].get("documents_exchanged") or 0) + 7})
    write_source(paths.landing / "2023" / "chi-tieu-cai-cach-hanh-chinh_2023_phuong-doan-ket-gui-lai.xlsx",
                 "reform_indicator", unit_dk, months)  # fmt: skip
    # Đông Phong's 2024 register: one case holding a resolved and a pending petition is valid.
    unit_dp, rows_dp = sample_rows("petition_handling", "phuong-dong-phong")
    case = [dict(rows_dp[0]), dict(rows_dp[1])]
    for row in case:
        row.update(case_ref="DP-2024-001", reception_case_ref=None, received_on=dt.date(2024, 2, 1),
                   due_on=dt.date(2024, 3, 1), competence="Thuộc thẩm quyền", handling="Thụ lý giải quyết")  # fmt: skip
    case[0].update(status="Đã giải quyết", resolved_on=dt.date(2024, 2, 20))
    case[1].update(status="Đang giải quyết", resolved_on=None, petition_no="002/2024")
    write_source(paths.landing / "2024" / "so-xu-ly-don_2024_phuong-dong-phong.xlsx", "petition_handling", unit_dp,
                 case, year=2024)  # fmt: skip
    secrets = {str(r[k]) for r in rows + months + case for k in ("sender_name", "sender_id_number", "content") if r.get(k)}

    _, validated = run_stages(paths, "second")

    rejected = {r["file"]: r for r in validated["rejected"]}
    assert set(rejected) == {
        "2023/so-xu-ly-don_2023_phuong-tan-phong-gui-lai.xlsx",
        "2023/chi-tieu-cai-cach-hanh-chinh_2023_phuong-doan-ket-gui-lai.xlsx",
    }
    petition = rejected["2023/so-xu-ly-don_2023_phuong-tan-phong-gui-lai.xlsx"]
    assert petition["checks"] == ["petition_identities: outside competence = guided + forwarded + urged + filed"]
    assert petition["rows"] == 1
    reform = rejected["2023/chi-tieu-cai-cach-hanh-chinh_2023_phuong-doan-ket-gui-lai.xlsx"]
    assert "fct_reform_indicators: expect_compound_columns_to_be_unique" in reform["checks"]

    # the clerk's reports: file, check in Vietnamese and English, sheet and row; no cell value
    report = (paths.landing / petition["report"]).read_text(encoding="utf-8")
    details = json.loads((paths.landing / petition["report"].replace(".errors.txt", ".errors.json")).read_text())
    first_data_row = min(details["errors"], key=lambda e: e["row"])["row"]
    assert "so-xu-ly-don_2023_phuong-tan-phong-gui-lai.xlsx" in report
    assert "đơn không thuộc thẩm quyền = hướng dẫn + chuyển đơn + đôn đốc + lưu đơn" in report
    assert "outside competence = guided + forwarded + urged + filed" in report
    assert f"dòng {first_data_row}" in report and f"row {first_data_row}" in report
    reform_report = (paths.landing / reform["report"]).read_text(encoding="utf-8")
    assert "dòng bị trùng" in reform_report and "duplicated line" in reform_report
    for text in (report, reform_report):
        assert not [s for s in secrets if s in text]
    assert (paths.landing / petition["report"].replace(".errors.txt", ".xlsx")).exists()  # the workbook's copy beside it

    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        states = dict(con.execute("select file_path, status from raw._loads").fetchall())
        rejection = json.loads(con.execute(
            "select rejection_json from raw._loads where file_path = ?", [petition["file"]]).fetchone()[0])  # fmt: skip
        # the wards' previous accepted versions count again
        assert current_load(con, "petition_handling", "p_tan_phong") == "2023/so-xu-ly-don_2023_phuong-tan-phong.xlsx"
        reform_current = current_load(con, "reform_indicator", "p_doan_ket")
        case_row = con.execute(
            "select case_status, resolved_petitions, being_resolved_petitions from marts.fct_petition_cases "
            "where case_key = 'p_dong_phong/DP-2024-001'"
        ).fetchone()
        submitted = con.execute("select rejected_versions from marts.fct_source_submissions "
                                "where submission_id = 'p_tan_phong/petition_handling/2023'").fetchone()  # fmt: skip
    assert states[petition["file"]] == "rejected" and states[reform["file"]] == "rejected"
    assert states["2024/so-xu-ly-don_2024_phuong-dong-phong.xlsx"] == "accepted"
    assert rejection == [{"check": "petition_identities: outside competence = guided + forwarded + urged + filed",
                          "sheet": rejection[0]["sheet"], "row": first_data_row, "column": "lhs, rhs",
                          "rule": "expect_column_pair_values_to_be_equal"}]  # fmt: skip
    assert reform_current == "2023/chi-tieu-cai-cach-hanh-chinh_2023_phuong-doan-ket.xlsx"
    assert case_row == ("being_resolved", 1, 1)
    assert submitted == (1,)
    # everything else was published: the 2023 report's figures, unchanged
    assert mismatches(published_figures(paths.warehouse), expected_figures()) == {}
    summary = json.loads(next(paths.runs.glob("*.json")).read_text(encoding="utf-8"))
    assert {r["file"] for r in summary["rejected"]} == set(rejected)
    assert broken_petitions.exists()  # the clerk's file stays where it was dropped

    # a run with nothing new leaves the rejection as it is; a requeue has the file checked afresh
    _, validated = run_stages(paths, "third", requests=None)
    assert validated["rejected"] == []
    request_requeue(paths.quarantine, sha256_of(broken_petitions))
    _, validated = run_stages(paths, "fourth", requests=None)
    assert [r["file"] for r in validated["rejected"]] == [petition["file"]]  # validated again, rejected again


def test_a_failure_no_submission_explains_still_stops_the_publish(data_dir):
    """A broken dimension is not a clerk's doing: validation stops, nothing is rejected or published,
    even though a submission's failure is in the same run."""
    paths = DataPaths(data_dir)
    write_reception(paths.landing / "2023" / "so-tiep-cong-dan_2023_phuong-tan-phong.xlsx", "Phường Tân Phong",
                    [visit(dt.date(2023, 3, 1), "TP-1"), visit(dt.date(2023, 3, 2), "TP-2", people=900)])  # fmt: skip
    ingested = stages.ingest(paths, "t1")
    stages.build_models(paths, ingested["build"])
    with duckdb.connect(ingested["build"]) as con:
        con.execute("update marts.dim_admin_unit set area_ha = -1 where unit_id = 'p_tan_phong'")
    with pytest.raises(DataCheckFailed) as caught:
        stages.validate(paths, ingested["build"], "t1")
    message = str(caught.value)
    assert "dim_admin_unit: expect_column_values_to_be_between(column=area_ha" in message
    assert "[not attributable to a submission]" in message
    assert "fct_citizen_receptions: expect_column_values_to_be_between(column=people_count" in message
    with duckdb.connect(ingested["build"], read_only=True) as con:
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
