"""Legacy font encodings (TCVN3, VNI): the tables, the repair, and above all no false alarms.

The tables below are written out here independently of the module, letter by letter, from the
published TCVN3 (ABC) and VNI-Windows code charts (cross-checked against the converters of Unikey-era
tools), and the test encoders are built from them: a wrong entry in either place fails a test.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from ingestion.legacy_text import (
    TCVN3,
    TCVN3_TABLE,
    VNI,
    detect_legacy_encoding,
    is_vietnamese_syllable,
    repair,
    to_unicode,
)

REPO = Path(__file__).resolve().parent.parent

# Each row: the letter without tone, then grave, hook, tilde, acute, dot below.
UNICODE_ROWS = [
    "aàảãáạ", "ăằẳẵắặ", "âầẩẫấậ", "eèẻẽéẹ", "êềểễếệ", "iìỉĩíị",
    "oòỏõóọ", "ôồổỗốộ", "ơờởỡớợ", "uùủũúụ", "ưừửữứự", "yỳỷỹýỵ",
]  # fmt: skip
TCVN3_ROWS = [
    "a µ ¶ · ¸ ¹", "¨ » ¼ ½ ¾ Æ", "© Ç È É Ê Ë", "e Ì Î Ï Ð Ñ", "ª Ò Ó Ô Õ Ö", "i × Ø Ü Ý Þ",
    "o ß á â ã ä", "« å æ ç è é", "¬ ê ë ì í î", "u ï ñ ò ó ô", "\u00ad õ ö ÷ ø ù", "y ú û ü ý þ",
]  # fmt: skip
VNI_ROWS = [
    "a aø aû aõ aù aï", "aê aè aú aü aé aë", "aâ aà aå aã aá aä", "e eø eû eõ eù eï",
    "eâ eà eå eã eá eä", "i ì æ ó í ò", "o oø oû oõ où oï", "oâ oà oå oã oá oä",
    "ô ôø ôû ôõ ôù ôï", "u uø uû uõ uù uï", "ö öø öû öõ öù öï", "y yø yû yõ yù î",
]  # fmt: skip
TCVN3_CAPITALS = {"Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦", "Đ": "§"}


def _lower_table(rows: list[str]) -> dict[str, str]:
    table = {}
    for letters, codes in zip(UNICODE_ROWS, rows, strict=True):
        table.update(zip(letters, codes.split(" "), strict=True))
    return table


TCVN3_LOWER = {**_lower_table(TCVN3_ROWS), "đ": "®"}
VNI_LOWER = {**_lower_table(VNI_ROWS), "đ": "ñ"}
VIETNAMESE_LETTERS = {letter for letter in TCVN3_LOWER if not letter.isascii()}
VIETNAMESE_LETTERS |= {letter.upper() for letter in VIETNAMESE_LETTERS}


def to_tcvn3(text: str) -> str:
    """What a clerk's keyboard driver writes in a .VnTime/.VnTimeH cell: capitals with a tone have
    no code of their own, so they are written with the lowercase code (a capital font draws them)."""
    text = unicodedata.normalize("NFC", text)
    return "".join(ch if ch.isascii() else TCVN3_CAPITALS.get(ch) or TCVN3_LOWER.get(ch.lower(), ch) for ch in text)


def to_vni(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return "".join(ch if ch.isascii() else VNI_LOWER.get(ch) or VNI_LOWER.get(ch.lower(), ch).upper() for ch in text)


ENCODERS = {TCVN3: to_tcvn3, VNI: to_vni}


def tcvn3_visible(text: str) -> str:
    """How TCVN3 text typed in a normal font reads back: a capital toned vowel inside a word that is
    not all capitals comes back lowercase (its code is the lowercase one)."""

    def word(match: re.Match[str]) -> str:
        found = match.group()
        if found.isupper() and len(found) > 1:
            return found
        return "".join(ch.lower() if ch.isupper() and ch not in TCVN3_CAPITALS and not ch.isascii() else ch for ch in found)

    return re.sub(r"[^\W\d_]+", word, text)


SENTENCES = [
    "Phường Đoàn Kết, thành phố Lai Châu",
    "Ủy ban nhân dân xã Sùng Phài tổ chức tiếp công dân định kỳ",
    "Người dân phản ánh việc cấp giấy chứng nhận quyền sử dụng đất chậm",
    "Đoàn thanh tra đã kiểm tra hồ sơ và kết luận đúng hạn",
    "Bản Nậm Loỏng có nhiều hộ gia đình dân tộc Thái, Mông, Dao",
    "Tháng mười một, trời se lạnh, sương mù phủ kín thung lũng",
    "Chúng tôi đề nghị bổ sung kinh phí sửa chữa trường học",
    "Khiếu nại về bồi thường, hỗ trợ tái định cư khi thu hồi đất",
    "Cán bộ tư pháp hướng dẫn thủ tục chứng thực bản sao",
    "Những ngày đầu năm, bà con nô nức đi chợ phiên",
    "Quyết định khen thưởng tập thể lao động xuất sắc",
    "Kỷ luật khiển trách đối với công chức vi phạm quy chế",
    "Giải quyết dứt điểm các vụ việc tồn đọng, kéo dài",
    "Ông Lò Văn Nguyễn ở bản Hoàng Thèn, xã San Thàng",
    "Hướng dẫn, giải thích chính sách pháp luật cho người dân",
    "Trường mầm non Hoa Ban có bốn điểm trường lẻ",
    "Đường giao thông nông thôn được bê tông hóa, rộng rãi, sạch sẽ",
    "Chị ấy mỉm cười, gật gù rồi khẽ nói lời cảm ơn",
    "Mỗi tuần một lần, tổ hòa giải họp ở nhà văn hóa",
    "Ý kiến cử tri được tổng hợp, chuyển đến cơ quan có thẩm quyền",
    "Nghiêng nghiêng bóng núi, khuya khoắt tiếng suối reo",
    "Quỹ hỗ trợ nông dân, tiết kiệm, vay vốn ưu đãi",
    "Ứng dụng công nghệ thông tin trong cải cách hành chính",
    "Ẩm thực vùng cao: xôi ngũ sắc, thắng cố, lợn cắp nách",
    "Huỳnh Thị Ngọc Ánh khuyến khích, thuở ấy, quyển sổ, đường ngoằn ngoèo",
    "Dự án đường tránh phải giải phóng mặt bằng trước quý ba",
    "Ấp ủ ước mơ, em gái nhỏ chăm chỉ học bài mỗi tối",
    "Ở đây có suối nước nóng, thác Tắc Tình và đèo Ô Quy Hồ",
    "Ẵm con đi khám, chị được y sĩ tư vấn tận tình",
    "Tỷ lệ hộ nghèo giảm, kỹ sư thủy lợi về huyện lỵ dự kỳ họp",
    "Ễnh ương kêu ran, hàng ế ẩm, mẹ vẽ kẽ lá nhẹ nhàng",
    "Ước tính ba mươi bảy phần trăm, ừ thì chờ thêm, ậm ừ mãi",
    "Ống nước vỡ, ổ gà nhiều, sửa chữa gấp ở đoạn đèo",
    "Ủng hộ đồng bào vùng lũ, ổn định đời sống, ở yên nơi mới",
    "Lễ hội Then Kin Pang của đồng bào Thái trắng ở Lai Châu",
    "Nói thẳng, nói thật, nói rõ ràng với cử tri",
]
SENTENCE_WORDS = sorted({w for s in SENTENCES for w in re.findall(r"[^\W\d_]+", s) if w.isalpha() and not w.isascii()})


def _yaml_strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for key, value in node.items() for s in (*_yaml_strings(key), *_yaml_strings(value))]
    if isinstance(node, list):
        return [s for item in node for s in _yaml_strings(item)]
    return []


def _source_strings() -> list[str]:
    found = []
    for path in sorted((REPO / "ingestion" / "sources").glob("*.yml")):
        found += _yaml_strings(yaml.safe_load(path.read_text(encoding="utf-8")))
    return sorted(set(found))


def _seed_rows() -> list[dict[str, str]]:
    rows = []
    for path in sorted((REPO / "dbt_project" / "seeds" / "reference").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows += list(csv.DictReader(handle))
    return rows


def _seed_strings() -> list[str]:
    return sorted({part for row in _seed_rows() for cell in row.values() if cell for part in {cell, *cell.split("|")}})


def _unit_names() -> list[str]:
    names = set()
    for row in _seed_rows():
        for column in ("name", "full_name", "name_vi"):
            if row.get(column):
                names.add(row[column])
        names.update(alias for alias in (row.get("aliases") or "").split("|") if alias)
    return sorted(name for name in names if not name.isascii())


SOURCE_STRINGS = _source_strings()
SEED_STRINGS = _seed_strings()
UNIT_NAMES = _unit_names()


# --- Tables -----------------------------------------------------------------------------------------


def test_the_tables_cover_all_134_vietnamese_letters():
    assert len(VIETNAMESE_LETTERS) == 134
    assert len(TCVN3_LOWER) == len(VNI_LOWER) == 67 + 6  # with the 6 plain vowels a e i o u y
    assert all(unicodedata.is_normalized("NFC", letter) for letter in VIETNAMESE_LETTERS)


def test_the_module_tcvn3_table_is_exactly_the_published_one():
    expected = {code: letter for letter, code in TCVN3_LOWER.items() if not letter.isascii()}
    expected |= {code: letter for letter, code in TCVN3_CAPITALS.items()}
    assert expected == TCVN3_TABLE
    assert len(TCVN3_TABLE) == 74


@pytest.mark.parametrize("letter", sorted(VIETNAMESE_LETTERS))
def test_every_letter_converts_from_vni(letter):
    assert to_unicode(to_vni(letter), VNI) == letter
    assert to_unicode(to_vni(f"x{letter}x"), VNI) == f"x{letter}x"


@pytest.mark.parametrize("letter", sorted(VIETNAMESE_LETTERS))
def test_every_letter_converts_from_tcvn3(letter):
    # Capitals with a tone are typed with lowercase codes in a capital font: in a word of capitals.
    word = f"X{letter}Y" if letter.isupper() else f"x{letter}y"
    assert to_unicode(to_tcvn3(word), TCVN3) == word
    if letter.islower() or letter in TCVN3_CAPITALS:
        assert to_unicode(to_tcvn3(letter), TCVN3) == letter


def test_vni_sequences_use_the_mark_after_the_letter():
    assert to_unicode("Phöôøng Ñoaøn Keát", VNI) == "Phường Đoàn Kết"
    assert to_unicode("OÂ Ô oâ ô öô", VNI) == "Ô Ơ ô ơ ươ"
    assert to_unicode("khuyeán khích thuôû aáy", VNI) == "khuyến khích thuở ấy"
    assert to_unicode("Aùo", VNI) == "Áo"  # a capital before a lowercase mark, as Excel's PROPER() leaves it


def test_to_unicode_rejects_an_unknown_encoding():
    with pytest.raises(ValueError, match="VISCII"):
        to_unicode("abc", "VISCII")


# --- Repair -----------------------------------------------------------------------------------------


def test_the_examples_from_the_quarantine_report():
    assert repair("Ph\u00adêng §oµn KÕt") == ("Phường Đoàn Kết", TCVN3)
    assert repair("Phöôøng Ñoaøn Keát") == ("Phường Đoàn Kết", VNI)
    assert detect_legacy_encoding("Ph\u00adêng §oµn KÕt") == TCVN3
    assert detect_legacy_encoding("Phöôøng Ñoaøn Keát") == VNI


@pytest.mark.parametrize(
    ("legacy", "expected"),
    [
        ("PH\u00adêNG §OµN KÕT", "PHƯỜNG ĐOÀN KẾT"),  # .VnTimeH: lowercase codes drawn as capitals
        ("UBND X· S×N Hå", "UBND XÃ SÌN HỒ"),  # lone toned vowels too, when all plain letters are capitals
        ("UBND x· S×N", "UBND xã SÌN"),  # a word of capitals in mixed text
        ("§µ N½ng", "Đà Nẵng"),
        ("Trung b×nh", "Trung bình"),
        ("YÕu", "Yếu"),
        ("Kh¸", "Khá"),
        ("QuyÕt TiÕn", "Quyết Tiến"),
        ("Hå ChÝ Minh", "Hồ Chí Minh"),
        ("ñy ban nh©n d©n", "ủy ban nhân dân"),  # a capital Ủ typed in .VnTime has the code of ủ
        ("Tæ d©n phè sè 5, ngµy 12/05/2023", "Tổ dân phố số 5, ngày 12/05/2023"),
    ],
)
def test_tcvn3_repairs(legacy, expected):
    assert repair(legacy) == (expected, TCVN3)


@pytest.mark.parametrize(
    ("legacy", "expected"),
    [
        ("PHÖÔØNG ÑOAØN KEÁT", "PHƯỜNG ĐOÀN KẾT"),
        ("Coâng an xaõ", "Công an xã"),
        ("Lai Chaâu", "Lai Châu"),
        ("Xin chaøo caùc baïn", "Xin chào các bạn"),
        ("Tieáp coâng daân ngaøy 15/11/2023 - 01/XLD", "Tiếp công dân ngày 15/11/2023 - 01/XLD"),
    ],
)
def test_vni_repairs(legacy, expected):
    assert repair(legacy) == (expected, VNI)


@pytest.mark.parametrize("sentence", SENTENCES)
@pytest.mark.parametrize("encoding", [TCVN3, VNI])
def test_sentences_round_trip(sentence, encoding):
    expected = tcvn3_visible(sentence) if encoding == TCVN3 else sentence
    assert repair(ENCODERS[encoding](sentence)) == (expected, encoding)


@pytest.mark.parametrize("sentence", SENTENCES)
@pytest.mark.parametrize("encoding", [TCVN3, VNI])
def test_sentences_in_capitals_round_trip(sentence, encoding):
    capitals = sentence.upper()
    assert repair(ENCODERS[encoding](capitals)) == (capitals, encoding)


@pytest.mark.parametrize("name", UNIT_NAMES)
@pytest.mark.parametrize("encoding", [TCVN3, VNI])
def test_unit_names_round_trip(name, encoding):
    expected = tcvn3_visible(name) if encoding == TCVN3 else name
    assert repair(ENCODERS[encoding](name)) == (expected, encoding)


def test_the_sentences_use_every_letter():
    used = {ch for sentence in SENTENCES for ch in sentence.lower()}
    assert {letter for letter in VIETNAMESE_LETTERS if letter.islower()} <= used
    assert len(UNIT_NAMES) >= 20


# --- No false alarms --------------------------------------------------------------------------------

ORDINARY = [
    "",
    " ",
    "STT",
    "01/XLD",
    "TP-2023-001",
    "12/05/2023",
    "2023-11-15",
    "1.214",
    "9.687,9",
    "383.071.280 đồng",
    "dd/mm/yyyy",
    "Citizen-reception register",
    "The quick brown fox jumps over the lazy dog",
    # Lone symbols that are letters in the legacy tables
    "©", "®", "°", "½", "¼", "¾", "±", "×", "÷", "§", "¶", "µ", "·", "¸", "ª", "º", "¡", "¿", "«»", "\u00ad",
    "© 2024 UBND", "25°C", "2×3", "10½", "10½ ngày", "Nº 5", "50 µg", "§ 3 Điều 5", "Giá 5€ ©",
    "“Trích dẫn”", "Mã số ©", "Lê ©", "Tôi ©", "ABC®", "Café®", "x² + y²", "±5%", "«Tên»", "¼ ha", "½ số hộ",
    # Latin-1 text of other languages
    "naïve café résumé façade", "Müller", "José", "François", "Straße", "Ørsted", "Åse", "Søren", "Jörg",
    "Noël", "Zoë", "São Paulo", "Não", "Núñez", "Raúl", "Curaçao", "Haïti", "Björk", "crème brûlée",
    "piñata", "Ångström", "Ærø", "Þór", "Señor Peña", "über", "Öl", "Ça va", "déjà vu", "Anaïs",
    # Vietnamese whose accented letters all happen to be Latin-1 characters
    "Lê", "Tô", "Hà", "Lò", "Vì", "Tôi", "Bà", "Cô", "Có", "Có không", "Tôi là Lê", "Bà Tô", "Cô Hà",
    "Hòa Bình", "Tà Lèng", "Thèn", "Lê Hà", "Tú Tâm", "Cà Mau", "Sáu", "Tân", "Dân", "Là", "Ý", "Ô",
    # Mixed: Unicode text with a legacy word is not guessed at
    "Phường §oµn KÕt",
]  # fmt: skip


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_left_alone(text):
    assert repair(text) == (text, None)
    assert detect_legacy_encoding(text) is None


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_vietnamese_sentences_are_left_alone(form):
    for sentence in SENTENCES + [s.upper() for s in SENTENCES] + [s.lower() for s in SENTENCES]:
        text = unicodedata.normalize(form, sentence)
        assert repair(text) == (text, None), text


def test_every_string_of_the_source_contracts_is_left_alone():
    assert len(SOURCE_STRINGS) > 300
    flagged = {text: repair(text) for text in SOURCE_STRINGS if repair(text)[1] is not None}
    assert flagged == {}


def test_every_string_of_the_seeds_is_left_alone():
    assert len(SEED_STRINGS) > 100
    for form in ("NFC", "NFD"):
        flagged = [s for s in SEED_STRINGS if repair(unicodedata.normalize(form, s))[1] is not None]
        assert flagged == []


def test_each_vietnamese_word_alone_is_left_alone():
    corpus_words = {w for s in SOURCE_STRINGS + SEED_STRINGS for w in re.findall(r"[^\W\d_]+", s) if w.isalpha()}
    words = SENTENCE_WORDS + sorted(corpus_words)
    for word in words:
        for variant in (word, word.lower(), word.upper(), word.capitalize()):
            assert repair(variant) == (variant, None), variant


def test_ambiguous_single_words_are_left_alone():
    # "Tæ" is «Tổ» in TCVN3 and «Tỉ» in VNI: nothing says which.
    assert repair("Tæ") == ("Tæ", None)


def test_vni_text_that_reads_as_ordinary_vietnamese_is_left_alone():
    # «hồ sơ» in VNI is "hoà sô", which is also plain Unicode Vietnamese: nothing to act on.
    assert to_vni("hồ sơ") == "hoà sô"
    assert repair("hoà sô") == ("hoà sô", None)


def test_one_glued_legacy_character_without_ascii_context_is_not_enough():
    # «Hå» would be «Hồ», but one odd letter next to one plain letter is too little to act on.
    assert repair("Hå") == ("Hå", None)
    assert repair("¸o") == ("¸o", None)


# --- Syllables ---------------------------------------------------------------------------------------


def test_every_vietnamese_word_used_here_is_a_valid_syllable():
    words = set(SENTENCE_WORDS)
    for text in SOURCE_STRINGS + SEED_STRINGS:
        words.update(w for w in re.findall(r"[^\W\d_]+", text) if w.isalpha() and not w.isascii())
    words = {w for w in words if not re.fullmatch("[A-ZĐ]+", w)}  # abbreviations such as HĐND, GDĐT
    invalid = sorted(w for w in words if not is_vietnamese_syllable(w))
    assert invalid == []
    assert all(is_vietnamese_syllable(unicodedata.normalize("NFD", w)) for w in words)


@pytest.mark.parametrize("word", ["tèt", "quyõt", "cafộ", "ẹam", "aà", "đ", "hồnǵ", "xyz", "thươ", "tiê"])
def test_non_syllables_are_rejected(word):
    assert not is_vietnamese_syllable(word)
