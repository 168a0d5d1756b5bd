"""Completeness of a report request's submissions, as dbt computed it (model rpt_completeness,
table ``report.completeness``): for every register or form a member unit owes for the period,
whether it was sent, late, refused or not sent, and each source's reporting rate. A missing ward is
flagged, not counted as zero. Python only reads the table for the run summary and the log."""

from __future__ import annotations

import datetime as dt
import logging

import duckdb

log = logging.getLogger(__name__)


def read_completeness(con: duckdb.DuckDBPyConnection, reporting_unit_code: str, start: dt.date, end: dt.date) -> dict[str, dict]:
    """source_id → {expected, submitted, late, missing, rejected, rate_pct} for one report request,
    with the names of the units that have not sent it (``missing``, in the report's order; units
    owing it for two years are named once per year) and of those whose workbooks were all refused
    (``rejected``, a subset of ``missing``). Logs a warning per source not everyone sent."""
    key = [reporting_unit_code, start, end]
    totals = con.execute(
        "select source_id, owed, sent, late, rate_pct from report.completeness "
        "where reporting_unit_code = ? and period_start = ? and period_end = ? and is_total and source_id is not null "
        "order by source_id",
        key,
    ).fetchall()
    rates: dict[str, dict] = {
        source_id: {"expected": owed, "submitted": sent, "late": late, "missing": [], "rejected": [], "rate_pct": rate}
        for source_id, owed, sent, late, rate in totals
    }
    gaps = con.execute(
        "select c.source_id, c.unit_name, c.status from report.completeness as c "
        "left join marts.dim_admin_unit as u on u.unit_id = c.unit_id "
        "where c.reporting_unit_code = ? and c.period_start = ? and c.period_end = ? and not c.is_total "
        "and c.status in ('not_sent', 'rejected') order by c.source_id, u.report_order, c.unit_id, c.report_year",
        key,
    ).fetchall()
    for source_id, unit_name, status in gaps:
        rates[source_id]["missing"].append(unit_name)
        if status == "rejected":
            rates[source_id]["rejected"].append(unit_name)
    for source_id, rate in rates.items():
        if rate["missing"]:
            log.warning("%s: %d of %d units sent it; missing: %s (of which refused: %s)", source_id, rate["submitted"],
                        rate["expected"], ", ".join(rate["missing"]), ", ".join(rate["rejected"]) or "none")  # fmt: skip
    return rates
