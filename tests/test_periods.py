"""Report periods keyed by their dates: presets, Decree 09/2019 cut-offs, parsing, whole months."""

from __future__ import annotations

import datetime as dt
import itertools

import duckdb
import pytest

from pipeline import periods
from pipeline.periods import Period, PeriodError, PeriodKind

D = dt.date
TODAY = D(2026, 11, 27)


# --- presets' dates -----------------------------------------------------------------------------


def test_calendar_year() -> None:
    p = periods.calendar_year(2024)
    assert (p.start, p.end, p.kind) == (D(2024, 1, 1), D(2024, 12, 31), PeriodKind.CALENDAR_YEAR)
    assert p.days == 366
    assert periods.calendar_year(2023).days == 365


@pytest.mark.parametrize(
    ("half", "start", "end"),
    [(1, D(2024, 1, 1), D(2024, 6, 30)), (2, D(2024, 7, 1), D(2024, 12, 31))],
)
def test_half_year(half: int, start: dt.date, end: dt.date) -> None:
    p = periods.half_year(2024, half)
    assert (p.start, p.end, p.kind) == (start, end, PeriodKind.HALF_YEAR)


@pytest.mark.parametrize(
    ("q", "start", "end"),
    [
        (1, D(2024, 1, 1), D(2024, 3, 31)),
        (2, D(2024, 4, 1), D(2024, 6, 30)),
        (3, D(2024, 7, 1), D(2024, 9, 30)),
        (4, D(2024, 10, 1), D(2024, 12, 31)),
    ],
)
def test_quarter(q: int, start: dt.date, end: dt.date) -> None:
    p = periods.quarter(2024, q)
    assert (p.start, p.end, p.kind) == (start, end, PeriodKind.QUARTER)


def test_month_in_leap_and_common_years() -> None:
    assert periods.month(2024, 2).end == D(2024, 2, 29)
    assert periods.month(2023, 2).end == D(2023, 2, 28)
    assert periods.month(2100, 2).end == D(2100, 2, 28)  # divisible by 100, not by 400: not leap
    assert periods.month(2000, 2).end == D(2000, 2, 29)
    assert (periods.month(2024, 12).start, periods.month(2024, 12).end) == (D(2024, 12, 1), D(2024, 12, 31))


@pytest.mark.parametrize(
    ("m", "start", "end"),
    [
        (1, D(2023, 12, 15), D(2024, 1, 14)),  # starts in the previous year
        (3, D(2024, 2, 15), D(2024, 3, 14)),  # across a leap February
        (12, D(2024, 11, 15), D(2024, 12, 14)),
    ],
)
def test_decree09_month(m: int, start: dt.date, end: dt.date) -> None:
    p = periods.decree09_month(2024, m)
    assert (p.start, p.end, p.kind) == (start, end, PeriodKind.DECREE09_MONTH)


@pytest.mark.parametrize(
    ("q", "start", "end"),
    [
        (1, D(2023, 12, 15), D(2024, 3, 14)),  # Q1 starts 15/12 of the previous year
        (2, D(2024, 3, 15), D(2024, 6, 14)),
        (3, D(2024, 6, 15), D(2024, 9, 14)),
        (4, D(2024, 9, 15), D(2024, 12, 14)),
    ],
)
def test_decree09_quarter(q: int, start: dt.date, end: dt.date) -> None:
    p = periods.decree09_quarter(2024, q)
    assert (p.start, p.end, p.kind) == (start, end, PeriodKind.DECREE09_QUARTER)


def test_decree09_quarters_tile_the_decree09_year_without_gap_or_overlap() -> None:
    quarters = [periods.decree09_quarter(2025, q) for q in (1, 2, 3, 4)]
    year = periods.decree09_year(2025)
    assert quarters[0].start == year.start and quarters[-1].end == year.end
    for before, after in itertools.pairwise(quarters):
        assert after.start == before.end + dt.timedelta(days=1)
    assert sum(q.days for q in quarters) == year.days == 365
    months = [periods.decree09_month(2025, m) for m in range(1, 13)]
    assert months[0].start == year.start and months[-1].end == year.end
    assert sum(m.days for m in months) == year.days


def test_decree09_half_years_and_year() -> None:
    h1 = periods.decree09_half_year(2024)
    assert (h1.start, h1.end, h1.kind) == (D(2023, 12, 15), D(2024, 6, 14), PeriodKind.DECREE09_HALF_YEAR)
    assert periods.decree09_half_year(2024, 1) == h1
    h2 = periods.decree09_half_year(2024, 2)
    assert (h2.start, h2.end) == (D(2024, 6, 15), D(2024, 12, 14))
    year = periods.decree09_year(2024)
    assert (year.start, year.end, year.kind) == (D(2023, 12, 15), D(2024, 12, 14), PeriodKind.DECREE09_YEAR)
    assert year.days == 366  # holds 29/02/2024
    assert periods.decree09_year(2025).days == 365


def test_year_to_date() -> None:
    p = periods.year_to_date(TODAY)
    assert (p.start, p.end, p.kind) == (D(2026, 1, 1), TODAY, PeriodKind.YEAR_TO_DATE)


def test_year_to_date_on_1_january_is_that_one_day_not_last_year() -> None:
    p = periods.year_to_date(D(2026, 1, 1))
    assert (p.start, p.end, p.days, p.kind) == (D(2026, 1, 1), D(2026, 1, 1), 1, PeriodKind.YEAR_TO_DATE)
    assert p.label_vi == "Từ 01/01/2026 đến 01/01/2026"
    assert periods.whole_months(p) == []
    assert periods.months_partially_covered(p) == [(2026, 1)]
    assert p.key != periods.calendar_year(2025).key


def test_year_to_date_takes_a_datetime_as_its_day() -> None:
    assert periods.year_to_date(dt.datetime(2026, 3, 5, 23, 30)).end == D(2026, 3, 5)


def test_year_to_date_on_31_december_is_the_calendar_year() -> None:
    """Same dates, same period: a run on the last day replaces the year's report with the same data."""
    assert periods.year_to_date(D(2024, 12, 31)) == periods.calendar_year(2024)
    assert periods.year_to_date(D(2024, 6, 30)) == periods.half_year(2024, 1)


def test_presets_of_a_year_all_have_distinct_keys() -> None:
    presets = periods.presets_of_year(2024)
    assert len(presets) == 1 + 2 + 4 + 12 + 12 + 4 + 2 + 1
    assert len({p.key for p in presets}) == len(presets)
    assert len({p.slug for p in presets}) == len(presets)
    assert len({p.label_vi for p in presets}) == len(presets)
    assert {p.kind for p in presets} == set(PeriodKind) - {PeriodKind.YEAR_TO_DATE, PeriodKind.CUSTOM}


# --- keys, labels ----------------------------------------------------------------------------------


def test_year_to_date_and_annual_report_have_different_keys() -> None:
    """The bug this module replaces: both were labelled "2023" and the one overwrote the other."""
    ytd = periods.year_to_date(D(2023, 11, 14))
    year = periods.calendar_year(2023)
    assert ytd.key == ("2023-01-01", "2023-11-14")
    assert year.key == ("2023-01-01", "2023-12-31")
    assert ytd.slug == "2023-01-01_2023-11-14"
    assert year.slug == "2023-01-01_2023-12-31"
    assert ytd.label_vi != year.label_vi
    assert ytd != year and hash(ytd) != hash(year)


def test_periods_with_the_same_dates_are_equal_however_asked_for() -> None:
    by_code = periods.parse("2024-decree09", TODAY)
    by_dates = periods.parse("2023-12-15..2024-12-14", TODAY)
    built = Period(D(2023, 12, 15), D(2024, 12, 14))
    assert by_code == by_dates == built == periods.decree09_year(2024)
    assert len({by_code, by_dates, built}) == 1


@pytest.mark.parametrize(
    ("period", "label_vi", "label_en"),
    [
        (periods.calendar_year(2024), "Năm 2024", "Year 2024"),
        (periods.half_year(2024, 1), "6 tháng đầu năm 2024", "First half of 2024"),
        (periods.half_year(2024, 2), "6 tháng cuối năm 2024", "Second half of 2024"),
        (periods.quarter(2024, 3), "Quý III năm 2024", "Q3 2024"),
        (periods.quarter(2024, 4), "Quý IV năm 2024", "Q4 2024"),
        (periods.month(2024, 3), "Tháng 3 năm 2024", "March 2024"),
        (
            periods.decree09_year(2024),
            "Năm 2024 (số liệu từ 15/12/2023 đến 14/12/2024)",
            "Year 2024 (data from 15/12/2023 to 14/12/2024, Decree 09/2019 cut-off)",
        ),
        (
            periods.decree09_half_year(2024),
            "6 tháng đầu năm 2024 (số liệu từ 15/12/2023 đến 14/06/2024)",
            "First half of 2024 (data from 15/12/2023 to 14/06/2024, Decree 09/2019 cut-off)",
        ),
        (
            periods.decree09_quarter(2024, 1),
            "Quý I năm 2024 (số liệu từ 15/12/2023 đến 14/03/2024)",
            "Q1 2024 (data from 15/12/2023 to 14/03/2024, Decree 09/2019 cut-off)",
        ),
        (
            periods.decree09_month(2024, 1),
            "Tháng 1 năm 2024 (số liệu từ 15/12/2023 đến 14/01/2024)",
            "January 2024 (data from 15/12/2023 to 14/01/2024, Decree 09/2019 cut-off)",
        ),
        (periods.year_to_date(TODAY), "Từ 01/01/2026 đến 27/11/2026", "From 01/01/2026 to 27/11/2026"),
        (Period(D(2024, 3, 10), D(2024, 5, 20)), "Từ 10/03/2024 đến 20/05/2024", "From 10/03/2024 to 20/05/2024"),
    ],
)
def test_labels(period: Period, label_vi: str, label_en: str) -> None:
    assert period.label_vi == label_vi
    assert period.label_en == label_en


def test_labels_are_precomposed_unicode() -> None:
    """Diacritics as one code point each (NFC), as Word and the clerks' fonts expect."""
    import unicodedata

    for p in periods.presets_of_year(2024):
        assert unicodedata.normalize("NFC", p.label_vi) == p.label_vi
    assert "ố" in periods.decree09_year(2024).label_vi and "Quý" in periods.quarter(2024, 1).label_vi


def test_a_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(PeriodError) as caught:
        Period(D(2024, 5, 1), D(2024, 4, 30))
    assert "trước ngày bắt đầu 01/05/2024" in caught.value.vi
    assert "before it starts on 2024-05-01" in caught.value.en
    assert str(caught.value) == f"{caught.value.vi} / {caught.value.en}"


def test_kind_and_label_must_be_what_the_dates_make() -> None:
    assert Period(D(2024, 1, 1), D(2024, 12, 31), PeriodKind.CALENDAR_YEAR, "Năm 2024") == periods.calendar_year(2024)
    assert Period(D(2024, 1, 1), D(2024, 12, 31), "calendar_year").kind is PeriodKind.CALENDAR_YEAR
    with pytest.raises(ValueError, match="calendar_year"):
        Period(D(2024, 1, 1), D(2024, 12, 31), PeriodKind.YEAR_TO_DATE)
    with pytest.raises(ValueError, match="Năm 2024"):
        Period(D(2024, 1, 1), D(2024, 12, 31), label_vi="2024")


def test_dates_must_be_dates() -> None:
    with pytest.raises(TypeError):
        Period("2024-01-01", D(2024, 12, 31))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Period(dt.datetime(2024, 1, 1), D(2024, 12, 31))


@pytest.mark.parametrize(
    ("make", "args", "vi_part", "en_part"),
    [
        (periods.quarter, (2024, 5), "quý phải từ 1 đến 4", "quarter must be 1 to 4"),
        (periods.decree09_quarter, (2024, 0), "quý phải từ 1 đến 4", "quarter must be 1 to 4"),
        (periods.month, (2024, 13), "tháng phải từ 1 đến 12", "month must be 1 to 12"),
        (periods.decree09_month, (2024, 0), "tháng phải từ 1 đến 12", "month must be 1 to 12"),
        (periods.half_year, (2024, 3), "nửa năm phải là 1", "half must be 1"),
        (periods.decree09_half_year, (2024, 0), "nửa năm phải là 1", "half must be 1"),
        (periods.calendar_year, (0,), "năm phải từ 2", "year must be 2"),
        (periods.decree09_year, (1,), "năm phải từ 2", "year must be 2"),
        (periods.quarter, (2024, True), "quý", "quarter"),
    ],
)
def test_preset_arguments_out_of_range_are_refused(make, args: tuple, vi_part: str, en_part: str) -> None:
    with pytest.raises(PeriodError) as caught:
        make(*args)
    assert vi_part in caught.value.vi
    assert en_part in caught.value.en


# --- parse -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024", periods.calendar_year(2024)),
        ("2024-H1", periods.half_year(2024, 1)),
        ("2024-H2", periods.half_year(2024, 2)),
        ("2024-Q3", periods.quarter(2024, 3)),
        ("2024-03", periods.month(2024, 3)),
        ("2024-decree09", periods.decree09_year(2024)),
        ("2024-decree09-H1", periods.decree09_half_year(2024, 1)),
        ("2024-decree09-H2", periods.decree09_half_year(2024, 2)),
        ("2024-decree09-Q3", periods.decree09_quarter(2024, 3)),
        ("2024-decree09-01", periods.decree09_month(2024, 1)),
        ("ytd", periods.year_to_date(TODAY)),
        ("2024-01-01..2024-11-14", Period(D(2024, 1, 1), D(2024, 11, 14))),
        ("2023-06-15..2024-02-29", Period(D(2023, 6, 15), D(2024, 2, 29))),
        # DAG params come typed by people: case and spaces do not matter
        ("  2024-q3 ", periods.quarter(2024, 3)),
        ("YTD", periods.year_to_date(TODAY)),
        ("2024-DECREE09-h1", periods.decree09_half_year(2024, 1)),
        ("2024-01-01 .. 2024-11-14", Period(D(2024, 1, 1), D(2024, 11, 14))),
    ],
)
def test_parse(text: str, expected: Period) -> None:
    assert periods.parse(text, TODAY) == expected


def test_parse_code_round_trips_for_every_preset_and_for_other_spans() -> None:
    others = [periods.year_to_date(TODAY), periods.year_to_date(D(2026, 1, 1)), Period(D(2019, 12, 31), D(2020, 1, 2))]
    for year in (2023, 2024):
        for p in [*periods.presets_of_year(year), *others]:
            assert periods.parse(p.code, TODAY) == p, p.code
            assert periods.parse(f"{p.start.isoformat()}..{p.end.isoformat()}", TODAY) == p


def test_codes() -> None:
    assert periods.decree09_month(2024, 3).code == "2024-decree09-03"
    assert periods.quarter(2024, 3).code == "2024-Q3"
    assert periods.year_to_date(TODAY).code == "2026-01-01..2026-11-27"


def test_explicit_dates_of_a_preset_become_that_preset() -> None:
    p = periods.parse("2024-07-01..2024-09-30", TODAY)
    assert (p.kind, p.label_vi, p.code) == (PeriodKind.QUARTER, "Quý III năm 2024", "2024-Q3")


def test_explicit_range_from_1_january_is_a_year_to_date() -> None:
    p = periods.parse("2024-01-01..2024-11-14", TODAY)
    assert p.kind is PeriodKind.YEAR_TO_DATE
    assert p.label_vi == "Từ 01/01/2024 đến 14/11/2024"


@pytest.mark.parametrize(
    ("text", "vi_part", "en_part"),
    [
        ("", "chưa ghi kỳ báo cáo", "no period was given"),
        ("   ", "chưa ghi kỳ báo cáo", "no period was given"),
        ("2024-Q5", "quý phải từ 1 đến 4 (đã ghi: 5)", "quarter must be 1 to 4 (given: 5)"),
        ("2024-Q0", "quý phải từ 1 đến 4", "quarter must be 1 to 4"),
        ("2024-H3", "nửa năm phải là 1", "half must be 1"),
        ("2024-13", "tháng phải từ 1 đến 12 (đã ghi: 13)", "month must be 1 to 12 (given: 13)"),
        ("2024-00", "tháng phải từ 1 đến 12", "month must be 1 to 12"),
        ("2024-decree09-Q9", "quý phải từ 1 đến 4", "quarter must be 1 to 4"),
        ("2024-decree09-13", "tháng phải từ 1 đến 12", "month must be 1 to 12"),
        ("2024-02-30..2024-03-01", "không có trên lịch", "not a calendar date"),
        ("2023-02-29..2023-03-01", "không có trên lịch", "not a calendar date"),
        ("2024-05-01..2024-04-30", "ngày kết thúc 30/04/2024 trước ngày bắt đầu 01/05/2024", "before it starts"),
        ("2024-3", "không đúng dạng nào", "matches none of the forms"),
        ("24", "không đúng dạng nào", "matches none of the forms"),
        ("2024-Q", "không đúng dạng nào", "matches none of the forms"),
        ("năm 2024", "không đúng dạng nào", "matches none of the forms"),
        ("2024-11-14", "không đúng dạng nào", "matches none of the forms"),
        ("2024-01-01..", "không đúng dạng nào", "matches none of the forms"),
        ("2024-decree9", "không đúng dạng nào", "matches none of the forms"),
        ("last year", "không đúng dạng nào", "matches none of the forms"),
    ],
)
def test_parse_errors_are_bilingual_and_say_what_to_write(text: str, vi_part: str, en_part: str) -> None:
    with pytest.raises(PeriodError) as caught:
        periods.parse(text, TODAY)
    error = caught.value
    assert error.vi.startswith("Kỳ báo cáo «")
    assert vi_part in error.vi
    assert "Hãy ghi kỳ báo cáo theo một trong các dạng: 2024, 2024-H1" in error.vi
    assert error.en.startswith("The report period ")
    assert en_part in error.en
    assert "Write it in one of these forms: 2024, 2024-H1" in error.en
    assert str(error) == f"{error.vi} / {error.en}"


def test_parse_refuses_what_is_not_text() -> None:
    with pytest.raises(PeriodError, match="chưa ghi kỳ báo cáo"):
        periods.parse(None, TODAY)  # type: ignore[arg-type]


# --- whole months, cut-off, data dates ---------------------------------------------------------------


def test_decree09_year_holds_january_to_november_whole() -> None:
    p = periods.decree09_year(2024)
    assert periods.whole_months(p) == [(2024, m) for m in range(1, 12)]
    assert periods.months_partially_covered(p) == [(2023, 12), (2024, 12)]


def test_whole_months_of_calendar_presets() -> None:
    assert periods.whole_months(periods.calendar_year(2024)) == [(2024, m) for m in range(1, 13)]
    assert periods.months_partially_covered(periods.calendar_year(2024)) == []
    assert periods.whole_months(periods.quarter(2024, 3)) == [(2024, 7), (2024, 8), (2024, 9)]
    assert periods.whole_months(periods.month(2024, 2)) == [(2024, 2)]


def test_decree09_month_and_quarter_whole_months() -> None:
    assert periods.whole_months(periods.decree09_month(2024, 3)) == []
    assert periods.months_partially_covered(periods.decree09_month(2024, 3)) == [(2024, 2), (2024, 3)]
    q1 = periods.decree09_quarter(2024, 1)  # 15/12/2023–14/03/2024
    assert periods.whole_months(q1) == [(2024, 1), (2024, 2)]
    assert periods.months_partially_covered(q1) == [(2023, 12), (2024, 3)]


def test_whole_months_of_a_year_to_date() -> None:
    ytd = periods.year_to_date(TODAY)  # to 27/11/2026
    assert periods.whole_months(ytd) == [(2026, m) for m in range(1, 11)]
    assert periods.months_partially_covered(ytd) == [(2026, 11)]
    # the last day of February in a leap year closes February
    assert periods.whole_months(periods.year_to_date(D(2024, 2, 29))) == [(2024, 1), (2024, 2)]
    assert periods.whole_months(periods.year_to_date(D(2024, 2, 28))) == [(2024, 1)]


def test_whole_months_across_years() -> None:
    p = Period(D(2023, 11, 1), D(2024, 2, 10))
    assert periods.whole_months(p) == [(2023, 11), (2023, 12), (2024, 1)]
    assert periods.months_partially_covered(p) == [(2024, 2)]


def test_events_after_the_cut_off_never_count() -> None:
    p = periods.decree09_year(2024)
    assert D(2024, 12, 14) in p
    assert D(2024, 12, 15) not in p  # a conclusion signed the day after the cut-off
    assert D(2023, 12, 15) in p
    assert D(2023, 12, 14) not in p
    assert dt.datetime(2024, 12, 14, 23, 59) in p
    assert "2024-06-01" not in p  # text is not a date: never counts


@pytest.mark.parametrize(
    ("latest", "expected"),
    [
        (D(2024, 9, 30), D(2024, 9, 30)),  # data stop before the cut-off: record where they stop
        (D(2024, 12, 14), D(2024, 12, 14)),
        (D(2025, 2, 1), D(2024, 12, 14)),  # later data: the figure runs to the cut-off only
        (D(2023, 12, 15), D(2023, 12, 15)),  # the first day
        (D(2023, 12, 1), None),  # all data before the period: nothing of it is covered
        (None, None),
        (dt.datetime(2024, 10, 3, 8, 0), D(2024, 10, 3)),
    ],
)
def test_data_runs_to(latest, expected) -> None:
    assert periods.data_runs_to(periods.decree09_year(2024), latest) == expected


# --- the SQL-side row --------------------------------------------------------------------------------


def test_as_row() -> None:
    row = periods.as_row(periods.decree09_year(2024))
    assert row == {
        "period_start": D(2023, 12, 15),
        "period_end": D(2024, 12, 14),
        "period_code": "2024-decree09",
        "kind": "decree09_year",
        "label_vi": "Năm 2024 (số liệu từ 15/12/2023 đến 14/12/2024)",
        "label_en": "Year 2024 (data from 15/12/2023 to 14/12/2024, Decree 09/2019 cut-off)",
        "whole_month_start": D(2024, 1, 1),
        "whole_month_end": D(2024, 11, 30),
    }
    no_whole = periods.as_row(periods.decree09_month(2024, 3))
    assert no_whole["whole_month_start"] is None and no_whole["whole_month_end"] is None


def test_as_row_loads_into_duckdb_and_filters_monthly_aggregates() -> None:
    """The rows as dbt would see them: DATE columns, a (start, end) key, and monthly aggregates
    counted only for months wholly inside (real DuckDB, in memory)."""
    con = duckdb.connect()
    con.execute(
        """
        create table dim_report_period (
            period_start date, period_end date, period_code varchar, kind varchar, label_vi varchar,
            label_en varchar, whole_month_start date, whole_month_end date, primary key (period_start, period_end)
        )
        """
    )
    rows = [periods.as_row(p) for year in (2023, 2024) for p in periods.presets_of_year(year)]
    rows.append(periods.as_row(periods.year_to_date(D(2024, 11, 14))))
    columns = list(rows[0])
    con.executemany(
        f"insert into dim_report_period ({', '.join(columns)}) values ({', '.join('?' for _ in columns)})",
        [[row[c] for c in columns] for row in rows],
    )
    con.execute("create table monthly (month_start date, cases integer)")
    con.executemany(
        "insert into monthly values (?, ?)",
        [[D(year, m, 1), 10] for year in (2023, 2024) for m in range(1, 13)],
    )
    counted = dict(
        con.execute(
            """
            select p.period_code, coalesce(sum(m.cases), 0)
            from dim_report_period p
            left join monthly m on m.month_start between p.whole_month_start and p.whole_month_end
            group by p.period_code
            """
        ).fetchall()
    )
    assert counted["2024-decree09"] == 110  # January..November 2024
    assert counted["2024"] == 120
    assert counted["2024-01-01..2024-11-14"] == 100  # January..October
    assert counted["2024-decree09-03"] == 0
    labels = con.execute(
        "select label_vi from dim_report_period where period_start = date '2024-01-01' order by period_end"
    ).fetchall()
    assert ("Năm 2024",) in labels and ("Từ 01/01/2024 đến 14/11/2024",) in labels
