"""Which reports a run writes: (reporting unit, period) pairs, checked before anything is built.

A report is asked for by the unit's official code (``105`` the former city, ``03388`` Phường Đoàn
Kết, ``12`` the province) and a period. A code names different units over time (03388 was Phường
Quyết Tiến until 30/06/2025), so a code means the unit version that holds it on the period's last
day. A period reaching past the unit's end cannot be reported for it: the request is refused here,
in the clerk's words, before a run ingests or builds anything. dbt gets the checked requests as its
``report_requests`` var and builds the ``report.*`` tables for them (dbt_project/models/report).

The nightly schedule asks for every unit of a configured list (``LAICHAU_REPORTING_UNITS``; by
default the province, its two wards made from the former city, and the former city) for the year
to date, leaving out a unit that no longer exists on the period's last day instead of failing.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline import periods
from pipeline.paths import DBT_PROJECT_DIR
from pipeline.periods import Period

SEEDS = DBT_PROJECT_DIR / "seeds" / "reference"
UNITS_ENV = "LAICHAU_REPORTING_UNITS"
DEFAULT_UNITS = ("12", "03388", "03408", "105")


class ReportRequestError(ValueError):
    """A report that cannot be written: in Vietnamese, then in English."""

    def __init__(self, vi: str, en: str):
        super().__init__(f"{vi} / {en}")
        self.vi = vi
        self.en = en


@dataclass(frozen=True)
class UnitVersion:
    unit_id: str
    code: str
    full_name: str
    valid_from: dt.date
    valid_to: dt.date | None
    parent_unit_id: str | None = None

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def valid_during(self, start: dt.date, end: dt.date) -> bool:
        return self.valid_from <= end and (self.valid_to is None or self.valid_to >= start)


@dataclass(frozen=True)
class ReportRequest:
    unit_code: str
    unit_id: str
    unit_name: str
    period: Period

    @property
    def slug(self) -> str:
        """Folder and file names: ``105_2023-01-01_2023-12-31``."""
        return f"{self.unit_code}_{self.period.slug}"

    def as_row(self) -> dict[str, str]:
        """The request as the build's control.report_requests holds it (pipeline/dbt.py)."""
        return {
            "reporting_unit_code": self.unit_code,
            "period_start": self.period.start.isoformat(),
            "period_end": self.period.end.isoformat(),
        }

    def as_dict(self) -> dict[str, str]:
        """For XCom and run summaries: plain strings."""
        return {**self.as_row(), "reporting_unit_name": self.unit_name, "period_label_vi": self.period.label_vi}


@cache
def unit_versions() -> tuple[UnitVersion, ...]:
    """Units that have an official code, in the deployment's provinces, as dim_admin_unit holds
    them (the national list overlaid by the local seed: reference.deployment), so any commune's
    code can be reported on, not only the local seed's."""
    from reference.deployment import warehouse_units

    return tuple(
        UnitVersion(u.unit_id, u.official_code, u.full_name, u.valid_from, u.valid_to, u.parent_unit_id)
        for u in warehouse_units()
        if u.official_code
    )


@cache
def successors(seeds: Path = SEEDS) -> dict[str, tuple[str, ...]]:
    """unit_id → the unit_ids it merged or was divided into (the local seed's successions, the
    ones report membership follows)."""
    found: dict[str, list[str]] = {}
    with (seeds / "admin_unit_successions.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            found.setdefault(row["predecessor_unit_id"], []).append(row["successor_unit_id"])
    return {unit: tuple(ids) for unit, ids in found.items()}


def _heirs(unit_id: str, units: tuple[UnitVersion, ...]) -> list[str]:
    """Where a unit's work went: its successors, or (a city abolished whole) its subunits' successors."""
    direct = successors().get(unit_id, ())
    if direct:
        return list(direct)
    children = [u.unit_id for u in units if u.parent_unit_id == unit_id]
    return list(dict.fromkeys(heir for child in children for heir in successors().get(child, ())))


def _dmy(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def resolve(code: str, period: Period, units: tuple[UnitVersion, ...] | None = None) -> ReportRequest:
    """The report of the unit holding ``code`` on the period's last day, or ReportRequestError."""
    units = units if units is not None else unit_versions()
    code = str(code).strip()
    versions = sorted((u for u in units if u.code == code), key=lambda u: u.valid_from)
    if not versions:
        # examples: the province and districts of the period (2- and 3-digit codes) and the nightly's units
        known = ", ".join(
            f"{u.code} {u.full_name}"
            for u in units
            if (len(u.code) <= 3 or u.code in configured_units()) and u.valid_during(period.start, period.end)
        )
        raise ReportRequestError(
            f"Không có đơn vị hành chính nào mang mã «{code}». Hãy ghi mã chính thức của đơn vị, ví dụ: {known}.",
            f'No administrative unit has the code "{code}". Give the unit\'s official code, e.g.: {known}.',
        )
    holder = next((u for u in versions if u.valid_on(period.end)), None)
    if holder is not None:
        return ReportRequest(code, holder.unit_id, holder.full_name, period)
    ended = [u for u in versions if u.valid_to is not None and u.valid_to < period.end]
    if ended:
        last = ended[-1]
        by_id = {u.unit_id: u for u in units}
        heirs = [by_id[i] for i in _heirs(last.unit_id, units) if i in by_id]
        heirs_vi = ", ".join(f"{u.full_name} (mã {u.code})" for u in heirs) or "không có"
        heirs_en = ", ".join(f"{u.full_name} (code {u.code})" for u in heirs) or "none"
        raise ReportRequestError(
            f"{last.full_name} (mã {code}) chấm dứt hoạt động ngày {_dmy(last.valid_to)}; không thể báo cáo "
            f"đến ngày {_dmy(period.end)}. Hãy chọn kỳ báo cáo kết thúc chậm nhất ngày {_dmy(last.valid_to)}, "
            f"hoặc báo cáo cho đơn vị kế thừa: {heirs_vi}.",
            f"{last.full_name} (code {code}) ceased on {last.valid_to.isoformat()}; it cannot be reported on up to "
            f"{period.end.isoformat()}. Choose a period ending on {last.valid_to.isoformat()} at the latest, or report "
            f"for its successors: {heirs_en}.",
        )
    first = versions[0]
    raise ReportRequestError(
        f"{first.full_name} (mã {code}) thành lập từ ngày {_dmy(first.valid_from)}; kỳ báo cáo kết thúc ngày "
        f"{_dmy(period.end)} trước khi đơn vị tồn tại.",
        f"{first.full_name} (code {code}) exists from {first.valid_from.isoformat()}; the period ends on "
        f"{period.end.isoformat()}, before it existed.",
    )


def resolve_period(start: str | None, end: str | None, today: dt.date, preset: str | None = None) -> Period:
    """From params: a preset (``2024-Q3``, ``2024-decree09``…) or dates; an empty start is 1 January
    of the cut-off's year and an empty end is ``today`` (the nightly's year to date)."""
    if preset:
        if start or end:
            raise ReportRequestError(
                "Hãy ghi kỳ báo cáo bằng một cách: hoặc tên kỳ, hoặc ngày bắt đầu và ngày kết thúc.",
                "Give the report period one way: either a period name or a start and an end date.",
            )
        return periods.parse(preset, today)
    try:
        cut_off = dt.date.fromisoformat(end) if end else today
        first = dt.date.fromisoformat(start) if start else dt.date(cut_off.year, 1, 1)
    except ValueError:
        raise ReportRequestError(
            f"Ngày của kỳ báo cáo phải có dạng NNNN-TT-NN (ví dụ 2024-12-31); đã ghi «{start}» và «{end}».",
            f'Report period dates must be YYYY-MM-DD (e.g. 2024-12-31); got "{start}" and "{end}".',
        ) from None
    return Period(first, cut_off)


def configured_units() -> tuple[str, ...]:
    """The units the nightly reports on: ``LAICHAU_REPORTING_UNITS`` (codes, comma separated)."""
    raw = os.environ.get(UNITS_ENV, "")
    codes = tuple(code.strip() for code in raw.split(",") if code.strip())
    return codes or DEFAULT_UNITS


def plan(
    reporting_unit: str | None,
    period_start: str | None,
    period_end: str | None,
    today: dt.date,
    period: str | None = None,
) -> list[ReportRequest]:
    """The run's reports. A unit asked for by name must exist on the period's last day (else the
    request is refused); from the configured list, units that do not are left out, and if none is
    left the run is refused too, so a nightly never succeeds with nothing to report."""
    chosen = resolve_period(period_start, period_end, today, period)
    if reporting_unit:
        return [resolve(code, chosen) for code in str(reporting_unit).split(",") if code.strip()]
    requests, refused = [], []
    for code in configured_units():
        try:
            requests.append(resolve(code, chosen))
        except ReportRequestError as error:
            refused.append(error)
    if not requests:
        raise ReportRequestError(
            "Không đơn vị nào trong danh sách báo cáo tồn tại trong kỳ: " + "; ".join(e.vi for e in refused),
            "No unit of the configured list exists in the period: " + "; ".join(e.en for e in refused),
        )
    return requests


EXTRA_ENV = "LAICHAU_EXTRA_REPORTS"


def plan_extra(today: dt.date, configured: str | None = None) -> list[ReportRequest]:
    """The reports the laichau_reports DAG writes each time the nightly publishes:
    ``LAICHAU_EXTRA_REPORTS``, entries ``<codes>:<preset>`` separated by ``;`` (e.g.
    ``12:2025-decree09;03388,03408:2026-Q3;12:ytd``, presets as ``--period``). Empty: none. An entry that
    cannot be written (a unit gone in that period) is refused like any request."""
    raw = os.environ.get(EXTRA_ENV, "") if configured is None else configured
    requests: list[ReportRequest] = []
    for entry in (e.strip() for e in raw.split(";")):
        if not entry:
            continue
        codes, _, preset = entry.partition(":")
        if not codes.strip() or not preset.strip():
            raise ReportRequestError(
                f'Mục "{entry}" trong {EXTRA_ENV} phải có dạng <mã>:<kỳ>, ví dụ 12:2026-Q3.',
                f'The entry "{entry}" of {EXTRA_ENV} must read <codes>:<period>, e.g. 12:2026-Q3.',
            )
        requests += plan(codes.strip(), None, None, today, preset.strip())
    return requests


def _year_before(day: dt.date) -> dt.date:
    """The same day a year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def same_period_last_year(request: ReportRequest) -> ReportRequest | None:
    """The request's comparison ("cùng kỳ năm trước"): the same unit code and the same dates a year
    earlier, or None when no unit held the code then (a ward made in the year). dbt builds it as
    one more report request, so the overview reads last year's figures from report.figures,
    counted by the same rules, instead of computing them again in Python."""
    period = Period(_year_before(request.period.start), _year_before(request.period.end))
    try:
        return resolve(request.unit_code, period)
    except ReportRequestError:
        return None


def with_previous_year(rows: list[dict]) -> list[dict]:
    """The requests (``as_row`` dicts) followed by their comparisons of the year before that are
    not already among them, each once: what the build's control.report_requests holds."""
    keys = ("reporting_unit_code", "period_start", "period_end")
    wanted = [{k: str(r[k]) for k in keys} for r in rows]
    for request in from_dicts(rows):
        previous = same_period_last_year(request)
        if previous is not None:
            wanted.append(previous.as_row())
    return [dict(items) for items in dict.fromkeys(tuple(r.items()) for r in wanted)]


def from_dicts(rows: list[dict]) -> list[ReportRequest]:
    """Requests back from XCom (``as_dict``), checked again."""
    return [
        resolve(row["reporting_unit_code"], Period(*(dt.date.fromisoformat(row[k]) for k in ("period_start", "period_end"))))
        for row in rows
    ]
