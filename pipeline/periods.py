"""Report periods keyed by their dates: a first day and a cut-off day, both counted.

Why: the former ``pipeline.period.ReportPeriod.label`` called both "1/1/2023 to today" and
"1/1/2023 to 31/12/2023" ``2023``, so a year-to-date run overwrote the annual report stored under
the same label. Here a period *is* its two dates: ``key`` is ``(start, end)`` in ISO form, and the
kind and labels are derived from the dates alone, so two periods with the same dates are the same
period (same key, same kind, same label) however they were asked for ("2024-H1", or
"2024-01-01..2024-06-30", or a year to date run on 30 June).

Presets: calendar year, half-year, quarter and month (1st of the month to the last day); year to
date (1 January to the given day); and the cut-offs of Decree 09/2019/NĐ-CP on the reporting regime
of state administrative bodies, Article 12 "thời gian chốt số liệu báo cáo định kỳ":

* monthly report: from the 15th of the previous month to the 14th of the reporting month;
* quarterly: from the 15th of the month before the quarter to the 14th of the quarter's last month;
* six-month: the first half from 15 December of the previous year to 14 June; the second half from
  15 June to 14 December;
* annual: from 15 December of the previous year to 14 December of the reporting year.

Sources checked (the search tool's stored pages; the decree's own page was found but its stored
excerpt stops before Article 12, so the rule was confirmed from texts that restate it):
the decree itself, thuvienphapluat.vn/van-ban/bo-may-hanh-chinh/Nghi-dinh-09-2019-ND-CP-quy-dinh-
ve-che-do-bao-cao-cua-co-quan-hanh-chinh-nha-nuoc-386322.aspx (signed 24/01/2019);
luatvietnam.vn/tin-van-ban-moi/thoi-han-nop-bao-cao-dinh-ky-186-21960-article.html, on Circular
09/2019/TT-NHNN, which applies the decree's cut-offs word for word (monthly 15th..14th; quarterly
15th of the month before the period to the 14th of the quarter's last month; first half 15/12 of the
previous year to 14/6, second half 15/6 to 14/12; annual 15/12 of the previous year to 14/12);
ducco.gialai.gov.vn/Mobile/News/11448.aspx, on Circular 05/2023/TT-BYT (quarterly and annual, the
same); and Khánh Hòa's Decision 01/2023/QĐ-UBND, Article 4 (monthly, quarterly, six-month, annual,
the same; it adds a nine-month report, 15/12 to 14/9, which is not a preset here).

Monthly aggregates may only count months wholly inside a period (``whole_months``): a 15/12–14/12
year holds January..November whole and December of both years only in part. Events dated after the
period's end (conclusions, resolutions, recoveries) never count: ``date in period`` says whether one
does. ``data_runs_to`` is the date a figure's data reach, for the figure to record.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum


class PeriodKind(StrEnum):
    CALENDAR_YEAR = "calendar_year"
    HALF_YEAR = "half_year"
    QUARTER = "quarter"
    MONTH = "month"
    YEAR_TO_DATE = "year_to_date"  # 1 January to a day of the same year that ends no other preset
    DECREE09_MONTH = "decree09_month"
    DECREE09_QUARTER = "decree09_quarter"
    DECREE09_HALF_YEAR = "decree09_half_year"
    DECREE09_YEAR = "decree09_year"
    CUSTOM = "custom"  # any other span of days


class PeriodError(ValueError):
    """A period that cannot be: said in Vietnamese, then in English (``str`` joins them with " / ")."""

    def __init__(self, vi: str, en: str):
        super().__init__(f"{vi} / {en}")
        self.vi = vi
        self.en = en


_CALENDAR_FORMS = ("2024", "2024-H1", "2024-Q3", "2024-03")
_DECREE09_FORMS = ("2024-decree09", "2024-decree09-H1", "2024-decree09-Q3", "2024-decree09-03")
ACCEPTED_FORMS = ", ".join((*_CALENDAR_FORMS, *_DECREE09_FORMS, "ytd", "2024-01-01..2024-11-14"))
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# Written out: calendar.month_name follows the process's locale.
_MONTHS_EN = ("", "January", "February", "March", "April", "May", "June")
_MONTHS_EN += ("July", "August", "September", "October", "November", "December")


@dataclass(frozen=True)
class _Shape:
    """What the dates make: a preset (with its year and half/quarter/month number) or not."""

    kind: PeriodKind
    year: int
    number: int | None = None


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _preset_dates(year: int) -> list[tuple[_Shape, dt.date, dt.date]]:
    """Every preset ending in ``year``, with its dates: the one place the presets' dates are defined.

    Calendar presets run from the 1st of a month to the last day of a month; the Decree 09 ones
    from a 15th to a 14th, and each ends in its reporting year (the annual one starts the year before).
    """
    presets: list[tuple[_Shape, dt.date, dt.date]] = [
        (_Shape(PeriodKind.CALENDAR_YEAR, year), dt.date(year, 1, 1), dt.date(year, 12, 31))
    ]
    for half in (1, 2):
        first = 6 * half - 5
        presets.append((_Shape(PeriodKind.HALF_YEAR, year, half), dt.date(year, first, 1), _last_day(year, first + 5)))
    for quarter in (1, 2, 3, 4):
        first = 3 * quarter - 2
        presets.append((_Shape(PeriodKind.QUARTER, year, quarter), dt.date(year, first, 1), _last_day(year, first + 2)))
    for month in range(1, 13):
        presets.append((_Shape(PeriodKind.MONTH, year, month), dt.date(year, month, 1), _last_day(year, month)))
    if year == dt.MINYEAR:
        return presets  # the Decree 09 periods of year 1 would start in year 0
    for month in range(1, 13):
        start = dt.date(*_month_before(year, month), 15)
        presets.append((_Shape(PeriodKind.DECREE09_MONTH, year, month), start, dt.date(year, month, 14)))
    for quarter in (1, 2, 3, 4):
        start = dt.date(*_month_before(year, 3 * quarter - 2), 15)
        presets.append((_Shape(PeriodKind.DECREE09_QUARTER, year, quarter), start, dt.date(year, 3 * quarter, 14)))
    presets.append((_Shape(PeriodKind.DECREE09_HALF_YEAR, year, 1), dt.date(year - 1, 12, 15), dt.date(year, 6, 14)))
    presets.append((_Shape(PeriodKind.DECREE09_HALF_YEAR, year, 2), dt.date(year, 6, 15), dt.date(year, 12, 14)))
    presets.append((_Shape(PeriodKind.DECREE09_YEAR, year), dt.date(year - 1, 12, 15), dt.date(year, 12, 14)))
    return presets


def _shape(start: dt.date, end: dt.date) -> _Shape:
    for shape, first, last in _preset_dates(end.year):
        if (first, last) == (start, end):
            return shape
    if (start.month, start.day) == (1, 1) and start.year == end.year:
        return _Shape(PeriodKind.YEAR_TO_DATE, end.year)
    return _Shape(PeriodKind.CUSTOM, end.year)


def _dmy(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _labels(shape: _Shape, start: dt.date, end: dt.date) -> tuple[str, str]:
    """(Vietnamese, English). Decree 09 labels name their data dates: "Năm 2024" alone would read
    as 1/1–31/12 to anyone comparing it with the calendar report."""
    year, number = shape.year, shape.number
    data_vi = f"(số liệu từ {_dmy(start)} đến {_dmy(end)})"
    data_en = f"(data from {_dmy(start)} to {_dmy(end)}, Decree 09/2019 cut-off)"
    half_vi = {1: "6 tháng đầu năm", 2: "6 tháng cuối năm"}
    half_en = {1: "First half of", 2: "Second half of"}
    match shape.kind:
        case PeriodKind.CALENDAR_YEAR:
            return f"Năm {year}", f"Year {year}"
        case PeriodKind.HALF_YEAR:
            return f"{half_vi[number]} {year}", f"{half_en[number]} {year}"
        case PeriodKind.QUARTER:
            return f"Quý {_ROMAN[number]} năm {year}", f"Q{number} {year}"
        case PeriodKind.MONTH:
            return f"Tháng {number} năm {year}", f"{_MONTHS_EN[number]} {year}"
        case PeriodKind.DECREE09_MONTH:
            return f"Tháng {number} năm {year} {data_vi}", f"{_MONTHS_EN[number]} {year} {data_en}"
        case PeriodKind.DECREE09_QUARTER:
            return f"Quý {_ROMAN[number]} năm {year} {data_vi}", f"Q{number} {year} {data_en}"
        case PeriodKind.DECREE09_HALF_YEAR:
            return f"{half_vi[number]} {year} {data_vi}", f"{half_en[number]} {year} {data_en}"
        case PeriodKind.DECREE09_YEAR:
            return f"Năm {year} {data_vi}", f"Year {year} {data_en}"
    return f"Từ {_dmy(start)} đến {_dmy(end)}", f"From {_dmy(start)} to {_dmy(end)}"


def _code(shape: _Shape, start: dt.date, end: dt.date) -> str:
    """The string ``parse`` reads back to the same period."""
    year, number = shape.year, shape.number
    match shape.kind:
        case PeriodKind.CALENDAR_YEAR:
            return f"{year}"
        case PeriodKind.HALF_YEAR:
            return f"{year}-H{number}"
        case PeriodKind.QUARTER:
            return f"{year}-Q{number}"
        case PeriodKind.MONTH:
            return f"{year}-{number:02d}"
        case PeriodKind.DECREE09_MONTH:
            return f"{year}-decree09-{number:02d}"
        case PeriodKind.DECREE09_QUARTER:
            return f"{year}-decree09-Q{number}"
        case PeriodKind.DECREE09_HALF_YEAR:
            return f"{year}-decree09-H{number}"
        case PeriodKind.DECREE09_YEAR:
            return f"{year}-decree09"
    return f"{start.isoformat()}..{end.isoformat()}"


@dataclass(frozen=True)
class Period:
    """A report period: every day from ``start`` to ``end``, both included.

    ``kind`` and ``label_vi`` follow from the dates and may be left out; if given they must be
    what the dates make, so a stored label can never disagree with its key.
    """

    start: dt.date
    end: dt.date
    kind: PeriodKind = field(default=None)  # type: ignore[assignment]  # filled in from the dates
    label_vi: str = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if not isinstance(self.start, dt.date) or isinstance(self.start, dt.datetime):
            raise TypeError(f"start must be a datetime.date, not {type(self.start).__name__}")
        if not isinstance(self.end, dt.date) or isinstance(self.end, dt.datetime):
            raise TypeError(f"end must be a datetime.date, not {type(self.end).__name__}")
        if self.end < self.start:
            raise PeriodError(
                f"Kỳ báo cáo kết thúc ngày {_dmy(self.end)}, trước ngày bắt đầu {_dmy(self.start)}. "
                "Hãy ghi ngày bắt đầu trước, ngày kết thúc sau.",
                f"The report period ends on {self.end.isoformat()}, before it starts on {self.start.isoformat()}. "
                "Give the start date first and the end date second.",
            )
        shape = _shape(self.start, self.end)
        label_vi, _ = _labels(shape, self.start, self.end)
        if self.kind is not None and PeriodKind(self.kind) != shape.kind:
            raise ValueError(f"dates {self.key} make a {shape.kind.value} period, not {self.kind}")
        if self.label_vi is not None and self.label_vi != label_vi:
            raise ValueError(f"dates {self.key} are labelled {label_vi!r}, not {self.label_vi!r}")
        object.__setattr__(self, "kind", shape.kind)
        object.__setattr__(self, "label_vi", label_vi)

    @property
    def key(self) -> tuple[str, str]:
        """What report tables and exports are keyed by (with the reporting unit)."""
        return (self.start.isoformat(), self.end.isoformat())

    @property
    def slug(self) -> str:
        """For file and folder names: ``2024-01-01_2024-12-31``."""
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    @property
    def label_en(self) -> str:
        return _labels(_shape(self.start, self.end), self.start, self.end)[1]

    @property
    def code(self) -> str:
        """The short form ``parse`` accepts for this very period (``2024-Q3``, ``2024-decree09``...)."""
        return _code(_shape(self.start, self.end), self.start, self.end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        """Whether an event of that day counts: on or after the start and not after the cut-off."""
        if isinstance(day, dt.datetime):
            day = day.date()
        if not isinstance(day, dt.date):
            return False
        return self.start <= day <= self.end


def _preset(kind: PeriodKind, year: int, number: int | None = None) -> Period:
    for shape, start, end in _preset_dates(year):
        if shape == _Shape(kind, year, number):
            return Period(start, end)
    raise AssertionError((kind, year, number))  # pragma: no cover - callers check the number


def _check_year(year: int) -> int:
    if not isinstance(year, int) or isinstance(year, bool) or not dt.MINYEAR < year <= dt.MAXYEAR:
        raise PeriodError(
            f"năm phải từ {dt.MINYEAR + 1} đến {dt.MAXYEAR} (đã ghi: {year!r}).",
            f"the year must be {dt.MINYEAR + 1} to {dt.MAXYEAR} (given: {year!r}).",
        )
    return year


def _check_number(value: int, highest: int, what_vi: str, what_en: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= highest:
        raise PeriodError(
            f"{what_vi} phải từ 1 đến {highest} (đã ghi: {value!r}).",
            f"the {what_en} must be 1 to {highest} (given: {value!r}).",
        )
    return value


def _check_half(value: int) -> int:
    if value not in (1, 2) or isinstance(value, bool):
        raise PeriodError(
            f"nửa năm phải là 1 (6 tháng đầu năm) hoặc 2 (6 tháng cuối năm) (đã ghi: {value!r}).",
            f"the half must be 1 (first half) or 2 (second half) (given: {value!r}).",
        )
    return value


def calendar_year(year: int) -> Period:
    """1 January to 31 December."""
    return _preset(PeriodKind.CALENDAR_YEAR, _check_year(year))


def year_to_date(today: dt.date) -> Period:
    """1 January of ``today``'s year to ``today``; on 1 January that is the one day.

    On a day that ends a preset (31 March, 30 June, 31 December...) the dates are that preset's,
    and so are its kind and label: the same dates are the same report.
    """
    if isinstance(today, dt.datetime):
        today = today.date()
    return Period(dt.date(today.year, 1, 1), today)


def half_year(year: int, half: int) -> Period:
    """H1: 1 January to 30 June; H2: 1 July to 31 December."""
    return _preset(PeriodKind.HALF_YEAR, _check_year(year), _check_half(half))


def quarter(year: int, quarter: int) -> Period:
    """Q1..Q4 of the calendar: 1/1–31/3, 1/4–30/6, 1/7–30/9, 1/10–31/12."""
    return _preset(PeriodKind.QUARTER, _check_year(year), _check_number(quarter, 4, "quý", "quarter"))


def month(year: int, month: int) -> Period:
    """The 1st to the last day of the month (29 February in a leap year)."""
    return _preset(PeriodKind.MONTH, _check_year(year), _check_number(month, 12, "tháng", "month"))


def decree09_month(year: int, month: int) -> Period:
    """Decree 09/2019 art. 12: the 15th of the month before to the 14th of ``month``."""
    return _preset(PeriodKind.DECREE09_MONTH, _check_year(year), _check_number(month, 12, "tháng", "month"))


def decree09_quarter(year: int, quarter: int) -> Period:
    """Decree 09/2019 art. 12: the 15th of the month before the quarter to the 14th of its last month
    (Q1 2024 is 15/12/2023–14/03/2024)."""
    return _preset(PeriodKind.DECREE09_QUARTER, _check_year(year), _check_number(quarter, 4, "quý", "quarter"))


def decree09_half_year(year: int, half: int = 1) -> Period:
    """Decree 09/2019 art. 12: the six-month report, 15/12 of the previous year to 14/6; the second
    half (``half=2``) 15/6 to 14/12."""
    return _preset(PeriodKind.DECREE09_HALF_YEAR, _check_year(year), _check_half(half))


def decree09_year(year: int) -> Period:
    """Decree 09/2019 art. 12: the annual report, 15/12 of the previous year to 14/12."""
    return _preset(PeriodKind.DECREE09_YEAR, _check_year(year))


def presets_of_year(year: int) -> list[Period]:
    """Every preset ending in ``year`` (38): what a dim_report_period seed would list per year."""
    _check_year(year)
    return [Period(start, end) for _, start, end in _preset_dates(year)]


_YEAR = r"(?P<year>\d{4})"
_FORMS = [
    (re.compile(rf"{_YEAR}"), lambda y, n: calendar_year(y)),
    (re.compile(rf"{_YEAR}-h(?P<n>\d+)"), lambda y, n: half_year(y, n)),
    (re.compile(rf"{_YEAR}-q(?P<n>\d+)"), lambda y, n: quarter(y, n)),
    (re.compile(rf"{_YEAR}-(?P<n>\d{{2}})"), lambda y, n: month(y, n)),
    (re.compile(rf"{_YEAR}-decree09"), lambda y, n: decree09_year(y)),
    (re.compile(rf"{_YEAR}-decree09-h(?P<n>\d+)"), lambda y, n: decree09_half_year(y, n)),
    (re.compile(rf"{_YEAR}-decree09-q(?P<n>\d+)"), lambda y, n: decree09_quarter(y, n)),
    (re.compile(rf"{_YEAR}-decree09-(?P<n>\d{{2}})"), lambda y, n: decree09_month(y, n)),
]
_RANGE = re.compile(r"(?P<start>\d{4}-\d{2}-\d{2})\s*\.\.\s*(?P<end>\d{4}-\d{2}-\d{2})")


def _not_accepted(text: str, why_vi: str, why_en: str) -> PeriodError:
    return PeriodError(
        f"Kỳ báo cáo «{text}» không hợp lệ: {why_vi} Hãy ghi kỳ báo cáo theo một trong các dạng: {ACCEPTED_FORMS}.",
        f'The report period "{text}" is not valid: {why_en} Write it in one of these forms: {ACCEPTED_FORMS}.',
    )


def parse(text: str, today: dt.date) -> Period:
    """A period from a CLI argument or DAG param: the forms in ``ACCEPTED_FORMS`` (case and
    surrounding spaces do not matter); ``ytd`` is 1 January of ``today``'s year to ``today``."""
    if not isinstance(text, str) or not text.strip():
        raise _not_accepted(str(text or ""), "chưa ghi kỳ báo cáo.", "no period was given.")
    cleaned = text.strip().lower()
    if cleaned == "ytd":
        return year_to_date(today)
    if match := _RANGE.fullmatch(cleaned):
        try:
            start = dt.date.fromisoformat(match["start"])
            end = dt.date.fromisoformat(match["end"])
        except ValueError:
            raise _not_accepted(text.strip(), "có ngày không có trên lịch.", "one of its dates is not a calendar date.") from None
        if end < start:
            raise _not_accepted(
                text.strip(),
                f"ngày kết thúc {_dmy(end)} trước ngày bắt đầu {_dmy(start)}.",
                f"it ends on {end.isoformat()}, before it starts on {start.isoformat()}.",
            )
        return Period(start, end)
    for pattern, make in _FORMS:
        if match := pattern.fullmatch(cleaned):
            number = match.groupdict().get("n")
            try:
                return make(int(match["year"]), int(number) if number is not None else None)
            except PeriodError as error:
                raise _not_accepted(text.strip(), error.vi, error.en) from None
    raise _not_accepted(text.strip(), "không đúng dạng nào.", "it matches none of the forms.")


def _months_touched(period: Period) -> list[tuple[int, int]]:
    year, month_ = period.start.year, period.start.month
    months = []
    while (year, month_) <= (period.end.year, period.end.month):
        months.append((year, month_))
        year, month_ = (year + 1, 1) if month_ == 12 else (year, month_ + 1)
    return months


def whole_months(period: Period) -> list[tuple[int, int]]:
    """(year, month) of every month from its 1st to its last day inside the period, in order: the
    only months a monthly aggregate may count (15/12/2023–14/12/2024 holds January..November 2024)."""
    return [(y, m) for y, m in _months_touched(period) if period.start <= dt.date(y, m, 1) and _last_day(y, m) <= period.end]


def months_partially_covered(period: Period) -> list[tuple[int, int]]:
    """(year, month) of the months the period touches but does not hold whole: a monthly figure of
    one of them would count days outside the period, so it must not be used."""
    whole = set(whole_months(period))
    return [ym for ym in _months_touched(period) if ym not in whole]


def data_runs_to(period: Period, latest_event_date: dt.date | None) -> dt.date | None:
    """The date a figure's data run to, for the figure to record: the period's cut-off, or the
    latest date the data reach if that is earlier. ``None`` when there are no data for the period
    (none at all, or only from before it starts)."""
    if latest_event_date is None:
        return None
    if isinstance(latest_event_date, dt.datetime):
        latest_event_date = latest_event_date.date()
    if latest_event_date < period.start:
        return None
    return min(period.end, latest_event_date)


def as_row(period: Period) -> dict[str, object]:
    """The period as a row for SQL (DuckDB takes ``datetime.date`` as DATE; None is NULL).

    ``whole_month_start`` / ``whole_month_end`` bound the whole months inside the period (the 1st
    of the first, the last day of the last), for monthly aggregates to filter on; both None when
    the period holds no whole month (a Decree 09 month, a year to date on 20 January).
    """
    months = whole_months(period)
    return {
        "period_start": period.start,
        "period_end": period.end,
        "period_code": period.code,
        "kind": period.kind.value,
        "label_vi": period.label_vi,
        "label_en": period.label_en,
        "whole_month_start": dt.date(*months[0], 1) if months else None,
        "whole_month_end": _last_day(*months[-1]) if months else None,
    }
