"""Loading landing folders into a real DuckDB file: lineage, skips, supersedes, quarantine."""

import datetime as dt
import json
import os

import duckdb
import openpyxl
import pytest

from ingestion.loader import ingest_landing
from tests.conftest import TEST_KEY
from tests.workbooks import visit, write_corrupt, write_reception


@pytest.fixture
def folders(tmp_path):
    landing, quarantine = tmp_path / "landing", tmp_path / "landing" / "_quarantine"
    landing.mkdir()
    return landing, quarantine, duckdb.connect(str(tmp_path / "w.duckdb"))


def _ingest(folders):
    landing, quarantine, con = folders
    return ingest_landing(con, landing, quarantine, TEST_KEY)


def test_rows_load_with_lineage_and_without_personal_columns(folders):
    landing, _, con = folders
    write_reception(
        landing / "2023" / "so-tiep-cong-dan_tan-phong.xlsx",
        "Phường Tân Phong",
        [visit(dt.date(2023, 3, 1), "A-1"), visit(dt.date(2023, 3, 2), "A-2")],
    )
    report = _ingest(folders)
    assert [f.status for f in report.files] == ["loaded"]
    rows = con.sql("select * from raw.citizen_reception order by _row_number").fetchall()
    columns = [c[0] for c in con.sql("select * from raw.citizen_reception").description]
    assert {"_source_file", "_file_sha256", "_sheet", "_row_number", "_loaded_at", "_load_id"} <= set(columns)
    assert not {"citizen_name", "address", "id_number", "case_summary", "note", "follow_up"} & set(columns)
    record = dict(zip(columns, rows[0], strict=True))
    assert record["_source_file"] == "2023/so-tiep-cong-dan_tan-phong.xlsx"
    assert record["_sheet"] == "Sổ tiếp công dân" and record["_row_number"] == 11
    assert len(record["citizen_key"]) == 64
    assert "Nguyễn" not in json.dumps([list(map(str, r)) for r in rows], ensure_ascii=False)


def test_unchanged_file_is_skipped(folders):
    landing, _, con = folders
    write_reception(landing / "so-tiep-cong-dan.xlsx", "Phường Tân Phong", [visit(dt.date(2023, 3, 1), "A-1")])
    _ingest(folders)
    again = _ingest(folders)
    assert [f.status for f in again.files] == ["unchanged"]
    assert con.sql("select count(*) from raw.citizen_reception").fetchone() == (1,)
    assert con.sql("select count(*) from raw._loads").fetchone() == (1,)


def test_resubmitted_workbook_supersedes_the_earlier_one_which_stays_in_history(folders):
    landing, _, con = folders
    path = write_reception(landing / "so-tiep-cong-dan.xlsx", "Phường Tân Phong", [visit(dt.date(2023, 3, 1), "A-1")])
    first = _ingest(folders).files[0]
    write_reception(path, "P. Tân Phong", [visit(dt.date(2023, 3, 1), "A-1"), visit(dt.date(2023, 4, 1), "A-2")])
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 10))
    second = _ingest(folders).files[0]
    assert second.status == "loaded" and second.superseded == first.load_id
    loads = con.sql("select load_id, superseded_by from raw._loads order by loaded_at").fetchall()
    assert loads == [(first.load_id, second.load_id), (second.load_id, None)]
    assert con.sql("select count(*) from raw.citizen_reception").fetchone() == (3,)  # history kept


def test_bad_files_are_quarantined_with_a_report_and_the_others_still_load(folders):
    landing, quarantine, con = folders
    write_corrupt(landing / "so-tiep-cong-dan_hong.xlsx")
    write_reception(landing / "so-tiep-cong-dan_hoa-binh.xlsx", "Phường Hòa Bình", [visit(dt.date(2023, 3, 1), "A-1")])
    write_reception(landing / "so-tiep-cong-dan_tot.xlsx", "Xã San Thàng", [visit(dt.date(2023, 3, 1), "S-1")])
    payroll = openpyxl.Workbook()
    payroll.active.append(["Họ tên", "Lương"])
    payroll.save(landing / "bang-luong.xlsx")
    (landing / "~$so-tiep-cong-dan_tot.xlsx").write_bytes(b"office lock file")
    report = _ingest(folders)
    status = {f.path: f.status for f in report.files}
    assert status == {
        "so-tiep-cong-dan_hong.xlsx": "quarantined",
        "so-tiep-cong-dan_hoa-binh.xlsx": "quarantined",
        "so-tiep-cong-dan_tot.xlsx": "loaded",
        "bang-luong.xlsx": "quarantined",
    }
    reports = sorted(quarantine.glob("*.errors.txt"))
    assert len(reports) == 3 and len(list(quarantine.glob("*.xlsx"))) == 3
    text = "\n".join(p.read_text(encoding="utf-8") for p in reports)
    assert "Hòa Bình" in text and "không phải bảng tính hợp lệ" in text and "không nhận ra đây là sổ/biểu nào" in text
    assert "unknown reporting unit" in text and "not a valid workbook" in text
    assert con.sql("select count(*) from raw._rejections").fetchone() == (3,)
    # the originals stay where the clerk put them, and a rerun does not quarantine them again
    assert (landing / "so-tiep-cong-dan_hong.xlsx").exists()
    again = _ingest(folders)
    assert sorted(f.status for f in again.files) == ["still_quarantined"] * 3 + ["unchanged"]
    assert len(list(quarantine.glob("*.errors.txt"))) == 3


def test_a_bad_resubmission_keeps_the_previous_good_load(folders):
    landing, _, con = folders
    path = write_reception(landing / "so-tiep-cong-dan.xlsx", "Phường Tân Phong", [visit(dt.date(2023, 3, 1), "A-1")])
    good = _ingest(folders).files[0]
    write_reception(path, "Phường Tân Phong", [visit("31/02/2023", "A-1")])
    bad = _ingest(folders).files[0]
    assert bad.status == "quarantined"
    assert con.sql("select load_id from raw._loads where superseded_by is null").fetchall() == [(good.load_id,)]


def test_pseudonyms_link_the_same_person_written_two_ways(folders):
    landing, _, con = folders
    write_reception(
        landing / "so-tiep-cong-dan.xlsx",
        "Phường Tân Phong",
        [
            visit(dt.date(2023, 3, 1), "A-1", name="Nguyễn Văn Thử", id_number="012 345 678 901"),
            visit(dt.date(2023, 3, 9), "A-1", name="NGUYỄN VĂN THỬ", id_number="012345678901", occurrence="Nhiều lần"),
            visit(dt.date(2023, 3, 9), "A-2", name="Trần Thị Khác", id_number=None),
        ],
    )
    _ingest(folders)
    keys = [r[0] for r in con.sql("select citizen_key from raw.citizen_reception order by _row_number").fetchall()]
    assert keys[0] == keys[1] != keys[2]


def test_the_source_is_recognised_by_content_when_the_name_does_not_say(folders):
    landing = folders[0]
    write_reception(landing / "bao-cao-thang-5.xlsx", "Phường Tân Phong", [visit(dt.date(2023, 5, 1), "A-1")])
    # a petition register whose unit's name holds the reception register's words
    from ingestion.registry import load_sources
    from ingestion.templates import write_register

    petitions = next(s for s in load_sources() if s.id == "petition_handling")
    write_register(landing / "so-xu-ly-don_ban-tiep-cong-dan.xlsx", petitions, "Ban Tiếp công dân thành phố", 2023, [{
        "petition_no": "1/2023", "received_on": dt.date(2023, 2, 1), "channel": "Nhận trực tiếp", "sender_name": "Lò Văn A",
        "petition_type": "Khiếu nại", "subject": "Tư pháp", "is_eligible": True, "competence": "Thuộc thẩm quyền",
        "handling": "Thụ lý giải quyết", "status": "Đã giải quyết", "case_ref": "X-1",
    }])  # fmt: skip
    report = _ingest(folders)
    assert {f.path: (f.status, f.source_id) for f in report.files} == {
        "bao-cao-thang-5.xlsx": ("loaded", "citizen_reception"),
        "so-xu-ly-don_ban-tiep-cong-dan.xlsx": ("loaded", "petition_handling"),
    }


def _current(con) -> list[str]:
    return [r[0] for r in con.sql("select load_id from raw._loads where superseded_by is null order by 1").fetchall()]


def test_re_sending_an_earlier_version_makes_it_current_again(folders):
    landing, _, con = folders
    path = landing / "so-tiep-cong-dan_tan-phong.xlsx"
    write_reception(path, "Phường Tân Phong", [visit(dt.date(2023, 3, 1), "A-1")])
    first_bytes = path.read_bytes()
    first = _ingest(folders).files[0]
    write_reception(path, "Phường Tân Phong", [visit(dt.date(2023, 3, 1), "A-1"), visit(dt.date(2023, 4, 1), "A-2")])
    second = _ingest(folders).files[0]
    assert _current(con) == [second.load_id]
    # the clerk sends the first version again (same bytes): it is current again, not read twice
    path.write_bytes(first_bytes)
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 10))
    again = _ingest(folders).files[0]
    assert (again.status, again.load_id, again.superseded) == ("reinstated", first.load_id, second.load_id)
    assert _current(con) == [first.load_id]
    assert con.sql("select count(*) from raw.citizen_reception").fetchone() == (3,)  # nothing re-inserted
    # and a later run with nothing new changes nothing
    assert [f.status for f in _ingest(folders).files] == ["unchanged"]
    assert _current(con) == [first.load_id]


def test_skipped_lines_are_counted_in_the_load_record(folders):
    landing, _, con = folders
    write_reception(
        landing / "so-tiep-cong-dan.xlsx",
        "Phường Tân Phong",
        [visit(dt.date(2023, 3, 1), "A-1"), {"seq_no": None, "citizen_name": "Cộng quý I", "people_count": 1},
         visit(dt.date(2023, 4, 1), "A-2")],
    )  # fmt: skip
    outcome = _ingest(folders).files[0]
    assert outcome.status == "loaded" and outcome.rows == 2
    # the "(1) (2) ..." column-number row and the subtotal line
    assert outcome.skipped_rows == 2
    assert con.sql("select row_count, skipped_rows from raw._loads").fetchone() == (2, 2)


def test_a_quarantined_file_is_read_again_when_requeued_or_when_the_rules_change(folders, monkeypatch):
    from ingestion import loader

    landing, quarantine, con = folders
    write_reception(landing / "so-tiep-cong-dan.xlsx", "Phường Tân Phong", [visit(dt.date(2023, 3, 1), "A-1", people=0)])
    assert [f.status for f in _ingest(folders).files] == ["quarantined"]
    assert [f.status for f in _ingest(folders).files] == ["still_quarantined"]
    loader.request_requeue(quarantine, None)
    assert [f.status for f in _ingest(folders).files] == ["quarantined"]  # read again, still wrong
    assert [f.status for f in _ingest(folders).files] == ["still_quarantined"]  # the request was used
    monkeypatch.setattr(loader, "reader_version", lambda: "a-newer-reader")
    assert [f.status for f in _ingest(folders).files] == ["quarantined"]
    assert con.sql("select count(*) from raw._rejections").fetchone() == (3,)


def test_the_requeue_command_names_files_by_their_landing_path(tmp_path, monkeypatch):
    from pipeline.cli import main

    data = tmp_path / "data"
    monkeypatch.setenv("LAICHAU_DATA_DIR", str(data))
    path = write_reception(data / "landing" / "so-tiep-cong-dan.xlsx", "Phường Tân Phong", [visit(dt.date(2023, 3, 1), "A-1")])
    assert main(["requeue", "so-tiep-cong-dan.xlsx"]) == 0
    from ingestion.loader import requeued_since, sha256_of

    assert set(requeued_since(data / "landing" / "_quarantine")) == {sha256_of(path)}
    assert main(["requeue", "khong-co.xlsx"]) == 2
    assert main(["requeue"]) == 2


def test_many_workbooks_are_read_in_parallel_children_and_loaded_in_landing_order(folders):
    landing, _, con = folders
    for number in range(6):
        path = write_reception(
            landing / f"so-tiep-cong-dan_{number}.xlsx", "Phường Tân Phong", [visit(dt.date(2023, 3, 1 + number), f"A-{number}")]
        )
        os.utime(path, (path.stat().st_atime, 1_700_000_000 + number))
    report = ingest_landing(con, landing, landing / "_quarantine", TEST_KEY, workers=3)
    assert [f.path for f in report.files] == [f"so-tiep-cong-dan_{n}.xlsx" for n in range(6)]
    assert all(f.status == "loaded" for f in report.files)
    # the last to arrive is the unit's current register
    assert _current(con) == [report.files[-1].load_id]


def test_the_same_bytes_twice_in_one_run_are_read_once(folders):
    landing, _, con = folders
    path = write_reception(landing / "so-tiep-cong-dan.xlsx", "Phường Tân Phong", [visit(dt.date(2023, 3, 1), "A-1")])
    (landing / "so-tiep-cong-dan (1).xlsx").write_bytes(path.read_bytes())
    report = _ingest(folders)
    assert sorted(f.status for f in report.files) == ["loaded", "unchanged"]
    assert con.sql("select count(*) from raw._loads").fetchone() == (1,)
    assert con.sql("select count(*) from raw._rejections").fetchone() == (0,)


def test_errors_of_one_kind_are_capped_with_a_count_of_the_rest(folders):
    from ingestion import limits

    landing, _, con = folders
    rows = [visit("31/02/2023", f"A-{n}") for n in range(limits.MAX_ERRORS_PER_RULE + 50)]
    write_reception(landing / "so-tiep-cong-dan.xlsx", "Phường Tân Phong", rows)
    (outcome,) = _ingest(folders).files
    dates = [e for e in outcome.errors if e.rule == "not_a_date"]
    assert len(dates) == limits.MAX_ERRORS_PER_RULE + 1
    assert "50 lỗi cùng loại nữa" in dates[-1].vi and "50 more errors" in dates[-1].en
    assert con.sql("select error_count from raw._rejections").fetchone() == (limits.MAX_ERRORS_PER_RULE + 1,)


def test_hashing_refuses_a_file_swapped_for_a_link_or_a_pipe(tmp_path):
    from ingestion.errors import WorkbookRejected
    from ingestion.loader import sha256_of

    pipe = tmp_path / "so-tiep-cong-dan.xlsx"
    os.mkfifo(pipe)
    link = tmp_path / "lien-ket.xlsx"
    link.symlink_to("/etc/passwd")
    for path in (pipe, link):
        with pytest.raises((WorkbookRejected, OSError)):
            sha256_of(path)  # neither blocks on the pipe nor follows the link


def test_a_workbook_the_database_refuses_costs_only_that_workbook(folders):
    """The night's workbooks are stored in one transaction; when the database refuses one of them
    (here a real CHECK constraint on the stored table), the others are stored one by one and
    only that one is quarantined. The connection keeps its own thread setting."""
    from ingestion.loader import LINEAGE_COLUMNS
    from ingestion.registry import load_sources

    landing, _, con = folders
    source = next(s for s in load_sources() if s.id == "citizen_reception")
    columns = ", ".join(f"{name} {kind}" for name, kind in LINEAGE_COLUMNS + source.stored_columns())
    con.execute("CREATE SCHEMA raw")
    con.execute(f"CREATE TABLE raw.citizen_reception ({columns}, CHECK (_source_file NOT LIKE '%refused%'))")
    con.execute("SET threads = 2")
    units = {"a": "Phường Tân Phong", "refused": "Phường Quyết Thắng", "c": "Xã San Thàng"}
    for number, (name, unit) in enumerate(units.items()):
        path = write_reception(landing / f"so-tiep-cong-dan_{name}.xlsx", unit, [visit(dt.date(2023, 3, 1), f"A-{number}")])
        os.utime(path, (path.stat().st_atime, 1_700_000_000 + number))
    report = _ingest(folders)
    assert [(f.path, f.status) for f in report.files] == [
        ("so-tiep-cong-dan_a.xlsx", "loaded"),
        ("so-tiep-cong-dan_refused.xlsx", "quarantined"),
        ("so-tiep-cong-dan_c.xlsx", "loaded"),
    ]
    assert [e.rule for e in report.files[1].errors] == ["load_failed"]
    assert con.sql("select _source_file from raw.citizen_reception order by 1").fetchall() == [
        ("so-tiep-cong-dan_a.xlsx",),
        ("so-tiep-cong-dan_c.xlsx",),
    ]
    assert con.sql("select count(*) from raw._loads").fetchone() == (2,)
    assert con.sql("select current_setting('threads')").fetchone() == (2,)
