"""Errors found in a workbook, said so that a ward clerk can find and fix the cell.

Every error names the file, sheet, row and column and says what was expected, in Vietnamese
first and English second. Messages about personal columns never repeat the value.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the letters a clerk sees above the sheet."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def printable(name: str) -> str:
    """A file name safe to print in a report or a log: bytes that are not UTF-8 shown as \\xNN,
    control characters (a newline in a name) as "?", and at most 300 characters."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    text = _UNPRINTABLE.sub("?", text)
    return text if len(text) <= 300 else text[:150] + "…" + text[-149:]


@dataclass(frozen=True)
class IngestError:
    file: str
    sheet: str | None
    row: int | None  # 1-based, as Excel shows it
    column: str | None  # e.g. "C «Ngày tiếp»"
    vi: str
    en: str
    # A short code of the rule broken ("not_a_number", "unit_mismatch"...): what the warehouse keeps.
    rule: str = "invalid"

    def where_vi(self) -> str:
        parts = [f"Tệp «{self.file}»"]
        if self.sheet:
            parts.append(f"trang tính «{self.sheet}»")
        if self.row:
            parts.append(f"dòng {self.row}")
        if self.column:
            parts.append(f"cột {self.column}")
        return ", ".join(parts)

    def where_en(self) -> str:
        parts = [f"File '{self.file}'"]
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def render(self) -> str:
        return f"- {self.where_vi()}: {self.vi}\n  {self.where_en()}: {self.en}"

    def to_dict(self) -> dict:
        return asdict(self)

    def location(self) -> dict:
        """Where the error is, without its message: a message may repeat what a clerk typed (a name
        typed in the wrong column), so only this goes into the warehouse; the full report stays in
        the landing area's quarantine."""
        return {"file": self.file, "sheet": self.sheet, "row": self.row, "column": self.column, "rule": self.rule}


def whole_file(file: str, rule: str, vi: str, en: str) -> WorkbookRejected:
    """A rejection of the file as a whole (it cannot be opened, it is too large, ...)."""
    return WorkbookRejected([IngestError(file, None, None, None, vi, en, rule)])


class WorkbookRejected(Exception):
    """The workbook cannot be loaded as it is; it carries every error found, not just the first."""

    def __init__(self, errors: list[IngestError], unit_id: str | None = None, year: int | None = None):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors
        # The unit and year the title block named, when they were read: the completeness report
        # then shows this unit's register as "rejected" rather than "not sent".
        self.unit_id = unit_id
        self.year = year
