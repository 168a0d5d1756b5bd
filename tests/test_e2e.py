"""End to end: the real DAG (dag.test()) on real workbooks, real DuckDB, dbt, GX and Airflow.

Each test gets its own data folder; the report period is 2023, the bundled sample's year.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest
import yaml

from ingestion.parser import identify_source, parse_workbook
from ingestion.registry import load_sources
from ingestion.units import UnitDirectory
from pipeline import runlock, stages
from pipeline.paths import DataPaths
from reporting.report_document import read_document_text
from tests.conftest import FIGURES_FILE, OFFICE, REPO_ROOT, SAMPLE_LANDING, mail_body
from tests.workbooks import visit, write_corrupt, write_reception

DAG_ID = "laichau_citizen_reporting"
PERIOD_2023 = {"reporting_unit": "105", "period_start": "2023-01-01", "period_end": "2023-12-31"}
REPORT_DIR_2023 = "105_2023-01-01_2023-12-31"  # reports/<code>_<start>_<end>/

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def dag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO_ROOT / "dags")).dags[DAG_ID]


def run_dag(dag, conf=PERIOD_2023, logical_date=None) -> dict[str, str]:
    """Run the DAG once in-process; returns the run's state and each task's state."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    dag_run = dag.test(run_conf=conf, logical_date=logical_date)
    with create_session() as session:
        states = {
            ti.task_id: str(ti.state)
            for ti in session.query(TaskInstance).filter(TaskInstance.dag_id == DAG_ID, TaskInstance.run_id == dag_run.run_id)
        }
    return {"run": str(dag_run.state), **states}


def mapped_runs(dag_run_id: str, task_id: str) -> dict[int, str]:
    """map_index → state of a task's instances in a run (-1: not mapped, or mapped over nothing)."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        return {
            ti.map_index: str(ti.state)
            for ti in session.query(TaskInstance).filter(
                TaskInstance.dag_id == DAG_ID, TaskInstance.run_id == dag_run_id, TaskInstance.task_id == task_id
            )
        }


def latest_run_id() -> str:
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    with create_session() as session:
        return session.query(DagRun).filter(DagRun.dag_id == DAG_ID).order_by(DagRun.id.desc()).first().run_id


def ingest_summary(dag_run_id: str) -> dict:
    """What the ingest task returned (its XCom)."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        row = (
            session.query(XComModel)
            .filter(XComModel.dag_id == DAG_ID, XComModel.run_id == dag_run_id, XComModel.task_id == "ingest")
            .filter(XComModel.key == "return_value")
            .one()
        )
        value = row.value
    return json.loads(value) if isinstance(value, str) else value


def seed(data_dir: Path) -> Path:
    landing = data_dir / "landing"
    shutil.copytree(SAMPLE_LANDING, landing)
    return landing


def published_figures(
    warehouse: Path, code: str = "105", start: str = "2023-01-01", end: str = "2023-12-31"
) -> dict[tuple[str, str], float]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select key, scope, coalesce(value::double, value_decimal::double) from report.figures "
            "where reporting_unit_code = ? and period_start = ? and period_end = ?",
            [code, start, end],
        ).fetchall()
    return {(key, scope): value for key, scope, value in rows}


# The 2023 figures file's scopes, as report.figures names them
SCOPES_2023 = {"city": "total", "city_level": "own_bodies", "commune_level": "subunits"}


def expected_figures() -> dict[tuple[str, str], tuple[float, str]]:
    """(key, scope) → (value, check) of every figure of the 2023 report."""
    spec = yaml.safe_load(FIGURES_FILE.read_text(encoding="utf-8"))
    return {
        (f["key"], SCOPES_2023[f.get("scope", "city")]): (float(f["value"]), f.get("check", "equal")) for f in spec["figures"]
    }


def mismatches(published: dict[tuple[str, str], float], expected: dict[tuple[str, str], tuple[float, str]]) -> dict:
    """Figures that differ from the report: equal, or as the figures file's `check` says for the two
    rates the report rounds ("rounded": 99% is any value rounding to 99; "above": over 97%)."""
    wrong = {}
    for key, (value, check) in expected.items():
        got = published.get(key)
        ok = got is not None and (
            (check == "equal" and got == value)
            or (check == "rounded" and round(got) == value)
            or (check == "above" and got > value)
        )
        if not ok:
            wrong[key] = (got, check, value)
    return wrong


REQUEST_2023 = ["105", dt.date(2023, 1, 1), dt.date(2023, 12, 31)]  # the city's 2023 report
REQUEST_WHERE = "reporting_unit_code = ? and period_start = ? and period_end = ?"


def assert_appendices_agree_with_the_report(paths: DataPaths, expected: dict) -> None:
    """Phụ lục I's totals row equals the report's figures; every totals row is the sum of its units."""
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        for table in ("appendix_1", "appendix_2"):
            frame = con.execute(f"select * from report.{table} where {REQUEST_WHERE} order by row_order", REQUEST_2023).df()
            units, totals = frame[~frame["is_total"]], frame[frame["is_total"]]
            assert len(totals) == 1 and totals["unit_name"].item() == "Tổng cộng"
            assert len(units) == 13
            assert list(units["row_order"]) == list(range(1, 14))
            metrics = [
                c
                for c in frame.columns
                if c
                not in {
                    "reporting_unit_code",
                    "period_start",
                    "period_end",
                    "row_order",
                    "is_total",
                    "unit_id",
                    "unit_name",
                    "note_vi",
                }
            ]
            for column in metrics:
                assert totals[column].item() == units[column].sum(), (table, column)
            if table == "appendix_1":
                total = totals.iloc[0]
                pairs = {
                    "reception_visits": "reception.visits",
                    "reception_people": "reception.people",
                    "reception_cases": "reception.cases",
                    "petitions_received": "petition.received",
                    "petitions_resolved": "petition.resolved",
                    "petitions_pending": "petition.pending",
                    "inspections": "inspection.inspections",
                    "units_inspected": "inspection.units_inspected",
                }
                assert {c: total[c] for c in pairs} == {c: expected[(k, "total")][0] for c, k in pairs.items()}
                # only the inspectorate keeps the inspection register: the others are "—", not 0
                inspected = dict(
                    con.execute(
                        f"select unit_id, inspections from report.appendix_1 where {REQUEST_WHERE} and not is_total",
                        REQUEST_2023,
                    ).fetchall()
                )
                assert inspected.pop("tp_thanh_tra") == 5 and set(inspected.values()) == {None}
            else:
                fields = ["models_economy", "models_culture", "models_society", "models_security", "models_defence"]
                assert totals[fields].sum(axis=1).item() == totals["models_total"].item()
        workbook = openpyxl.load_workbook(paths.reports / REPORT_DIR_2023 / f"phu-luc_{REPORT_DIR_2023}.xlsx")
        assert workbook.sheetnames == ["Phụ lục I", "Phụ lục II"]
        assert all(c.data_type != "f" for sheet in workbook for row in sheet.iter_rows() for c in row)


def test_a_missing_ward_is_flagged_not_counted_as_zero_and_a_refused_one_as_rejected(dag, data_dir):
    landing = seed(data_dir)
    (landing / "2023" / "so-tiep-cong-dan_2023_phuong-doan-ket.xlsx").unlink()
    # Đông Phong sends a register that breaks its contract (0 people in a visit): refused, not "not sent"
    refused = landing / "2023" / "so-tiep-cong-dan_2023_phuong-dong-phong.xlsx"
    refused.unlink()
    write_reception(refused, "Phường Đông Phong", [visit(dt.date(2023, 5, 4), "DP-1", people=0)])
    assert run_dag(dag)["run"] == "success"
    paths = DataPaths(data_dir)
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        missing = con.execute(
            f"select source_id, unit_id, status from report.completeness where {REQUEST_WHERE} and not submitted order by 2",
            REQUEST_2023,
        ).fetchall()
        note = con.execute(
            f"select note_vi from report.appendix_1 where {REQUEST_WHERE} and unit_id = 'p_doan_ket'", REQUEST_2023
        ).fetchone()[0]
        visits = con.execute(
            f"select reception_visits from report.appendix_1 where {REQUEST_WHERE} and unit_id = 'p_doan_ket'", REQUEST_2023
        ).fetchone()[0]
        sent = con.execute(
            f"select distinct status from report.completeness where {REQUEST_WHERE} and submitted", REQUEST_2023
        ).fetchall()
        rate = con.execute(
            f"select owed, sent, rejected, not_sent, rate_pct from report.completeness where {REQUEST_WHERE} "
            "and is_total and source_id = 'citizen_reception'",
            REQUEST_2023,
        ).fetchone()
    assert missing == [("citizen_reception", "p_doan_ket", "not_sent"), ("citizen_reception", "p_dong_phong", "rejected")]
    assert sent == [("late",)]  # the sample, loaded today, arrived after the 15/11 due date
    assert note == "Chưa gửi: Sổ tiếp công dân"
    assert visits == 0  # owed and not sent: 0 with the note, not "—"
    assert rate == (8, 6, 1, 1, 75.0)
    (report,) = json.loads(next(paths.runs.glob("*.json")).read_text(encoding="utf-8"))["reports"]
    assert report["completeness"]["citizen_reception"]["missing"] == ["Phường Đoàn Kết", "Phường Đông Phong"]
    assert report["completeness"]["citizen_reception"]["rejected"] == ["Phường Đông Phong"]
    assert report["completeness"]["citizen_reception"]["rate_pct"] == 75.0
    assert (report["registers_owed"], report["registers_sent"]) == (66, 64)
    document = read_document_text(paths.reports / REPORT_DIR_2023 / f"bao-cao_{REPORT_DIR_2023}.docx").all
    assert "SỐ LIỆU CHƯA ĐẦY ĐỦ – 64/66 sổ, biểu mẫu đã gửi" in document and "Phường Đoàn Kết" in document


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def latest_summary(paths: DataPaths) -> dict:
    """The run summary (runs/<run>.json) the last run wrote."""
    return json.loads(max(paths.runs.glob("*.json"), key=lambda p: p.stat().st_mtime_ns).read_text(encoding="utf-8"))


def warehouse_state(path: Path) -> dict:
    """What an analyst can see: row counts of every table, the load log and the figures."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute("select table_schema, table_name from information_schema.tables order by all").fetchall()
        counts = {f"{s}.{t}": con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0] for s, t in tables}
        loads = con.execute("select load_id, file_sha256, superseded_by from raw._loads order by load_id").fetchall()
        figures = con.execute(
            "select reporting_unit_code, period_start, period_end, scope, key, value from report.figures order by all"
        ).fetchall()
    return {"counts": counts, "loads": loads, "figures": figures}


def test_sample_run_publishes_the_2023_figures_and_a_rerun_changes_nothing(dag, data_dir, monkeypatch):
    seed(data_dir)
    # the sample's workbooks in batches of 60: parse_batch is mapped over several batches
    monkeypatch.setenv("LAICHAU_PARSE_BATCH_FILES", "60")
    sample_files = len(list(SAMPLE_LANDING.rglob("*.xlsx")))
    states = run_dag(dag)
    assert states == {
        "run": "success",
        **dict.fromkeys(
            [
                "plan_reports",
                "discover",
                "take_run_lock",
                "plan_parse",
                "parse_batch",
                "ingest",
                "dbt_build",
                "validate",
                "publish",
                "report",
                "release_run_lock",
            ],
            "success",
        ),
    }
    paths = DataPaths(data_dir)
    assert runlock.holder(paths) is None and not list(paths.build_dir.iterdir())
    # the parse stage ran as mapped tasks, one per batch, and ingest stored every workbook from their cache
    first_run = latest_run_id()
    batches = -(-sample_files // 60)
    assert batches >= 2
    assert mapped_runs(first_run, "parse_batch") == dict.fromkeys(range(batches), "success")
    assert ingest_summary(first_run)["from_parse_cache"] == len(ingest_summary(first_run)["loaded"]) == sample_files
    figures = published_figures(paths.warehouse)
    expected = expected_figures()
    assert len(expected) == 74
    assert mismatches(figures, expected) == {}
    assert set(figures) == set(expected)  # every figure of the report, and nothing else

    sentence = (paths.reports / REPORT_DIR_2023 / "ket-qua-tiep-cong-dan.txt").read_text(encoding="utf-8")
    quote = (
        "Từ đầu năm đã tiếp tổng số 44 lượt = 47 người = 44 vụ việc (trong đó: Cấp thành phố 28 lượt = "
        "28 người = 28 vụ việc; cấp xã, phường 16 lượt = 19 người = 16 vụ việc)"
    )
    assert quote in sentence
    summary = json.loads(max(paths.runs.glob("*.json"), key=lambda p: p.stat().st_mtime).read_text(encoding="utf-8"))
    (written,) = summary["reports"]
    assert (written["reporting_unit_code"], written["period_start"], written["period_end"]) == ("105", "2023-01-01", "2023-12-31")
    assert written["figures"] == 74 and written["registers_sent"] == written["registers_owed"] == 66
    sentences = written["sentences"]
    assert quote in sentences
    assert (
        "Đã tiếp nhận 100 đơn = 100 vụ việc, đã giải quyết là 86/100 đơn; đang giải quyết là 14 đơn = 14 vụ việc"
    ) in sentences
    assert (
        "Trong thời gian qua đã ban hành 05 Quyết định (05 cuộc) thực hiện thanh tra tại 06 đơn vị (Số cuộc theo kế hoạch "
        "04 cuộc, số cuộc đột xuất 01 cuộc), hiện nay đã ban hành kết luận thanh tra đối với 04 cuộc, đang thực hiện 01 cuộc. "
        "Tiếp tục đôn đốc thực hiện kết luận thanh tra theo quy định, đến nay đã thực hiện 02 kết luận, số kết luận đang "
        "thực hiện là 04 kết luận"
    ) in sentences
    assert (
        "Số đã thu hồi trên tổng số phải thu hồi là: 383.071.280 đồng/2.206.283.982 đồng. Số còn phải thu hồi 1.823.212.702 đồng."
    ) in sentences
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        # dbt's views still resolve once the build file has been published under its final name
        sample_files = len(list(SAMPLE_LANDING.rglob("*.xlsx")))
        assert con.execute("select count(*) from staging.stg_landing__loads where is_current").fetchone() == (sample_files,)
    assert (paths.reports / REPORT_DIR_2023 / f"so-lieu-bao-cao_{REPORT_DIR_2023}.xlsx").exists()
    assert list(paths.validation.rglob("index.html"))
    assert "fct_citizen_receptions" in (paths.dbt_artifacts / "docs" / "index.html").read_text(encoding="utf-8")
    assert_appendices_agree_with_the_report(paths, expected)
    document = read_document_text(paths.reports / REPORT_DIR_2023 / f"bao-cao_{REPORT_DIR_2023}.docx").all
    for section in ("1. Việc tổ chức quán triệt", "3. Việc thực hiện Quy chế dân chủ", "5. Việc thực hiện cải cách hành chính"):
        assert section in document
    assert "2111 lượt người được tham gia học tập, quán triệt" in document
    assert "số lượng trường giảm từ 30 trường xuống còn 28 trường" in document
    assert "Tiếp nhận đối với 27 công chức, viên chức (02 công chức thành phố, 25 viên chức sự nghiệp GD&ĐT)" in document
    assert "quyết định cho thôi việc 05 viên chức giáo dục, 01 viên chức Ban QLDA" in document

    # every example query of docs/analysts.md runs on the published warehouse, read-only
    queries = re.findall(r"```sql\n(.*?)```", (REPO_ROOT / "docs" / "analysts.md").read_text(encoding="utf-8"), re.S)
    assert len(queries) >= 5
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        for query in queries:
            con.execute(query).fetchall()

    before = warehouse_state(paths.warehouse)
    document = paths.reports / REPORT_DIR_2023 / f"bao-cao_{REPORT_DIR_2023}.docx"
    written_at = document.stat().st_mtime_ns
    quarantine_before = sorted(p.name for p in paths.quarantine.glob("*")) if paths.quarantine.exists() else []
    states = run_dag(dag)
    assert states["run"] == "success"
    # nothing new to read: parse_batch was mapped over no batch (skipped) and ingest ran all the same
    assert states["parse_batch"] == "skipped" and states["ingest"] == "success"
    assert ingest_summary(latest_run_id())["from_parse_cache"] == 0
    assert not list((paths.parse_cache).rglob("*.parquet"))  # entries of loaded files are tidied away
    after = warehouse_state(paths.warehouse)
    assert after == before
    assert (sorted(p.name for p in paths.quarantine.glob("*")) if paths.quarantine.exists() else []) == quarantine_before
    # nothing new was loaded: dbt and validation did not run again, and the report says whose build it reads
    first_summary = summary
    rerun = latest_summary(paths)
    assert rerun["file"] != first_summary["file"]
    assert stages._safe_run_name(rerun["unchanged_since"]) == Path(first_summary["file"]).stem  # the first run's build
    assert rerun["figures"] == 74
    assert document.stat().st_mtime_ns == written_at  # its documents are kept, not drawn again
    assert str(document) in rerun["reports"][0]["exports"]

    # still nothing new, but a report not built before (a year-to-date cut-off moves every night):
    # only its report tables are built, on the marts as they are
    states = run_dag(dag, {"reporting_unit": "105", "period_start": "2023-01-01", "period_end": "2023-09-30"})
    assert states["run"] == "success"
    ytd = latest_summary(paths)
    assert ytd["unchanged_since"] == rerun["unchanged_since"]
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw._builds").fetchone() == (1,)  # one validated build
    to_september = published_figures(paths.warehouse, end="2023-09-30")
    assert to_september and to_september != figures
    assert (paths.reports / "105_2023-01-01_2023-09-30" / "bao-cao_105_2023-01-01_2023-09-30.docx").is_file()
    assert mismatches(published_figures(paths.warehouse), expected) == {}  # the annual report's rows are kept


def test_bad_workbooks_are_quarantined_while_the_rest_is_published(dag, data_dir, inbox):
    landing = seed(data_dir)
    write_corrupt(landing / "2023" / "so-tiep-cong-dan_2023_bi-hong.xlsx")
    write_reception(
        landing / "2023" / "so-tiep-cong-dan_2023_hoa-binh.xlsx",
        "Phường Hòa Bình",
        [visit(dt.date(2023, 5, 4), "HB-1", people=3)],
    )
    states = run_dag(dag)
    assert states["run"] == "success"
    paths = DataPaths(data_dir)
    assert mismatches(published_figures(paths.warehouse), expected_figures()) == {}  # the bad ones added nothing
    reports = {p.name: p.read_text(encoding="utf-8") for p in paths.quarantine.glob("*.errors.txt")}
    assert len(reports) == 2
    # quarantine names are hash-based and bounded; the clerk's file name is inside the report
    assert all(re.fullmatch(r"\d{8}T\d{6}_[0-9a-f]{16}\.errors\.txt", name) for name in reports)
    corrupt = next(text for text in reports.values() if "bi-hong" in text)
    unknown = next(text for text in reports.values() if "hoa-binh" in text)
    assert "không phải bảng tính hợp lệ" in corrupt and "not a valid workbook" in corrupt
    assert "không nhận ra đơn vị «Phường Hòa Bình»" in unknown and "unknown reporting unit" in unknown
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        rejected = con.execute("select file_path from raw._rejections order by 1").fetchall()
    assert rejected == [("2023/so-tiep-cong-dan_2023_bi-hong.xlsx",), ("2023/so-tiep-cong-dan_2023_hoa-binh.xlsx",)]
    summary = next(paths.runs.glob("*.json")).read_text(encoding="utf-8")
    assert "bi-hong" in summary and "hoa-binh" in summary
    # the report task's notifier mailed the office the two files and what to fix (pipeline.notify)
    [mail] = inbox.messages
    assert mail["To"] == OFFICE and "2 tệp cần sửa" in mail["Subject"]
    body = mail_body(mail)
    assert "so-tiep-cong-dan_2023_bi-hong.xlsx" in body and "không nhận ra đơn vị «Phường Hòa Bình»" in body


def test_a_workbook_failing_validation_is_rejected_and_the_rest_published(dag, data_dir):
    landing = seed(data_dir)
    assert run_dag(dag)["run"] == "success"
    paths = DataPaths(data_dir)
    # 900 people in one visit: a valid register line for ingestion and dbt, but implausible, which
    # the validation suite catches; it is this workbook's, so only this workbook is rejected.
    write_reception(
        landing / "2023" / "so-tiep-cong-dan_2023_phuong-quyet-tien-bo-sung.xlsx",
        "Phường Quyết Tiến",
        [visit(dt.date(2023, 6, 1), "QT-900", people=900)],
    )
    states = run_dag(dag)
    assert states["run"] == "success"
    assert states["release_run_lock"] == "success" and runlock.holder(paths) is None
    assert published_figures(paths.warehouse)[("reception.people", "total")] == 47  # Quyết Tiến's first version counts
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        status = con.execute(
            "select status from raw._loads where file_path = '2023/so-tiep-cong-dan_2023_phuong-quyet-tien-bo-sung.xlsx'"
        ).fetchone()
    assert status == ("rejected",)
    reports = [r for r in (p.read_text(encoding="utf-8") for p in paths.quarantine.glob("*.errors.txt")) if "bo-sung" in r]
    assert len(reports) == 1
    assert "Tệp bị từ chối khi kiểm tra số liệu" in reports[0] and "«Số người»" in reports[0]
    results = max((paths.validation / "runs").glob("*.json"), key=lambda p: p.stat().st_mtime).read_text()
    assert '"expectation": "expect_column_values_to_be_between"' in results and '"people_count"' in results
    summary = max(paths.runs.glob("*.json"), key=lambda p: p.stat().st_mtime).read_text(encoding="utf-8")
    assert "quyet-tien-bo-sung" in json.loads(summary)["rejected"][0]["file"]


def test_validation_failure_names_the_failed_checks(data_dir):
    """The stage itself raises with the failed expectations named (the message the task shows)."""
    from pipeline import stages
    from pipeline.errors import DataCheckFailed

    seed(data_dir)
    paths = DataPaths(data_dir)
    built = stages.ingest(paths, "t1")
    stages.build_models(paths, built["build"])
    with duckdb.connect(built["build"]) as con:
        # a broken dimension is no clerk's doing: it stops the publish, whatever else failed
        con.execute("update marts.dim_admin_unit set population = -1 where unit_id = 'p_tan_phong'")
        con.execute("update marts.fct_citizen_receptions set reception_kind = 'other' where unit_id = 'p_tan_phong'")
        con.execute("update marts.fct_petitions set competence = null where unit_id = 'x_san_thang'")
        con.execute(
            "update marts.fct_inspection_conclusion_followups set recovered_vnd = recovered_vnd + 1000 "
            "where implementation_status = 'implemented'"
        )
    with pytest.raises(DataCheckFailed) as caught:
        stages.validate(paths, built["build"], "t1")
    message = str(caught.value)
    assert "dim_admin_unit: expect_column_values_to_be_between(column=population" in message
    assert "[not attributable to a submission]" in message
    assert "fct_citizen_receptions: expect_column_values_to_be_in_set(column=reception_kind" in message
    assert "reception_identities: expect_column_pair_values_to_be_equal(column_A=lhs, column_B=rhs" in message
    # Biểu 01/XLD: eligible = within + outside competence no longer holds for San Thàng
    assert "petition_identities: expect_column_pair_values_to_be_equal(column_A=lhs, column_B=rhs" in message
    # Biểu 01/TTr: recovered now exceeds required, and outstanding no longer = required - recovered
    assert "fct_inspection_conclusion_followups: expect_column_pair_values_a_to_be_greater_than_b" in message
    assert "inspection_identities: expect_column_pair_values_to_be_equal(column_A=lhs, column_B=rhs" in message
    assert not paths.warehouse.exists()


def test_an_analyst_holding_the_warehouse_open_does_not_block_the_run(dag, data_dir):
    landing = seed(data_dir)
    assert run_dag(dag)["run"] == "success"
    paths = DataPaths(data_dir)
    analyst = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys\n"
            f"con = duckdb.connect({str(paths.warehouse)!r}, read_only=True)\n"
            "q = 'select count(*) from marts.fct_citizen_receptions where year(received_on) = 2023'\n"
            "print(con.execute(q).fetchone()[0], flush=True)\n"
            "sys.stdin.readline()\n"
            "print(con.execute(q).fetchone()[0], flush=True)\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert analyst.stdout.readline().strip() == "44"
        write_reception(
            landing / "2023" / "so-tiep-cong-dan_2023_xa-sung-phai-bo-sung.xlsx",
            "Xã Sùng Phài",
            [visit(dt.date(2023, 9, 9), f"SP-X{i}") for i in range(3)],
        )
        states = run_dag(dag)
        out, _ = analyst.communicate("\n", timeout=60)
    finally:
        analyst.kill()
    assert states["run"] == "success"
    assert out.strip() == "44"  # the analyst's open connection still sees a whole, consistent warehouse
    # the newer Sùng Phài workbook (3 visits) supersedes the bundled one (2) for that unit and year
    assert published_figures(paths.warehouse)[("reception.visits", "total")] == 45


def test_personal_data_appears_nowhere_outside_the_landing_folder(dag, data_dir):
    seed(data_dir)
    assert run_dag(dag)["run"] == "success"
    units, sources = UnitDirectory.from_seed(), load_sources()
    identifying = {"citizen_name", "address", "id_number", "sender_name", "sender_address", "sender_id_number",
                   "person_names", "person_name"}  # fmt: skip
    secrets = set()
    for path in (data_dir / "landing").rglob("*.xlsx"):
        source = identify_source(path, sources)
        personal = {c.name for c in source.columns if c.personal and c.name in identifying}
        for row in parse_workbook(path, source, units).rows:
            secrets |= {str(row[c]) for c in personal if row.get(c)}
    assert len(secrets) > 80
    airflow_home = Path(__import__("os").environ["AIRFLOW_HOME"])
    leaks = []
    for root in (data_dir, airflow_home):
        for path in root.rglob("*"):
            if not path.is_file() or (data_dir / "landing") in path.parents:
                continue
            if path.suffix == ".duckdb":
                with duckdb.connect(str(path), read_only=True) as con:
                    text = "\n".join(
                        str(value)
                        for schema, table in con.execute(
                            "select table_schema, table_name from information_schema.tables"
                        ).fetchall()
                        for row in con.execute(f'select * from "{schema}"."{table}"').fetchall()
                        for value in row
                    )
            else:
                text = path.read_bytes().decode("utf-8", errors="ignore")
            leaks += [(str(path), s) for s in secrets if s in text]
    assert leaks == []


def test_the_nightly_reports_every_configured_unit_for_the_year_to_date(dag, data_dir):
    """No params, the night of 27/11/2026: the province and the two wards made from the former
    city (the city itself ceased in 2025), year to date, each with data and completeness."""
    import pendulum

    seed(data_dir)
    night = pendulum.datetime(2026, 11, 27, 1, tz="Asia/Ho_Chi_Minh")
    # every param empty, as the schedule runs it (dag.test keeps an earlier run's conf in the DAG's params)
    empty = {"reporting_unit": None, "period": None, "period_start": None, "period_end": None}
    assert run_dag(dag, conf=empty, logical_date=night)["run"] == "success"
    paths = DataPaths(data_dir)
    summary = json.loads(next(paths.runs.glob("*.json")).read_text(encoding="utf-8"))
    reports = {r["reporting_unit_code"]: r for r in summary["reports"]}
    assert sorted(reports) == ["03388", "03408", "12"]
    assert {(r["period_start"], r["period_end"]) for r in reports.values()} == {("2026-01-01", "2026-11-27")}
    for report in reports.values():
        assert report["figures"] > 0 and report["registers_sent"] > 0 and report["completeness"]
        assert (paths.reports / f"{report['reporting_unit_code']}_2026-01-01_2026-11-27").is_dir()
    # the province owes registers from every commune; only the two wards sent theirs
    assert reports["12"]["registers_owed"] > reports["12"]["registers_sent"]
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        keys = con.execute("select distinct reporting_unit_code from report.figures order by 1").fetchall()
        visits = con.execute(
            "select reporting_unit_code, value from report.figures where key = 'reception.visits' and scope = 'total' "
            "and period_end = date '2026-11-27' order by 1"
        ).fetchall()
    assert keys == [("03388",), ("03408",), ("12",)]
    assert visits[2][1] == visits[0][1] + visits[1][1] > 0  # the province: both wards
