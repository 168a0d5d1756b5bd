"""The rows of a parsed workbook as they are stored: an Arrow table written to Parquet.

Personal columns are turned into keyed pseudonyms here and dropped, inside the reading child,
so what leaves it (the Parquet file, then ``raw.<source>``) never holds a name, an address or
an ID number. One bulk insert per workbook replaces row-by-row inserts.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ingestion.parser import ParsedWorkbook
from ingestion.pseudonymize import pseudonym_column

ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "DATE": pa.date32(),
    "BOOLEAN": pa.bool_(),
}


def stored_table(parsed: ParsedWorkbook, key: bytes) -> pa.Table:
    """``_row_number``, ``_unit_id`` (the unit version owning the row: ingestion.row_units) and
    every stored column of the source, pseudonyms included."""
    source, columns = parsed.source, parsed.columns
    unit_ids = parsed.unit_ids or [parsed.unit.unit_id] * len(parsed.row_numbers)
    data = {"_row_number": pa.array(parsed.row_numbers, pa.int32()), "_unit_id": pa.array(unit_ids, pa.string())}
    pseudonyms = {
        spec.name: pseudonym_column(
            key,
            {c: columns[c] for c in spec.prefer},
            {c: columns[c] for c in spec.fallback},
            len(parsed.row_numbers),
        )
        for spec in source.pseudonyms
    }
    for name, kind in source.stored_columns():
        values = pseudonyms[name] if name in pseudonyms else columns[name]
        data[name] = pa.array(values, ARROW_TYPES[kind])
    return pa.table(data)


def write_parquet(parsed: ParsedWorkbook, key: bytes, out: Path) -> None:
    pq.write_table(stored_table(parsed, key), out, compression="zstd")
