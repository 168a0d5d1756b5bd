"""The national unit reference built from vietnamadminunits: counts, Lai Châu's 2025 facts, integrity, CSVs.

Counts are those the pinned package (1.0.4) holds, checked by hand against its data files; a new
package version that changes them must fail here before it changes the warehouse's reference.
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from reference import admin_units as ref
from reference.admin_units import LAST_DAY_BEFORE_REFORM, REFORM_DAY, Reference, Unit

REPO = Path(__file__).resolve().parent.parent
LOCAL_SEED = REPO / "dbt_project" / "seeds" / "reference"
OLD, NEW = ref.legacy_unit_id, ref.unit_id_from_2025


@pytest.fixture(scope="module")
def reference() -> Reference:
    return ref.build_reference()


@pytest.fixture(scope="module")
def units(reference) -> dict[str, Unit]:
    return {unit.unit_id: unit for unit in reference.units}


@pytest.fixture(scope="module")
def predecessors(reference) -> dict[str, set[str]]:
    out = collections.defaultdict(set)
    for succession in reference.successions:
        out[succession.successor_unit_id].add(succession.predecessor_unit_id)
    return out


def _count(reference: Reference, *, before: bool, level: str, kind: str | None = None) -> int:
    return sum(
        1 for u in reference.units if (u.valid_from is None) == before and u.level == level and (kind is None or u.kind == kind)
    )


def test_the_pinned_package_is_the_source():
    assert ref.source_version() == ref.SOURCE_VERSION == "1.0.4"


def test_counts_before_the_reform(reference):
    """10,035 commune-level units under 696 districts and 63 provinces. The package's legacy table
    has 10,040 rows: the 5 extra are island districts without communes (one row each, no ward)."""
    assert _count(reference, before=True, level="province") == 63
    assert _count(reference, before=True, level="district") == 696
    assert _count(reference, before=True, level="commune") == 10_035
    assert {kind: _count(reference, before=True, level="commune", kind=kind) for kind in ("ward", "township", "commune")} == {
        "ward": 1726,
        "township": 617,
        "commune": 7692,
    }
    with_communes = {u.parent_unit_id for u in reference.units if u.level == "commune" and u.valid_from is None}
    islands = {u.full_name for u in reference.units if u.level == "district" and u.unit_id not in with_communes}
    assert islands == {"Huyện Bạch Long Vĩ", "Huyện Cồn Cỏ", "Huyện Hoàng Sa", "Huyện Lý Sơn", "Huyện Côn Đảo"}


def test_counts_from_the_reform(reference):
    assert _count(reference, before=False, level="province") == 34
    assert _count(reference, before=False, level="district") == 0
    assert _count(reference, before=False, level="commune") == 3321
    assert {
        kind: _count(reference, before=False, level="commune", kind=kind) for kind in ("ward", "commune", "special_zone")
    } == {"ward": 687, "commune": 2621, "special_zone": 13}


def test_lai_chau_city_ends_on_30_june_2025_without_successor(reference, units):
    city = units[OLD("105")]
    assert (city.full_name, city.kind, city.level, city.parent_unit_id) == ("Thành phố Lai Châu", "city", "district", OLD("12"))
    assert city.valid_to == LAST_DAY_BEFORE_REFORM
    assert not any(s.predecessor_unit_id == city.unit_id for s in reference.successions)
    assert not any(u.official_code == "105" and u.valid_from == REFORM_DAY for u in reference.units)


@pytest.mark.parametrize(
    ("code", "before", "after"),
    [("03388", "Phường Quyết Tiến", "Phường Đoàn Kết"), ("03408", "Phường Đông Phong", "Phường Tân Phong")],
)
def test_a_code_names_two_units_told_apart_by_validity(reference, code, before, after):
    versions = sorted((u for u in reference.units if u.official_code == code), key=lambda u: u.valid_to or dt.date.max)
    assert [(v.unit_id, v.full_name, v.valid_from, v.valid_to) for v in versions] == [
        (OLD(code), before, None, LAST_DAY_BEFORE_REFORM),
        (NEW(code), after, REFORM_DAY, None),
    ]


@pytest.mark.parametrize(
    ("new_code", "old_codes"),
    [
        # Quyết Thắng, Quyết Tiến, Đoàn Kết, Sùng Phài of the city, and Lản Nhì Thàng of Phong Thổ.
        ("03388", {"03386", "03388", "03389", "03403", "03391"}),
        # Tân Phong, Đông Phong, San Thàng of the city, and Nùng Nàng, Bản Giang of Tam Đường.
        ("03408", {"03387", "03408", "03409", "03415", "03418"}),
    ],
)
def test_the_new_wards_of_lai_chau_are_merges_directly_under_the_province(reference, units, predecessors, new_code, old_codes):
    ward = units[NEW(new_code)]
    assert ward.parent_unit_id == NEW("12") and ward.province_code == "12" and ward.kind == "ward"
    assert predecessors[ward.unit_id] == {OLD(code) for code in old_codes}
    kinds = {s.kind for s in reference.successions if s.successor_unit_id == ward.unit_id}
    assert kinds == {"merged"}


def test_the_local_seed_successions_are_in_the_national_reference(reference):
    """Every merge the hand-written Lai Châu seed lists is one the package lists, by official code."""
    with (LOCAL_SEED / "admin_units.csv").open(encoding="utf-8", newline="") as handle:
        seed = {row["unit_id"]: row for row in csv.DictReader(handle)}
    with (LOCAL_SEED / "admin_unit_successions.csv").open(encoding="utf-8", newline="") as handle:
        seed_edges = list(csv.DictReader(handle))
    assert seed_edges

    def national_id(seed_id: str) -> str:
        row = seed[seed_id]
        return NEW(row["official_code"]) if row["valid_from"] >= REFORM_DAY.isoformat() else OLD(row["official_code"])

    ours = {(s.predecessor_unit_id, s.successor_unit_id) for s in reference.successions}
    for edge in seed_edges:
        assert (national_id(edge["predecessor_unit_id"]), national_id(edge["successor_unit_id"])) in ours, edge


def test_lai_chau_province_continues_under_its_code(reference):
    edges = [s for s in reference.successions if s.successor_unit_id == NEW("12")]
    assert [(s.predecessor_unit_id, s.kind) for s in edges] == [(OLD("12"), "continued")]


def test_merged_provinces(predecessors, units):
    """Tuyên Quang (08) took in Hà Giang (02); Phú Thọ (25) Vĩnh Phúc and Hòa Bình."""
    assert predecessors[NEW("08")] == {OLD("08"), OLD("02")}
    assert {units[p].full_name for p in predecessors[NEW("25")]} == {"Tỉnh Phú Thọ", "Tỉnh Vĩnh Phúc", "Tỉnh Hòa Bình"}


def test_unit_ids_are_unique_and_say_code_and_validity(reference):
    ids = [u.unit_id for u in reference.units]
    assert len(ids) == len(set(ids)) == 14_149
    for unit in reference.units:
        expected = OLD(unit.official_code) if unit.valid_from is None else NEW(unit.official_code)
        assert unit.unit_id == expected


def test_validity_follows_the_list_a_unit_belongs_to(reference):
    for unit in reference.units:
        assert (unit.valid_from, unit.valid_to) in {(None, LAST_DAY_BEFORE_REFORM), (REFORM_DAY, None)}, unit


def test_parents_exist_one_level_up_in_the_same_province_and_cover_the_childs_validity(reference, units):
    above = {"commune": {"district"}, "district": {"province"}, "province": set()}
    for unit in reference.units:
        if unit.parent_unit_id is None:
            assert unit.level == "province"
            continue
        parent = units[unit.parent_unit_id]
        expected_levels = {"province"} if unit.valid_from == REFORM_DAY else above[unit.level]
        assert parent.level in expected_levels, unit
        assert parent.province_code == unit.province_code
        # A unit is never valid before (or after) its parent.
        assert (parent.valid_from or dt.date.min) <= (unit.valid_from or dt.date.min)
        assert (unit.valid_to or dt.date.max) <= (parent.valid_to or dt.date.max)


def test_successions_join_existing_units_across_the_reform(reference, units):
    assert len(reference.successions) == 10_665
    pairs = [(s.predecessor_unit_id, s.successor_unit_id) for s in reference.successions]
    assert len(pairs) == len(set(pairs))
    for s in reference.successions:
        old, new = units[s.predecessor_unit_id], units[s.successor_unit_id]
        assert old.valid_to == LAST_DAY_BEFORE_REFORM and new.valid_from == REFORM_DAY == s.effective_on
        assert s.kind in ref.SUCCESSION_KINDS
        assert (old.level == "province") == (new.level == "province")


def test_every_old_commune_has_a_successor_and_every_new_one_a_predecessor(reference, units, predecessors):
    succeeded = {s.predecessor_unit_id for s in reference.successions}
    for unit in reference.units:
        if unit.valid_from is None and unit.level in ("province", "commune"):
            assert unit.unit_id in succeeded, unit
        if unit.valid_from == REFORM_DAY:
            assert predecessors[unit.unit_id], unit
    districts_succeeded = {units[u].full_name for u in succeeded if units[u].level == "district"}
    assert len(districts_succeeded) == 5  # only the island districts, each now a special zone


def test_succession_kinds_agree_with_the_shape_of_the_graph(reference, units, predecessors):
    successors = collections.defaultdict(list)
    for s in reference.successions:
        successors[s.predecessor_unit_id].append(s)
    assert collections.Counter(s.kind for s in reference.successions) == {
        "merged": 9484,
        "split": 1033,
        "continued": 135,  # 11 provinces and 124 communes
        "renamed": 13,  # 5 island districts → special zones, kind or spelling changes
    }
    for s in reference.successions:
        if s.kind == "split":
            parts = successors[s.predecessor_unit_id]
            assert len(parts) >= 2 and all(p.kind == "split" for p in parts)
            assert sum(p.default_successor for p in parts) == 1
        else:
            assert s.default_successor and len(successors[s.predecessor_unit_id]) == 1
        if s.kind == "merged":
            assert len(predecessors[s.successor_unit_id]) >= 2
        if s.kind in ("continued", "renamed"):
            assert predecessors[s.successor_unit_id] == {s.predecessor_unit_id}
        if s.kind == "continued":
            old, new = units[s.predecessor_unit_id], units[s.successor_unit_id]
            assert old.official_code == new.official_code
            assert old.full_name.casefold() == new.full_name.casefold()


def test_island_districts_became_special_zones(reference, units):
    renamed = {
        (units[s.predecessor_unit_id].full_name, units[s.successor_unit_id].full_name)
        for s in reference.successions
        if units[s.predecessor_unit_id].level == "district"
    }
    assert ("Huyện Hoàng Sa", "Đặc khu Hoàng Sa") in renamed and len(renamed) == 5


def test_names_are_nfc_with_their_kind_prefix_and_capital_syllables(reference):
    prefixes = {kind: prefix for level in ref._KINDS.values() for prefix, kind in level.items()}
    prefixes["municipality"] = prefixes["city"] = "Thành phố"
    for unit in reference.units:
        assert unicodedata.normalize("NFC", unit.full_name) == unit.full_name
        assert unit.full_name == f"{prefixes[unit.kind]} {unit.name}", unit
        lower = [w for w in unit.name.split() if w[:1].islower()]
        assert lower in ([], ["trường"]), unit


@pytest.mark.parametrize(
    ("unit_id", "full_name", "kind"),
    [
        (OLD("03442"), "Xã Pa Ủ", "commune"),  # the package writes "Xã Pa ủ"
        (OLD("058"), "Thành phố Bắc Kạn", "city"),  # "Thành Phố Bắc Kạn"
        (OLD("27046"), "Phường 5", "ward"),  # Phú Nhuận; the package's type column says "Xã"
        (OLD("15061"), "Thị trấn Ngọc Lặc", "township"),  # type column "Xã"
        (NEW("10543"), "Phường Việt Hòa", "ward"),  # type column "Xã"
    ],
)
def test_the_packages_spelling_and_type_slips_are_corrected(units, unit_id, full_name, kind):
    assert (units[unit_id].full_name, units[unit_id].kind) == (full_name, kind)


def test_names_repeat_nationally_but_not_within_a_province(reference):
    new = [u for u in reference.units if u.valid_from == REFORM_DAY and u.level == "commune"]
    by_name = collections.Counter(u.full_name for u in new)
    assert sum(1 for n in by_name.values() if n > 1) == 246
    assert len({(u.province_code, u.name) for u in new}) == len(new)


def test_province_scope_is_closed(reference, units):
    scope = ref.in_provinces(reference, ["12"])
    ids = {u.unit_id for u in scope.units}
    assert len(scope.units) == 154  # old province, 8 districts, 106 communes; new province, 38 communes
    assert {u.province_code for u in scope.units} == {"12"}
    assert all(u.parent_unit_id in ids for u in scope.units if u.parent_unit_id)
    assert all(s.predecessor_unit_id in ids and s.successor_unit_id in ids for s in scope.successions)
    assert len(scope.successions) == 107


def test_scope_of_a_merged_province_takes_in_the_old_provinces_it_absorbed(reference):
    scope = ref.in_provinces(reference, ["08"])
    assert {u.province_code for u in scope.units} == {"02", "08"}
    ids = {u.unit_id for u in scope.units}
    assert all(u.parent_unit_id in ids for u in scope.units if u.parent_unit_id)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_cli_writes_deterministic_utf8_csvs_for_a_province(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for run in ("a", "b"):
        subprocess.run(
            [sys.executable, "-m", "reference.admin_units", "--province", "12", "--out", str(tmp_path / run)],
            check=True,
            cwd=tmp_path,
            env=env,
            capture_output=True,
        )
    for name in ("admin_units.csv", "admin_unit_successions.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    rows = _read(tmp_path / "a" / "admin_units.csv")
    assert list(rows[0]) == [
        "unit_id",
        "official_code",
        "name",
        "full_name",
        "kind",
        "level",
        "parent_unit_id",
        "province_code",
        "valid_from",
        "valid_to",
    ]
    doan_ket = next(r for r in rows if r["unit_id"] == "03388@2025-07-01")
    assert doan_ket["full_name"] == "Phường Đoàn Kết" and doan_ket["valid_to"] == ""
    assert next(r for r in rows if r["unit_id"] == "105@..2025-06-30")["valid_from"] == ""
    edges = _read(tmp_path / "a" / "admin_unit_successions.csv")
    assert {"predecessor_unit_id", "successor_unit_id", "effective_on", "kind", "default_successor"} == set(edges[0])
    ids = {r["unit_id"] for r in rows}
    assert all(e["predecessor_unit_id"] in ids and e["successor_unit_id"] in ids for e in edges)


def test_cli_nation_and_unknown_province(tmp_path, capsys):
    assert ref.main(["--all", "--out", str(tmp_path)]) == 0
    assert len(_read(tmp_path / "admin_units.csv")) == 14_149
    assert len(_read(tmp_path / "admin_unit_successions.csv")) == 10_665
    with pytest.raises(SystemExit) as stop:
        ref.main(["--province", "99", "--out", str(tmp_path / "x")])
    assert stop.value.code == 2
    assert "unknown province code(s) 99" in capsys.readouterr().err


def test_a_conversion_naming_an_unknown_unit_stops_the_build(tmp_path):
    """If a package version's conversion table and lists drift apart, nothing half-linked is written."""
    source = ref.source_dir()
    (tmp_path / "dataset.db").write_bytes((source / "dataset.db").read_bytes())
    conversion = json.loads((source / "converter_2025.json").read_text(encoding="utf-8"))
    conversion["DICT_PROVINCE_WARD_NO_DIVIDED"]["tinhlaichau"]["phuongdoanket"].append("tinhlaichau_huyenkhongco_xakhongco")
    (tmp_path / "converter_2025.json").write_text(json.dumps(conversion), encoding="utf-8")
    with pytest.raises(ref.SourceDataError, match="tinhlaichau_huyenkhongco_xakhongco"):
        ref.build_reference(tmp_path)
