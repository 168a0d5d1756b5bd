"""Errors found in a workbook, said so that a ward clerk can find and fix the cell.

Every error names the file, sheet, row and column and says what was expected, in Vietnamese
first and English second. Messages about personal columns never repeat the value.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the letters a clerk sees above the sheet."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass(frozen=True)
class IngestError:
    file: str
    sheet: str | None
    row: int | None  # 1-based, as Excel shows it
    column: str | None  # e.g. "C «Ngày tiếp»"
    vi: str
    en: str

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
        return {"file": self.file, "sheet": self.sheet, "row": self.row, "column": self.column}


class WorkbookRejected(Exception):
    """The workbook cannot be loaded as it is; it carries every error found, not just the first."""

    def __init__(self, errors: list[IngestError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors
