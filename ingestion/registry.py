"""The declarative source registry: one YAML file per source under ``ingestion/sources/``.

A source entry says how to recognise a workbook (file pattern, sheet, header labels), which
title-block fields identify the reporting unit and year, and every column: type, whether
required, allowed values, and whether it is personal data. Parsing code is generic; adding a
source means adding an entry (docs/adding-a-source.md), not code.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path

import yaml

from ingestion.normalize import fold

SOURCES_DIR = Path(__file__).resolve().parent / "sources"
COLUMN_TYPES = {"text", "integer", "number", "date", "choice", "boolean"}
# Every register has these lines above its table unless its entry says otherwise.
DEFAULT_TITLE_FIELDS = {
    "unit": {"label": "Đơn vị", "label_en": "reporting unit"},
    "year": {"label": "Năm", "label_en": "year"},
}
DEFAULT_END_MARKERS = ("Người ghi sổ", "Người lập", "Thủ trưởng")
# Totals and subtotals ("Tổng cộng", "Cộng quý I") are not data, but lines may follow them.
DEFAULT_SKIP_MARKERS = ("Tổng cộng", "Tổng số", "Cộng")
# Plausibility bounds for counts and amounts an entry does not bound itself: beyond them a value is
# a typing slip (a date typed into a count, a sum in the wrong unit), not a register line.
DEFAULT_MAX = {"integer": 1_000_000, "number": 1e15}
DUCKDB_TYPES = {
    "text": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "date": "DATE",
    "choice": "VARCHAR",
    "boolean": "BOOLEAN",
}


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    type: str
    required: bool = False
    personal: bool = False
    aliases: tuple[str, ...] = ()
    choices: dict[str, str] = field(default_factory=dict)
    min: float | None = None
    max: float | None = None
    within_year: bool = False
    # A date after the day the file arrived is a typo (2032 for 2023); deadlines set this false.
    not_after_arrival: bool = True
    description_en: str = ""
    hint_vi: str = ""

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


@dataclass(frozen=True)
class Pseudonym:
    name: str
    prefer: tuple[str, ...]
    fallback: tuple[str, ...]


@dataclass(frozen=True)
class Source:
    id: str
    title_vi: str
    title_en: str
    form_vi: str
    grain: str
    grain_vi: str
    file_stem: str
    file_patterns: tuple[str, ...]
    sheet: str
    reporting_unit_kinds: tuple[str, ...]
    required_labels: tuple[str, ...]
    end_markers: tuple[str, ...]
    skip_markers: tuple[str, ...]
    title_fields: dict[str, dict[str, str]]
    columns: tuple[Column, ...]
    pseudonyms: tuple[Pseudonym, ...]
    # A register with no lines is a valid "nil return" (e.g. no disciplinary cases this year).
    allow_empty: bool = False
    # Two identical lines in one file are a double entry unless the register can hold them.
    allow_duplicate_lines: bool = False
    # The column holding a line's event date (a date, or a month number of the workbook's year):
    # the unit version valid on it owns the line. None: the register is a state (schools, models),
    # owned by the unit at the end of what the workbook covers.
    row_date: str | None = None

    @property
    def raw_table(self) -> str:
        return f"raw.{self.id}"

    def stored_columns(self) -> list[tuple[str, str]]:
        """(name, DuckDB type) of what reaches the warehouse: never a personal column."""
        kept = [(c.name, DUCKDB_TYPES[c.type]) for c in self.columns if not c.personal]
        return kept + [(p.name, "VARCHAR") for p in self.pseudonyms]

    def matches(self, filename: str) -> bool:
        folded = fold(filename).replace(" ", "_")
        return any(fnmatch.fnmatch(folded, fold(p).replace(" ", "_")) for p in self.file_patterns)


# A column entry may set exactly the fields of Column.
COLUMN_KEYS = {f.name for f in fields(Column)}
SOURCE_KEYS = {"id", "title_vi", "title_en", "form_vi", "grain", "grain_vi", "file_stem", "file_patterns", "sheet",
               "reporting_unit_kinds", "header", "title_fields", "columns", "pseudonyms", "allow_empty",
               "allow_duplicate_lines", "row_date"}  # fmt: skip


def _source_from_dict(raw: dict) -> Source:
    # An unknown key is almost always a comma inside an unquoted YAML flow value ("{header: Xã, phường}").
    unknown = set(raw) - SOURCE_KEYS
    if unknown:
        raise ValueError(f"source {raw.get('id')}: unknown keys {sorted(unknown)}")
    columns = []
    for spec in raw["columns"]:
        unknown = set(spec) - COLUMN_KEYS
        if unknown:
            raise ValueError(
                f"source {raw['id']}: column {spec.get('name')} has unknown keys {sorted(unknown)}; "
                "quote values that contain a comma"
            )
        if spec["type"] not in COLUMN_TYPES:
            raise ValueError(f"source {raw['id']}: column {spec['name']} has unknown type {spec['type']!r}")
        columns.append(
            Column(
                name=spec["name"],
                header=spec["header"],
                type=spec["type"],
                required=bool(spec.get("required", False)),
                personal=bool(spec.get("personal", False)),
                aliases=tuple(spec.get("aliases", ())),
                choices=dict(spec.get("choices", {})),
                min=spec.get("min"),
                max=spec.get("max", DEFAULT_MAX.get(spec["type"])),
                within_year=bool(spec.get("within_year", False)),
                not_after_arrival=bool(spec.get("not_after_arrival", True)),
                description_en=spec.get("description_en", ""),
                hint_vi=spec.get("hint_vi", ""),
            )
        )
        if spec["type"] == "choice" and (
            not columns[-1].choices or not all(isinstance(v, str) for v in columns[-1].choices.values())
        ):
            raise ValueError(f"source {raw['id']}: choice column {spec['name']} needs 'label: code' choices")
    names = {c.name for c in columns}
    pseudonyms = []
    for name, spec in (raw.get("pseudonyms") or {}).items():
        used = [*spec.get("prefer", []), *spec.get("fallback", [])]
        unknown = [c for c in used if c not in names]
        if unknown:
            raise ValueError(f"source {raw['id']}: pseudonym {name} uses unknown columns {unknown}")
        pseudonyms.append(Pseudonym(name, tuple(spec.get("prefer", [])), tuple(spec.get("fallback", []))))
    row_date = raw.get("row_date")
    if row_date is not None:
        dated = next((c for c in columns if c.name == row_date), None)
        is_month = dated is not None and dated.type == "integer" and dated.min == 1 and dated.max == 12
        if dated is None or not (dated.type == "date" or is_month):
            raise ValueError(f"source {raw['id']}: row_date {row_date!r} must name a date column or a month (1-12) column")
    header = raw["header"]
    return Source(
        id=raw["id"],
        title_vi=raw["title_vi"],
        title_en=raw["title_en"],
        form_vi=raw.get("form_vi", ""),
        grain=raw.get("grain", ""),
        grain_vi=raw.get("grain_vi", ""),
        file_stem=raw["file_stem"],
        file_patterns=tuple(raw["file_patterns"]),
        sheet=raw["sheet"],
        reporting_unit_kinds=tuple(raw["reporting_unit_kinds"]),
        required_labels=tuple(header["required_labels"]),
        end_markers=tuple(header.get("end_markers", DEFAULT_END_MARKERS)),
        skip_markers=tuple(header.get("skip_markers", DEFAULT_SKIP_MARKERS)),
        title_fields=dict(raw.get("title_fields", DEFAULT_TITLE_FIELDS)),
        columns=tuple(columns),
        pseudonyms=tuple(pseudonyms),
        allow_empty=bool(raw.get("allow_empty", False)),
        allow_duplicate_lines=bool(raw.get("allow_duplicate_lines", False)),
        row_date=row_date,
    )


# libyaml's safe loader when PyYAML was built with it: the same documents, parsed in C (the
# registry is read at the start of every ingest and by every reading server).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load_sources(directory: Path = SOURCES_DIR) -> tuple[Source, ...]:
    """Every registered source, in file-name order."""
    return tuple(
        _source_from_dict(yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER))
        for path in sorted(directory.glob("*.yml"))
    )
