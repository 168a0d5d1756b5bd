import datetime as dt

import pytest

from ingestion.normalize import Invalid, clean_text, fold, parse_boolean, parse_date, parse_integer, parse_number


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("1.214", 1214),
        ("9.687,9", 9687.9),
        ("383.071.280 đồng", 383071280),
        ("  47 ", 47),
        ("05", 5),
        (3.0, 3),
        ("2,5", 2.5),
        ("1 214", 1214),
    ],
)
def test_numbers_written_the_vietnamese_way(written, expected):
    assert parse_number(written) == expected


@pytest.mark.parametrize("written", ["abc", "1,2,3", "1.2.3", "x 5"])
def test_text_that_is_not_a_number_is_an_error_in_both_languages(written):
    with pytest.raises(Invalid) as caught:
        parse_number(written)
    assert "không phải là số" in caught.value.vi or "dấu phẩy" in caught.value.vi
    assert "number" in caught.value.en or "comma" in caught.value.en


def test_a_dash_in_a_number_cell_means_none():
    assert parse_number("-") is None
    assert parse_integer(" – ") is None


def test_integers_reject_fractions_instead_of_rounding():
    assert parse_integer("2") == 2
    assert parse_integer(7.0) == 7
    with pytest.raises(Invalid):
        parse_integer("2,5")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("09/4/2023", dt.date(2023, 4, 9)),
        ("09-04-2023", dt.date(2023, 4, 9)),
        ("9.4.2023", dt.date(2023, 4, 9)),
        (" 31/12/2023 ", dt.date(2023, 12, 31)),
        (dt.datetime(2023, 4, 9, 0, 0), dt.date(2023, 4, 9)),
        (dt.date(2023, 4, 9), dt.date(2023, 4, 9)),
        (45025.0, dt.date(2023, 4, 9)),  # an Excel serial number
        ("2023-04-09", dt.date(2023, 4, 9)),
        (None, None),
        ("   ", None),
    ],
)
def test_dates_as_real_dates_or_text_day_first(written, expected):
    assert parse_date(written) == expected


@pytest.mark.parametrize("written", ["31/02/2023", "hôm qua", "2023/13/45"])
def test_impossible_or_unreadable_dates_are_errors(written):
    with pytest.raises(Invalid):
        parse_date(written)


def test_booleans_as_clerks_write_them():
    assert parse_boolean("Có") is True
    assert parse_boolean("co") is True
    assert parse_boolean("x") is True
    assert parse_boolean("Không") is False
    assert parse_boolean(None) is None
    assert parse_boolean("") is None
    with pytest.raises(Invalid):
        parse_boolean("có lẽ")


def test_fold_strips_diacritics_case_and_spacing():
    assert fold("  Phường  ĐÔNG   Phong ") == "phuong dong phong"
    assert fold("Sùng Phài") == "sung phai"


def test_clean_text_collapses_whitespace_and_non_breaking_spaces():
    assert clean_text("  Tân\u00a0 Phong \n") == "Tân Phong"
    assert clean_text("   ") is None
    assert clean_text(12.0) == "12"
