"""A national-scale landing set for ``make bench``: registers of communes all over the country.

The bundled sample is one city's few dozen rows; the nightly at national scale means thousands of
communes' registers, about a million rows a night. This writes such a landing folder with the
project's own writer (``ingestion.templates.write_register``): citizen-reception and
petition-handling registers for the year ``YEAR``, one workbook per (commune, source), for wards
and communes of the national reference (``dbt_project/seeds/national``, via
``reference.deployment.warehouse_units``) in the chosen provinces. Each title block names its unit
by full name and official code ("Phường Phúc Xá (00001)"): names repeat across the country, the
code makes every one resolve. Ingestion accepts them when the deployment's provinces
(``LAICHAU_PROVINCES``) include theirs, which the benchmark sets.

Rows are valid in every column (nothing is quarantined or rejected, so the whole pipeline runs on
every row) and the same for the same seed. Writing a million rows of xlsx takes minutes, so the
workbooks are written by parallel processes and cached under
``$LAICHAU_DATA_DIR/bench/national-<rows>/`` with a manifest of what made them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.reception import reception_rows, split_evenly
from pipeline.paths import REPO_ROOT
from reference.deployment import WarehouseUnit, warehouse_units
from sample_data.petitions import CHANNELS, CONTENT, OUTSIDE
from sample_data.petitions import TYPES as PETITION_TYPES

YEAR = 2023  # before the 2025 reform: the 63-province list, ~10,000 communes
SOURCES = ("citizen_reception", "petition_handling")
UNIT_KINDS = ("ward", "commune")  # the kinds these sources' registers are kept by (not townships)
DEFAULT_SEED = 20230701
MANIFEST = ".complete.json"  # hidden: ingestion does not take it for a clerk's file
GENERATOR_INPUTS = [
    REPO_ROOT / "bench" / "national.py",
    REPO_ROOT / "bench" / "reception.py",
    REPO_ROOT / "sample_data" / "petitions.py",
    REPO_ROOT / "ingestion" / "templates.py",
    *(REPO_ROOT / "ingestion" / "sources" / f"{source}.yml" for source in SOURCES),
    REPO_ROOT / "dbt_project" / "seeds" / "national" / "national_admin_units.csv",
]

STATUSES = ["Đã giải quyết"] * 6 + ["Đang giải quyết", "Chưa giải quyết"]


def province_codes_2025() -> list[str]:
    """The 34 provinces of the 2025 list (what ``LAICHAU_PROVINCES`` takes), Lai Châu (12) first."""
    import csv

    path = REPO_ROOT / "dbt_project" / "seeds" / "national" / "national_admin_units.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        codes = sorted(r["official_code"] for r in csv.DictReader(handle) if r["level"] == "province" and r["valid_from"])
    return sorted(codes, key=lambda code: (code != "12", code))


def parse_provinces(text: str) -> list[str]:
    """``--provinces``: a count ("8": that many 2025 provinces, Lai Châu first) or codes separated
    by commas ("12,01,"; a single code needs the comma, else it is a count)."""
    text = text.strip()
    if "," not in text:
        return province_codes_2025()[: int(text)]
    codes = [code.strip().zfill(2) for code in text.split(",") if code.strip()]
    unknown = sorted(set(codes) - set(province_codes_2025()))
    if unknown:
        raise ValueError(f"not provinces of the 2025 list: {', '.join(unknown)}")
    return codes


def communes(provinces: list[str]) -> list[WarehouseUnit]:
    """Wards and communes in force on 31/12/``YEAR`` in the provinces, taken from each old province
    in turn (so every province has some however few are needed), national-list units only (the
    local seed's Lai Châu city units keep local ids the hand-written floor SQL would not know)."""
    day = dt.date(YEAR, 12, 31)
    found = [
        u
        for u in warehouse_units(provinces)
        if u.unit_level == "commune_level" and u.kind in UNIT_KINDS and u.source == "national" and u.valid_on(day)
    ]
    by_province: dict[str, list[WarehouseUnit]] = {}
    for unit in sorted(found, key=lambda u: u.official_code or ""):
        by_province.setdefault(unit.province_code or "", []).append(unit)
    queues = [by_province[code] for code in sorted(by_province)]
    interleaved = []
    for index in range(max((len(q) for q in queues), default=0)):
        interleaved += [q[index] for q in queues if index < len(q)]
    return interleaved


@dataclass(frozen=True)
class WorkbookPlan:
    """One workbook to write: a source's register of one commune for ``YEAR``."""

    number: int
    source_id: str
    unit_id: str
    unit_label: str  # the title block's unit line: full name and code
    province_code: str  # of the unit's own (pre-2025) list
    rows: int
    file_name: str


def plan(rows: int, workbooks: int, provinces: list[str]) -> list[WorkbookPlan]:
    """``workbooks`` workbooks holding ``rows`` rows in all: the sources in turn for each commune."""
    from ingestion.registry import load_sources

    if workbooks < 1 or rows < workbooks:
        raise ValueError(f"need at least one row per workbook ({rows} rows, {workbooks} workbooks)")
    stems = {s.id: s.file_stem for s in load_sources()}
    units = communes(provinces)
    needed = -(-workbooks // len(SOURCES))
    if needed > len(units):
        raise ValueError(
            f"{workbooks} workbooks need {needed} communes; provinces {','.join(provinces)} have {len(units)}: "
            "give more --provinces"
        )
    plans = []
    for number, size in enumerate(split_evenly(rows, workbooks)):
        unit, source = units[number // len(SOURCES)], SOURCES[number % len(SOURCES)]
        plans.append(
            WorkbookPlan(
                number=number,
                source_id=source,
                unit_id=unit.unit_id,
                unit_label=f"{unit.full_name} ({unit.official_code})",
                province_code=unit.province_code or "",
                rows=size,
                # the code, not the name, in the file name: it names the same unit as the title block
                file_name=f"{stems[source]}_{YEAR}_{unit.official_code}.xlsx",
            )
        )
    return plans


def petition_rows(count: int, *, year: int = YEAR, seed: int | str = DEFAULT_SEED, case_prefix: str = "XD") -> Iterator[dict]:
    """``count`` petition-handling rows, every column valid and consistent as Biểu 01/XLD checks them
    (within competence → accepted for resolution; outside → guided, forwarded or urged; resolved
    after received, within the year). One date in seven is typed as ``dd/mm/yyyy`` text."""
    from sample_data.common import person

    rng = random.Random(seed)
    days = sorted(rng.randrange(300) for _ in range(count))
    for index, day in enumerate(days):
        received = dt.date(year, 1, 1) + dt.timedelta(days=day)
        name, address, id_number = person(rng)
        petition_type, subject = rng.choice(PETITION_TYPES)
        within = rng.random() < 0.75
        status = rng.choice(STATUSES)
        resolved = status == "Đã giải quyết"
        yield {
            "seq_no": index + 1,
            "petition_no": f"{index + 1:06d}/{year}",
            "received_on": received.strftime("%d/%m/%Y") if index % 7 == 2 else received,
            "channel": rng.choice(CHANNELS),
            "sender_name": name,
            "sender_address": address,
            "sender_id_number": id_number if index % 3 else None,
            "content": rng.choice(CONTENT),
            "petition_type": petition_type,
            "subject": subject,
            "is_eligible": True,
            "competence": "Thuộc thẩm quyền" if within else "Không thuộc thẩm quyền",
            "handling": "Thụ lý giải quyết" if within else rng.choice(OUTSIDE),
            "due_on": received + dt.timedelta(days=30 if within else 10),
            "status": status,
            "resolved_on": received + dt.timedelta(days=rng.randint(0, 40)) if resolved else None,
            "resolution_round": ("Lần hai" if rng.random() < 0.1 else "Lần đầu") if within else None,
            "case_ref": f"{case_prefix}-{year}-{index + 1:06d}",
            "reception_case_ref": None,
            "note": None,
        }


def _write(directory: Path, seed: str, batch: list[WorkbookPlan]) -> int:
    """Write a batch of workbooks (in a worker process); returns the rows written."""
    from ingestion.registry import load_sources
    from ingestion.templates import write_register

    sources = {s.id: s for s in load_sources()}
    for item in batch:
        row_seed = f"{seed}-{item.number}"
        prefix = f"N{item.number}"
        if item.source_id == "citizen_reception":
            rows = reception_rows(item.rows, year=YEAR, seed=row_seed, case_prefix=prefix)
        else:
            rows = petition_rows(item.rows, year=YEAR, seed=row_seed, case_prefix=prefix)
        write_register(directory / item.file_name, sources[item.source_id], item.unit_label, YEAR, rows, authority="UBND")
    return sum(item.rows for item in batch)


def fingerprint(seed: str) -> str:
    digest = hashlib.sha256(seed.encode())
    for path in GENERATOR_INPUTS:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def landing_set(
    root: Path, rows: int, workbooks: int, provinces: list[str], seed: str, regenerate: bool = False, jobs: int | None = None
) -> tuple[Path, list[WorkbookPlan], float | None]:
    """The landing set's folder and plan, generated unless the same set is cached; seconds spent."""
    plans = plan(rows, workbooks, provinces)
    directory = root / f"national-{rows}"
    manifest = directory / MANIFEST
    wanted = {"rows": rows, "workbooks": workbooks, "provinces": provinces, "seed": seed, "fingerprint": fingerprint(seed)}
    if not regenerate and manifest.exists() and json.loads(manifest.read_text()) == wanted:
        return directory, plans, None
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    started = time.perf_counter()
    jobs = jobs or os.cpu_count() or 1
    batches = [plans[index :: jobs * 4] for index in range(jobs * 4)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        written = sum(pool.map(_write, [directory] * len(batches), [seed] * len(batches), batches))
    if written != rows:
        raise RuntimeError(f"wrote {written} rows, planned {rows}")
    (directory / ".plan.json").write_text(json.dumps([asdict(p) for p in plans]))
    manifest.write_text(json.dumps(wanted))  # last, so an interrupted generation is redone
    return directory, plans, time.perf_counter() - started
