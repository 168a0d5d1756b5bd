"""Report periods: a start date and a cut-off date, not just a year.

The 2023 report counts "từ đầu năm" (1 January to the report's cut-off); the inspectorate's
year runs 15/12 to 14/12. The nightly default is the current year to date in Vietnam's time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ReportPeriod:
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"report period ends ({self.end}) before it starts ({self.start})")

    @property
    def label(self) -> str:
        """``2023`` for a period from 1 January within one year (year to date or whole year)."""
        if (self.start.month, self.start.day) == (1, 1) and self.end.year == self.start.year:
            return str(self.start.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @classmethod
    def resolve(cls, start: str | None, end: str | None, today: dt.date) -> ReportPeriod:
        """From the DAG's params: empty start = 1 January of the cut-off's year, empty end = today."""
        cut_off = dt.date.fromisoformat(end) if end else today
        first = dt.date.fromisoformat(start) if start else dt.date(cut_off.year, 1, 1)
        return cls(first, cut_off)
