"""The Vietnamese label of every code the warehouse stores, generated into a dbt seed.

Registers hold Vietnamese choices ("Đang giải quyết"); ingestion stores their English codes
(``being_resolved``) and the marts add a ``<column>_vi`` label beside each code. The labels are
taken from where the codes are defined, so they cannot drift from them: the source registry
(``ingestion/sources/*.yml``, every choice column) and the report catalogue
(``reporting/catalogue.yml``: the scopes and units of report figures). Codes the warehouse makes
itself (unit levels, petition-case status, completeness status...) have their labels in the
hand-kept seed ``warehouse_code_labels.csv`` beside the generated one.

``python -m ingestion.code_labels`` (``make labels``) rewrites the seed; a test fails while the
committed seed differs from what this module produces.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

from ingestion.registry import load_sources

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED_PATH = REPO_ROOT / "dbt_project" / "seeds" / "reference" / "code_labels.csv"
CATALOGUE_PATH = REPO_ROOT / "reporting" / "catalogue.yml"
HEADER = ("source", "column_name", "code", "label_vi")
# The catalogue's code lists that reach report.figures / report.figure_details / report.completeness.
CATALOGUE_LISTS = {"scopes": "scope", "units": "unit"}


def registry_labels() -> list[tuple[str, str, str, str]]:
    """(source id, column, code, label) of every choice column, in registry order. A code written
    under several labels (an alias) keeps its first label, the one the template offers."""
    rows = []
    for source in load_sources():
        for column in source.columns:
            seen: set[str] = set()
            for label, code in column.choices.items():
                if column.type == "choice" and code not in seen:
                    seen.add(code)
                    rows.append((source.id, column.name, code, label))
    return rows


def catalogue_labels(path: Path = CATALOGUE_PATH) -> list[tuple[str, str, str, str]]:
    """("report", column, code, label) of the report catalogue's scopes and units."""
    catalogue = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        ("report", column, code, entry["label_vi"])
        for key, column in CATALOGUE_LISTS.items()
        for code, entry in catalogue[key].items()
    ]


def render() -> str:
    """The seed's text: a header and one line per code, LF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows([*registry_labels(), *catalogue_labels()])
    return buffer.getvalue()


def main() -> None:
    SEED_PATH.write_text(render(), encoding="utf-8")
    print(f"wrote {SEED_PATH.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
