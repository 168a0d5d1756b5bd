import datetime as dt

import pytest

from ingestion.units import UnitDirectory

KINDS = ["city_body", "ward", "commune"]
YEAR_2023 = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))


@pytest.fixture(scope="module")
def units() -> UnitDirectory:
    return UnitDirectory.from_seed()


@pytest.mark.parametrize(
    ("written", "unit_id"),
    [
        ("Phường Tân Phong", "p_tan_phong"),
        ("P. Tân Phong", "p_tan_phong"),
        ("phuong tan phong", "p_tan_phong"),
        ("UBND phường Đông Phong", "p_dong_phong"),
        ("Dong Phong", "p_dong_phong"),
        ("X. San Thàng", "x_san_thang"),
        ("xa sung phai", "x_sung_phai"),
        ("Ban Tiếp công dân thành phố", "tp_ban_tiep_cong_dan"),
        ("Ban TCD thành phố", "tp_ban_tiep_cong_dan"),
    ],
)
def test_unit_names_with_or_without_prefixes_and_diacritics(units, written, unit_id):
    unit = units.resolve(written, *YEAR_2023, KINDS)
    assert unit is not None and unit.unit_id == unit_id


def test_unknown_unit_resolves_to_nothing(units):
    assert units.resolve("Phường Hòa Bình", *YEAR_2023, KINDS) is None


def test_names_resolve_to_the_unit_version_valid_in_the_period(units):
    """After 1 July 2025 'Đoàn Kết' is the merged ward with code 03388 (Quyết Tiến's old code)."""
    old = units.resolve("Phường Đoàn Kết", *YEAR_2023, KINDS)
    new = units.resolve("Phường Đoàn Kết", dt.date(2026, 1, 1), dt.date(2026, 12, 31), KINDS)
    assert old.unit_id == "p_doan_ket" and old.official_code == "03389"
    assert new.unit_id == "p_doan_ket_2025" and new.official_code == "03388"
    quyet_tien = units.resolve("Quyết Tiến", *YEAR_2023, KINDS)
    assert quyet_tien.official_code == new.official_code and quyet_tien.unit_id != new.unit_id


def test_a_year_spanning_both_structures_is_no_single_version_but_a_chain_a_date_splits(units):
    """In 2025 "Tân Phong" is the old ward until 30/6 and the merged one from 1/7: no one version
    (``resolve``), but two that follow one another (``versions``), so rows can be given theirs."""
    year = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    assert units.resolve("Tân Phong", *year, KINDS) is None
    chain = units.versions("Tân Phong", *year, KINDS)
    assert [u.unit_id for u in chain.versions] == ["p_tan_phong", "p_tan_phong_2025"] and not chain.ambiguous


def test_wards_that_no_longer_exist_are_unknown_after_the_merger(units):
    assert units.resolve("Quyết Tiến", dt.date(2026, 1, 1), dt.date(2026, 12, 31), KINDS) is None
