"""Detect and repair Vietnamese typed in the legacy 8-bit font encodings TCVN3 (ABC) and VNI.

Why this exists: some offices still type with the old ".VnTime"/".VnArial" (TCVN3, also called ABC)
or "VNI-Times" fonts. Those fonts draw Vietnamese letters in place of ordinary Western characters, so
the workbook stores the Western characters: a clerk sees «Phường Đoàn Kết» on screen, but the cell
holds «Ph­êng §oµn KÕt» (TCVN3, with an invisible soft hyphen U+00AD standing for "ư") or
«Phöôøng Ñoaøn Keát» (VNI, where a letter is followed by a separate mark character). Unit names and
choices then fail to match and the rows are quarantined. This module turns such text back into
Unicode (NFC) and, just as importantly, leaves every other text alone.

How it decides, cheaply first:

1. Pure ASCII, or text holding any Unicode-only Vietnamese character (ư, ơ, ă, đ, ạ…, or a combining
   mark, i.e. NFD text), is never legacy text: one ``str.isascii`` and one regex search.
2. Text with none of the Western characters the two encodings use is left alone (second search).
3. Otherwise each word is converted with each encoding and must come out as a valid Vietnamese
   syllable (initial consonant, vowel nucleus, final consonant, one tone at most, on a vowel that
   carries tones, stop finals only with sắc or nặng); a few invalid words are tolerated only in long
   text. The text must also carry *evidence*: legacy characters inside words, glued to ordinary
   letters, that ordinary text never has (a cedilla in «Kh¸», an uppercase «Õ» inside «KÕt», «aø»
   or «oâ» in VNI…), or words whose letters make no Vietnamese syllable as they stand. A lone «©»,
   «®», «°», «½» or «×» next to digits is not evidence, nor is one odd letter beside one plain
   letter («Hå»). If both encodings fit equally well, the text is ambiguous and left alone: short
   cells such as «Tæ» (Tổ in TCVN3, Tỉ in VNI) or «Tèt» (Tốt, but also plausible ordinary text)
   are not repaired.

TCVN3 has codes for lowercase letters only, apart from Ă Â Ê Ô Ơ Ư Đ; capitals with a tone were typed
with the capital fonts (".VnTimeH"), which draw the lowercase codes as capitals. So a word whose
plain letters are all capitals (``"PH­êNG"``) is read as all capitals (``"PHƯỜNG"``), and a whole
text whose plain letters are all capitals is read in capitals. A lone capital toned vowel typed in a
normal font (the first letter of «Ủy») cannot be told from its lowercase and comes back lowercase.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

TCVN3 = "TCVN3"
VNI = "VNI"
ENCODINGS = (TCVN3, VNI)

# --- TCVN3 (TCVN 5712:1993 VN3, the ABC fonts) ---------------------------------------------------
# Byte value -> letter. Bytes 0xA0-0xFF show as the same character in Windows-1252 and Latin-1, so
# the character Excel stores is chr(byte). Holes (0xB0-0xB4, 0xBA, 0xBF-0xC5, 0xCD, 0xD9-0xDB,
# 0xE0, 0xF0, 0xFF) are not letters in VN3. Order within a line: grave, hook, tilde, acute, dot.
_TCVN3_BYTES: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip
TCVN3_TABLE: dict[str, str] = {chr(code): letter for code, letter in _TCVN3_BYTES.items()}
_TCVN3_TRANSLATE = str.maketrans(TCVN3_TABLE)
_TCVN3_CAPITAL_CODES = frozenset(ch for ch, letter in TCVN3_TABLE.items() if letter.isupper())

# --- VNI (VNI-Windows fonts) ----------------------------------------------------------------------
# A toned or shaped vowel is the plain letter followed by one mark character; i with a tone, ỵ, ơ,
# ư and đ are single characters. Capitals use the capital of each character ("AØ" = À, "Ô" = Ơ).
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"
_VNI_TONE_MARKS = {"ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}  # after a e o u y ơ ư
_VNI_CIRCUMFLEX_MARKS = {"â": "", "á": _ACUTE, "à": _GRAVE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}  # after a e o
_VNI_BREVE_MARKS = {"ê": "", "é": _ACUTE, "è": _GRAVE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}  # after a
_VNI_SINGLE = {"í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ", "ô": "ơ", "ö": "ư", "ñ": "đ"}


def _build_vni_table() -> dict[str, str]:
    """Every VNI sequence -> its letter, capitals included; a capital base letter makes a capital."""
    lower: dict[str, str] = dict(_VNI_SINGLE)
    groups = [
        ("aeouyôö", _VNI_TONE_MARKS, ""),
        ("aeo", _VNI_CIRCUMFLEX_MARKS, _CIRCUMFLEX),
        ("a", _VNI_BREVE_MARKS, _BREVE),
    ]
    for bases, marks, shape in groups:
        for base in bases:
            letter = _VNI_SINGLE.get(base, base)
            for mark, tone in marks.items():
                if base == "y" and mark == "ï":
                    continue  # ỵ is the single character "î"
                lower[base + mark] = unicodedata.normalize("NFC", letter + shape + tone)
    table: dict[str, str] = {}
    for sequence, letter in lower.items():
        table[sequence] = letter
        table[sequence.upper()] = letter.upper()
        if len(sequence) == 2:  # a capital before a lowercase mark, as Excel's PROPER() leaves «Aùo»
            table[sequence[0].upper() + sequence[1]] = letter.upper()
    return table


VNI_TABLE: dict[str, str] = _build_vni_table()
# A base vowel and a mark, else a single-character letter; pairs that are no VNI letter ("uê") keep
# their mark as it is. Marks and single letters are disjoint, so this is the longest match.
_VNI_MARKS = "".join(sorted({sequence[1] for sequence in VNI_TABLE if len(sequence) == 2}))
_VNI_BASES = "".join(sorted({sequence[0] for sequence in VNI_TABLE if len(sequence) == 2}))
_VNI_SINGLES = "".join(sorted(sequence for sequence in VNI_TABLE if len(sequence) == 1))
_VNI_SEQUENCE = re.compile(f"[{_VNI_BASES}][{_VNI_MARKS}]|[{_VNI_SINGLES}]")

# --- What counts as Vietnamese, and as evidence ----------------------------------------------------
_VI_LOWER = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_TONES = {_GRAVE: "huyền", _HOOK: "hỏi", _TILDE: "ngã", _ACUTE: "sắc", _DOT: "nặng"}
# The accented letters of Unicode Vietnamese that happen to be Latin-1 characters.
_VI_LATIN1 = frozenset("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
# Characters of Unicode Vietnamese text that legacy text (Western characters) never holds: the
# Vietnamese letters outside Latin-1, combining marks (NFD text), and the rest of the Latin
# extensions. Finding one means "this is Unicode text": the usual, cheap answer.
_UNICODE_ONLY = re.compile("[\u0100-\u036f\u1e00-\u1eff]")
_LEGACY_CHARS = frozenset(ch for ch in (*TCVN3_TABLE, *"".join(VNI_TABLE)) if not ch.isascii())
_ANY_LEGACY_CHAR = re.compile("[" + re.escape("".join(sorted(_LEGACY_CHARS))) + "]")
_LEGACY_ONLY = {
    TCVN3: frozenset(TCVN3_TABLE) - _VI_LATIN1,
    VNI: frozenset("".join(VNI_TABLE)) - _VI_LATIN1 - frozenset("AEOUYaeouy"),
}
_LATIN1_LETTERS = "A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff"
_WORDS = {
    TCVN3: re.compile("[" + _LATIN1_LETTERS + re.escape("".join(sorted(TCVN3_TABLE))) + "]+"),
    VNI: re.compile("[" + _LATIN1_LETTERS + "]+"),
}
# Patterns ordinary text never has inside a word. TCVN3: one of its lowercase letters drawn from an
# uppercase Western character after another letter, in a word with lowercase letters («KÕt»,
# «chÝnh»). VNI: a vowel followed by a mark that Unicode Vietnamese never puts after that vowel
# (Vietnamese has no "aâ", "oâ", "aù", "eõ"…; "oà", "uâ", "uê", "yê" are real and not listed).
_TCVN3_INNER_CAPITAL = re.compile(
    "(?<=[A-Za-z\u00a1-\u00ff])["
    + re.escape("".join(ch for ch, letter in TCVN3_TABLE.items() if ch.isupper() and letter.islower()))
    + "]"
)
_VNI_NEVER_IN_UNICODE = re.compile(
    "(?i:[a][ùõâáàãêéèú]|[e][ùõâáàã]|[o][ùõâ]|[ôuy][ùõ])",
)
# Vowel nuclei, each with the positions in it that may carry the tone mark (both the older "hòa" and
# the newer "hoà" placements are accepted). A glide at the end (ai, ao, iêu…) takes no final consonant.
_GLIDE_NUCLEI: dict[str, tuple[int, ...]] = {
    "ai": (0,), "ao": (0,), "au": (0,), "ay": (0,), "âu": (0,), "ây": (0,), "eo": (0,), "êu": (0,),
    "ia": (0,), "iu": (0,), "oi": (0,), "ôi": (0,), "ơi": (0,), "ua": (0,), "ui": (0,), "ưa": (0,),
    "ưi": (0,), "ưu": (0,), "iêu": (1,), "yêu": (1,), "oai": (1,), "oao": (1,), "oay": (1,),
    "oeo": (1,), "uây": (1,), "uôi": (1,), "ươi": (1,), "ươu": (1,), "uya": (), "uyu": (1,),
}  # fmt: skip
# Nuclei that may end the syllable or take a final consonant (oa, oe, uy: tone on the second vowel
# before a final consonant).
_OPEN_NUCLEI: dict[str, tuple[int, ...]] = {
    "a": (0,), "e": (0,), "ê": (0,), "i": (0,), "o": (0,), "ô": (0,), "ơ": (0,), "u": (0,), "ư": (0,),
    "y": (0,), "oa": (0, 1), "oe": (0, 1), "uy": (0, 1), "uê": (1,), "uơ": (1,),
}  # fmt: skip
# Nuclei that need a final consonant.
_CLOSED_NUCLEI: dict[str, tuple[int, ...]] = {
    "ă": (0,), "â": (0,), "iê": (1,), "yê": (1,), "oă": (1,), "oo": (1,), "uâ": (1,), "uô": (1,),
    "ươ": (1,), "uyê": (2,),
}  # fmt: skip
_INITIALS = ["ngh", "ng", "gh", "gi", "kh", "nh", "ph", "qu", "th", "tr", "ch", *"bcdđghklmnprstvx"]
_FINALS = "ch|ng|nh|[cmnpt]"


def _alternatives(options: object) -> str:
    return "|".join(sorted(options, key=len, reverse=True))  # type: ignore[arg-type]


def _syllable_pattern(initials: list[str]) -> re.Pattern[str]:
    return re.compile(
        f"(?:{_alternatives(initials)})?"
        f"(?:(?P<glide>{_alternatives(_GLIDE_NUCLEI)})"
        f"|(?P<open>{_alternatives(_OPEN_NUCLEI)})(?P<open_final>{_FINALS})?"
        f"|(?P<closed>{_alternatives(_CLOSED_NUCLEI)})(?:{_FINALS}))"
    )


_SYLLABLE = _syllable_pattern(_INITIALS)
_SYLLABLE_G_I = _syllable_pattern([i for i in _INITIALS if i != "gi"])  # "gìn" is g + ìn, not gi + n
_STOP_FINAL = re.compile("(?:ch|[cpt])$")


def _tone_fits(match: re.Match[str], tone_at: int) -> bool:
    for group, nuclei in (("glide", _GLIDE_NUCLEI), ("open", _OPEN_NUCLEI), ("closed", _CLOSED_NUCLEI)):
        nucleus = match.group(group)
        if nucleus:
            allowed = nuclei[nucleus]
            if group == "open" and match.group("open_final") and len(nucleus) == 2:
                allowed = (1,)
            return tone_at - match.start(group) in allowed
    return False


@functools.lru_cache(maxsize=65536)
def _syllable_problem(word: str) -> str | None:
    """None for a well-formed Vietnamese syllable; "shape" when its letters do not make one;
    "tone" when only its tone is wrong (a stop final with a tone other than sắc or nặng, or the
    tone on a letter that never carries it): the kind of slip a typist makes in real text."""
    tone = tone_at = None
    bare: list[str] = []
    for index, ch in enumerate(unicodedata.normalize("NFC", word.lower())):
        parts = unicodedata.normalize("NFD", ch)
        marks = [part for part in parts if part in _TONES]
        if marks:
            if tone is not None or len(marks) > 1:
                return "shape"
            tone, tone_at = marks[0], index
            parts = "".join(part for part in parts if part not in _TONES)
        bare.append(unicodedata.normalize("NFC", parts))
    text = "".join(bare)
    if not text or any(ch not in _VI_LOWER for ch in text):
        return "shape"
    match = _SYLLABLE.fullmatch(text)
    if match is None:
        return "shape"
    if tone is None or tone_at is None:
        return None
    if _STOP_FINAL.search(text) and tone not in (_ACUTE, _DOT):
        return "tone"
    if match.group("closed") == "oo" and tone not in (_ACUTE, _GRAVE, _HOOK):
        return "tone"  # boong, goòng, soóc, Nậm Loỏng: no ngã or nặng
    if _tone_fits(match, tone_at):
        return None
    other = _SYLLABLE_G_I.fullmatch(text) if text.startswith("gi") else None
    return None if other is not None and _tone_fits(other, tone_at) else "tone"


def is_vietnamese_syllable(word: str) -> bool:
    """Whether ``word`` (any case, NFC or NFD) is one well-formed Vietnamese syllable."""
    return _syllable_problem(word) is None


def _vni_letter(match: re.Match[str]) -> str:
    sequence = match.group()
    letter = VNI_TABLE.get(sequence)
    if letter is None:  # a base vowel before a mark that does not belong to it
        return VNI_TABLE.get(sequence[0], sequence[0]) + sequence[1]
    return letter


def _convert_vni_word(word: str) -> str:
    return _VNI_SEQUENCE.sub(_vni_letter, word)


def _convert_tcvn3_word(word: str) -> str:
    return word.translate(_TCVN3_TRANSLATE)


_CONVERTERS: dict[str, Callable[[str], str]] = {TCVN3: _convert_tcvn3_word, VNI: _convert_vni_word}


def _is_capitals_word(word: str) -> bool:
    """A TCVN3 word typed in a capital font: its plain letters (at least two) all capitals, and
    lowercase codes among them, which such fonts draw as capitals («PH\u00adêNG», «S×N»)."""
    if not any(ch.isupper() or ch in _TCVN3_CAPITAL_CODES for ch in word):
        return False
    ascii_letters = [ch for ch in word if ch.isascii()]
    capitals = sum(ch.isupper() for ch in ascii_letters) + sum(ch in _TCVN3_CAPITAL_CODES for ch in word)
    return (
        bool(ascii_letters)
        and all(ch.isupper() for ch in ascii_letters)
        and capitals >= 2
        and any(TCVN3_TABLE.get(ch, "A").islower() for ch in word)
    )


def _convert(text: str, encoding: str) -> tuple[str, list[tuple[str, str]]]:
    """The converted text (NFC) and the (legacy, converted) pairs of the words holding legacy text."""
    convert = _CONVERTERS[encoding]
    pieces: list[str] = []
    legacy: list[int] = []  # indexes in pieces of the words that hold legacy characters
    originals: list[str] = []
    lowercase_seen = False
    position = 0
    for match in _WORDS[encoding].finditer(text):
        word = match.group()
        pieces.append(text[position : match.start()])
        position = match.end()
        if word.isascii():
            lowercase_seen = lowercase_seen or not word.isupper()
            pieces.append(word)
            continue
        lowercase_seen = lowercase_seen or any("a" <= ch <= "z" for ch in word)
        legacy.append(len(pieces))
        originals.append(word)
        pieces.append(convert(word))
    pieces.append(text[position:])
    if encoding == TCVN3:
        capitals = [_is_capitals_word(word) for word in originals]
        if any(capitals) and not lowercase_seen:
            capitals = [True] * len(originals)  # the whole text is in capitals: so are its lone toned vowels
        for index, is_capital in zip(legacy, capitals, strict=True):
            if is_capital:
                pieces[index] = pieces[index].upper()
    converted_text = unicodedata.normalize("NFC", "".join(pieces))
    return converted_text, [(word, pieces[index]) for word, index in zip(originals, legacy, strict=True)]


def _evidence(encoding: str, pairs: list[tuple[str, str]]) -> tuple[int, int] | None:
    """How strongly the words say "this is ``encoding``": (all evidence, evidence that points at this
    encoding rather than merely away from Unicode); None when the words say it is not."""
    valid = invalid = score = specific = 0
    legacy_only = _LEGACY_ONLY[encoding]
    for word, converted in pairs:
        if not is_vietnamese_syllable(converted):
            if converted.isupper() and all(ch.isascii() or ch == "Đ" for ch in converted):
                continue  # an abbreviation such as HĐND or GDĐT: says nothing either way
            invalid += 1
            continue
        valid += 1
        letters = sum(ch.isalpha() or ch in TCVN3_TABLE for ch in word)
        ascii_letters = sum(ch.isascii() for ch in word)
        legacy_only_count = sum(ch in legacy_only for ch in word)
        if encoding == TCVN3:
            never_in_unicode = _TCVN3_INNER_CAPITAL.search(word) and any("a" <= ch <= "z" for ch in word)
        else:
            never_in_unicode = _VNI_NEVER_IN_UNICODE.search(word)
        glued = legacy_only_count > 0 and legacy_only_count + ascii_letters >= 3  # «Kh¸», «Döï», not «Hå»
        as_unicode = _syllable_problem(word)
        if never_in_unicode or glued:
            score += 2
            specific += 2
        elif as_unicode == "shape" and ascii_letters >= 2:
            score += 2
        elif letters >= 2 and (legacy_only_count or as_unicode):
            score += 1
    if invalid > valid // 4:
        return None
    return score, specific


def _detect(text: str) -> tuple[str, str] | None:
    """(encoding, converted text) when ``text`` is legacy-encoded Vietnamese, else None."""
    if not text or text.isascii() or _UNICODE_ONLY.search(text) or not _ANY_LEGACY_CHAR.search(text):
        return None
    return _examine(text)


# Registers repeat the same cell text (names of wards, choices, family names) on many rows.
@functools.lru_cache(maxsize=8192)
def _examine(text: str) -> tuple[str, str] | None:
    """The word-by-word reading of text made of the Western characters the legacy encodings use."""
    found: list[tuple[int, int, str, str]] = []
    for encoding in ENCODINGS:
        converted, pairs = _convert(text, encoding)
        evidence = _evidence(encoding, pairs)
        if evidence is not None and evidence[0] >= 2:
            score, specific = evidence
            found.append((specific, score, encoding, converted))
    if not found:
        return None
    found.sort(reverse=True)
    if len(found) > 1 and found[0][:2] == found[1][:2]:
        return None  # both encodings read it equally well: ambiguous, leave it alone
    return found[0][2], found[0][3]


def detect_legacy_encoding(text: str) -> str | None:
    """``"TCVN3"`` or ``"VNI"`` when ``text`` is Vietnamese typed in that legacy font encoding, else None.

    Costs one ``isascii`` and one or two regex searches for ordinary text; only text made of
    Western characters that the legacy encodings use is examined word by word.
    """
    found = _detect(text)
    return found[0] if found else None


def to_unicode(text: str, encoding: str) -> str:
    """``text`` read as ``encoding`` ("TCVN3" or "VNI"), converted to Unicode NFC."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown legacy encoding {encoding!r}; expected one of {ENCODINGS}")
    return _convert(text, encoding)[0]


def repair(text: str) -> tuple[str, str | None]:
    """(converted text, encoding) when ``text`` is legacy-encoded Vietnamese, else (``text``, None)."""
    found = _detect(text)
    if found is None:
        return text, None
    encoding, converted = found
    return converted, encoding
