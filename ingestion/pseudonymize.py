"""Keyed pseudonyms for personal data (HMAC-SHA-256).

Names, addresses and ID numbers never leave the landing area. What the warehouse keeps is a
keyed hash, so it can count distinct people and link repeat visits without knowing who they
are. An unkeyed hash of a name or ID number is reversible by dictionary, so the key is
mandatory and lives outside the repository and the warehouse: in ``LAICHAU_PSEUDONYM_KEY``,
in the file named by ``LAICHAU_PSEUDONYM_KEY_FILE``, or in the password of the Airflow
connection ``laichau_pseudonym_key``.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from ingestion.normalize import fold

KEY_ENV = "LAICHAU_PSEUDONYM_KEY"
KEY_FILE_ENV = "LAICHAU_PSEUDONYM_KEY_FILE"
AIRFLOW_CONN_ID = "laichau_pseudonym_key"
MIN_KEY_LENGTH = 32

HOW_TO_SET = (
    f"Set {KEY_ENV} to a secret of at least {MIN_KEY_LENGTH} characters "
    f"(e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`), or {KEY_FILE_ENV} to a file "
    f"holding it, or an Airflow connection '{AIRFLOW_CONN_ID}' with the secret as its password. "
    "Keep it out of the repository and the warehouse, and never change it: pseudonyms made under "
    "another key do not link to the old ones. `make key` (or `make run`) creates one at "
    "secrets/pseudonym.key in the data folder, where the pipeline finds it without any setting."
)


FINGERPRINT_LABEL = b"laichau-citizen-reporting/pseudonym-key-fingerprint/v1"

RESTORE_KEY = (
    "Khôi phục đúng khóa cũ: chép tệp khóa từ bản sao lưu vào data/secrets/pseudonym.key (hoặc tệp mà "
    f"{KEY_FILE_ENV} chỉ tới), hoặc đặt lại {KEY_ENV} hay kết nối Airflow '{AIRFLOW_CONN_ID}' bằng khóa cũ, "
    "rồi chạy lại. Nếu dùng khóa khác, mã bí danh của công dân sẽ không khớp với dữ liệu đã nạp: không đếm được "
    "người trùng và không liên kết được các lần tiếp trước. / "
    "Restore the original key: copy the key file from your backup into data/secrets/pseudonym.key (or the file "
    f"{KEY_FILE_ENV} names), or set {KEY_ENV} or the Airflow connection '{AIRFLOW_CONN_ID}' back to the old key, "
    "then run again. Under another key the citizens' pseudonyms would not link to the data already loaded: "
    "repeat visitors could not be counted or linked to earlier visits."
)


class PseudonymKeyError(RuntimeError):
    """A problem with the pseudonymisation key: no retry can fix it, so the run stops at once."""


class MissingKeyError(PseudonymKeyError):
    """No usable pseudonymisation key: the run must not start."""


class KeyChangedError(PseudonymKeyError):
    """The key at hand is not the one the published warehouse was made under (or it is gone).

    Carrying on would silently start a second, unlinkable set of pseudonyms, so the run refuses
    and says how to restore the old key.
    """


def _from_airflow() -> str | None:
    try:
        from airflow.sdk import Connection  # imported lazily: ingestion also runs without Airflow
    except ImportError:
        return None
    try:
        return Connection.get(AIRFLOW_CONN_ID).password or None
    except Exception:  # the connection is simply not defined (or no Airflow context)
        return None


def _data_folder_key() -> Path:
    """``secrets/pseudonym.key`` in the data folder (LAICHAU_DATA_DIR, else the repository's data/)."""
    from pipeline.paths import DataPaths

    return DataPaths.from_env().secrets / "pseudonym.key"


def load_key() -> bytes:
    """The pseudonymisation key, or MissingKeyError saying how to set one."""
    secret = os.environ.get(KEY_ENV)
    source = KEY_ENV
    if not secret and os.environ.get(KEY_FILE_ENV):
        path = Path(os.environ[KEY_FILE_ENV])
        if not path.is_file():
            raise MissingKeyError(f"{KEY_FILE_ENV} names {path}, which does not exist. {HOW_TO_SET}")
        secret = path.read_text(encoding="utf-8").strip()
        source = str(path)
    if not secret:
        secret = _from_airflow()
        source = f"Airflow connection {AIRFLOW_CONN_ID}"
    if not secret:
        # the key `make key` / `make run` keep in the data folder: found without any setting, so a
        # scheduler started by hand (or `make airflow`) runs the DAG with it
        path = _data_folder_key()
        if path.is_file():
            secret = path.read_text(encoding="utf-8").strip()
            source = str(path)
    if not secret:
        raise MissingKeyError(f"No pseudonymisation key is set. {HOW_TO_SET}")
    if len(secret) < MIN_KEY_LENGTH:
        raise MissingKeyError(f"The key from {source} is shorter than {MIN_KEY_LENGTH} characters. {HOW_TO_SET}")
    return secret.encode("utf-8")


def fingerprint(key: bytes) -> str:
    """A short public tag of the key: HMAC-SHA-256 of a fixed label under the key, 16 hex digits.

    Stored in the warehouse so a later run can tell whether it holds the same key. It names the
    key without revealing it: recovering the key from it means breaking HMAC, and it is useless
    for reversing pseudonyms (those use the key, not the fingerprint).
    """
    return hmac.new(key, FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:16]


_NOT_ID_CHARACTER = re.compile(r"[^0-9a-z]")


def _normalise(column: str, value: object) -> str | None:
    folded = fold(value)  # cleans the text first
    if not folded:
        return None
    if column.endswith("id_number"):
        return _NOT_ID_CHARACTER.sub("", folded)
    return folded


@functools.lru_cache(maxsize=4)
def _hmac_sha256(key: bytes) -> Callable[[bytes], str]:
    """HMAC-SHA-256 under ``key`` (RFC 2104, the same digest as ``hmac``), as hex.

    The key's inner and outer blocks are hashed once, not again for every value: a register of
    100,000 lines needs 100,000 digests, and this halves their cost."""
    block = hashlib.sha256(key).digest() if len(key) > 64 else key
    block = block.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def digest(message: bytes) -> str:
        first = inner.copy()
        first.update(message)
        second = outer.copy()
        second.update(first.digest())
        return second.hexdigest()

    return digest


def _keyed(key: bytes, kind: str, parts: Sequence[str | None]) -> str | None:
    """The HMAC of one kind of identifier ("id" or "name"), or None when none of its parts is present."""
    if not any(parts):
        return None
    message = f"{kind}|" + "|".join(p or "" for p in parts)
    return _hmac_sha256(key)(message.encode("utf-8"))


def pseudonym(key: bytes, prefer: dict[str, object], fallback: dict[str, object]) -> str | None:
    """HMAC of the preferred identifiers if any is present, else of the fallback ones.

    Values are normalised first (case, diacritics, spacing; ID numbers to their characters) so
    the same person written two ways gets the same pseudonym.
    """
    return _keyed(key, "id", [_normalise(c, v) for c, v in prefer.items()]) or _keyed(
        key, "name", [_normalise(c, v) for c, v in fallback.items()]
    )


def _normalised_column(column: str, values: list) -> list[str | None]:
    """``_normalise`` of a whole column; an ID number of plain digits is already normalised."""
    if column.endswith("id_number"):
        return [v if type(v) is str and v.isascii() and v.isdigit() else _normalise(column, v) for v in values]
    return [_normalise(column, v) for v in values]


def pseudonym_column(key: bytes, prefer: dict[str, list], fallback: dict[str, list], count: int) -> list[str | None]:
    """``pseudonym`` for every row of a parsed workbook at once (columns as lists): the same values,
    without building two dicts per row. The preferred identifiers are normalised column by
    column; the fallback ones only on the rows that need them."""
    preferred = zip(*[_normalised_column(c, values) for c, values in prefer.items()], strict=True) if prefer else [()] * count
    found: list[str | None] = []
    for row, parts in enumerate(preferred):
        value = _keyed(key, "id", parts)
        if value is None:
            value = _keyed(key, "name", [_normalise(c, values[row]) for c, values in fallback.items()])
        found.append(value)
    return found
