"""The office is mailed when the nightly fails or leaves files uncounted: a real SMTP server
(aiosmtpd) on loopback receives what the Airflow notifier sends through the Airflow connection."""

from __future__ import annotations

import datetime as dt

import duckdb

from ingestion.loader import ingest_landing
from pipeline.notify import CONNECTION_ID, compose, send
from tests.conftest import OFFICE, TEST_KEY, mail_body
from tests.workbooks import visit, write_corrupt, write_reception


def test_quarantined_files_are_mailed_with_what_to_fix_and_no_personal_value(inbox, tmp_path):
    landing = tmp_path / "landing" / "2023"
    landing.mkdir(parents=True)
    write_corrupt(landing / "so-tiep-cong-dan_2023_bi-hong.xlsx")
    write_reception(
        landing / "so-tiep-cong-dan_2023_hoa-binh.xlsx", "Phường Hòa Bình", [visit(dt.date(2023, 5, 4), "HB-1", people=3)]
    )
    quarantine = tmp_path / "quarantine"
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        outcome = ingest_landing(con, tmp_path / "landing", quarantine, TEST_KEY)
    quarantined = outcome.summary()["quarantined"]
    assert len(quarantined) == 2

    message = compose(dag_id="laichau_citizen_reporting", run_id="scheduled__2026-11-27", quarantined=quarantined)
    assert message is not None
    assert send(*message)
    [mail] = inbox.messages
    assert mail["To"] == OFFICE and "2 tệp cần sửa" in mail["Subject"]
    body = mail_body(mail)
    assert "so-tiep-cong-dan_2023_bi-hong.xlsx" in body and "so-tiep-cong-dan_2023_hoa-binh.xlsx" in body
    # what to fix, in Vietnamese and English, from the clerk's error report
    assert "không phải bảng tính hợp lệ" in body and "not a valid workbook" in body
    assert "không nhận ra đơn vị «Phường Hòa Bình»" in body
    # the row's personal values (write_reception's visitor name and address) never leave the landing area
    for personal in ("Nguyễn Văn Thử", "Tổ 9, phường Thử Nghiệm", "012345678901", "Nội dung thử nghiệm"):
        assert personal not in body


def test_a_run_with_nothing_new_to_tell_sends_no_mail(inbox):
    still = [{"file": "2023/old.xlsx", "errors": 1, "rules": ["corrupt"], "report": None, "new": False}]
    assert compose(dag_id="d", run_id="r", quarantined=still) is None
    assert compose(dag_id="d", run_id="r") is None
    assert inbox.messages == []


def test_without_the_connection_nothing_is_sent_and_nothing_fails(monkeypatch):
    monkeypatch.delenv(f"AIRFLOW_CONN_{CONNECTION_ID.upper()}", raising=False)
    assert send("subject", "<p>body</p>") is False


def test_a_failed_run_mails_the_failed_task_and_its_error(airflow_db, data_dir, inbox):
    """A real DAG run that fails: a report asked for a unit that had ceased in that period
    fails plan_reports for good, and its failure callback mails the office."""
    from airflow.dag_processing.dagbag import DagBag

    from tests.conftest import REPO_ROOT

    dag = DagBag(dag_folder=str(REPO_ROOT / "dags")).dags["laichau_citizen_reporting"]
    conf = {"reporting_unit": "105", "period": "2026", "period_start": None, "period_end": None}
    dag_run = dag.test(run_conf=conf)
    assert dag_run.state == "failed"
    [mail] = inbox.messages
    assert "plan_reports" in mail["Subject"]
    body = mail_body(mail)
    assert "Thành phố Lai Châu" in body and "30/06/2025" in body  # the refusal, naming the heirs
    assert "Phường Đoàn Kết" in body
