"""Normalisation of what clerks type into spreadsheets.

Wards send real numbers, numbers typed as text with Vietnamese separators (``1.214``,
``9.687,9``), dates as real dates or as ``dd/mm/yyyy`` text, unit names with or without
diacritics and prefixes. Every parser here returns a clean Python value or raises
``ValueError`` with a message a clerk can act on; callers attach file/sheet/row/column.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from ingestion.legacy_text import repair


class Invalid(ValueError):
    """A value a clerk typed that does not fit, said in Vietnamese and in English."""

    def __init__(self, vi: str, en: str, rule: str = "invalid"):
        super().__init__(f"{vi} / {en}")
        self.vi = vi
        self.en = en
        self.rule = rule


_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORMULA_ERRORS = {"#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
_DATE_TEXT = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
# Excel's serial day 1 is 1900-01-01 with the 1900 leap-year bug; day 0 is 1899-12-30.
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def clean_text(value: object) -> str | None:
    """Trim and collapse whitespace (including non-breaking spaces), drop control characters,
    normalise to NFC, and convert text typed in a legacy Vietnamese font (TCVN3, VNI) to Unicode;
    empty becomes None. Called for every text cell, so tidy text takes the short path."""
    if value is None or value == "":
        return None
    if type(value) is str:
        text = value
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        text = repair_legacy(text)
    if not text.isprintable() or "  " in text:  # tabs, newlines, non-breaking spaces, control characters
        text = _SPACES.sub(" ", _CONTROL.sub("", text.replace("\u00a0", " ")))
    text = text.strip()
    return text or None


def repair_legacy(text: str) -> str:
    """Text typed with a legacy font (TCVN3 .VnTime, VNI-Times) converted to Unicode NFC; text
    that is not legacy-encoded (the usual case, decided quickly) comes back as it was."""
    return repair(text)[0]


def marker_key(value: object) -> str:
    """Lower-case text with its diacritics kept: "Cộng" (a subtotal) is not "Công" (Công an...)."""
    return (clean_text(value) or "").casefold()


def markers(labels: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Marker labels as (accented, folded) prefixes, for ``starts_with_marker``."""
    return tuple(marker_key(m) for m in labels), tuple(fold(m) for m in labels)


def starts_with_marker(value: object, prefixes: tuple[tuple[str, ...], tuple[str, ...]]) -> bool:
    """A line's first cell starts with a marker, compared with diacritics; text typed with no
    diacritics at all ("Tong cong") is compared folded, since it says nothing either way."""
    text = marker_key(value)
    if not text:
        return False
    accented, folded = prefixes
    if text.startswith(accented):
        return True
    plain = fold(text)
    return plain == text and plain.startswith(folded)


def _base_letters() -> dict[int, str]:
    """Every precomposed Latin letter (Vietnamese ones included) → its letter without marks."""
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for code in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        letter = chr(code)
        base = "".join(ch for ch in unicodedata.normalize("NFD", letter) if unicodedata.category(ch) != "Mn")
        if base != letter and base.isascii() and base:
            table[code] = base
    return table


_BASE_LETTERS = _base_letters()


def fold(value: object) -> str:
    """Lower-case, strip diacritics (đ → d), collapse whitespace: for matching labels and names.

    One ``str.translate`` for the usual text; the character-by-character path is kept for text
    that still holds marks afterwards (combining marks on letters outside the table)."""
    text = clean_text(value) or ""
    if not text.isascii():
        text = text.translate(_BASE_LETTERS)
        if not text.isascii():
            decomposed = unicodedata.normalize("NFD", text)
            text = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return text.casefold()


def parse_date(value: object) -> dt.date | None:
    """A real date, an Excel serial number, or text ``dd/mm/yyyy`` (also ``-`` or ``.``)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise Invalid(f"số {value} không phải là ngày", f"{value} is not a date", "not_a_date")
    text = clean_text(value) or ""
    match = _DATE_TEXT.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        if year < 100:
            year += 2000
    else:
        match = _ISO_DATE.match(text)
        if not match:
            raise Invalid(f"'{text}' không phải ngày dạng dd/mm/yyyy", f"'{text}' is not a date written dd/mm/yyyy", "not_a_date")
        year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise Invalid(f"'{text}' không phải là ngày có thật", f"'{text}' is not a real date", "not_a_date") from None


def parse_number(value: object) -> float | None:
    """A number written the Vietnamese way: ``.`` groups thousands, ``,`` marks decimals.

    ``1.214`` is 1214, ``9.687,9`` is 9687.9, ``12.500.000 đồng`` is 12500000; a unit word
    after the number is allowed, other text is not.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise Invalid(f"'{value}' không phải là số", f"'{value}' is not a number", "not_a_number")
    if isinstance(value, (int, float)):
        return float(value)
    text = clean_text(value)
    if text is None or text in {"-", "–", "—"}:  # forms write a dash for "none"
        return None
    if text in _FORMULA_ERRORS:
        raise Invalid(
            f"ô có lỗi công thức {text}; hãy sửa công thức hoặc nhập số",
            f"the cell shows the formula error {text}; fix the formula or type the number",
            "formula_error",
        )
    match = re.match(r"^([+-]?[\d.,\s]*\d)(?:\s*[^\d\s.,][^\d]*)?$", text)
    if not match:
        raise Invalid(f"'{text}' không phải là số", f"'{text}' is not a number", "not_a_number")
    digits = match.group(1).replace(" ", "")
    if "," in digits:
        integer_part, _, decimals = digits.rpartition(",")
        if "," in integer_part:
            raise Invalid(f"'{text}' có nhiều dấu phẩy", f"'{text}' has more than one decimal comma", "not_a_number")
        integer_part = integer_part.replace(".", "")
        digits = f"{integer_part}.{decimals}"
    elif digits.count(".") >= 1:
        groups = digits.lstrip("+-").split(".")
        if all(len(group) == 3 for group in groups[1:]):
            digits = digits.replace(".", "")
        elif digits.count(".") > 1:
            raise Invalid(f"'{text}' không phải là số", f"'{text}' is not a number", "not_a_number")
    return float(digits)


def parse_integer(value: object) -> int | None:
    """A whole number (calamine returns 3.0 for 3); a fraction is an error, not rounded away."""
    number = parse_number(value)
    if number is None:
        return None
    if not float(number).is_integer():
        text = clean_text(value)
        raise Invalid(f"'{text}' không phải là số nguyên", f"'{text}' is not a whole number", "not_a_whole_number")
    return int(number)


_TRUE = {"co", "x", "1", "yes", "true", "dung", "v", "√"}
_FALSE = {"khong", "0", "no", "false", "-"}


def parse_boolean(value: object) -> bool | None:
    """``Có``/``x``/``1`` are yes, ``Không``/``0`` are no, empty is unknown (None)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    folded = fold(value)
    if not folded:
        return None
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    text = clean_text(value)
    raise Invalid(f"'{text}' phải là 'Có' hoặc 'Không'", f"'{text}' must be 'Có' (yes) or 'Không' (no)", "not_yes_no")
