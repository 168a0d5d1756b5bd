"""Deterministic generator of the bundled 2023 sample workbooks.

Writes one workbook per source and reporting unit under ``sample_data/landing/2023/``, with
synthetic people. Each source's module plans its rows so that the registers add up to the 2023
report (tests/fixtures/figures-2023.yaml), spread plausibly across units and months. The
workbooks look like what clerks send: the template's title block, a few blank rows, some dates
typed as ``dd/mm/yyyy`` text, and a unit name written without its prefix or diacritics.

Run ``python -m sample_data.generate`` to rewrite them; the output is byte-for-byte the same
every time.
"""

from __future__ import annotations

from pathlib import Path

from ingestion.registry import load_sources
from ingestion.templates import write_register
from sample_data import governance, inspections, outreach, personnel, petitions, reception, reform
from sample_data.common import SAMPLE_DIR, YEAR, WorkbookSpec

MODULES = [reception, petitions, inspections, personnel, reform, governance, outreach]


def all_workbooks() -> list[WorkbookSpec]:
    return [spec for module in MODULES for spec in module.workbooks()]


def generate(directory: Path = SAMPLE_DIR / str(YEAR)) -> list[Path]:
    sources = {s.id: s for s in load_sources()}
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in all_workbooks():
        source = sources[spec.source_id]
        path = directory / f"{source.file_stem}_{YEAR}_{spec.slug}.xlsx"
        write_register(path, source, spec.written_unit, YEAR, spec.rows, spec.blank_rows_after)
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in generate():
        print(written_path)
