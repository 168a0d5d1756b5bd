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
from ingestion.pseudonymize import pseudonym

ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "DATE": pa.date32(),
    "BOOLEAN": pa.bool_(),
}


def stored_table(parsed: ParsedWorkbook, key: bytes) -> pa.Table:
    """``_row_number`` and every stored column of the source, pseudonyms included."""
    source, columns = parsed.source, parsed.columns
    data = {"_row_number": pa.array(parsed.row_numbers, pa.int32())}
    pseudonyms = {}
    for spec in source.pseudonyms:
        prefer = [columns[c] for c in spec.prefer]
        fallback = [columns[c] for c in spec.fallback]
        pseudonyms[spec.name] = [
            pseudonym(
                key,
                dict(zip(spec.prefer, (values[i] for values in prefer), strict=True)),
                dict(zip(spec.fallback, (values[i] for values in fallback), strict=True)),
            )
            for i in range(len(parsed.row_numbers))
        ]
    for name, kind in source.stored_columns():
        values = pseudonyms[name] if name in pseudonyms else columns[name]
        data[name] = pa.array(values, ARROW_TYPES[kind])
    return pa.table(data)


def write_parquet(parsed: ParsedWorkbook, key: bytes, out: Path) -> None:
    pq.write_table(stored_table(parsed, key), out, compression="zstd")
