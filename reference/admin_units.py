"""The national administrative-unit reference: every unit version before and after 1 July 2025.

Built from the data files the MIT package ``vietnamadminunits`` (pinned 1.0.4) ships: the
63-province list (province → district → commune, as it stood on 30 June 2025), the 34-province
list (province → commune, from 1 July 2025) and its conversion table (which old units make up each
new one). We read those files directly instead of calling the package's parser, because its
converter geocodes addresses over the network to place the parts of a divided ward.

A code alone does not identify a unit: the 2025 units reuse codes of other, older ones (03388 was
Phường Quyết Tiến, is Phường Đoàn Kết). A unit *version* is a code plus its validity, and its id
says both: ``03388@..2025-06-30`` (the list before the reform, start not in the source) and
``03388@2025-07-01``. Every version belongs to one of the two lists; a unit that kept its code and
name is closed and reopened, linked by a ``continued`` succession, because its parent changed
anyway (districts were abolished) and because a date then always picks exactly one list.

Run ``python -m reference.admin_units --province 12 --out DIR`` (or ``--all``) to write the CSVs.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.metadata
import importlib.util
import json
import sqlite3
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path

SOURCE_PACKAGE = "vietnamadminunits"
SOURCE_VERSION = "1.0.4"

REFORM_DAY = dt.date(2025, 7, 1)
LAST_DAY_BEFORE_REFORM = dt.date(2025, 6, 30)

LEVELS = ("province", "district", "commune")

# Kind prefixes of full names, longest first so "Thành phố" is not read as something shorter.
# The package's type columns are wrong in a few rows (Phường 5 of Phú Nhuận typed "Xã"); the
# prefix of the full name agrees with the unit's key and is what we trust.
_KINDS: dict[str, dict[str, str]] = {
    "province": {"Thành phố": "municipality", "Tỉnh": "province"},
    "district": {"Thành phố": "city", "Thị xã": "town", "Quận": "urban_district", "Huyện": "rural_district"},
    "commune": {"Thị trấn": "township", "Đặc khu": "special_zone", "Phường": "ward", "Xã": "commune"},
}
# "Nông trường" (state farm) is part of some township names and keeps its lower-case syllable.
_LOWER_CASE_KEPT = {("Nông", "trường")}

SUCCESSION_KINDS = ("merged", "split", "renamed", "continued")


class SourceDataError(RuntimeError):
    """The package's data does not have the shape this module was written against."""


@dataclass(frozen=True)
class Unit:
    """One version of an administrative unit, as one of the two national lists holds it."""

    unit_id: str
    official_code: str
    name: str
    full_name: str
    kind: str
    level: str
    parent_unit_id: str | None
    province_code: str
    valid_from: dt.date | None  # None: in force before 1 July 2025, start not in the source
    valid_to: dt.date | None  # None: still in force


@dataclass(frozen=True)
class Succession:
    """A unit version that became (all or part of) another on a reorganisation."""

    predecessor_unit_id: str
    successor_unit_id: str
    effective_on: dt.date
    kind: str  # merged | split | renamed | continued
    # For a split predecessor: the successor the package picks when nothing else tells them apart.
    default_successor: bool


@dataclass(frozen=True)
class Reference:
    units: list[Unit]
    successions: list[Succession]


def legacy_unit_id(code: str) -> str:
    """Id of a version from the list in force until 30 June 2025 (open start, ISO 8601-2 style)."""
    return f"{code}@..{LAST_DAY_BEFORE_REFORM.isoformat()}"


def unit_id_from_2025(code: str) -> str:
    return f"{code}@{REFORM_DAY.isoformat()}"


def source_dir() -> Path:
    """Where the installed package keeps its data files (found without importing the package)."""
    spec = importlib.util.find_spec(SOURCE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SourceDataError(f"{SOURCE_PACKAGE} is not installed: pip install {SOURCE_PACKAGE}=={SOURCE_VERSION}")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def source_version() -> str:
    return importlib.metadata.version(SOURCE_PACKAGE)


def split_full_name(full_name: str, level: str) -> tuple[str, str, str]:
    """(kind, name, corrected full name) from a full name such as "Thành Phố Bắc Kạn".

    The legacy list writes a few prefixes with a capital second syllable and, as the statistics
    office's old lists did, some capital accented vowels in lower case ("Xã Pa ủ" for "Xã Pa Ủ").
    """
    for prefix, kind in _KINDS[level].items():
        if full_name.lower().startswith(prefix.lower() + " "):
            name = _capitalise_syllables(full_name[len(prefix) + 1 :].strip())
            return kind, name, f"{prefix} {name}"
    raise SourceDataError(f"no {level} kind prefix in {full_name!r}")


def _capitalise_syllables(name: str) -> str:
    words = name.split()
    out = []
    for i, word in enumerate(words):
        keep = i > 0 and (words[i - 1], word) in _LOWER_CASE_KEPT
        out.append(word if keep or not word[:1].islower() else word[:1].upper() + word[1:])
    return " ".join(out)


def _unit(
    unit_id: str,
    code: str,
    full_name: str,
    level: str,
    parent: str | None,
    province_code: str,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
) -> Unit:
    kind, name, full = split_full_name(full_name, level)
    return Unit(unit_id, code, name, full, kind, level, parent, province_code, valid_from, valid_to)


def _read_rows(db: Path, sql: str) -> list[sqlite3.Row]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql).fetchall()


def build_reference(data_dir: Path | None = None) -> Reference:
    """Every unit version of both national lists, and the successions between them."""
    data_dir = data_dir or source_dir()
    db = data_dir / "dataset.db"
    legacy = _read_rows(
        db,
        "select provinceCode, province, provinceKey, districtCode, district, districtKey, wardCode, ward, wardKey"
        " from admin_units_legacy",
    )
    current = _read_rows(db, "select provinceCode, province, provinceKey, wardCode, ward, wardKey from admin_units")
    conversion = json.loads((data_dir / "converter_2025.json").read_text(encoding="utf-8"))

    units: dict[str, Unit] = {}
    legacy_by_key: dict[str, str] = {}  # the converter's "province_district_ward" key → unit_id
    province_by_key: dict[str, str] = {}

    def add(unit: Unit) -> None:
        existing = units.get(unit.unit_id)
        if existing is not None and existing != unit:
            raise SourceDataError(f"two different units with id {unit.unit_id}: {existing} / {unit}")
        units[unit.unit_id] = unit

    for row in legacy:
        province = row["provinceCode"]
        province_id, district_id = legacy_unit_id(province), legacy_unit_id(row["districtCode"])
        add(_unit(province_id, province, row["province"], "province", None, province, None, LAST_DAY_BEFORE_REFORM))
        add(
            _unit(
                district_id, row["districtCode"], row["district"], "district", province_id, province, None, LAST_DAY_BEFORE_REFORM
            )
        )
        province_by_key[row["provinceKey"]] = province_id
        key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}"
        if row["wardCode"] is None:
            # An island district without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo):
            # the converter names the district itself as the predecessor of its special zone.
            legacy_by_key[key] = district_id
            continue
        ward_id = legacy_unit_id(row["wardCode"])
        add(_unit(ward_id, row["wardCode"], row["ward"], "commune", district_id, province, None, LAST_DAY_BEFORE_REFORM))
        legacy_by_key[key] = ward_id

    current_by_key: dict[tuple[str, str], str] = {}
    new_province_by_key: dict[str, str] = {}
    for row in current:
        province = row["provinceCode"]
        province_id, ward_id = unit_id_from_2025(province), unit_id_from_2025(row["wardCode"])
        add(_unit(province_id, province, row["province"], "province", None, province, REFORM_DAY, None))
        add(_unit(ward_id, row["wardCode"], row["ward"], "commune", province_id, province, REFORM_DAY, None))
        new_province_by_key[row["provinceKey"]] = province_id
        current_by_key[(row["provinceKey"], row["wardKey"])] = ward_id

    successions = _successions(conversion, units, legacy_by_key, province_by_key, current_by_key, new_province_by_key)
    return Reference(sorted(units.values(), key=_unit_order), sorted(successions, key=lambda s: _succession_order(s, units)))


def _successions(
    conversion: dict,
    units: dict[str, Unit],
    legacy_by_key: dict[str, str],
    province_by_key: dict[str, str],
    current_by_key: dict[tuple[str, str], str],
    new_province_by_key: dict[str, str],
) -> list[Succession]:
    """Edges old → new from the conversion table, each with what happened to the predecessor."""

    def look(mapping: dict, key, what: str) -> str:
        if key not in mapping:
            raise SourceDataError(f"the conversion table names an unknown {what}: {key!r}")
        return mapping[key]

    # successor → {predecessor: (whole?, default?)}
    edges: dict[str, dict[str, tuple[bool, bool]]] = defaultdict(dict)
    province_edges: dict[str, list[str]] = {}
    for new_key, old_keys in conversion["DICT_PROVINCE"].items():
        successor = look(new_province_by_key, new_key, "2025 province")
        province_edges[successor] = [look(province_by_key, k, "old province") for k in old_keys]
    for province_key, wards in conversion["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in wards.items():
            successor = look(current_by_key, (province_key, ward_key), "2025 ward")
            for old_key in old_keys:
                edges[successor][look(legacy_by_key, old_key, "old unit")] = (True, True)
    for province_key, divided in conversion["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in divided.items():
            predecessor = look(legacy_by_key, old_key, "old unit")
            for part in parts:
                successor = look(current_by_key, (province_key, part["newWardKey"]), "2025 ward")
                edges[successor][predecessor] = (False, bool(part["isDefaultNewWard"]))

    out = []
    for successor, predecessors in province_edges.items():
        for predecessor in predecessors:
            kind = _kind(units[predecessor], units[successor], whole=True, sole=len(predecessors) == 1)
            out.append(Succession(predecessor, successor, REFORM_DAY, kind, True))
    for successor, predecessors in edges.items():
        for predecessor, (whole, default) in predecessors.items():
            kind = _kind(units[predecessor], units[successor], whole=whole, sole=len(predecessors) == 1)
            out.append(Succession(predecessor, successor, REFORM_DAY, kind, default))
    return out


def _kind(predecessor: Unit, successor: Unit, *, whole: bool, sole: bool) -> str:
    """split: the predecessor was divided among several successors; merged: it went wholly into a
    successor made of several units; renamed / continued: the successor is exactly the predecessor,
    under another full name (name or kind) / under the same one. Letter case alone does not make a
    new name: the 2025 list respells "Xã KRong" as "Xã Krong"."""
    if not whole:
        return "split"
    if not sole:
        return "merged"
    return "continued" if predecessor.full_name.casefold() == successor.full_name.casefold() else "renamed"


def _unit_order(unit: Unit) -> tuple:
    return (unit.valid_from is not None, LEVELS.index(unit.level), unit.official_code)


def _succession_order(succession: Succession, units: dict[str, Unit]) -> tuple:
    return (_unit_order(units[succession.successor_unit_id]), _unit_order(units[succession.predecessor_unit_id]))


def in_provinces(reference: Reference, province_codes: Iterable[str]) -> Reference:
    """The part of the reference a province scope needs, closed so that every id it names exists.

    It holds the units whose province (in their own list) is one of ``province_codes``, the units
    at the other end of their successions (the old units a merged 2025 province took in), and the
    parents of all of those. Successions are kept when both ends are in the scope: a ward split
    between two provinces keeps only its edge into the scope (its kind still says ``split``).
    """
    codes = set(province_codes)
    by_id = {unit.unit_id: unit for unit in reference.units}
    chosen = {unit.unit_id for unit in reference.units if unit.province_code in codes}
    for succession in reference.successions:
        if succession.predecessor_unit_id in chosen or succession.successor_unit_id in chosen:
            chosen |= {succession.predecessor_unit_id, succession.successor_unit_id}
    for unit_id in list(chosen):
        parent = by_id[unit_id].parent_unit_id
        while parent is not None:
            chosen.add(parent)
            parent = by_id[parent].parent_unit_id
    return Reference(
        [unit for unit in reference.units if unit.unit_id in chosen],
        [s for s in reference.successions if s.predecessor_unit_id in chosen and s.successor_unit_id in chosen],
    )


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# The dbt seeds the warehouse loads (dbt_project/seeds/national/, `make national-units`): a file
# prefix, because dbt seed names are project-wide and `admin_units` is the local overlay's.
SEED_PREFIX = "national_"
SEED_DIR = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds" / "national"


def write_csvs(reference: Reference, out_dir: Path, prefix: str = "") -> dict[str, Path]:
    """``admin_units.csv`` and ``admin_unit_successions.csv`` (UTF-8, LF, the reference's order),
    each name led by ``prefix``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, rows, row_type in (
        ("admin_units", reference.units, Unit),
        ("admin_unit_successions", reference.successions, Succession),
    ):
        path = out_dir / f"{prefix}{name}.csv"
        columns = [f.name for f in fields(row_type)]
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows([_cell(getattr(row, c)) for c in columns] for row in rows)
        written[name] = path
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reference.admin_units",
        description=f"Write the national administrative-unit reference (from {SOURCE_PACKAGE}) as CSV files.",
    )
    scope = parser.add_mutually_exclusive_group(required=True)
    scope.add_argument("--province", action="append", metavar="CODE", help="a province code (e.g. 12), repeatable")
    scope.add_argument("--all", action="store_true", help="the whole country")
    parser.add_argument("--out", type=Path, required=True, help="folder for admin_units.csv and admin_unit_successions.csv")
    parser.add_argument("--prefix", default="", help=f"lead each file name with this (the dbt seeds use {SEED_PREFIX!r})")
    args = parser.parse_args(argv)

    reference = build_reference()
    if args.province:
        known = sorted({unit.province_code for unit in reference.units})
        unknown = [code for code in args.province if code not in known]
        if unknown:
            parser.error(f"unknown province code(s) {', '.join(unknown)}; known: {' '.join(known)}")
        reference = in_provinces(reference, args.province)
    written = write_csvs(reference, args.out, args.prefix)
    print(
        f"{SOURCE_PACKAGE} {source_version()}: {len(reference.units)} unit versions, "
        f"{len(reference.successions)} successions → {', '.join(str(p) for p in written.values())}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
