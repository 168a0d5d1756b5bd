"""The loader's SQL literals read back exactly, and ingest binds no Python value (which would make
DuckDB's client import pandas, ≈0.4 s per process: ingestion.sql_literals)."""

import datetime as dt
import subprocess
import sys

import duckdb
import pytest

from ingestion.sql_literals import bind, literal
from tests.conftest import REPO_ROOT, SAMPLE_LANDING

VALUES = [
    "a'b", "x\\y", "Phường Đoàn Kết", "tab\there\nnew line", "''", "", "?", "😀", "--", "'; DROP TABLE raw._loads; --",
    2**62, -5, 0, 1.5, -0.0, True, False, None,
    dt.date(2025, 7, 1), dt.datetime(2026, 11, 27, 12, 0, 0, 123456), dt.datetime(2023, 1, 1),
    ["p_doan_ket", "p'x"], [],
]  # fmt: skip


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_a_literal_reads_back_as_the_value(value):
    with duckdb.connect() as con:
        assert con.execute(f"select {literal(value)}").fetchone()[0] == value


def test_bind_fills_placeholders_in_order_and_counts_them():
    assert bind("values (?, ?)", ["it's", None]) == "values ('it''s', NULL)"
    with pytest.raises(ValueError, match="2 placeholder"):
        bind("values (?, ?)", [1])
    with pytest.raises(ValueError, match="NUL"):
        literal("a\x00b")
    with pytest.raises(TypeError):
        literal(object())


def test_ingest_imports_no_pandas_in_the_loading_process(tmp_path):
    code = (
        "import sys, duckdb; from ingestion.loader import ingest_landing; from ingestion.sandbox import stop_readers; "
        "from tests.conftest import TEST_KEY; "
        f"con = duckdb.connect({str(tmp_path / 'w.duckdb')!r}); "
        f"report = ingest_landing(con, __import__('pathlib').Path({str(SAMPLE_LANDING / '2026')!r}), "
        f"__import__('pathlib').Path({str(tmp_path / 'q')!r}), TEST_KEY); stop_readers(); "
        "print(len(report.summary()['loaded']), 'pandas' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["12", "False"]
