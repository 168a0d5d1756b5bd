"""Administrative units: resolves the unit a workbook names to a unit of the reference seed.

Clerks write ``P. Tân Phong``, ``phuong tan phong``, ``UBND phường Tân Phong`` or ``Tan Phong``;
all are the same unit. A name resolves to a unit *version* valid in the workbook's year,
because the 1 July 2025 reorganisation reused names and codes for different units.
The dbt seed is the single source of truth, so ingestion and the warehouse never disagree.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ingestion.normalize import fold

SEED_PATH = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds" / "reference" / "admin_units.csv"

_PREFIXES = re.compile(r"^(?:(?:ubnd|uy ban nhan dan)\s+)?(?:phuong|xa|thi tran|thanh pho|tp|p|x|tt)(?:\s*\.\s*|\s+)")


@dataclass(frozen=True)
class AdminUnit:
    unit_id: str
    official_code: str | None
    name: str
    full_name: str
    kind: str
    valid_from: dt.date
    valid_to: dt.date | None

    def valid_during(self, start: dt.date, end: dt.date) -> bool:
        return self.valid_from <= end and (self.valid_to is None or self.valid_to >= start)


def name_key(name: str) -> str:
    """The comparable form of a unit name: folded, without kind prefixes or punctuation."""
    folded = fold(name)
    previous = None
    while previous != folded:
        previous = folded
        folded = _PREFIXES.sub("", folded).strip()
    return re.sub(r"[^a-z0-9 ]", "", folded).strip()


class UnitDirectory:
    """Looks units up by any of their written names, within a validity window."""

    def __init__(self, units: list[AdminUnit], aliases: dict[str, list[str]]):
        self.units = units
        self._by_key: dict[str, list[AdminUnit]] = {}
        for unit in units:
            names = {unit.name, unit.full_name, *aliases.get(unit.unit_id, [])}
            for key in {name_key(n) for n in names if n} | {fold(unit.full_name)}:
                self._by_key.setdefault(key, []).append(unit)

    @classmethod
    def from_seed(cls, path: Path = SEED_PATH) -> UnitDirectory:
        units, aliases = [], {}
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                units.append(
                    AdminUnit(
                        unit_id=row["unit_id"],
                        official_code=row["official_code"] or None,
                        name=row["name"],
                        full_name=row["full_name"],
                        kind=row["kind"],
                        valid_from=dt.date.fromisoformat(row["valid_from"]),
                        valid_to=dt.date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
                    )
                )
                aliases[row["unit_id"]] = [a for a in row["aliases"].split("|") if a]
        return cls(units, aliases)

    def resolve(self, written: str, start: dt.date, end: dt.date, kinds: list[str]) -> AdminUnit | None:
        """The one unit of an allowed kind that this name means during [start, end], else None."""
        candidates = [
            unit
            for key in {fold(written), name_key(written)}
            for unit in self._by_key.get(key, [])
            if unit.kind in kinds and unit.valid_during(start, end)
        ]
        unique = {unit.unit_id: unit for unit in candidates}
        if len(unique) != 1:
            return None
        return next(iter(unique.values()))

    def units_named_in(self, text: str, start: dt.date, end: dt.date, kinds: list[str]) -> list[AdminUnit]:
        """Units of an allowed kind that a free text (a file name) names as whole words, during
        [start, end]. A shorter name inside a longer matched one ("Phong" in "Tân Phong") does not count."""
        words = f" {re.sub(r'[^a-z0-9]+', ' ', fold(text)).strip()} "
        matched: dict[str, tuple[AdminUnit, str]] = {}
        for key, units in self._by_key.items():
            if not key or f" {key} " not in words:
                continue
            for unit in units:
                if unit.kind in kinds and unit.valid_during(start, end):
                    best = matched.get(unit.unit_id)
                    if best is None or len(key) > len(best[1]):
                        matched[unit.unit_id] = (unit, key)
        keys = [key for _, key in matched.values()]
        return [unit for unit, key in matched.values() if not any(other != key and f" {key} " in f" {other} " for other in keys)]

    def names_of_kinds(self, kinds: list[str], start: dt.date, end: dt.date) -> list[str]:
        """Full names a clerk may write, for error messages and template drop-downs."""
        return [u.full_name for u in self.units if u.kind in kinds and u.valid_during(start, end)]


@cache
def default_directory() -> UnitDirectory:
    """The seed's units, read once per process (reading children fork with it loaded)."""
    return UnitDirectory.from_seed()
