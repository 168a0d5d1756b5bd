"""Shared pieces of the sample generators: synthetic people and the workbook spec."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from ingestion.templates import CITY_AUTHORITY

SAMPLE_DIR = Path(__file__).resolve().parent / "landing"
YEAR = 2023

FAMILY = ["Nguyễn", "Trần", "Lò", "Tẩn", "Giàng", "Vàng", "Lê", "Phạm", "Hoàng", "Lù", "Đỗ", "Sùng"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Seo", "A", "Thị Thu", "Quang"]
GIVEN = ["An", "Bình", "Chiến", "Dung", "Hạnh", "Khánh", "Lan", "Mai", "Nam", "Phúc", "Sáng", "Thắng"]
GIVEN += ["Vân", "Xuân", "Pử", "Chang"]
STREETS = ["Tổ 1", "Tổ 3", "Tổ 5", "Tổ 7", "Bản Sang Phìn", "Bản Thành Công", "Bản Gia Khâu", "Tổ 12"]

# The 7 wards and communes, as their clerks write them, with a short slug for file names.
COMMUNE_UNITS = [
    ("phuong-tan-phong", "Phường Tân Phong"),
    ("phuong-quyet-thang", "P. Quyết Thắng"),
    ("phuong-doan-ket", "Phường Đoàn Kết"),
    ("phuong-quyet-tien", "Phường Quyết Tiến"),
    ("phuong-dong-phong", "Dong Phong"),
    ("xa-san-thang", "Xã San Thàng"),
    ("xa-sung-phai", "Xã Sùng Phài"),
]


@dataclass
class WorkbookSpec:
    """One workbook to write: a source's register for one unit and the year."""

    source_id: str
    slug: str  # unit part of the file name
    written_unit: str  # as the clerk wrote it in the title block
    rows: list[dict]
    blank_rows_after: tuple[int, ...] = field(default=())
    # The unit version (admin_units.csv) whose rows these are, for the expected figures; the
    # 2023 modules leave it empty and the 2023 data set fills it in from the file's slug.
    unit_id: str | None = None
    authority: str = CITY_AUTHORITY  # the title block's first line
    # "Kỳ báo cáo" line: for a unit that existed for part of the year only ("Từ ngày 01/01/2025
    # đến ngày 30/06/2025"), so an old ward's register is not read as its same-named successor's.
    period: str | None = None


def person(rng: random.Random) -> tuple[str, str, str]:
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    address = f"{rng.choice(STREETS)}, thành phố Lai Châu"
    id_number = "012" + "".join(str(rng.randrange(10)) for _ in range(9))
    return name, address, id_number


def split(total: int, parts: int, rng: random.Random, minimum: int = 0) -> list[int]:
    """``total`` split into ``parts`` whole numbers (each at least ``minimum``) that vary by about
    a third around the mean, as months or units of one city do."""
    spare = total - minimum * parts
    weights = [rng.uniform(0.65, 1.35) for _ in range(parts)]
    shares = [int(spare * w / sum(weights)) for w in weights]
    for index in rng.sample(range(parts), spare - sum(shares)):
        shares[index] += 1
    return [share + minimum for share in shares]
