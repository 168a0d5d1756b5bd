import csv
import datetime as dt

import duckdb
import openpyxl

from pipeline.period import ReportPeriod
from reporting.exports import write_exports
from reporting.figures import Figure, Sentence, compute_figures, format_vi, load_catalogue, render_sentences, store_report


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
        for s, v in (("city", 3), ("city_level", 1), ("commune_level", 2))
    ]
    period = ReportPeriod(dt.date(2022, 12, 15), dt.date(2023, 12, 14))
    (sentence,) = render_sentences(figures, period)
    assert sentence.text_vi.startswith("Từ ngày 15/12/2022 đến ngày 14/12/2023 đã tiếp tổng số 3 lượt = 3 người")


def test_a_sentence_whose_figures_are_missing_is_not_rendered_with_blanks():
    assert (
        render_sentences(
            [Figure("reception.visits", "city", 3, "count", "x")], ReportPeriod(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
        )
        == []
    )


def test_exports_never_hold_a_live_formula(tmp_path):
    period = ReportPeriod(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    figures = [Figure("reception.visits", "city", 44, "count", '=HYPERLINK("http://x","bấm")')]
    sentences = [Sentence("reception.summary", "Kết quả", "ket-qua.txt", "=1+1")]
    written = write_exports(tmp_path, period, figures, sentences)
    xlsx = next(p for p in written if p.suffix == ".xlsx")
    sheet = openpyxl.load_workbook(xlsx)["Số liệu"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    assert any(c.value == '=HYPERLINK("http://x","bấm")' and c.data_type == "s" for c in cells)
    rows = list(csv.reader(next(p for p in written if p.suffix == ".csv").open(encoding="utf-8-sig")))
    assert rows[0][0] == "Kỳ báo cáo" and rows[1][5].startswith("'=")


def test_figures_are_computed_from_the_marts_and_replaced_per_period(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema marts")
    con.execute(
        "create table marts.fct_citizen_receptions as select * from (values "
        "(date '2023-02-01', 'city_level', 2, 'a'), (date '2023-03-01', 'commune_level', 1, 'b'), "
        "(date '2023-03-05', 'commune_level', 3, 'b'), (date '2024-01-01', 'city_level', 1, 'c')"
        ") t(received_on, unit_level, people_count, case_key)"
    )
    con.execute(
        "create table marts.dim_admin_unit (unit_id varchar, parent_unit_id varchar, unit_kind varchar, "
        "area_ha double, population integer, ethnic_groups integer, valid_from date, valid_to date)"
    )
    con.execute("create table marts.fct_source_submissions as select 'citizen_reception' as source_id, 2023 as report_year")
    period = ReportPeriod(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    catalogue = load_catalogue()
    catalogue = {**catalogue, "figures": [f for f in catalogue["figures"] if f["key"].startswith(("reception.", "city."))]}
    values = {(f.key, f.scope): f.value for f in compute_figures(con, period, catalogue)}
    assert values[("reception.visits", "city")] == 3
    assert values[("reception.people", "commune_level")] == 4
    assert values[("reception.cases", "commune_level")] == 1
    assert not any(k.startswith("city.") for k, _ in values)  # no city in the reference: left out, not zero
    store_report(con, period, compute_figures(con, period, catalogue), [])
    store_report(con, period, compute_figures(con, period, catalogue), [])
    assert con.execute("select count(*) from report.figures where period = '2023'").fetchone() == (9,)
    # a year no register was sent for: the figures are unknown, not zero
    assert compute_figures(con, ReportPeriod(dt.date(2024, 1, 1), dt.date(2024, 12, 31)), catalogue) == []
