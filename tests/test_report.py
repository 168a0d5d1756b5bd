"""The report's figures as dbt writes them (report.figures, report.figure_details) on a warehouse
built from the bundled sample, and the sentences and exports Python makes from them."""

import csv
import datetime as dt
from pathlib import Path

import duckdb
import openpyxl
import pytest
import yaml

from pipeline.dbt import REPORT_LAYER, run_dbt
from pipeline.paths import DataPaths
from pipeline.periods import Period
from pipeline.report_requests import resolve
from reporting.exports import write_exports
from reporting.figures import Figure, Sentence, format_vi, read_figures, render_sentences
from reporting.unit_names import UnitNames, read_unit_names
from tests.conftest import FIGURES_FILE
from tests.dag_runs import copy_build

YEAR_2023 = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
# The 2023 figures file says city / city_level / commune_level for what report.figures calls
SCOPES_2023 = {"city": "total", "city_level": "own_bodies", "commune_level": "subunits"}


def test_vietnamese_number_format():
    assert format_vi(1214) == "1.214"
    assert format_vi(9687.9) == "9.687,9"
    assert format_vi(2206283982) == "2.206.283.982"
    assert format_vi(44) == "44"
    assert format_vi(99.999) == "100"
    assert format_vi(97.47) == "97,47"
    assert format_vi(12500000.000000002) == "12.500.000"


def test_sentence_for_a_period_not_starting_on_1_january():
    figures = [
        Figure(k, s, v, "count", k)
        for k in ("reception.visits", "reception.people", "reception.cases")
        for s, v in (("total", 3), ("own_bodies", 1), ("subunits", 2))
    ]
    period = Period(dt.date(2022, 12, 15), dt.date(2023, 12, 14))
    city = UnitNames("105", "Lai Châu", "Thành phố Lai Châu", "city", "thành phố", ("commune", "ward"))
    (sentence,) = render_sentences(figures, period, city)
    assert sentence.text_vi.startswith("Từ ngày 15/12/2022 đến ngày 14/12/2023 đã tiếp tổng số 03 lượt = 03 người")


def test_a_sentence_whose_figures_are_missing_is_not_rendered_with_blanks():
    assert (
        render_sentences(
            [Figure("reception.visits", "total", 3, "count", "x")], Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
        )
        == []
    )


def test_exports_never_hold_a_live_formula(tmp_path):
    request = resolve("105", Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31)))
    figures = [Figure("reception.visits", "total", 44, "count", '=HYPERLINK("http://x","bấm")')]
    sentences = [Sentence("reception.summary", "Kết quả", "ket-qua.txt", "=1+1")]
    written = write_exports(tmp_path, request, figures, sentences)
    assert {p.name for p in written} >= {"so-lieu-bao-cao_105_2023-01-01_2023-12-31.xlsx", "ket-qua.txt"}
    xlsx = next(p for p in written if p.suffix == ".xlsx")
    sheet = openpyxl.load_workbook(xlsx)["Số liệu"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    assert any(c.value == '=HYPERLINK("http://x","bấm")' and c.data_type == "s" for c in cells)
    rows = list(csv.reader(next(p for p in written if p.suffix == ".csv").open(encoding="utf-8-sig")))
    assert rows[0][:2] == ["Đơn vị báo cáo", "Kỳ báo cáo"] and rows[1][:2] == ["Thành phố Lai Châu", "Năm 2023"]
    assert rows[1][6].startswith("'=")


@pytest.fixture(scope="module")
def sample_warehouse(sample_build) -> tuple[DataPaths, Path]:
    """The bundled sample built once per session (conftest.sample_build), default request (105, 2023)."""
    return sample_build


def figures_of(build: Path, code: str, start: dt.date, end: dt.date) -> dict[tuple[str, str], float]:
    with duckdb.connect(str(build), read_only=True) as con:
        return {(f.key, f.scope): f.value for f in read_figures(con, code, start, end) if f.published}


def test_report_figures_of_the_sample_are_the_74_figures_of_the_2023_report(sample_warehouse):
    _, build = sample_warehouse
    spec = yaml.safe_load(FIGURES_FILE.read_text(encoding="utf-8"))
    expected = {(f["key"], SCOPES_2023[f.get("scope", "city")]): (float(f["value"]), f.get("check")) for f in spec["figures"]}
    published = figures_of(build, "105", *YEAR_2023)
    assert len(expected) == 74
    assert set(published) == set(expected)
    wrong = {}
    for key, (value, check) in expected.items():
        got = published[key]
        # the two rates the report rounds: 99% is any value rounding to 99, "trên 97%" any over 97
        ok = round(got) == value if check == "rounded" else got > value if check == "above" else got == value
        if not ok:
            wrong[key] = (got, value)
    assert wrong == {}
    with duckdb.connect(str(build), read_only=True) as con:
        columns = con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'report' and table_name = 'figures' order by ordinal_position"
        ).fetchall()
        runs_to = con.execute("select min(data_runs_to), max(data_runs_to) from report.figures").fetchone()
    assert [c for c, _ in columns[:3]] == ["reporting_unit_code", "period_start", "period_end"]
    # whole-number figures (counts, people, VND) are integers, measured ones (pct, ha) decimals
    assert dict(columns)["value"] == "BIGINT" and dict(columns)["value_decimal"] == "DECIMAL(18,2)"
    assert runs_to[0] >= YEAR_2023[0] and runs_to[1] == YEAR_2023[1]


def test_sentences_are_rendered_from_report_figures_and_their_details(sample_warehouse):
    _, build = sample_warehouse
    period = Period(*YEAR_2023)
    with duckdb.connect(str(build), read_only=True) as con:
        figures = read_figures(con, "105", *YEAR_2023)
        names = read_unit_names(con, "tp_lai_chau", period)
    stored = {s.key: s.text_vi for s in render_sentences(figures, period, names)}
    assert not all(f.published for f in figures)  # the footnote 7 details come from report.figure_details
    assert stored["reception.summary"] == (
        "Từ đầu năm đã tiếp tổng số 44 lượt = 47 người = 44 vụ việc (trong đó: Cấp thành phố 28 lượt = "
        "28 người = 28 vụ việc; cấp xã, phường 16 lượt = 19 người = 16 vụ việc)"
    )
    assert (
        "Tiếp nhận đối với 27 công chức, viên chức (02 công chức thành phố, 25 viên chức sự nghiệp GD&ĐT)"
        in (stored["personnel.decisions"])
    )
    assert len(stored) == 14


def test_other_requests_are_added_beside_the_default_one_and_a_year_without_registers_is_unknown(sample_warehouse, tmp_path):
    _, build = sample_warehouse
    paths = DataPaths(tmp_path / "data")  # its own dbt artefacts: the shared build's are only read
    copy = copy_build(build, tmp_path)
    requests = [
        {"reporting_unit_code": "105", "period_start": "2023-01-01", "period_end": "2023-11-14"},
        {"reporting_unit_code": "105", "period_start": "2022-01-01", "period_end": "2022-12-31"},
        {"reporting_unit_code": "03389", "period_start": "2023-01-01", "period_end": "2023-12-31"},
    ]
    result = run_dbt(paths, copy, "build", "--select", REPORT_LAYER, requests=requests)
    assert result.returncode == 0, result.stdout[-3000:]
    # the default request's rows stay
    assert figures_of(copy, "105", *YEAR_2023) == figures_of(build, "105", *YEAR_2023)
    cut_off = figures_of(copy, "105", dt.date(2023, 1, 1), dt.date(2023, 11, 14))
    # November is held only in part: the monthly rows stop at October
    full_year = figures_of(build, "105", *YEAR_2023)
    assert cut_off[("training.participations", "total")] < full_year[("training.participations", "total")]
    assert cut_off[("reception.visits", "total")] <= 44
    # nothing was sent for 2022: only the unit reference's figures, every register's figure unknown
    assert {key for key, _ in figures_of(copy, "105", dt.date(2022, 1, 1), dt.date(2022, 12, 31))} == {
        "city.area_ha",
        "city.population",
        "city.ethnic_groups",
        "city.admin_units",
        "city.wards",
        "city.communes",
    }
    # a ward on its own: its registers are its own bodies, nothing below it
    ward = figures_of(copy, "03389", *YEAR_2023)
    assert ward[("city.area_ha", "total")] == 512.3 and ward[("city.admin_units", "total")] == 1
    assert ward[("reception.visits", "subunits")] == 0
    assert ward[("reception.visits", "own_bodies")] == ward[("reception.visits", "total")] > 0
