"""The tests' personal-data scan (tests/workbooks.py ``any_of``): it finds every value it is given,
wherever it stands, the longest where values overlap, and nothing else."""

from __future__ import annotations

from tests.conftest import SAMPLE_LANDING
from tests.workbooks import any_of, personal_values


def test_every_personal_value_of_the_sample_is_found_where_it_is_planted():
    values = personal_values(SAMPLE_LANDING)
    pattern = any_of(values)
    filler = "Phường Tân Phong báo cáo 2023, số 012 / 345; Nguyễn " * 50
    for value in values:
        assert pattern.findall(f"{filler}{value}{filler}") == [value]
    assert pattern.findall(filler) == []


def test_the_longest_value_at_a_position_is_the_one_found():
    pattern = any_of({"Lò Văn", "Lò Văn Bình", "Bình", "0123"})
    assert pattern.findall("ông Lò Văn Bình, bà Lò Văn An, 01234") == ["Lò Văn Bình", "Lò Văn", "0123"]
    assert any_of({"a.b", "(x)"}).findall("a.b axb (x) x") == ["a.b", "(x)"]  # values are literals
    assert any_of(set()).findall("anything") == [] and any_of({""}).findall("anything") == []
