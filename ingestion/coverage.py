"""The period a workbook covers, read from its title block.

A register sent once a year covers its year; one sent month by month covers a month, and a
later workbook of the same unit and source replaces only what lies in its own period (the
warehouse's rule: dbt macro ``rows_in_force``). So the period is read here, where the title
block is: "Tháng 3 năm 2025", "Quý II năm 2025", "6 tháng đầu năm 2025", "9 tháng đầu năm
2025", "Từ tháng 1 đến tháng 5 năm 2025" or "Từ ngày 15/12/2024 đến ngày 14/12/2025", in any cell above the header (a line of its
own, the form's title or the "Năm: ..." line). Without such a phrase the workbook covers the
year of its "Năm" line, as before.

A signing date above the table ("Lai Châu, ngày 05 tháng 01 năm 2024") is not a period: a
month phrase right after a day number is passed over.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from ingestion.normalize import Invalid, clean_text, fold

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_YEAR_SEPARATOR = r"(?: nam |\s*[/.-]\s*)"
_DAY = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})"
_MONTH = re.compile(rf"(?<!\d )(?<![\d/])\bthang (\d{{1,2}}){_YEAR_SEPARATOR}(\d{{4}})\b")
_QUARTER = re.compile(rf"\bquy (iv|iii|ii|i|[1-4]){_YEAR_SEPARATOR}(\d{{4}})\b")
_HALF = re.compile(r"\b(?:6|sau) thang (dau|cuoi) nam (\d{4})\b")
_NINE_MONTHS = re.compile(r"\b(?:9|chin) thang (?:dau )?nam (\d{4})\b")
_MONTHS = re.compile(rf"\btu thang (\d{{1,2}}) den (?:het )?thang (\d{{1,2}}){_YEAR_SEPARATOR}(\d{{4}})\b")
_RANGE = re.compile(rf"\btu (?:ngay )?{_DAY} den (?:het )?(?:ngay )?{_DAY}\b")
_EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"]  # fmt: skip


@dataclass(frozen=True)
class Coverage:
    """The days a workbook covers (both ends included) and how the clerk wrote them."""

    start: dt.date
    end: dt.date
    kind: str  # year | month | months | quarter | half_year | nine_months | range
    label_vi: str
    label_en: str

    @classmethod
    def year(cls, year: int) -> Coverage:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", f"năm {year}", f"the year {year}")

    @property
    def span_vi(self) -> str:
        return f"{self.label_vi}: {self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"

    @property
    def span_en(self) -> str:
        return f"{self.label_en}: {self.start:%d/%m/%Y} to {self.end:%d/%m/%Y}"

    def date_outside(self, day: dt.date) -> Invalid:
        """A row's date outside the period: a typo, or a line that belongs in another period's workbook."""
        return Invalid(
            f"ngày {day:%d/%m/%Y} nằm ngoài kỳ báo cáo của tệp ({self.span_vi}); hãy sửa ngày, "
            "hoặc ghi dòng này vào sổ của kỳ có ngày đó",
            f"date {day:%d/%m/%Y} is outside the workbook's reporting period ({self.span_en}); correct the "
            "date, or enter this line in the workbook of the period it belongs to",
            "date_outside_coverage",
        )

    def month_outside(self, year: int, month: int) -> Invalid | None:
        """A month line (1–12 of ``year``) that shares no day with the period, or None when it does."""
        if not 1 <= month <= 12:
            return None  # the column's own bounds say so
        first = dt.date(year, month, 1)
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        if first <= self.end and self.start <= last:
            return None
        return Invalid(
            f"tháng {month}/{year} nằm ngoài kỳ báo cáo của tệp ({self.span_vi}); hãy sửa tháng, "
            "hoặc ghi dòng này vào biểu của kỳ có tháng đó",
            f"month {month}/{year} is outside the workbook's reporting period ({self.span_en}); correct the "
            "month, or enter this line in the workbook of the period it belongs to",
            "date_outside_coverage",
        )


def _month(month: int, year: int) -> Coverage:
    last = calendar.monthrange(year, month)[1]
    return Coverage(
        dt.date(year, month, 1), dt.date(year, month, last), "month", f"tháng {month}/{year}", f"{_EN_MONTHS[month - 1]} {year}"
    )


def _quarter(quarter: int, year: int) -> Coverage:
    roman = ("I", "II", "III", "IV")[quarter - 1]
    first = 3 * quarter - 2
    end = _month(first + 2, year).end
    return Coverage(dt.date(year, first, 1), end, "quarter", f"quý {roman}/{year}", f"Q{quarter} {year}")


def _day(day: str, month: str, year: str, written: str) -> dt.date:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise Invalid(
            f"kỳ báo cáo «{written}» có ngày không hợp lệ ({day}/{month}/{year})",
            f"the reporting period '{written}' holds an invalid date ({day}/{month}/{year})",
            "invalid_coverage",
        ) from None


def coverage_in(text: object) -> Coverage | None:
    """The period a title-block cell names, None if it names none; Invalid if it names an
    impossible one (month 13, 31/02, an end before the start, a year outside 2000–2100)."""
    written = clean_text(text)
    if written is None:
        return None
    try:
        found = _period(written, fold(written))
    except Invalid:
        raise
    except ValueError:  # year 0000 and the like
        found = Coverage(dt.date.min, dt.date.min, "invalid", "", "")
    if found is not None and not (found.start.year >= 2000 and found.end.year <= 2100):
        raise Invalid(
            f"kỳ báo cáo «{written}» có năm không hợp lệ; ghi năm 4 chữ số, từ 2000 đến 2100, như 2025",
            f"the reporting period '{written}' has an invalid year; write a 4-digit year from 2000 to 2100, such as 2025",
            "invalid_coverage",
        )
    return found


def _period(written: str, folded: str) -> Coverage | None:
    found: Coverage | None = None
    if match := _RANGE.search(folded):
        start = _day(*match.group(1, 2, 3), written)
        end = _day(*match.group(4, 5, 6), written)
        if end < start:
            raise Invalid(
                f"kỳ báo cáo «{written}» kết thúc trước khi bắt đầu; hãy ghi «Từ ngày dd/mm/yyyy đến ngày dd/mm/yyyy»",
                f"the reporting period '{written}' ends before it starts; write 'Từ ngày dd/mm/yyyy đến ngày dd/mm/yyyy'",
                "invalid_coverage",
            )
        found = Coverage(
            start,
            end,
            "range",
            f"từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}",
            f"{start:%d/%m/%Y} to {end:%d/%m/%Y}",
        )
    elif match := _MONTHS.search(folded):
        first, last, year = (int(g) for g in match.group(1, 2, 3))
        if not 1 <= first <= last <= 12:
            raise Invalid(
                f"kỳ báo cáo «{written}» ghi tháng {first} đến tháng {last}; tháng phải từ 1 đến 12, tháng đầu trước tháng cuối",
                f"the reporting period '{written}' runs from month {first} to {last}; months run from 1 to 12, first to last",
                "invalid_coverage",
            )
        start, end = _month(first, year).start, _month(last, year).end
        label_en = f"{_EN_MONTHS[first - 1]} to {_EN_MONTHS[last - 1]} {year}"
        found = Coverage(start, end, "months", f"tháng {first}–{last}/{year}", label_en)
    elif match := _HALF.search(folded):
        year = int(match.group(2))
        first = match.group(1) == "dau"
        found = Coverage(
            dt.date(year, 1 if first else 7, 1),
            dt.date(year, 6, 30) if first else dt.date(year, 12, 31),
            "half_year",
            f"6 tháng {'đầu' if first else 'cuối'} năm {year}",
            f"{'first' if first else 'second'} half of {year}",
        )
    elif match := _NINE_MONTHS.search(folded):
        year = int(match.group(1))
        found = Coverage(
            dt.date(year, 1, 1), dt.date(year, 9, 30), "nine_months", f"9 tháng năm {year}", f"the first nine months of {year}"
        )
    elif match := _QUARTER.search(folded):
        number = match.group(1)
        found = _quarter(_ROMAN.get(number) or int(number), int(match.group(2)))
    elif match := _MONTH.search(folded):
        month, year = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise Invalid(
                f"kỳ báo cáo «{written}» ghi tháng {month}; tháng phải từ 1 đến 12",
                f"the reporting period '{written}' names month {month}; months run from 1 to 12",
                "invalid_coverage",
            )
        found = _month(month, year)
    return found


def title_coverage(rows: list[list]) -> tuple[Coverage | None, list[Invalid]]:
    """The one period the title block names (None: it names none, the year applies), and the
    problems found: an impossible period, or two different ones."""
    found: dict[Coverage, None] = {}
    problems: list[Invalid] = []
    for row in rows:
        for cell in row:
            if not isinstance(cell, str):
                continue
            try:
                coverage = coverage_in(cell)
            except Invalid as problem:
                problems.append(problem)
                continue
            if coverage is not None:
                found[coverage] = None
    periods = list(found)
    if len({(c.start, c.end) for c in periods}) > 1:
        listed_vi = "; ".join(c.span_vi for c in periods)
        listed_en = "; ".join(c.span_en for c in periods)
        problems.append(
            Invalid(
                f"phía trên bảng ghi nhiều kỳ báo cáo khác nhau ({listed_vi}); một tệp chỉ của một kỳ: "
                "hãy để lại một kỳ đúng rồi gửi lại",
                f"the lines above the table name different reporting periods ({listed_en}); a workbook covers one "
                "period: keep the right one and send it again",
                "conflicting_coverage",
            )
        )
    return (periods[0] if periods and not problems else None), problems


def names_a_period(text: str) -> bool:
    """The "Năm" line holds a period phrase ("Năm: 6 tháng đầu năm 2025") rather than a year."""
    try:
        return coverage_in(text) is not None
    except Invalid:
        return True
