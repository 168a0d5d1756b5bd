"""Values written into the loader's SQL as literals instead of bound parameters.

Why: DuckDB's Python client imports pandas (≈0.4 s of CPU) the first time a process binds a
Python value to a statement, to check whether it is a pandas object; the loader never needs pandas,
and a night's ingest is a few seconds. Literals are rendered here, in one place, and tested to read
back exactly (quotes, backslashes, Vietnamese text, control characters, dates and timestamps).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence


def literal(value: object) -> str:
    """A DuckDB SQL literal for ``value``: None, bool, int, float, str, date, datetime or a list of these."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f"'{value}'::DOUBLE"
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("a NUL character cannot be written into SQL text")
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise ValueError("timestamps are stored naive, in UTC")
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in value) + "]" if value else "[]::VARCHAR[]"
    raise TypeError(f"no SQL literal for {type(value).__name__}")


def bind(sql: str, params: Sequence[object]) -> str:
    """``sql`` with each ``?`` replaced, in order, by the literal of the next parameter. The
    statements are the loader's own (no ``?`` inside their quoted text), so counting is exact."""
    parts = sql.split("?")
    if len(parts) != len(params) + 1:
        raise ValueError(f"{len(parts) - 1} placeholder(s) for {len(params)} parameter(s)")
    out = [parts[0]]
    for value, rest in zip(params, parts[1:], strict=True):
        out += [literal(value), rest]
    return "".join(out)
