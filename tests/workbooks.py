"""Builders of workbooks for tests: real xlsx files in the register's layout, good or broken."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ingestion.parser import identify_source, parse_workbook
from ingestion.registry import Source, load_sources
from ingestion.templates import write_register
from ingestion.units import UnitDirectory

# the registers' columns that hold who a person is: their values must never leave the landing folder
IDENTIFYING = {"citizen_name", "address", "id_number", "sender_name", "sender_address", "sender_id_number",
               "person_names", "person_name"}  # fmt: skip


def reception_source() -> Source:
    return next(s for s in load_sources() if s.id == "citizen_reception")


def visit(
    day: dt.date | str,
    case_ref: str,
    people: object = 1,
    kind: str = "Tiếp thường xuyên",
    occurrence: str = "Lần đầu",
    name: str = "Nguyễn Văn Thử",
    id_number: str | None = "012345678901",
) -> dict:
    return {
        "seq_no": 1,
        "received_on": day,
        "citizen_name": name,
        "address": "Tổ 9, phường Thử Nghiệm",
        "id_number": id_number,
        "case_summary": "Nội dung thử nghiệm",
        "petition_type": "Kiến nghị, phản ánh",
        "people_count": people,
        "reception_kind": kind,
        "case_ref": case_ref,
        "case_occurrence": occurrence,
    }


def write_reception(path: Path, unit: str, rows: list[dict], year: int = 2023, **kwargs) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_register(path, reception_source(), unit, year, rows, **kwargs)
    return path


def write_corrupt(path: Path) -> Path:
    """Bytes that are not a workbook, named like one (a truncated upload)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK\x03\x04 this upload was cut off half way")
    return path


def sample_rows(source_id: str, slug: str) -> tuple[str, list[dict]]:
    """The bundled sample's rows of one unit's register (the clerk's written unit name, rows), to
    write a re-sent version of it with a change."""
    import copy

    from sample_data.generate import all_workbooks

    spec = next(s for s in all_workbooks() if s.source_id == source_id and s.slug == slug)
    return spec.written_unit, copy.deepcopy(spec.rows)


def write_source(path: Path, source_id: str, unit: str, rows: list[dict], year: int = 2023, period: str | None = None) -> Path:
    """Any source's register, written with the project's template writer; ``period`` ("Tháng 2
    năm 2023") makes it cover that period instead of the year."""
    path.parent.mkdir(parents=True, exist_ok=True)
    source = next(s for s in load_sources() if s.id == source_id)
    write_register(path, source, unit, year, rows, period=period)
    return path


def personal_values(landing: Path) -> set[str]:
    """Names, addresses and ID numbers in the personal columns of the workbooks under ``landing``."""
    units, sources = UnitDirectory.from_seed(), load_sources()
    found: set[str] = set()
    for path in landing.rglob("*.xlsx"):
        source = identify_source(path, sources)
        personal = {c.name for c in source.columns if c.personal and c.name in IDENTIFYING}
        for row in parse_workbook(path, source, units).rows:
            found |= {str(row[c]) for c in personal if row.get(c)}
    return found


def any_of(values: set[str] | tuple[str, ...]) -> re.Pattern:
    """One regular expression matching any of ``values`` (the longest at a position), built as a
    trie: an alternation of hundreds of literals makes ``re`` try every one at every character
    (10 s to scan one scenario's files for the sample's 658 personal values), where the trie tries
    only the values sharing the text's next characters."""
    trie: dict = {}
    for value in {v for v in values if v}:
        node = trie
        for char in value:
            node = node.setdefault(char, {})
        node[""] = {}  # a value ends here

    def pattern(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return re.compile(pattern(trie) or "(?!)")  # no value: a pattern that matches nothing
