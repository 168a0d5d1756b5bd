"""The units a deployment serves, with the ids dim_admin_unit gives them, for Python that runs before dbt.

The warehouse's unit dimension is the national list (the seeds ``make national-units`` writes)
overlaid by the local seed ``admin_units.csv``; dbt builds it (``dim_admin_unit``). Ingestion
resolves a workbook's unit before dbt runs, so it cannot read the dimension: this module applies
the same overlay to the same seed files and returns the units of the deployment's provinces, with
the same ids, parents and dates. ``tests/test_national_units.py`` checks the two agree row for row.

The rules (also in ``int_admin_units__warehouse_ids.sql`` and ``dim_admin_unit.sql``):

* a local row with an official code is the national version(s) with that code whose validity
  overlaps its own; its id, names, kind, level and dates win (``p_doan_ket_2025``, not
  ``03388@2025-07-01``); the local province spans both versions of code 12;
* every other national version keeps its id (``03390@2025-07-01``), its parent translated;
  the older list's versions, whose start the package does not give, start on ``UNKNOWN_START``;
* a local row without a code (a city body) belongs where its parent does;
* a deployment province (a code of the 2025 list) takes in the older provinces merged into it.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reference.admin_units import SEED_DIR, SEED_PREFIX

DEFAULT_PROVINCES = ("12",)
PROVINCES_ENV = "LAICHAU_PROVINCES"
UNKNOWN_START = dt.date(1900, 1, 1)
LOCAL_SEED_DIR = SEED_DIR.parent / "reference"
_UNIT_LEVEL = {"province": "province", "district": "city_level", "commune": "commune_level"}


@dataclass(frozen=True)
class WarehouseUnit:
    """One unit version as dim_admin_unit holds it (the columns ingestion needs)."""

    unit_id: str
    official_code: str | None
    name: str
    full_name: str
    kind: str
    unit_level: str  # province | city_level | commune_level, as in the local seed
    parent_unit_id: str | None
    province_code: str | None
    valid_from: dt.date
    valid_to: dt.date | None
    valid_from_known: bool
    source: str  # local | national
    aliases: tuple[str, ...]

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def deployment_provinces() -> tuple[str, ...]:
    """The provinces the deployment serves: ``LAICHAU_PROVINCES`` (comma-separated 2025 codes) or 12."""
    configured = os.environ.get(PROVINCES_ENV, "")
    codes = tuple(code.strip() for code in configured.split(",") if code.strip())
    return codes or DEFAULT_PROVINCES


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _overlaps(a_from: dt.date | None, a_to: dt.date | None, b_from: dt.date | None, b_to: dt.date | None) -> bool:
    return (a_from or dt.date.min) <= (b_to or dt.date.max) and (b_from or dt.date.min) <= (a_to or dt.date.max)


@cache
def _all_units(national_dir: Path, local_dir: Path) -> tuple[tuple[WarehouseUnit, frozenset[str]], ...]:
    """Every warehouse unit of the country with the 2025 province codes whose deployment includes it."""
    national = _read(national_dir / f"{SEED_PREFIX}admin_units.csv")
    successions = _read(national_dir / f"{SEED_PREFIX}admin_unit_successions.csv")
    local = _read(local_dir / "admin_units.csv")
    by_national_id = {row["unit_id"]: row for row in national}

    # 2025 province code(s) each province code of a list belongs to, for deployment scopes.
    province_successors: dict[str, set[str]] = {}
    for edge in successions:
        old, new = by_national_id[edge["predecessor_unit_id"]], by_national_id[edge["successor_unit_id"]]
        if old["level"] == "province":
            province_successors.setdefault(old["official_code"], set()).add(new["official_code"])

    def scopes(row: dict[str, str]) -> frozenset[str]:
        if row["valid_from"]:
            return frozenset({row["province_code"]})
        return frozenset(province_successors.get(row["province_code"], set()))

    by_code: dict[str, list[dict[str, str]]] = {}
    for row in local:
        if row["official_code"]:
            by_code.setdefault(row["official_code"], []).append(row)
    warehouse_id: dict[str, str] = {}
    for row in national:
        matches = [
            loc["unit_id"]
            for loc in by_code.get(row["official_code"], [])
            if _overlaps(_date(row["valid_from"]), _date(row["valid_to"]), _date(loc["valid_from"]), _date(loc["valid_to"]))
        ]
        if len(matches) > 1:
            raise ValueError(f"national unit {row['unit_id']} matches several local units: {matches}")
        warehouse_id[row["unit_id"]] = matches[0] if matches else row["unit_id"]

    national_of_local: dict[str, list[dict[str, str]]] = {}
    for national_id, unit_id in warehouse_id.items():
        if unit_id != national_id:
            national_of_local.setdefault(unit_id, []).append(by_national_id[national_id])

    out: dict[str, tuple[WarehouseUnit, frozenset[str]]] = {}
    for row in national:
        if warehouse_id[row["unit_id"]] != row["unit_id"]:
            continue
        parent = row["parent_unit_id"]
        valid_from = _date(row["valid_from"])
        unit = WarehouseUnit(
            unit_id=row["unit_id"],
            official_code=row["official_code"],
            name=row["name"],
            full_name=row["full_name"],
            kind=row["kind"],
            unit_level=_UNIT_LEVEL[row["level"]],
            parent_unit_id=warehouse_id[parent] if parent else None,
            province_code=row["province_code"],
            valid_from=valid_from or UNKNOWN_START,
            valid_to=_date(row["valid_to"]),
            valid_from_known=valid_from is not None,
            source="national",
            aliases=(),
        )
        out[unit.unit_id] = (unit, scopes(row))
    local_units = []
    for row in local:
        matched = national_of_local.get(row["unit_id"], [])
        unit = WarehouseUnit(
            unit_id=row["unit_id"],
            official_code=row["official_code"] or None,
            name=row["name"],
            full_name=row["full_name"],
            kind=row["kind"],
            unit_level=row["level"],
            parent_unit_id=row["parent_unit_id"] or None,
            province_code=max((m["province_code"] for m in matched), default=None),
            valid_from=dt.date.fromisoformat(row["valid_from"]),
            valid_to=_date(row["valid_to"]),
            valid_from_known=True,
            source="local",
            aliases=tuple(a.strip() for a in row["aliases"].split("|") if a.strip()),
        )
        local_units.append((unit, frozenset().union(*(scopes(m) for m in matched))))
    for unit, scope in local_units:
        out[unit.unit_id] = (unit, scope)
    # A body without a code takes its parent's province and scope (one level: bodies sit under a unit).
    for unit, scope in local_units:
        if unit.official_code is None and unit.parent_unit_id in out:
            parent, parent_scope = out[unit.parent_unit_id]
            out[unit.unit_id] = (
                WarehouseUnit(**{**unit.__dict__, "province_code": unit.province_code or parent.province_code}),
                scope or parent_scope,
            )
    return tuple(out.values())


def warehouse_units(
    provinces: Iterable[str] | None = None, *, national_dir: Path = SEED_DIR, local_dir: Path = LOCAL_SEED_DIR
) -> list[WarehouseUnit]:
    """The units of ``provinces`` (default: ``deployment_provinces()``), all versions, as dim_admin_unit
    has them where its ``in_deployment`` is true for those provinces."""
    codes = set(deployment_provinces() if provinces is None else provinces)
    return [unit for unit, scope in _all_units(national_dir, local_dir) if scope & codes]
