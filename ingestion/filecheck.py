"""Checks a landing file before any reader touches it: is it what it claims, and is it bounded?

Cheap checks on the bytes and the zip directory, run first thing in the reading child, say
precisely what is wrong (a CSV, a web page saved as .xls, a password, a zip that unpacks to gigabytes, a sheet
that declares a million rows). Whatever passes is still read in a child process with memory and
time limits (``ingestion.sandbox``), because a lying header can only be caught by reading.
"""

from __future__ import annotations

import re
import stat
import zipfile
from pathlib import Path

from ingestion import limits
from ingestion.errors import IngestError, WorkbookRejected, whole_file

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_SHEET_ENTRY = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_RELATIONSHIP = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_RELATIONSHIP_REVERSED = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')

ACCEPTED_VI = ", ".join(limits.ACCEPTED_SUFFIXES)
SAVE_AS_VI = "Hãy mở tệp bằng Excel, chọn Lưu thành (Save As) dạng Sổ làm việc Excel (.xlsx) rồi gửi lại."
SAVE_AS_EN = "Open it in Excel, use Save As → Excel Workbook (.xlsx) and send it again."


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (ord(letter) - 64)
    return number


def refuse_special(path: Path, name: str) -> None:
    """Only regular files are read: a symlink, fifo or device is refused, never followed or copied."""
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        raise whole_file(
            name,
            "symlink",
            "đây là một liên kết (shortcut/symlink) chứ không phải tệp; hệ thống không đọc theo liên kết. "
            "Hãy chép chính tệp bảng tính vào thư mục tiếp nhận.",
            "this is a link (shortcut/symlink), not a file; links are never followed. "
            "Copy the workbook itself into the landing folder.",
        )
    if not stat.S_ISREG(mode):
        raise whole_file(
            name,
            "not_a_file",
            "đây không phải là một tệp thông thường (thiết bị, ống dẫn...); hệ thống không đọc. "
            "Chỉ đặt các tệp bảng tính vào thư mục tiếp nhận.",
            "this is not a regular file (a device, a pipe...); it is not read. Put only workbook files in the landing folder.",
        )


def check_file(path: Path, name: str) -> str:
    """Raise WorkbookRejected unless ``path`` looks like a bounded workbook; returns its suffix."""
    refuse_special(path, name)
    suffix = path.suffix.lower()
    size = path.stat().st_size
    if suffix == ".csv":
        raise whole_file(
            name,
            "unsupported_format",
            f"tệp CSV không được chấp nhận: chỉ nhận bảng tính {ACCEPTED_VI}. "
            "Hãy mở tệp bằng Excel, nhập vào đúng biểu mẫu rồi lưu dạng .xlsx.",
            f"CSV files are not accepted: only workbooks ({ACCEPTED_VI}). "
            "Open it in Excel, copy it into the template and save it as .xlsx.",
        )
    if suffix not in limits.ACCEPTED_SUFFIXES:
        raise whole_file(
            name,
            "unsupported_format",
            f"định dạng «{suffix or '(không có đuôi)'}» không được chấp nhận: chỉ nhận bảng tính {ACCEPTED_VI}. "
            "Hãy dùng biểu mẫu Excel (.xlsx).",
            f"the format '{suffix or '(no extension)'}' is not accepted: only workbooks ({ACCEPTED_VI}). "
            "Use the Excel template (.xlsx).",
        )
    if size == 0:
        raise whole_file(
            name,
            "empty_file",
            "tệp rỗng (0 byte), có thể do gửi/chép bị lỗi. Hãy gửi lại tệp.",
            "the file is empty (0 bytes), probably a failed upload or copy. Send the file again.",
        )
    if size > limits.MAX_FILE_BYTES:
        raise whole_file(
            name,
            "too_large",
            f"tệp quá lớn ({limits.megabytes(size)}; tối đa {limits.megabytes(limits.MAX_FILE_BYTES)}). "
            "Hãy xóa các trang tính, hình ảnh không cần thiết, hoặc chia sổ theo quý rồi gửi lại.",
            f"the file is too large ({limits.megabytes(size)}; at most {limits.megabytes(limits.MAX_FILE_BYTES)}). "
            "Remove unneeded sheets and pictures, or split the register by quarter, and send it again.",
        )
    with path.open("rb") as handle:
        head = handle.read(2048)
    if head.startswith(_OLE_MAGIC):
        if suffix != ".xls":
            _refuse_if_encrypted(path, name)
        return suffix
    if head.startswith(_ZIP_MAGIC):
        _check_zip(path, name)
        return suffix
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta")):
        raise whole_file(
            name,
            "unsupported_format",
            f"tệp là một trang web (HTML) được đặt tên {suffix}, không phải bảng tính Excel thật. {SAVE_AS_VI}",
            f"the file is a web page (HTML) named {suffix}, not a real Excel workbook. {SAVE_AS_EN}",
        )
    if head.startswith(b"%PDF"):
        raise whole_file(
            name,
            "unsupported_format",
            f"tệp là tài liệu PDF được đặt tên {suffix}; hệ thống chỉ đọc bảng tính. Hãy gửi tệp Excel của sổ/biểu.",
            f"the file is a PDF document named {suffix}; only workbooks are read. Send the register's Excel file.",
        )
    raise whole_file(
        name,
        "not_a_workbook",
        f"tệp không phải là bảng tính ({ACCEPTED_VI}) hoặc đã bị hỏng. {SAVE_AS_VI}",
        f"the file is not a workbook ({ACCEPTED_VI}) or it is damaged. {SAVE_AS_EN}",
    )


def _refuse_if_encrypted(path: Path, name: str) -> None:
    """An .xlsx with a password is an OLE container holding an encrypted package."""
    with path.open("rb") as handle:
        content = handle.read(min(path.stat().st_size, 1 << 20))
    encrypted = "EncryptedPackage".encode("utf-16-le") in content or "EncryptionInfo".encode("utf-16-le") in content
    if encrypted:
        raise password_protected(name)
    raise whole_file(
        name,
        "not_a_workbook",
        f"tệp có đuôi {path.suffix} nhưng là định dạng Office cũ hoặc đã bị hỏng. {SAVE_AS_VI}",
        f"the file is named {path.suffix} but holds an old Office format or is damaged. {SAVE_AS_EN}",
    )


def password_protected(name: str) -> WorkbookRejected:
    return whole_file(
        name,
        "password_protected",
        "tệp được đặt mật khẩu nên không đọc được. Hãy mở tệp, bỏ mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc "
        "→ Mã hóa bằng mật khẩu → để trống), lưu lại rồi gửi lại.",
        "the file is password-protected and cannot be read. Open it, remove the password (File → Info → Protect "
        "Workbook → Encrypt with Password → leave empty), save and send it again.",
    )


def _check_zip(path: Path, name: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > limits.MAX_ZIP_MEMBERS:
                raise _damaged(name, f"{len(members)} phần tử", f"{len(members)} parts")
            names = {m.filename for m in members}
            unpacked = sum(m.file_size for m in members)
            packed = max(sum(m.compress_size for m in members), 1)
            if unpacked > limits.MAX_UNCOMPRESSED_BYTES or unpacked / packed > limits.MAX_COMPRESSION_RATIO:
                raise whole_file(
                    name,
                    "too_large",
                    f"nội dung tệp khi giải nén quá lớn ({limits.megabytes(unpacked)}, gấp {unpacked / packed:.0f} lần "
                    f"tệp nén; tối đa {limits.MAX_COMPRESSION_RATIO} lần). Tệp có thể chứa rất nhiều ô trống được "
                    "định dạng hoặc đã bị làm hỏng. Hãy chép bảng dữ liệu sang biểu mẫu mới rồi gửi lại.",
                    f"the file unpacks to too much ({limits.megabytes(unpacked)}, {unpacked / packed:.0f} times its "
                    f"compressed size; at most {limits.MAX_COMPRESSION_RATIO}). It may hold a huge formatted empty "
                    "area or be crafted. Copy the table into a fresh template and send it again.",
                )
            if "word/document.xml" in names:
                raise whole_file(
                    name,
                    "unsupported_format",
                    "tệp là văn bản Word được đặt tên như bảng tính. Hãy gửi tệp Excel của sổ/biểu.",
                    "the file is a Word document named like a workbook. Send the register's Excel file.",
                )
            if "xl/workbook.xml" in names:
                _check_declared_sizes(archive, name)
            elif "content.xml" not in names and "xl/workbook.bin" not in names:
                raise _damaged(name, "không có sổ làm việc bên trong", "no workbook inside")
    except zipfile.BadZipFile as exc:
        raise _damaged(name, "tệp nén bị hỏng", "the zip container is damaged") from exc
    except (OSError, EOFError, NotImplementedError) as exc:  # truncated members, unknown compression
        raise _damaged(name, type(exc).__name__, type(exc).__name__) from exc


def _damaged(name: str, detail_vi: str, detail_en: str) -> WorkbookRejected:
    return whole_file(
        name,
        "not_a_workbook",
        f"tệp không phải bảng tính hợp lệ hoặc đã bị hỏng ({detail_vi}). {SAVE_AS_VI}",
        f"the file is not a valid workbook or is damaged ({detail_en}). {SAVE_AS_EN}",
    )


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Zip part name → the sheet name a clerk sees on its tab."""
    with archive.open("xl/workbook.xml") as stream:
        workbook = stream.read(4 << 20)
    try:
        with archive.open("xl/_rels/workbook.xml.rels") as stream:
            rels = stream.read(4 << 20)
    except KeyError:
        return {}
    targets = {rid: target for rid, target in _RELATIONSHIP.findall(rels)}
    targets.update({rid: target for target, rid in _RELATIONSHIP_REVERSED.findall(rels)})
    parts = {}
    for raw_name, rid in _SHEET_ENTRY.findall(workbook):
        target = targets.get(rid)
        if not target:
            continue
        target = target.decode("utf-8", "replace").lstrip("/")
        part = target if target.startswith("xl/") else f"xl/{target}"
        parts[part] = raw_name.decode("utf-8", "replace").replace("&amp;", "&")
    return parts


def _check_declared_sizes(archive: zipfile.ZipFile, name: str) -> None:
    """Each sheet's declared area (``<dimension ref="A1:K120"/>``), read from its first kilobytes.

    A dense reader allocates the whole declared/used rectangle; a stray cell at XFD1048576 means
    17 billion cells. Saying so here gives the clerk a precise fix instead of a dead reader.
    """
    sheets = _sheet_parts(archive)
    if len(sheets) > limits.MAX_SHEETS:
        raise whole_file(
            name,
            "too_large",
            f"sổ làm việc có {len(sheets)} trang tính (tối đa {limits.MAX_SHEETS}). Hãy chỉ giữ trang tính của sổ/biểu.",
            f"the workbook has {len(sheets)} sheets (at most {limits.MAX_SHEETS}). Keep only the register's sheet.",
        )
    for part, sheet in sheets.items():
        try:
            with archive.open(part) as stream:
                head = stream.read(8192)
        except KeyError:
            continue
        match = _DIMENSION.search(head)
        if not match:
            continue
        first_col, first_row, last_col, last_row = match.groups()
        last_col, last_row = last_col or first_col, last_row or first_row
        rows = int(last_row) - int(first_row) + 1
        columns = column_number(last_col.decode()) - column_number(first_col.decode()) + 1
        if rows > limits.MAX_ROWS or columns > limits.MAX_COLUMNS:
            far = f"{last_col.decode()}{int(last_row)}"
            raise WorkbookRejected([too_large_area(name, sheet, far, rows, columns)])


_ERROR_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?\bt="e"[^>]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?<v>([^<]*)</v>')


def formula_error_cells(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """(row, column) → the error a formula shows (``#REF!``, ``#DIV/0!``) in ``sheet`` of an xlsx.

    The reader gives such a cell as empty, which would silently drop the amount it should hold;
    a scan of the sheet's XML for error-typed cells (``t="e"``) finds them. Row and column are
    0-based. Other formats return nothing."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    try:
        with zipfile.ZipFile(path) as archive:
            part = next((p for p, name in _sheet_parts(archive).items() if name == sheet), None)
            if part is None:
                return {}
            found: dict[tuple[int, int], str] = {}
            tail = b""
            with archive.open(part) as stream:
                while chunk := stream.read(1 << 22):
                    block = tail + chunk
                    if b't="e"' in block:
                        for letters, row, text in _ERROR_CELL.findall(block):
                            found[(int(row) - 1, column_number(letters.decode()) - 1)] = text.decode("utf-8", "replace")
                    cut = block.rfind(b"<c ")
                    tail = block[cut:] if cut >= 0 and len(block) - cut < 4096 else b""
            return found
    except (zipfile.BadZipFile, OSError, KeyError):
        return {}


def _vi_int(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def too_large_area(name: str, sheet: str, far: str, rows: int, columns: int) -> IngestError:
    """A sheet whose declared or used area is beyond the limits, said with its farthest cell."""
    return IngestError(
        name,
        sheet,
        None,
        None,
        f"vùng dữ liệu của trang tính kéo tới ô {far} ({_vi_int(rows)} dòng × {_vi_int(columns)} cột; tối đa "
        f"{_vi_int(limits.MAX_ROWS)} dòng × {limits.MAX_COLUMNS} cột), thường do một ô lạc xa bảng. Hãy chọn các dòng "
        "và cột trống bên dưới và bên phải bảng, xóa (Delete), lưu lại rồi gửi lại.",
        f"the sheet's used area reaches cell {far} ({rows:,} rows × {columns:,} columns; at most "
        f"{limits.MAX_ROWS:,} rows × {limits.MAX_COLUMNS} columns), usually a stray cell far from the table. "
        "Select the empty rows and columns below and right of the table, delete them, save and send it again.",
        "too_large",
    )
