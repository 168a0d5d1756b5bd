"""Scaffolds the dbt models and the validation suite of a registered source.

``python -m ingestion.scaffold <source_id> <entities>`` writes, from the registry entry:

* the source's table in ``models/staging/landing/_landing__sources.yml``;
* ``stg_landing__<entities>.sql/.yml``: lineage renamed, every stored column, a stable id;
* ``int_<entities>__current.sql/.yml``: the current load's rows (macro ``current_load_rows``);
* ``fct_<entities>.sql/.yml``: every column, with a contract whose types come from the registry;
* ``expectations/suites/fct_<entities>.json``: uniqueness, value sets of choice columns, minimums.

It never overwrites a file: it is the starting point of docs/adding-a-source.md, and the models
are then edited by hand (renames, derived columns, descriptions, tests).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ingestion.registry import DUCKDB_TYPES, Source, load_sources

REPO = Path(__file__).resolve().parent.parent
MODELS = REPO / "dbt_project" / "models"
SUITES = REPO / "expectations" / "suites"
CONTRACT_TYPES = {"VARCHAR": "varchar", "BIGINT": "bigint", "DOUBLE": "double", "DATE": "date", "BOOLEAN": "boolean"}


def _columns(source: Source) -> list[tuple[str, str, str]]:
    """(name, contract type, description) of every stored column."""
    described = {c.name: c for c in source.columns}
    out = []
    for name, kind in source.stored_columns():
        column = described.get(name)
        if column is not None and column.type == "choice":
            description = f"{column.description_en}: " + ", ".join(f"{code} ({label})" for label, code in column.choices.items())
        else:
            description = column.description_en if column else "keyed pseudonym (HMAC-SHA-256); never a name or ID number"
        out.append((name, CONTRACT_TYPES[kind], description))
    return out


def _write(path: Path, text: str) -> None:
    if path.exists():
        print(f"exists, left alone: {path.relative_to(REPO)}")
        return
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path.relative_to(REPO)}")


def scaffold(source: Source, entities: str) -> None:
    singular_id = f"{entities.rstrip('s')}_id"
    columns = _columns(source)
    sources_yml = MODELS / "staging" / "landing" / "_landing__sources.yml"
    if f"- name: {source.id}\n" not in sources_yml.read_text(encoding="utf-8"):
        with sources_yml.open("a", encoding="utf-8") as handle:
            handle.write(f"""      - name: {source.id}
        description: One row per line of the {source.title_en.lower()} ({source.title_vi}), all loads kept.
        data_tests:
          - column_checks:
              name: column_checks_landing_{source.id}
              arguments:
                not_null: [_load_id]
          - column_checks:
              name: column_checks_landing_{source.id}_relationships
              arguments:
                relationships:
                  _load_id: {{to: "source('landing', '_loads')", field: load_id}}
        columns:
          - name: _load_id
""")
        print(f"added {source.id} to {sources_yml.relative_to(REPO)}")
    select = ",\n        ".join(name for name, _, _ in columns)
    _write(
        MODELS / "staging" / "landing" / f"stg_landing__{entities}.sql",
        f"""with

source as (

    select * from {{{{ source('landing', '{source.id}') }}}}

),

renamed as (

    select
        {{{{ landing_lineage('{singular_id}') }}}}

        {select}

    from source

)

select * from renamed
""",
    )
    _write(
        MODELS / "staging" / "landing" / f"stg_landing__{entities}.yml",
        f"""version: 2

models:
  - name: stg_landing__{entities}
    description: Lines of every {source.title_en.lower()} ever loaded, renamed and typed; one row per {source.grain} and load.
    data_tests:
      - column_checks:
          name: column_checks_stg_landing__{entities}
          arguments:
            not_null: [{singular_id}]
            unique: [{singular_id}]
    columns:
      - name: {singular_id}
        description: Hash of the file's sha256 and the row number, stable across rebuilds.
""",
    )
    # The row's own date, kept inside its workbook's period by ingestion, decides which later
    # workbook replaces it; without one the row is about its workbook's whole period.
    dated = next((c.name for c in source.columns if c.within_year and c.type == "date"), None)
    row_date = f", 'source_rows.{dated}'" if dated else ""
    _write(
        MODELS / "intermediate" / f"int_{entities}__current.sql",
        "-- Lines that count: those of each unit's latest workbook covering them (see macros/rows_in_force.sql).\n"
        f"{{{{ rows_in_force('stg_landing__{entities}'{row_date}) }}}}\n",
    )
    _write(
        MODELS / "intermediate" / f"int_{entities}__current.yml",
        f"""version: 2

models:
  - name: int_{entities}__current
    description: {source.title_en} lines that count, those of each unit's latest workbook covering them.
    data_tests:
      - column_checks:
          name: column_checks_int_{entities}__current
          arguments:
            not_null: [{singular_id}, unit_id]
            unique: [{singular_id}]
    columns:
      - name: {singular_id}
      - name: unit_id
""",
    )
    fact_columns = [singular_id, "unit_id", "report_year", *(name for name, _, _ in columns), "load_id", "source_file",
                    "source_row_number"]  # fmt: skip
    body = ",\n        ".join(fact_columns)
    _write(
        MODELS / "marts" / f"fct_{entities}.sql",
        f"""with

{entities} as (

    select * from {{{{ ref('int_{entities}__current') }}}}

),

final as (

    select
        {body}

    from {entities}

)

select * from final
""",
    )
    column_yml = "".join(
        f'      - name: {name}\n        data_type: {kind}\n        description: "{description}"\n'
        for name, kind, description in columns
    )
    _write(
        MODELS / "marts" / f"fct_{entities}.yml",
        f"""version: 2

models:
  - name: fct_{entities}
    description: >
      {source.title_en} ({source.title_vi}), one row per {source.grain} in the current workbook of a reporting unit.
    config:
      contract:
        enforced: true
    data_tests:
      - column_checks:
          name: column_checks_fct_{entities}
          arguments:
            not_null: [{singular_id}]
            unique: [{singular_id}]
      - column_checks:
          name: column_checks_fct_{entities}_relationships
          arguments:
            relationships:
              unit_id: {{to: "ref('dim_admin_unit')", field: unit_id}}
    columns:
      - name: {singular_id}
        data_type: varchar
        description: Stable id of the line.
        constraints:
          - type: not_null
          - type: primary_key
      - name: unit_id
        data_type: varchar
        description: Reporting unit that keeps the register.
        constraints:
          - type: not_null
      - name: report_year
        data_type: integer
        description: Year of the register.
{column_yml}      - name: load_id
        data_type: varchar
        description: Lineage - the workbook load.
      - name: source_file
        data_type: varchar
        description: Lineage - the workbook.
      - name: source_row_number
        data_type: integer
        description: Lineage - the row in the workbook.
""",
    )
    expectations = [{"type": "expect_column_values_to_be_unique", "kwargs": {"column": singular_id}}]
    for column in source.columns:
        if column.personal:
            continue
        if column.type == "choice":
            expectations.append({"type": "expect_column_values_to_be_in_set",
                                 "kwargs": {"column": column.name, "value_set": list(column.choices.values())}})  # fmt: skip
        if column.required:
            expectations.append({"type": "expect_column_values_to_not_be_null", "kwargs": {"column": column.name}})
        if column.min is not None:
            expectations.append(
                {"type": "expect_column_values_to_be_between", "kwargs": {"column": column.name, "min_value": column.min}}
            )
    suite = {
        "name": f"fct_{entities}",
        "meta": {
            "dataset": {"table": f"marts.fct_{entities}"},
            "description": f"{source.title_en}: values a reviewer would check.",
            # the columns naming the submission behind a failing row: such a failure rejects it
            "lineage": ["load_id", "source_row_number"],
        },
        "expectations": expectations,
    }
    _write(SUITES / f"fct_{entities}.json", json.dumps(suite, ensure_ascii=False, indent=2) + "\n")
    assert set(DUCKDB_TYPES.values()) <= set(CONTRACT_TYPES)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m ingestion.scaffold <source_id> <entities (plural, snake_case)>", file=sys.stderr)
        return 2
    sources = {s.id: s for s in load_sources()}
    if argv[0] not in sources:
        print(f"no source {argv[0]!r} in ingestion/sources/ (known: {', '.join(sorted(sources))})", file=sys.stderr)
        return 2
    scaffold(sources[argv[0]], argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
