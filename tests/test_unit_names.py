"""A report's names for its unit come from the unit dimension, for a city, a province before and
after the 2025 reorganisation, and a new ward."""

import datetime as dt

import duckdb
import pytest

from pipeline.periods import Period
from reporting.unit_names import read_unit_names


@pytest.mark.parametrize(
    ("unit_id", "start", "end", "expected"),
    [
        (
            "tp_lai_chau",
            "2023-01-01",
            "2023-12-31",
            ("UBND thành phố", "THÀNH PHỐ LAI CHÂU", "Cấp thành phố", "cấp xã, phường", "Thành phố Lai Châu"),
        ),
        ("tinh_lai_chau", "2023-01-01", "2023-12-31", ("UBND tỉnh", "TỈNH LAI CHÂU", "Cấp tỉnh", "cấp huyện", "Lai Châu")),
        ("tinh_lai_chau", "2026-01-01", "2026-06-30", ("UBND tỉnh", "TỈNH LAI CHÂU", "Cấp tỉnh", "cấp xã, phường", "Lai Châu")),
        (
            "p_doan_ket_2025",
            "2025-07-01",
            "2025-12-31",
            ("UBND phường", "PHƯỜNG ĐOÀN KẾT", "Cấp phường", None, "Phường Đoàn Kết"),
        ),
    ],
)
def test_names_follow_the_unit_kind_and_its_subunits_in_the_period(sample_build, unit_id, start, end, expected):
    _, build = sample_build
    period = Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    with duckdb.connect(str(build), read_only=True) as con:
        names = read_unit_names(con, unit_id, period)
    assert (names.committee, names.issuer_lines[1], names.own_level, names.subunit_level, names.place) == expected
    assert names.issuer_lines[0] == "ỦY BAN NHÂN DÂN"


def test_an_unknown_unit_is_an_error_not_a_blank_name(sample_build):
    _, build = sample_build
    with duckdb.connect(str(build), read_only=True) as con, pytest.raises(LookupError):
        read_unit_names(con, "no_such_unit", Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31)))
