"""Administrative units: resolves the unit a workbook names to the unit versions of the reference seed.

Clerks write ``P. Tân Phong``, ``phuong tan phong``, ``UBND phường Tân Phong``, ``Tan Phong`` or
the official code ``03408``; all name the same unit. The 1 July 2025 reorganisation reused names
and codes for different units, so a name or code means a *chain of versions* over a period
(``Phường Đoàn Kết`` in 2025: the old ward until 30 June, the merged one from 1 July), and a date
picks one version of the chain. Names are looked up within the deployment's province(s) only.
The dbt seed is the single source of truth, so ingestion and the warehouse never disagree.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

from ingestion.normalize import fold

SEED_DIR = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds" / "reference"
SEED_PATH = SEED_DIR / "admin_units.csv"
SUCCESSIONS_PATH = SEED_DIR / "admin_unit_successions.csv"
# The provinces (official codes) whose units this deployment's clerks report for: a name is only
# looked up among their units, because names repeat across the country ("Phường Tân Phong").
DEPLOYMENT_PROVINCE_CODES: tuple[str, ...] = ("12",)
PROVINCE_KINDS = ("province", "municipality")  # a centrally run city (Hà Nội) is a province too

_PREFIXES = re.compile(r"^(?:(?:ubnd|uy ban nhan dan)\s+)?(?:phuong|xa|thi tran|thanh pho|tp|p|x|tt)(?:\s*\.\s*|\s+)")
# An official code written alone ("03388", "Mã: 03388"; matched on the folded text) or in brackets
# after a name ("Phường Đoàn Kết (03388)"). A name may hold digits ("Phường 12"), so a number is
# read as a code only when written alone or in brackets.
_CODE_LABEL = r"(?:ma(?:\s+don\s+vi|\s+so)?\s*[:.]?\s*)?"
_CODE_ALONE = re.compile(rf"^\s*{_CODE_LABEL}(\d{{2,5}})\s*$")
# On the text as written (so the name beside it is kept as written): "(03388)", "(mã 03388)".
_CODE_IN_BRACKETS = re.compile(r"[(\[][^()\[\]\d]{0,16}?(\d{2,5})\s*[)\]]")


@dataclass(frozen=True)
class AdminUnit:
    unit_id: str
    official_code: str | None
    name: str
    full_name: str
    kind: str
    valid_from: dt.date
    valid_to: dt.date | None
    parent_unit_id: str | None = None
    # The official code of its province when the reference says so (the national one does);
    # else it is found through the parents.
    province_code: str | None = None

    def valid_during(self, start: dt.date, end: dt.date) -> bool:
        return self.valid_from <= end and (self.valid_to is None or self.valid_to >= start)

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_during(day, day)


@dataclass(frozen=True)
class Resolution:
    """What a written unit (name or code) means during a period.

    ``versions``: the unit over the period, oldest first, never two valid on the same day (empty
    when the text names nothing or is ambiguous). ``ambiguous``: units the text could mean on the
    same days, which only a code tells apart. ``code_name_conflict``: a code and a name were both
    written and the name is none of the code's versions.
    """

    written: str
    versions: tuple[AdminUnit, ...] = ()
    ambiguous: tuple[AdminUnit, ...] = ()
    code: str | None = None
    code_name_conflict: bool = False

    def __bool__(self) -> bool:
        return bool(self.versions)

    def on(self, day: dt.date) -> AdminUnit | None:
        """The version valid on ``day``, if any."""
        return next((unit for unit in self.versions if unit.valid_on(day)), None)

    @property
    def last(self) -> AdminUnit:
        return self.versions[-1]

    def last_day_within(self, start: dt.date, end: dt.date) -> dt.date:
        """The last day of [start, end] on which some version exists: an undated register line
        (a school, a model) is the state of the unit at the end of what it covers, or at its end
        if it ceased before."""
        last = self.last
        return min(end, last.valid_to) if last.valid_to is not None else end


def name_key(name: str) -> str:
    """The comparable form of a unit name: folded, without kind prefixes or punctuation."""
    folded = fold(name)
    previous = None
    while previous != folded:
        previous = folded
        folded = _PREFIXES.sub("", folded).strip()
    return re.sub(r"[^a-z0-9 ]", "", folded).strip()


def split_code(written: str) -> tuple[str | None, str]:
    """(official code, the rest) of a written unit: ``"Phường Đoàn Kết (03388)"`` → ("03388",
    "Phường Đoàn Kết"); ``"03388"`` → ("03388", ""); a plain name → (None, name)."""
    folded = fold(written)
    if match := _CODE_ALONE.match(folded):
        return match.group(1), ""
    if match := _CODE_IN_BRACKETS.search(written):
        return match.group(1), (written[: match.start()] + written[match.end() :]).strip()
    return None, written


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


class UnitDirectory:
    """Looks units up by any of their written names or their code, within a validity window and
    the deployment's provinces (``provinces``: official codes; ``None``, every unit)."""

    def __init__(
        self,
        units: list[AdminUnit],
        aliases: dict[str, list[str]],
        successions: list[tuple[str, str, dt.date]] = (),
        provinces: Collection[str] | None = None,
    ):
        self.units = units
        self._by_id = {unit.unit_id: unit for unit in units}
        self._province = {unit.unit_id: self._province_code(unit) for unit in units}
        self.provinces = frozenset(provinces) if provinces is not None else None
        self._names: dict[str, set[str]] = {}
        self._by_key: dict[str, list[AdminUnit]] = {}
        self._by_code: dict[str, list[AdminUnit]] = {}
        for unit in units:
            names = {unit.name, unit.full_name, *aliases.get(unit.unit_id, [])}
            keys = {name_key(n) for n in names if n} | {fold(unit.full_name)}
            self._names[unit.unit_id] = keys
            for key in keys:
                self._by_key.setdefault(key, []).append(unit)
            if unit.official_code:
                self._by_code.setdefault(unit.official_code, []).append(unit)
        self._successors: dict[str, list[str]] = {}
        self._predecessors: dict[str, list[str]] = {}
        for predecessor, successor, _effective in successions:
            self._successors.setdefault(predecessor, []).append(successor)
            self._predecessors.setdefault(successor, []).append(predecessor)

    @classmethod
    def from_seed(
        cls,
        path: Path = SEED_PATH,
        successions_path: Path | None = None,
        provinces: Collection[str] | None = None,
    ) -> UnitDirectory:
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
                        # the national reference leaves the start of pre-2025 units open
                        valid_from=_date(row["valid_from"]) or dt.date.min,
                        valid_to=_date(row["valid_to"]),
                        parent_unit_id=row.get("parent_unit_id") or None,
                        province_code=row.get("province_code") or None,
                    )
                )
                aliases[row["unit_id"]] = [a for a in (row.get("aliases") or "").split("|") if a]
        successions_path = successions_path or path.with_name(SUCCESSIONS_PATH.name)
        successions = []
        if successions_path.exists():
            with successions_path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    successions.append(
                        (row["predecessor_unit_id"], row["successor_unit_id"], dt.date.fromisoformat(row["effective_on"]))
                    )
        return cls(units, aliases, successions, provinces)

    def _province_code(self, unit: AdminUnit) -> str | None:
        """The official code of the province a unit lies in (itself for a province)."""
        if unit.province_code:
            return unit.province_code
        seen = set()
        current: AdminUnit | None = unit
        while current is not None and current.unit_id not in seen:
            if current.kind in PROVINCE_KINDS:
                return current.official_code
            seen.add(current.unit_id)
            current = self._by_id.get(current.parent_unit_id) if current.parent_unit_id else None
        return None

    def in_scope(self, unit: AdminUnit) -> bool:
        """Whether the unit lies in one of the deployment's provinces."""
        return self.provinces is None or self._province.get(unit.unit_id) in self.provinces

    def get(self, unit_id: str) -> AdminUnit | None:
        return self._by_id.get(unit_id)

    def _eligible(self, candidates: list[AdminUnit], start: dt.date, end: dt.date, kinds: Collection[str]) -> list[AdminUnit]:
        unique = {
            unit.unit_id: unit
            for unit in candidates
            if unit.kind in kinds and unit.valid_during(start, end) and self.in_scope(unit)
        }
        return sorted(unique.values(), key=lambda unit: (unit.valid_from, unit.unit_id))

    def versions(self, written: str, start: dt.date, end: dt.date, kinds: Collection[str]) -> Resolution:
        """The versions of the unit this name or code means during [start, end], oldest first.

        Versions that follow one another (the old Phường Đoàn Kết until 30/6/2025, the merged one
        from 1/7/2025) form one chain; a date then picks one. Two units valid on the same day
        under this name are ambiguous: only their codes tell them apart.
        """
        code, rest = split_code(written)
        if code is not None:
            candidates = self._eligible(self._by_code.get(code, []), start, end, kinds)
        else:
            keys = {fold(written), name_key(written)}
            candidates = self._eligible([u for key in keys for u in self._by_key.get(key, [])], start, end, kinds)
        overlapping = any(a.valid_to is None or a.valid_to >= b.valid_from for a, b in pairwise(candidates))
        if overlapping:
            return Resolution(written, ambiguous=tuple(candidates), code=code)
        if code is not None and rest and candidates:
            written_keys = {fold(rest), name_key(rest)}
            if not any(written_keys & self._names[unit.unit_id] for unit in candidates):
                return Resolution(written, ambiguous=tuple(candidates), code=code, code_name_conflict=True)
        return Resolution(written, tuple(candidates), code=code)

    def resolve(self, written: str, start: dt.date, end: dt.date, kinds: Collection[str]) -> AdminUnit | None:
        """The one unit version that this name or code means during all of [start, end], else None
        (unknown, ambiguous, or several versions follow one another in the window: see ``versions``)."""
        found = self.versions(written, start, end, kinds).versions
        return found[0] if len(found) == 1 else None

    def units_named_in(self, text: str, start: dt.date, end: dt.date, kinds: Collection[str]) -> list[AdminUnit]:
        """Units of an allowed kind that a free text (a file name) names as whole words, or by a
        5-digit commune code, during [start, end]. A shorter name inside a longer matched one
        ("Phong" in "Tân Phong") does not count."""
        words = f" {re.sub(r'[^a-z0-9]+', ' ', fold(text)).strip()} "
        matched: dict[str, tuple[AdminUnit, str]] = {}
        for key, units in self._by_key.items():
            if not key or f" {key} " not in words:
                continue
            for unit in units:
                if unit.kind in kinds and unit.valid_during(start, end) and self.in_scope(unit):
                    best = matched.get(unit.unit_id)
                    if best is None or len(key) > len(best[1]):
                        matched[unit.unit_id] = (unit, key)
        keys = [key for _, key in matched.values()]
        named = [unit for unit, key in matched.values() if not any(other != key and f" {key} " in f" {other} " for other in keys)]
        for code in re.findall(r"(?<= )\d{5}(?= )", words):
            named += [u for u in self._eligible(self._by_code.get(code, []), start, end, kinds) if u not in named]
        return named

    def names_of_kinds(self, kinds: Collection[str], start: dt.date, end: dt.date) -> list[str]:
        """Full names a clerk may write during [start, end], for error messages and template
        drop-downs: each once, and only names that resolve (never one ambiguous in the period)."""
        names = dict.fromkeys(
            unit.full_name for unit in self.units if unit.kind in kinds and unit.valid_during(start, end) and self.in_scope(unit)
        )
        return [name for name in names if self.versions(name, start, end, kinds)]

    def successors(self, unit: AdminUnit) -> list[AdminUnit]:
        """The unit versions a ceased unit became part of (merged into, split between)."""
        return [self._by_id[s] for s in self._successors.get(unit.unit_id, []) if s in self._by_id]

    def predecessors(self, unit: AdminUnit) -> list[AdminUnit]:
        """The unit versions that became this one."""
        return [self._by_id[p] for p in self._predecessors.get(unit.unit_id, []) if p in self._by_id]


def deployment_directory(provinces: Collection[str] | None = None) -> UnitDirectory:
    """Every unit version of the deployment's provinces (``LAICHAU_PROVINCES``, default Lai Châu)
    as the warehouse's dim_admin_unit has them: the national list overlaid by the local seed
    (reference.deployment), so a commune the local seed does not list can send registers too.
    Successions are the local seed's (the reorganisation the reports follow)."""
    from reference.deployment import deployment_provinces, warehouse_units

    codes = tuple(provinces) if provinces is not None else deployment_provinces()
    found = warehouse_units(codes)
    units = [
        AdminUnit(
            unit_id=u.unit_id,
            official_code=u.official_code,
            name=u.name,
            full_name=u.full_name,
            kind=u.kind,
            valid_from=u.valid_from if u.valid_from_known else dt.date.min,
            valid_to=u.valid_to,
            parent_unit_id=u.parent_unit_id,
            province_code=u.province_code,
        )
        for u in found
    ]
    successions = []
    with SUCCESSIONS_PATH.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            successions.append((row["predecessor_unit_id"], row["successor_unit_id"], dt.date.fromisoformat(row["effective_on"])))
    # warehouse_units already holds only the deployment's units (an old province merged into a
    # listed one included), so no second province filter
    return UnitDirectory(units, {u.unit_id: list(u.aliases) for u in found}, successions, None)


@cache
def default_directory() -> UnitDirectory:
    """The deployment's units, read once per process (reading children fork with it loaded)."""
    return deployment_directory()
