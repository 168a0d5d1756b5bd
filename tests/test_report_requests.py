"""Report requests: a unit's official code and a period, checked before a run builds anything."""

import datetime as dt

import pytest

from pipeline import report_requests
from pipeline.periods import Period, PeriodKind
from pipeline.report_requests import ReportRequestError, plan, resolve

TODAY = dt.date(2026, 11, 27)


def period(start: str, end: str) -> Period:
    return Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end))


def test_the_former_city_for_its_years_and_its_last_half_year():
    assert resolve("105", period("2023-01-01", "2023-12-31")).unit_id == "tp_lai_chau"
    last = resolve("105", period("2025-01-01", "2025-06-30"))
    assert (last.unit_id, last.slug) == ("tp_lai_chau", "105_2025-01-01_2025-06-30")


def test_a_period_past_the_city_s_end_is_refused_naming_its_successors():
    with pytest.raises(ReportRequestError) as refused:
        resolve("105", period("2025-01-01", "2025-12-31"))
    assert "chấm dứt hoạt động ngày 30/06/2025" in refused.value.vi
    assert "ceased on 2025-06-30" in refused.value.en
    assert "Phường Đoàn Kết (mã 03388)" in refused.value.vi and "Phường Tân Phong (mã 03408)" in refused.value.vi


def test_a_code_means_the_unit_holding_it_on_the_period_s_last_day():
    """03388 was Phường Quyết Tiến until 30/06/2025 and is Phường Đoàn Kết from 1/7/2025."""
    assert resolve("03388", period("2024-01-01", "2024-12-31")).unit_id == "p_quyet_tien"
    assert resolve("03388", period("2025-01-01", "2025-12-31")).unit_id == "p_doan_ket_2025"
    assert resolve("03408", period("2026-01-01", "2026-11-27")).unit_name == "Phường Tân Phong"
    assert resolve("12", period("2026-01-01", "2026-11-27")).unit_id == "tinh_lai_chau"


def test_a_commune_only_the_national_list_holds_can_be_reported_on():
    request = resolve("03390", period("2026-01-01", "2026-11-27"))
    assert (request.unit_id, request.unit_name) == ("03390@2025-07-01", "Xã Bình Lư")


def test_an_unknown_code_is_refused_with_examples():
    with pytest.raises(ReportRequestError) as refused:
        resolve("99999", period("2023-01-01", "2023-12-31"))
    assert "«99999»" in refused.value.vi and "105 Thành phố Lai Châu" in refused.value.vi


def test_the_nightly_reports_every_configured_unit_that_exists_today(monkeypatch):
    monkeypatch.delenv(report_requests.UNITS_ENV, raising=False)
    requests = plan(None, None, None, TODAY)
    assert [r.unit_code for r in requests] == ["12", "03388", "03408"]  # the city ceased in 2025
    assert {r.period for r in requests} == {Period(dt.date(2026, 1, 1), TODAY)}
    assert requests[0].period.kind == PeriodKind.YEAR_TO_DATE
    in_2023 = plan(None, "2023-01-01", "2023-12-31", TODAY)
    assert "105" in [r.unit_code for r in in_2023]


def test_the_configured_list_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(report_requests.UNITS_ENV, "03408")
    assert [r.unit_code for r in plan(None, None, None, TODAY)] == ["03408"]
    monkeypatch.setenv(report_requests.UNITS_ENV, "105")
    with pytest.raises(ReportRequestError, match="No unit of the configured list exists"):
        plan(None, None, None, TODAY)


def test_presets_and_dates_are_one_or_the_other():
    assert plan("105", None, None, TODAY, period="2024-decree09")[0].period == period("2023-12-15", "2024-12-14")
    with pytest.raises(ReportRequestError, match="one way"):
        plan("105", "2024-01-01", None, TODAY, period="2024")
    with pytest.raises(ReportRequestError, match="YYYY-MM-DD"):
        plan("105", "31/12/2024", None, TODAY)


def test_requests_travel_as_plain_dicts_and_come_back_checked():
    requests = plan("105,03388", "2024-01-01", "2024-12-31", TODAY)
    rows = [r.as_dict() for r in requests]
    assert rows[1]["reporting_unit_name"] == "Phường Quyết Tiến"
    assert report_requests.from_dicts(rows) == requests
