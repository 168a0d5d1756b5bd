"""Completeness of the period's submissions: for every register or form a unit owes (seed
``reporting_obligations``), whether it was sent, when, and whether late; and each source's
reporting rate, the share of units that sent it. A missing ward is flagged, not counted as zero."""

from __future__ import annotations

import logging

import duckdb

from pipeline.period import ReportPeriod

log = logging.getLogger(__name__)

COMPLETENESS_SQL = """
with

obligations as (

    select * from reference.reporting_obligations

),

units as (

    select * from marts.dim_admin_unit
    where parent_unit_id = $city and valid_from <= $end and coalesce(valid_to, date '9999-12-31') >= $start

),

owed as (

    select distinct
        obligations.source_id,
        units.unit_id,
        units.unit_full_name,
        units.report_order,
        make_date(year($end), obligations.due_month, obligations.due_day) as due_on

    from obligations
    inner join units
        on units.unit_id = obligations.unit_id
        or (obligations.unit_id is null and units.unit_kind = obligations.unit_kind)

)

select
    owed.source_id,
    owed.unit_id,
    owed.unit_full_name as unit_name,
    owed.due_on,
    submissions.submission_id is not null as submitted,
    submissions.first_submitted_at,
    submissions.last_submitted_at,
    submissions.versions,
    coalesce(submissions.is_nil_return, false) as is_nil_return,
    coalesce(submissions.first_submitted_at::date > owed.due_on, false) as is_late,
    case
        when submissions.submission_id is not null and submissions.first_submitted_at::date > owed.due_on then 'late'
        when submissions.submission_id is not null then 'sent'
        when rejections.submission_id is not null then 'rejected'
        else 'not_sent'
    end as status

from owed
left join marts.fct_source_submissions as submissions
    on submissions.unit_id = owed.unit_id
    and submissions.source_id = owed.source_id
    and submissions.report_year = year($end)
left join marts.fct_submission_rejections as rejections
    on rejections.unit_id = owed.unit_id
    and rejections.source_id = owed.source_id
    and rejections.report_year = year($end)
order by owed.source_id, owed.report_order, owed.unit_id
"""


def store_completeness(con: duckdb.DuckDBPyConnection, period: ReportPeriod, city_unit_id: str) -> dict:
    """Write ``report.completeness`` for the period; returns the reporting rate of each source."""
    rows = con.execute(COMPLETENESS_SQL, {"city": city_unit_id, "start": period.start, "end": period.end}).fetchall()
    con.execute("CREATE SCHEMA IF NOT EXISTS report")
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS report.completeness (
            period VARCHAR NOT NULL, period_start DATE NOT NULL, period_end DATE NOT NULL,
            source_id VARCHAR NOT NULL, unit_id VARCHAR NOT NULL, unit_name VARCHAR NOT NULL, due_on DATE NOT NULL,
            submitted BOOLEAN NOT NULL, first_submitted_at TIMESTAMP, last_submitted_at TIMESTAMP, versions BIGINT,
            is_nil_return BOOLEAN NOT NULL, is_late BOOLEAN NOT NULL, status VARCHAR,
            PRIMARY KEY (period, source_id, unit_id)
        )
        """
    )
    # sent / late / rejected (files came but were refused) / not_sent
    con.execute("ALTER TABLE report.completeness ADD COLUMN IF NOT EXISTS status VARCHAR")
    con.execute("DELETE FROM report.completeness WHERE period = ?", [period.label])
    if rows:
        con.executemany(
            "INSERT INTO report.completeness VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[period.label, period.start, period.end, *row] for row in rows],
        )
    rates: dict[str, dict] = {}
    for source_id, _, unit_name, _, submitted, *_, status in rows:
        rate = rates.setdefault(source_id, {"expected": 0, "submitted": 0, "missing": [], "rejected": []})
        rate["expected"] += 1
        rate["submitted"] += int(submitted)
        if not submitted:
            rate["missing"].append(unit_name)
        if status == "rejected":
            rate["rejected"].append(unit_name)
    for source_id, rate in rates.items():
        rate["rate_pct"] = round(100.0 * rate["submitted"] / rate["expected"], 1)
        if rate["missing"]:
            log.warning("%s: %d of %d units sent it; missing: %s (of which refused: %s)", source_id, rate["submitted"],
                        rate["expected"], ", ".join(rate["missing"]), ", ".join(rate["rejected"]) or "none")  # fmt: skip
    return rates


def missing_by_unit(con: duckdb.DuckDBPyConnection, period: ReportPeriod) -> dict[str, list[str]]:
    """unit_id → the sources it owes for the period and has not sent."""
    missing: dict[str, list[str]] = {}
    for unit_id, source_id in con.execute(
        "select unit_id, source_id from report.completeness where period = ? and not submitted order by source_id",
        [period.label],
    ).fetchall():
        missing.setdefault(unit_id, []).append(source_id)
    return missing
