"""Rejecting a submission that fails validation, and telling its clerk.

The load is marked rejected in the build (``raw._loads``: status, rejected_at, rejection_json
with check names and locations only), so the unit's previous accepted workbook counts again
after dbt rebuilds. The clerk gets the same kind of report as a file the loader quarantined: a
copy of the workbook in ``<data>/landing/_quarantine/`` beside ``.errors.txt`` (Vietnamese, then
English) and ``.errors.json``, naming the file, the check, the sheet and the rows. No cell value
is ever repeated: a register holds personal data.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import duckdb

from ingestion.errors import IngestError, WorkbookRejected
from ingestion.loader import sha256_of, write_quarantine
from ingestion.registry import Source, load_sources
from pipeline.attribution import Finding
from pipeline.submissions import Submission, reject_loads, submissions

log = logging.getLogger(__name__)
MAX_ROWS_LISTED = 50  # per check; the report says how many more


def _header(column: str, source: Source | None) -> tuple[str, str]:
    """A mart column as the clerk knows it: the register's header, else the column's name."""
    match = next((c for c in source.columns if c.name == column), None) if source else None
    return (f"«{match.header}»", f"'{match.header}' ({column})") if match else (f"«{column}»", f"'{column}'")


def describe(finding: Finding, source: Source | None) -> tuple[str, str]:
    """The check in Vietnamese and English, from its rule: never from the values it saw."""
    if finding.check_name:
        vi = finding.check_vi or finding.check_name
        return (
            f"không thỏa đẳng thức/quy tắc kiểm tra «{vi}» ({finding.suite})",
            f"breaks the check '{finding.check_name}' ({finding.suite})",
        )
    if finding.check_vi:  # a consistency check with only a Vietnamese name
        return f"không thỏa quy tắc «{finding.check_vi}» ({finding.suite})", f"breaks the check {finding.suite}"
    kwargs = finding.kwargs
    column_vi, column_en = _header(str(kwargs.get("column", "")), source)
    kind = finding.expectation
    if kind == "expect_column_values_to_be_unique":
        return f"giá trị ở cột {column_vi} bị trùng", f"duplicated value in column {column_en}"
    if kind == "expect_compound_columns_to_be_unique":
        names = [_header(c, source) for c in kwargs.get("column_list", [])]
        return (
            "dòng bị trùng (cùng " + ", ".join(vi for vi, _ in names) + "), có thể một dòng được nhập hai lần",
            "duplicated line (same " + ", ".join(en for _, en in names) + "), perhaps entered twice",
        )
    if kind == "expect_column_values_to_not_be_null":
        return f"cột {column_vi} bị bỏ trống", f"column {column_en} is empty"
    if kind == "expect_column_values_to_be_in_set":
        return (
            f"giá trị ở cột {column_vi} không có trong danh mục",
            f"value in column {column_en} is not one of the allowed values",
        )
    if kind == "expect_column_values_to_be_between":
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        bounds_vi = " và ".join([f"ít nhất {low}"] * (low is not None) + [f"nhiều nhất {high}"] * (high is not None))
        bounds_en = " and ".join([f"at least {low}"] * (low is not None) + [f"at most {high}"] * (high is not None))
        return f"giá trị ở cột {column_vi} phải {bounds_vi}", f"value in column {column_en} must be {bounds_en}"
    if kind in ("expect_column_values_to_match_regex", "expect_column_value_lengths_to_equal"):
        return f"giá trị ở cột {column_vi} sai định dạng", f"value in column {column_en} has the wrong format"
    if kind == "expect_column_pair_values_a_to_be_greater_than_b":
        a_vi, a_en = _header(kwargs["column_A"], source)
        b_vi, b_en = _header(kwargs["column_B"], source)
        return f"cột {a_vi} phải không nhỏ hơn cột {b_vi}", f"column {a_en} must not be less than column {b_en}"
    if kind == "expect_column_pair_values_to_be_equal":
        a_vi, a_en = _header(kwargs["column_A"], source)
        b_vi, b_en = _header(kwargs["column_B"], source)
        return f"cột {a_vi} phải bằng cột {b_vi}", f"column {a_en} must equal column {b_en}"
    return f"không qua kiểm tra {kind} ({finding.suite})", f"fails the check {kind} ({finding.suite})"


def _errors(submission: Submission, findings: list[Finding], source: Source | None) -> list[IngestError]:
    errors = []
    for finding in findings:
        vi, en = describe(finding, source)
        rows = finding.source_rows
        if not rows:
            errors.append(IngestError(submission.file_path, submission.sheet, None, None, vi, en))
            continue
        errors += [IngestError(submission.file_path, submission.sheet, row, None, vi, en) for row in rows[:MAX_ROWS_LISTED]]
        if len(rows) > MAX_ROWS_LISTED:
            more = len(rows) - MAX_ROWS_LISTED
            vi, en = f"và {more} dòng khác cùng lỗi này", f"and {more} more row(s) with this error"
            errors.append(IngestError(submission.file_path, submission.sheet, None, None, vi, en))
    return errors


def rejection_items(submission: Submission, findings: list[Finding]) -> list[dict]:
    """raw._loads.rejection_json: for every failing row, the check and where it is, nothing else."""
    items = []
    for finding in findings:
        check = f"{finding.suite}: {finding.check_name}" if finding.check_name else finding.suite
        kwargs = finding.kwargs
        column = (
            kwargs.get("column")
            or ", ".join(kwargs.get("column_list", []))
            or (f"{kwargs['column_A']}, {kwargs['column_B']}" if "column_A" in kwargs else None)
        )
        for row in finding.source_rows or (None,):
            items.append({"check": check, "sheet": submission.sheet, "row": row, "column": column, "rule": finding.expectation})
    return items


REJECTED_BY_CHECKS = (
    "Tệp bị từ chối khi kiểm tra số liệu / File rejected by the data checks",
    "Tệp đã đọc được nhưng số liệu không qua các kiểm tra dưới đây, nên chưa được dùng trong báo cáo; "
    "đơn vị vẫn dùng bản đã được chấp nhận gửi trước đó (nếu có). Sửa các dòng được nêu rồi gửi lại tệp "
    "vào thư mục tiếp nhận.",
    "The file was read, but its figures fail the checks below, so it is not used in the report; the "
    "unit's previously accepted version (if any) stays in use. Fix the rows named and drop the file "
    "into the landing folder again.",
)


def write_report(submission: Submission, errors: list[IngestError], landing: Path, quarantine: Path, now: dt.datetime) -> Path:
    """The clerk's report beside a copy of the workbook, written as the loader writes it for a file
    it quarantines (bounded, hash-based names); returns the report's path."""
    original = landing / submission.file_path
    try:  # copy only the very version that was rejected: the clerk may have replaced it since
        same = sha256_of(original) == submission.file_sha256
    except (OSError, WorkbookRejected):
        same = False
    _, report = write_quarantine(
        original,
        submission.file_path,
        submission.file_sha256,
        errors,
        quarantine,
        now,
        copy=same,
        wording=REJECTED_BY_CHECKS,
        extra={"stage": "validation"},
    )
    return report


def reject_submissions(build: Path, by_load: dict[str, list[Finding]], landing: Path, quarantine: Path) -> list[dict]:
    """Reject every load named in ``build`` and write its clerk's report; returns what the run's
    summary lists (file, checks, how many rows; no values)."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    sources = {s.id: s for s in load_sources()}
    rejected = []
    with duckdb.connect(str(build)) as con:
        known = submissions(con, list(by_load))
        items = {}
        for load_id, findings in by_load.items():
            submission = known[load_id]
            items[load_id] = rejection_items(submission, findings)
            errors = _errors(submission, findings, sources.get(submission.source_id))
            target = write_report(submission, errors, landing, quarantine, now)
            target = target.relative_to(landing) if target.is_relative_to(landing) else target
            checks = sorted({f"{f.suite}: {f.check_name}" if f.check_name else f"{f.suite}: {f.expectation}" for f in findings})
            rows = len({row for f in findings for row in f.source_rows})
            rejected.append(
                {
                    "file": submission.file_path,
                    "load_id": load_id,
                    "source": submission.source_id,
                    "unit": submission.unit_id,
                    "year": submission.report_year,
                    "checks": checks,
                    "rows": rows,
                    "report": str(target),
                }
            )
            log.warning("Rejected %s: %s; report %s", submission.file_path, "; ".join(checks), target)
        reject_loads(con, items, now)
        con.execute("CHECKPOINT")
    return rejected
