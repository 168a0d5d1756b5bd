"""The datasets the GX suites validate, cut down in DuckDB and written to Parquet.

GX's SQL datasource fails on DuckDB (GX issue #11579), so GX validates files with its pandas
datasource. Reading a whole mart into pandas costs memory in proportion to every column of it,
while a suite looks at a few: so DuckDB selects only the columns the suite's expectations name
(``column``, ``column_A``/``column_B``, ``column_list``) and its ``meta.lineage`` columns, and
writes them to one Parquet file per suite. The cross-table identities are SQL already
(``expectations/checks/*.sql``): DuckDB computes them, GX validates their results.

Expectations about the table's shape (its column set, column count, a column's existence) cannot
be answered from a pruned file. They are split into a suite of their own, ``<suite>.columns``,
validated on a Parquet file with none of the table's rows but all of its columns: the column
list DuckDB's catalogue gives for the dataset. Row counts are not affected by dropping columns
and stay with the data.

DuckDB's ``.df()`` turned DATE into datetime64 and DECIMAL into float64; Parquet read back by
pandas would give Python ``date`` and ``Decimal`` objects instead. The selection casts them the
way ``.df()`` did, so every expectation sees the values it saw before (and datetime64 is
smaller than objects).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.paths import EXPECTATIONS_DIR

# Expectations about the table's columns, not its values: validated on the full column list.
SHAPE_EXPECTATIONS = frozenset(
    {
        "expect_table_columns_to_match_set",
        "expect_table_columns_to_match_ordered_list",
        "expect_table_column_count_to_equal",
        "expect_table_column_count_to_be_between",
        "expect_column_to_exist",
    }
)
SINGLE_COLUMN_KWARGS = ("column", "column_A", "column_B")
LIST_COLUMN_KWARGS = ("column_list",)
SHAPE_SUFFIX = ".columns"


@dataclass(frozen=True)
class Dataset:
    """One suite as GX validates it: its (possibly derived) suite and the Parquet file it reads."""

    suite: dict  # an ExpectationSuite's fields, as in expectations/suites/*.json
    origin: str  # the suite file's name: what results are reported under
    file_name: str  # relative to the run's Parquet folder
    columns: tuple[str, ...]  # the columns written


def source_sql(dataset: dict) -> str:
    """The query behind a suite's ``meta.dataset``: a table, or a SQL file under expectations/."""
    if "table" in dataset:
        return f"select * from {dataset['table']}"
    return (EXPECTATIONS_DIR / dataset["sql_file"]).read_text(encoding="utf-8").strip().rstrip(";")


def referenced_columns(expectations: list[dict]) -> list[str] | None:
    """The columns the expectations name, in first-use order; None when an expectation refers to
    columns in a way not listed here (a ``row_condition``): then every column is kept."""
    columns: list[str] = []
    for expectation in expectations:
        kwargs = expectation.get("kwargs", {})
        if kwargs.get("row_condition"):
            return None
        names = [kwargs[k] for k in SINGLE_COLUMN_KWARGS if k in kwargs]
        names += [c for k in LIST_COLUMN_KWARGS for c in kwargs.get(k) or []]
        columns += [n for n in names if n not in columns]
    return columns


def split_suite(spec: dict) -> tuple[dict, dict | None]:
    """The suite's value checks, and its shape checks as a suite of their own (None if it has none)."""
    values, shape = copy.deepcopy(spec), None
    values["expectations"] = [e for e in spec["expectations"] if e["type"] not in SHAPE_EXPECTATIONS]
    shaped = [e for e in spec["expectations"] if e["type"] in SHAPE_EXPECTATIONS]
    if shaped:
        shape = copy.deepcopy(spec)
        shape["name"] = spec["name"] + SHAPE_SUFFIX
        shape["expectations"] = copy.deepcopy(shaped)
        shape["meta"]["shape_of"] = spec["name"]
    return values, shape


def _select_list(relation: duckdb.DuckDBPyRelation, columns: list[str]) -> str:
    """``columns`` of ``relation`` typed as DuckDB's ``.df()`` typed them (see module docstring)."""
    types = dict(zip(relation.columns, (str(t) for t in relation.types), strict=True))
    selected = []
    for column in columns:
        quoted = '"' + column.replace('"', '""') + '"'
        kind = types[column]
        if kind == "DATE":
            selected.append(f"cast({quoted} as timestamp) as {quoted}")
        elif kind.startswith("DECIMAL"):
            selected.append(f"cast({quoted} as double) as {quoted}")
        else:
            selected.append(quoted)
    return ", ".join(selected)


def _copy(con: duckdb.DuckDBPyConnection, query: str, target: Path) -> None:
    target_sql = "'" + str(target).replace("'", "''") + "'"
    con.execute(f"copy ({query}) to {target_sql} (format parquet)")


def write_datasets(con: duckdb.DuckDBPyConnection, specs: list[dict], folder: Path) -> list[Dataset]:
    """Each suite's pruned dataset (and its column list, for shape checks) as Parquet in ``folder``."""
    datasets: list[Dataset] = []
    for spec in specs:
        name = spec["name"]
        sql = source_sql(spec["meta"]["dataset"])
        relation = con.sql(sql)
        available = list(relation.columns)
        values, shape = split_suite(spec)
        wanted = referenced_columns(values["expectations"])
        if wanted is None:
            keep = available
        else:
            lineage = spec["meta"].get("lineage") or []
            # a column the suite names but the dataset lacks stays out: GX then fails that
            # expectation for the missing column, as it did on the whole table
            keep = [c for c in available if c in set(wanted) | set(lineage)] or available[:1]
        if values["expectations"] or shape is None:
            source = f"select {_select_list(relation, keep)} from (\n{sql}\n) as dataset"
            _copy(con, source, folder / f"{name}.parquet")
            datasets.append(Dataset(values, name, f"{name}.parquet", tuple(keep)))
        if shape is not None:
            empty = f"select {_select_list(relation, available)} from (\n{sql}\n) as dataset limit 0"
            _copy(con, empty, folder / f"{shape['name']}.parquet")
            datasets.append(Dataset(shape, name, f"{shape['name']}.parquet", tuple(available)))
    return datasets
