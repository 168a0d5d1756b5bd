"""Every hostile or bad input of the corpus (tests/hostile/builders.py) through the real ingest.

Per case: a landing folder with one good reception workbook and the case's file, ingested into a
real DuckDB file. The ingest must not raise; the good workbook loads whole; the case file is
loaded, ignored or quarantined as its case says, with a Vietnamese-then-English report naming the
file, and the row and column where that applies; nothing planted in it reaches the warehouse or the
log; the quarantine holds no link and no copy of anything outside the landing folder; a second run
changes nothing. tests/test_e2e.py drops the whole corpus beside the bundled sample: one DAG run, the
2023 figures unchanged, and no planted string anywhere in the data folder outside ``landing/``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import stat
from pathlib import Path

import duckdb
import pytest

from ingestion.loader import ingest_landing
from tests.conftest import TEST_KEY
from tests.hostile.builders import BUILDERS, Case, Context, build_all, good_workbook

CASE_TIMEOUT_S = 240  # a hang (a FIFO opened for reading, a runaway parse) fails instead of blocking CI
QUARANTINE_NAME_MAX_BYTES = 160
VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)


@pytest.fixture
def time_limit():
    def expired(signum, frame):
        raise TimeoutError(f"the case took longer than {CASE_TIMEOUT_S} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(CASE_TIMEOUT_S)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _resolve(path: str | os.PathLike | None, landing: Path) -> Path | None:
    if path is None:
        return None
    path = Path(path)
    return path if path.is_absolute() else landing / path


def outcomes_of(report, case: Case) -> list:
    return [f for f in report.files if f"{case.tag}/" in f.path]


def table_values(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every value of every table, as text, by table: what an analyst could ever read."""
    tables = con.execute(
        "select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE'"
    ).fetchall()
    return {
        f"{schema}.{table}": "\n".join(
            str(value) for row in con.execute(f'select * from "{schema}"."{table}"').fetchall() for value in row
        )
        for schema, table in tables
    }


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = con.execute(
        "select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE'"
    ).fetchall()
    return {f"{s}.{t}": con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0] for s, t in tables}


def quarantine_listing(quarantine: Path) -> dict[str, int]:
    if not quarantine.exists():
        return {}
    return {os.fsdecode(p.relative_to(quarantine)): p.lstat().st_size for p in quarantine.rglob("*")}


def check_quarantine_folder(quarantine: Path, outside: tuple[Path, ...]) -> None:
    """No link, pipe or device; bounded names; nothing that is, or holds, a file outside landing."""
    outside_bytes = [p.read_bytes() for p in outside if p.is_file()]
    for entry in quarantine.rglob("*") if quarantine.exists() else []:
        mode = entry.lstat().st_mode
        assert not stat.S_ISLNK(mode), f"link in quarantine: {entry}"
        assert stat.S_ISREG(mode) or stat.S_ISDIR(mode), f"not a regular file in quarantine: {entry}"
        assert len(os.fsencode(entry.name)) <= QUARANTINE_NAME_MAX_BYTES, f"unbounded quarantine name: {entry.name!r}"
        if stat.S_ISREG(mode):
            data = entry.read_bytes()
            assert not any(o and o in data for o in outside_bytes), f"{entry} holds a file from outside the landing folder"


def check_report(case: Case, outcome, landing: Path) -> str:
    """The clerk's report: exists, names the file, says each error in Vietnamese then English."""
    assert outcome.errors, "quarantined without an error"
    report_path = _resolve(outcome.report_path, landing)
    assert report_path is not None and report_path.is_file(), outcome.report_path
    assert report_path.name.endswith(".errors.txt")
    text = report_path.read_text(encoding="utf-8")
    json_path = report_path.with_name(report_path.name[: -len(".errors.txt")] + ".errors.json")
    json.loads(json_path.read_text(encoding="utf-8"))
    for name in case.report_names():
        assert name in text, f"the report does not name the file ({name!r})"
    for error in outcome.errors:
        assert VIETNAMESE.search(error.vi), f"not Vietnamese: {error.vi!r}"
        assert error.en and error.en != error.vi and re.search(r"[A-Za-z]{3,}", error.en)
        assert error.vi in text and error.en in text
        assert text.index(error.vi) < text.index(error.en), "English before Vietnamese"
    if case.rules:
        assert {getattr(e, "rule", None) for e in outcome.errors} & case.rules, (
            f"no error with rule in {sorted(case.rules)}: {[getattr(e, 'rule', None) for e in outcome.errors]}"
        )
    if case.row is not None:
        located = [
            e
            for e in outcome.errors
            if e.row == case.row and (case.column is None or re.match(rf"{case.column}\b", e.column or ""))
        ]
        assert located, f"no error at row {case.row} column {case.column}: {[(e.row, e.column) for e in outcome.errors]}"
        assert f"dòng {case.row}" in text and f"row {case.row}" in text
        if case.column:
            assert f"cột {case.column}" in text and f"column {case.column}" in text
    # Words are looked for in what the errors say (not in the file name the report also shows).
    said = "\n".join(f"{e.vi}\n{e.en}\n{e.column or ''}\n{e.row or ''}" for e in outcome.errors).casefold()
    for word in case.words:
        assert word.casefold() in said, f"no error says {word!r}"
    return text


def check_case(case: Case, report, con, landing: Path, quarantine: Path) -> None:
    found = outcomes_of(report, case)
    if case.expect == "ignored":
        assert found == [], [f.path for f in found]
        return
    assert len(found) == 1, [f.path for f in report.files]
    outcome = found[0]
    if case.expect == "loaded" and outcome.status == "quarantined" and case.or_quarantined_with:
        text = check_report(case, outcome, landing)
        assert all(w.casefold() in text.casefold() for w in case.or_quarantined_with), "rejected without naming the encoding"
        return
    assert outcome.status == case.expect, f"{outcome.status}: {[(e.row, e.column, e.en) for e in outcome.errors]}"
    if case.expect == "loaded":
        stored = con.execute("select count(*) from raw.citizen_reception where _source_file = ?", [outcome.path]).fetchone()[0]
        assert stored == case.rows == outcome.rows
        assert outcome.unit_id == case.unit_id
        assert outcome.skipped_rows >= (case.skipped or 0)
    else:
        check_report(case, outcome, landing)
        copy = _resolve(outcome.quarantine_path, landing)
        if case.copied:
            assert copy is not None and copy.is_file() and not copy.is_symlink()
            assert copy.read_bytes() == case.path.read_bytes()
        else:
            assert outcome.quarantine_path is None, "a link or pipe was copied"
            assert outcome.sha256 is None
        rejections = table_values(con)["raw._rejections"]
        assert f"{case.tag}/" in rejections, "no row in raw._rejections"
        for error in outcome.errors:
            assert error.vi not in rejections and error.en not in rejections, (
                "a message (which may quote a cell) is in the warehouse"
            )
    if case.verify:
        case.verify(con, outcome, report)


def leaked(secrets: tuple[str, ...], text: str) -> list[str]:
    return [s for s in secrets if s and s in text]


@pytest.mark.parametrize("build", BUILDERS, ids=[b.__name__ for b in BUILDERS])
def test_a_hostile_file_is_handled_and_leaks_nothing(build, tmp_path, caplog, time_limit):
    data_dir = tmp_path / "data"
    landing = data_dir / "landing"
    quarantine = landing / "_quarantine"
    landing.mkdir(parents=True)
    good = good_workbook(landing)
    case = build(Context(landing, data_dir, tmp_path / "outside"))
    secrets = (*case.secrets, *good.secrets)
    caplog.set_level(logging.DEBUG)
    with duckdb.connect(str(data_dir / "warehouse.duckdb")) as con:
        report = ingest_landing(con, landing, quarantine, TEST_KEY)

        by_path = {f.path: f for f in report.files}
        assert by_path[good.path.name].status == "loaded"
        stored = con.execute("select count(*) from raw.citizen_reception where _source_file = ?", [good.path.name]).fetchone()
        assert stored == (3,)
        check_case(case, report, con, landing, quarantine)
        check_quarantine_folder(quarantine, case.outside)
        values = table_values(con)
        assert {t: leaked(secrets, v) for t, v in values.items() if leaked(secrets, v)} == {}
        logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
        assert leaked(secrets, logged) == []

        # A second run: nothing new is loaded, quarantined or copied; no crash.
        counts, listing = table_counts(con), quarantine_listing(quarantine)
        again = ingest_landing(con, landing, quarantine, TEST_KEY)
        statuses = {f.path: f.status for f in again.files}
        assert statuses[good.path.name] == "unchanged"
        expected_again = {"loaded": "unchanged", "quarantined": "still_quarantined"}
        first = {f.path: f.status for f in report.files}
        for outcome in outcomes_of(again, case):
            assert outcome.status == expected_again[first[outcome.path]]
        assert len(outcomes_of(again, case)) == len(outcomes_of(report, case))
        assert table_counts(con) == counts
        assert quarantine_listing(quarantine) == listing
    logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert leaked(secrets, logged) == []
    for path in data_dir.rglob("*"):  # the data folder outside landing: the warehouse, the key file of h13
        if landing in path.parents or not path.is_file() or path.suffix == ".duckdb" or path in case.outside:
            continue
        assert leaked(secrets, path.read_bytes().decode("utf-8", errors="ignore")) == [], path


def test_the_corpus_has_the_acceptance_s_forty_cases_and_more(tmp_path):
    cases = build_all(Context(tmp_path / "landing", tmp_path, tmp_path / "outside"))
    assert len(cases) >= 45
    assert len({c.tag for c in cases}) == len(cases)
    assert sum(c.expect == "quarantined" for c in cases) >= 40
