"""Synthetic citizen-reception registers of any size, for benchmarks and scale tests.

The bundled sample (``sample_data/``) is planned to add up to the 2023 report and has a few dozen
rows; measuring speed needs tens of thousands. These rows are valid against the
``citizen_reception`` contract in every column (so the whole parse runs, no row is rejected), with
personal columns filled as clerks fill them, and the same for the same seed, so two runs measure
the same work. Workbooks are written with the project's own writer, as the other test workbooks are.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

from ingestion.registry import Source, load_sources
from ingestion.templates import write_register
from sample_data.common import COMMUNE_UNITS, person
from sample_data.reception import SUMMARIES, TYPES

SOURCE_ID = "citizen_reception"
DEFAULT_YEAR = 2023
DEFAULT_SEED = 20230101
# Units that keep this register in 2022-2023 (city bodies, wards and communes), as clerks write them.
UNITS = [
    "Ban Tiếp công dân thành phố",
    "Thanh tra thành phố",
    "Phòng Nội vụ",
    "Văn phòng HĐND và UBND thành phố",
    "Phòng Giáo dục và Đào tạo",
    "Phòng Tư pháp",
    *(written for _, written in COMMUNE_UNITS),
]
YEARS = (2023, 2022)  # a second year gives enough distinct (unit, year) registers for 20 files
KINDS = ["Tiếp thường xuyên", "Tiếp thường xuyên", "Thủ trưởng tiếp", "Tiếp thường xuyên", "Ủy quyền tiếp"]
AGENCIES = ["UBND phường", "UBND xã", "Phòng Tài nguyên và Môi trường", "Thanh tra thành phố", "Phòng Quản lý đô thị"]
FOLLOW_UPS = ["Đã hướng dẫn công dân", "Đang xem xét", "Đã chuyển phòng chuyên môn", "Đã có văn bản trả lời"]
NOTES = ["Công dân đồng ý với hướng dẫn", "Hẹn làm việc lại", "Có đơn kèm theo", "Đã nhận giấy biên nhận"]


def reception_source() -> Source:
    return next(s for s in load_sources() if s.id == SOURCE_ID)


def reception_rows(
    count: int, *, year: int = DEFAULT_YEAR, seed: int | str = DEFAULT_SEED, case_prefix: str = "BM"
) -> Iterator[dict]:
    """``count`` register rows (column name → value as a clerk types it), every column valid.

    A generator, so a 100k-row register is never held twice. About one case in four comes back
    (``Nhiều lần`` with the same case reference), one date in ten is typed as ``dd/mm/yyyy`` text
    and one head count in twenty as text, as in the clerks' own registers.
    """
    rng = random.Random(seed)
    first = dt.date(year, 1, 1)
    span = (dt.date(year, 12, 31) - first).days + 1
    days = sorted(rng.randrange(span) for _ in range(count))
    cases = 0
    for index, day in enumerate(days):
        when = first + dt.timedelta(days=day)
        name, address, id_number = person(rng)
        repeat = cases > 0 and rng.random() < 0.25
        if repeat:
            case_number = rng.randint(max(1, cases - 500), cases)
        else:
            cases += 1
            case_number = cases
        people = 1 if rng.random() < 0.85 else rng.randint(2, 12)
        petition_type = rng.choice(TYPES)
        accepted = petition_type != "Kiến nghị, phản ánh" and rng.random() < 0.5
        yield {
            "seq_no": index + 1,
            "received_on": when.strftime("%d/%m/%Y") if index % 10 == 7 else when,
            "citizen_name": name,
            "address": address,
            "id_number": id_number,
            "case_summary": rng.choice(SUMMARIES),
            "petition_type": petition_type,
            "people_count": str(people) if index % 20 == 11 else people,
            "reception_kind": rng.choice(KINDS),
            "case_ref": f"{case_prefix}-{year}-{case_number:06d}",
            "case_occurrence": "Nhiều lần" if repeat else "Lần đầu",
            "is_large_delegation": people >= 5,
            "previously_handled_by": rng.choice(AGENCIES),
            "is_accepted": accepted,
            "is_returned_with_guidance": not accepted,
            "forwarded_to": rng.choice(AGENCIES),
            "follow_up": rng.choice(FOLLOW_UPS),
            "note": rng.choice(NOTES),
        }


def split_evenly(total: int, parts: int) -> list[int]:
    """``total`` rows over ``parts`` workbooks, the first ones one row larger when it does not divide."""
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


def write_reception_registers(directory: Path, rows: int, files: int = 1, seed: int | str = DEFAULT_SEED) -> list[Path]:
    """``rows`` reception rows in ``files`` workbooks under ``directory``, one (unit, year) each.

    Every workbook is a different unit or year, so ingesting them loads them all side by side
    (none supersedes another), as a night with many units' registers would.
    """
    pairs = [(unit, year) for year in YEARS for unit in UNITS]
    if files > len(pairs):
        raise ValueError(f"at most {len(pairs)} distinct (unit, year) registers, not {files}")
    source = reception_source()
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for number, ((unit, year), size) in enumerate(zip(pairs, split_evenly(rows, files), strict=False), start=1):
        path = directory / f"{source.file_stem}_{year}_bench-{number:02d}.xlsx"
        rows_of_file = reception_rows(size, year=year, seed=f"{seed}-{number}", case_prefix=f"BM{number}")
        write_register(path, source, unit, year, rows_of_file)
        written.append(path)
    return written
