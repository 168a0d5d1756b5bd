"""Deterministic generator of the bundled sample workbooks, one data set (year) at a time.

Writes one workbook per reporting unit and register it owes under
``sample_data/landing/<year>/``, with synthetic people. A data set is a spec
(sample_data/datasets.py): the year, the unit versions sending in it, the cut-over of a
reorganisation inside it, its own seed and the last day with data.

- 2023: each source's module plans its rows so that the registers add up to the 2023 report
  (tests/fixtures/figures-2023.yaml), spread plausibly across units and months.
- 2025: across the 1 July 2025 merger: the city's bodies and old wards and communes with rows
  from 1/1 to 30/6, the new wards Đoàn Kết (03388) and Tân Phong (03408) with rows from 1/7.
- 2026: the two new wards, rows from 1/1 up to "today" (``--today``, default 2026-11-27).

The workbooks look like what clerks send: the template's title block, a few blank rows, some
dates typed as ``dd/mm/yyyy`` text, and unit names as clerks write them.

``python -m sample_data.generate`` (``make sample``) rewrites every bundled data set; the output
is byte-for-byte the same every time. ``--dataset 2026 --today 2026-12-15 --out DIR`` makes one
elsewhere; ``--figures FILE`` also writes its expected figures (sample_data/figures.py) as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

from ingestion.registry import load_sources
from ingestion.templates import write_register
from sample_data import governance, inspections, outreach, personnel, petitions, reception, reform, synthetic
from sample_data.common import SAMPLE_DIR, YEAR, WorkbookSpec
from sample_data.datasets import CLERKS, DATASETS, DataSet, dataset
from sample_data.figures import expected_figures

MODULES = [reception, petitions, inspections, personnel, reform, governance, outreach]


def all_workbooks() -> list[WorkbookSpec]:
    """The 2023 workbooks, planned to add up to the 2023 report."""
    return [spec for module in MODULES for spec in module.workbooks()]


def dataset_workbooks(spec: DataSet) -> list[WorkbookSpec]:
    """Every workbook of a data set, each naming the unit version its rows belong to."""
    if not spec.planned:
        return synthetic.workbooks(spec)
    if spec.year != YEAR:
        raise ValueError(f"only {YEAR} has planned rows")
    by_slug = {slug: unit_id for unit_id, (slug, _) in CLERKS.items() if unit_id in spec.unit_ids}
    return [replace(workbook, unit_id=by_slug[workbook.slug]) for workbook in all_workbooks()]


def workbook_path(directory: Path, file_stem: str, year: int, slug: str) -> Path:
    return directory / f"{file_stem}_{year}_{slug}.xlsx"


def generate(directory: Path = SAMPLE_DIR / str(YEAR), spec: DataSet = DATASETS[str(YEAR)]) -> list[Path]:
    """Write a data set's workbooks into ``directory``; returns their paths."""
    sources = {s.id: s for s in load_sources()}
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for workbook in dataset_workbooks(spec):
        source = sources[workbook.source_id]
        path = workbook_path(directory, source.file_stem, spec.year, workbook.slug)
        if path in written:
            raise ValueError(f"two workbooks would be written to {path.name}")
        write_register(
            path,
            source,
            workbook.written_unit,
            spec.year,
            workbook.rows,
            workbook.blank_rows_after,
            period=workbook.period,
            authority=workbook.authority,
        )
        written.append(path)
    return written


def _figures_json(spec: DataSet) -> str:
    figures = expected_figures(dataset_workbooks(spec), spec.year)
    listed = [{"unit_id": unit_id, "source_id": source_id, **values} for (unit_id, source_id), values in sorted(figures.items())]
    return json.dumps(listed, ensure_ascii=False, indent=1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the sample workbooks of one data set, or of every bundled one.")
    parser.add_argument("--dataset", choices=sorted(DATASETS), action="append", help="data set (year); default: the bundled ones")
    parser.add_argument("--today", type=dt.date.fromisoformat, help="last day with data of a year still running")
    parser.add_argument("--out", type=Path, help="folder for the workbooks (default sample_data/landing/<year>)")
    parser.add_argument("--figures", type=Path, help="also write the expected figures as JSON (one data set only)")
    args = parser.parse_args(argv)
    names = args.dataset or sorted(name for name, spec in DATASETS.items() if spec.bundled)
    if (args.out or args.figures) and len(names) != 1:
        parser.error("--out and --figures need exactly one --dataset")
    for name in names:
        spec = dataset(name, args.today)
        for path in generate(args.out or SAMPLE_DIR / spec.name, spec):
            print(path)
        if args.figures:
            args.figures.write_text(_figures_json(spec) + "\n", encoding="utf-8")
            print(args.figures)


if __name__ == "__main__":
    main()
