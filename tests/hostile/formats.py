# ruff: noqa: E501  (XML and register literals read best on one line)
"""Writers for the file formats the hostile corpus needs and no installed package writes.

* an OLE compound file (CFB, MS-CFB) holding named streams, for the two things old and
  protected Office files are made of: a BIFF8 ``.xls`` workbook, and a password-protected
  ``.xlsx`` (ECMA-376 standard encryption: AES-128 over the zip, key from SHA-1 of the password);
* an OpenDocument spreadsheet (``.ods``): a zip of ``content.xml`` and a manifest;
* the two legacy Vietnamese encodings clerks' old files still carry: TCVN3 (ABC, the ``.VnTime``
  fonts) and VNI Windows, both stored as Latin-1 look-alike characters.

Each is the smallest faithful rendering of its spec, so the tests feed the ingest real bytes of
each format without adding a dependency (xlwt, odfpy, msoffcrypto-tool would each do one part).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import struct
import unicodedata
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

Grid = list[list[object]]

# --- OLE compound file -------------------------------------------------------------------------

_SECTOR = 512
_MINI = 64
_CUTOFF = 4096
_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(name: str, kind: int, start: int, size: int, child: int = _NOSTREAM, right: int = _NOSTREAM) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBBIII", len(encoded), kind, 1, _NOSTREAM, right, child)
        + b"\0" * 16  # CLSID
        + struct.pack("<IQQIQ", 0, 0, 0, start, size)
    )


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file with the given streams at its root (no storages)."""
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # the order the directory tree sorts by
    sectors: list[bytes] = []
    fat: list[int] = []

    def place(data: bytes) -> int:
        if not data:
            return _END
        first = len(sectors)
        count = -(-len(data) // _SECTOR)
        for i in range(count):
            sectors.append(data[i * _SECTOR : (i + 1) * _SECTOR].ljust(_SECTOR, b"\0"))
            fat.append(first + i + 1 if i < count - 1 else _END)
        return first

    # Small streams live in the mini stream, in 64-byte mini sectors chained by the mini FAT.
    mini_data, mini_fat, starts = b"", [], {}
    for name in names:
        data = streams[name]
        if len(data) < _CUTOFF:
            first = len(mini_data) // _MINI
            count = max(1, -(-len(data) // _MINI))
            mini_data += data.ljust(count * _MINI, b"\0")
            mini_fat += [first + i + 1 if i < count - 1 else _END for i in range(count)]
            starts[name] = first
    for name in names:
        if len(streams[name]) >= _CUTOFF:
            starts[name] = place(streams[name])
    mini_stream_start = place(mini_data)
    mini_fat_bytes = struct.pack(f"<{len(mini_fat)}I", *mini_fat) if mini_fat else b""
    mini_fat_start = place(mini_fat_bytes)
    entries = [_dir_entry("Root Entry", 5, mini_stream_start, len(mini_data), child=1 if names else _NOSTREAM)]
    for index, name in enumerate(names, start=1):
        right = index + 1 if index < len(names) else _NOSTREAM
        entries.append(_dir_entry(name, 2, starts[name], len(streams[name]), right=right))
    while len(entries) % 4:
        entries.append(_dir_entry("", 0, 0, 0))
    directory_start = place(b"".join(entries))
    fat_count = 1
    while (len(sectors) + fat_count) > fat_count * (_SECTOR // 4):
        fat_count += 1
    assert fat_count <= 109, "no DIFAT sectors in this writer"
    fat_first = len(sectors)
    fat += [_FATSECT] * fat_count
    fat += [_FREE] * (fat_count * (_SECTOR // 4) - len(fat))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    sectors += [fat_bytes[i * _SECTOR : (i + 1) * _SECTOR] for i in range(fat_count)]
    difat = [fat_first + i for i in range(fat_count)] + [_FREE] * (109 - fat_count)
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack(
            "<IIIIIIIII", 0, fat_count, directory_start, 0, _CUTOFF, mini_fat_start, -(-len(mini_fat_bytes) // _SECTOR), _END, 0
        )
        + struct.pack("<109I", *difat)
    )
    assert len(header) == _SECTOR
    return header + b"".join(sectors)


# --- BIFF8 (.xls) ------------------------------------------------------------------------------

_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _xl_string(text: str, length_bytes: int) -> bytes:
    encoded = text.encode("utf-16-le")
    return struct.pack("<B" if length_bytes == 1 else "<H", len(text)) + b"\x01" + encoded


def _xf(format_index: int) -> bytes:
    # ifnt, ifmt, cell (not a style), alignment, rotation, indent, used, borders, fill
    return struct.pack("<HHHBBBBIIH", 0, format_index, 0x0001, 0x20, 0, 0, 0, 0, 0, 0x20C0)


def _sheet_stream(grid: Grid) -> bytes:
    rows = len(grid)
    cols = max((len(r) for r in grid), default=0)
    body = [_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6))]
    body.append(_record(0x0200, struct.pack("<IIHHH", 0, rows, 0, cols, 0)))
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                serial = float((value - _EXCEL_EPOCH).days)
                body.append(_record(0x0203, struct.pack("<HHHd", r, c, 1, serial)))  # XF 1: a date format
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                body.append(_record(0x0203, struct.pack("<HHHd", r, c, 0, float(value))))
            else:
                body.append(_record(0x0204, struct.pack("<HHH", r, c, 0) + _xl_string(str(value), 2)))
    body.append(_record(0x000A, b""))
    return b"".join(body)


def xls_workbook(sheets: dict[str, Grid]) -> bytes:
    """A BIFF8 workbook (Excel 97-2003 ``.xls``) in its compound file, as Excel writes it in essence."""
    names = list(sheets)

    def globals_stream(offsets: list[int]) -> bytes:
        parts = [
            _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6)),
            _record(0x0042, struct.pack("<H", 1200)),  # code page: UTF-16
            _record(0x00E0, _xf(0)),
            _record(0x00E0, _xf(14)),  # built-in format 14: a date
        ]
        for name, offset in zip(names, offsets, strict=True):
            parts.append(_record(0x0085, struct.pack("<IBB", offset, 0, 0) + _xl_string(name, 1)))
        parts.append(_record(0x000A, b""))
        return b"".join(parts)

    sheet_streams = [_sheet_stream(sheets[n]) for n in names]
    head = globals_stream([0] * len(names))  # same length whatever the offsets
    offsets, position = [], len(head)
    for stream in sheet_streams:
        offsets.append(position)
        position += len(stream)
    workbook = globals_stream(offsets) + b"".join(sheet_streams)
    return compound_file({"Workbook": workbook.ljust(_CUTOFF, b"\0")})


# --- Password-protected OOXML (ECMA-376 standard encryption) -----------------------------------


def _standard_key(password: str, salt: bytes) -> bytes:
    digest = hashlib.sha1(salt + password.encode("utf-16-le")).digest()
    for i in range(50000):
        digest = hashlib.sha1(struct.pack("<I", i) + digest).digest()
    digest = hashlib.sha1(digest + struct.pack("<I", 0)).digest()
    x1 = hashlib.sha1(bytes(b ^ 0x36 for b in digest.ljust(64, b"\0"))).digest()
    x2 = hashlib.sha1(bytes(b ^ 0x5C for b in digest.ljust(64, b"\0"))).digest()
    return (x1 + x2)[:16]


def _aes_ecb(key: bytes, data: bytes) -> bytes:
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()  # the spec's mode for standard encryption
    return encryptor.update(data) + encryptor.finalize()


def encrypted_ooxml(package: bytes, password: str) -> bytes:
    """The file Excel writes for "Encrypt with password": the zip, AES-128 encrypted, in a compound file."""
    salt, verifier = os.urandom(16), os.urandom(16)
    key = _standard_key(password, salt)
    csp = "Microsoft Enhanced RSA and AES Cryptographic Provider\0".encode("utf-16-le")
    header = struct.pack("<IIIIIIII", 0x24, 0, 0x660E, 0x8004, 128, 0x18, 0, 0) + csp
    verifier_hash = hashlib.sha1(verifier).digest().ljust(32, b"\0")
    info = (
        struct.pack("<HHI", 4, 2, 0x24)
        + struct.pack("<I", len(header))
        + header
        + struct.pack("<I", 16)
        + salt
        + _aes_ecb(key, verifier)
        + struct.pack("<I", 20)
        + _aes_ecb(key, verifier_hash)
    )
    padded = package + b"\0" * (-len(package) % 16)
    encrypted = struct.pack("<Q", len(package)) + _aes_ecb(key, padded)
    return compound_file({"EncryptionInfo": info, "EncryptedPackage": encrypted})


# --- OpenDocument spreadsheet (.ods) -----------------------------------------------------------

_ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"


def _ods_cell(value: object) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, dt.date):
        return f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}"><text:p>{value:%d/%m/%Y}</text:p></table:table-cell>'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def ods_workbook(path: Path, sheets: dict[str, Grid]) -> Path:
    """An OpenDocument spreadsheet as LibreOffice saves it, minus styles: what ``Save as .ods`` gives."""
    tables = []
    for name, grid in sheets.items():
        rows = "".join(
            f"<table:table-row>{''.join(_ods_cell(v) for v in row) or '<table:table-cell/>'}</table:table-row>" for row in grid
        )
        tables.append(f'<table:table table:name="{escape(name)}">{rows}</table:table>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_ODS_MIME}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), _ODS_MIME, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


# --- Legacy Vietnamese encodings ---------------------------------------------------------------

# TCVN3 (ABC): each precomposed lower-case letter has one code; the .VnTimeH capitals font draws
# the same codes as capitals, so a capital without a code of its own is written with its small one.
_TCVN3_PAIRS = [
    ("àáảãạ", "µ¸¶·¹"),
    ("ăằắẳẵặ", "¨»¾¼½Æ"),
    ("âầấẩẫậ", "©ÇÊÈÉË"),
    ("đèéẻẽẹ", "®ÌÐÎÏÑ"),
    ("êềếểễệ", "ªÒÕÓÔÖ"),
    ("ìíỉĩị", "×ÝØÜÞ"),
    ("òóỏõọ", "ßãáâä"),
    ("ôồốổỗộ", "«åèæçé"),
    ("ơờớởỡợ", "¬êíëìî"),
    ("ùúủũụ", "ïóñòô"),
    ("ưừứửữự", "\xadõøö÷ù"),
    ("ỳýỷỹỵ", "úýûüþ"),
    ("ĂÂĐÊÔƠƯ", "¡¢§£¤¥¦"),
]
_TCVN3 = {u: t for letters, codes in _TCVN3_PAIRS for u, t in zip(letters, codes, strict=True)}


def to_tcvn3(text: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in _TCVN3:
            out.append(_TCVN3[ch])
        elif ch.lower() in _TCVN3:
            out.append(_TCVN3[ch.lower()])
        else:
            out.append(ch)
    return "".join(out)


# VNI Windows: a base letter followed by one mark character; circumflex or breve and a tone
# share one mark; ơ, ư, đ, and i with a tone are single characters.
_VNI_TONES = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_CIRCUMFLEX = {None: "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE = {None: "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_I = {"\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}


def _vni_letter(ch: str) -> str:
    if ch in "đĐ":
        return "ñ" if ch == "đ" else "Ñ"
    parts = unicodedata.normalize("NFD", ch)
    base, marks = parts[0], parts[1:]
    if not marks:
        return ch
    upper = base.isupper()
    shape = next((m for m in marks if m in "\u0302\u0306\u031b"), None)
    tone = next((m for m in marks if m in _VNI_TONES), None)
    if shape == "\u031b":  # horn: ơ → ô, ư → ö, then the tone mark
        text = {"o": "ô", "u": "ö"}[base.lower()] + (_VNI_TONES[tone] if tone else "")
    elif shape == "\u0302":
        text = base.lower() + _VNI_CIRCUMFLEX[tone]
    elif shape == "\u0306":
        text = base.lower() + _VNI_BREVE[tone]
    elif base.lower() == "i":
        text = _VNI_I[tone]
    elif base.lower() == "y" and tone == "\u0323":
        text = "î"
    else:
        text = base.lower() + _VNI_TONES[tone]
    return text.upper() if upper else text


def to_vni(text: str) -> str:
    return "".join(_vni_letter(ch) for ch in unicodedata.normalize("NFC", text))
