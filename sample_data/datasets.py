"""Data sets the sample generator can make, each described by a spec rather than by code.

A data set is a year, the unit versions that send registers in it (ids of
``dbt_project/seeds/reference/admin_units.csv``), the cut-over date of a reorganisation inside the
year if any, its own random seed, and the last day with data ("today" for a year still running).
Which registers a unit owes comes from ``reporting_obligations.csv``: rows naming the unit, and
rows naming its kind (a new ward owes what every ward owes). A unit's rows lie in its window: the
part of the year it existed in, up to the last day.

2023 is the bundled report's year: its rows are planned by the source modules to add up to the
published report (tests/fixtures/figures-2023.yaml). The other data sets draw their rows from
their seed (sample_data/synthetic.py); their figures are whatever the rows add up to
(sample_data/figures.py).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from ingestion.templates import CITY_AUTHORITY

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds" / "reference"
PROVINCE_AUTHORITY = "UBND TỈNH LAI CHÂU"
# The nightly's date when the 2026 data set was made; `--today` moves it.
DEFAULT_TODAY = dt.date(2026, 11, 27)

# How each unit's clerks write its name on the "Đơn vị" line (one spelling is picked per register,
# as different officers keep different registers) and the unit part of its file names. The new
# wards reuse the old wards' names, so their files carry "-moi" (new) to keep both in one folder.
CLERKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "tp_ban_tiep_cong_dan": ("ban-tiep-cong-dan-tp", ("Ban Tiếp công dân thành phố", "Ban TCD thành phố")),
    "tp_van_phong": ("van-phong-ubnd-tp", ("Văn phòng HĐND và UBND thành phố", "Văn phòng HĐND-UBND thành phố")),
    "tp_thanh_tra": ("thanh-tra-tp", ("Thanh tra thành phố", "Thanh tra TP")),
    "tp_phong_noi_vu": ("phong-noi-vu", ("Phòng Nội vụ thành phố",)),
    "tp_phong_gddt": ("phong-gddt", ("Phòng Giáo dục và Đào tạo", "Phòng GD&ĐT thành phố")),
    "tp_phong_tu_phap": ("phong-tu-phap", ("Phòng Tư pháp", "Phòng Tư pháp TP")),
    "p_tan_phong": ("phuong-tan-phong", ("Phường Tân Phong",)),
    "p_quyet_thang": ("phuong-quyet-thang", ("P. Quyết Thắng", "Phường Quyết Thắng")),
    "p_doan_ket": ("phuong-doan-ket", ("Phường Đoàn Kết",)),
    "p_quyet_tien": ("phuong-quyet-tien", ("Phường Quyết Tiến", "UBND phường Quyết Tiến")),
    "p_dong_phong": ("phuong-dong-phong", ("Dong Phong", "Phường Đông Phong")),
    "x_san_thang": ("xa-san-thang", ("Xã San Thàng",)),
    "x_sung_phai": ("xa-sung-phai", ("Xã Sùng Phài", "xa Sung Phai")),
    "p_doan_ket_2025": ("phuong-doan-ket-moi", ("Phường Đoàn Kết", "UBND phường Đoàn Kết", "P. Đoàn Kết")),
    "p_tan_phong_2025": ("phuong-tan-phong-moi", ("Phường Tân Phong", "P. Tân Phong", "phuong Tan Phong")),
}


@dataclass(frozen=True)
class SeedUnit:
    """A unit version as the reference seed has it."""

    unit_id: str
    official_code: str | None
    full_name: str
    kind: str
    parent_unit_id: str | None
    valid_from: dt.date
    valid_to: dt.date | None


@cache
def seed_units() -> dict[str, SeedUnit]:
    with (REFERENCE_DIR / "admin_units.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["unit_id"]: SeedUnit(
                row["unit_id"],
                row["official_code"] or None,
                row["full_name"],
                row["kind"],
                row["parent_unit_id"] or None,
                dt.date.fromisoformat(row["valid_from"]),
                dt.date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
            )
            for row in csv.DictReader(handle)
        }


@cache
def obligations() -> tuple[tuple[str, str, str], ...]:
    """(source_id, unit_kind, unit_id) of every obligation row; one of the last two is empty."""
    with (REFERENCE_DIR / "reporting_obligations.csv").open(encoding="utf-8", newline="") as handle:
        return tuple((row["source_id"], row["unit_kind"], row["unit_id"]) for row in csv.DictReader(handle))


@dataclass(frozen=True)
class SendingUnit:
    """A unit version that sends registers in a data set, with the days its rows may fall on."""

    unit: SeedUnit
    slug: str
    spellings: tuple[str, ...]
    first_day: dt.date
    last_day: dt.date

    @property
    def unit_id(self) -> str:
        return self.unit.unit_id

    @property
    def authority(self) -> str:
        return PROVINCE_AUTHORITY if self.unit.parent_unit_id == "tinh_lai_chau" else CITY_AUTHORITY

    def owes(self) -> list[str]:
        """Sources this unit owes a register of, in the obligations file's order."""
        return [
            source
            for source, kind, unit_id in obligations()
            if unit_id == self.unit.unit_id or (not unit_id and kind == self.unit.kind)
        ]


@dataclass(frozen=True)
class DataSet:
    """What the generator needs to make one year's registers; see the module docstring."""

    year: int
    unit_ids: tuple[str, ...]
    seed: str
    cutover: dt.date | None = None
    today: dt.date | None = None  # last day with data; None: the whole year
    not_sent: frozenset[tuple[str, str]] = field(default=frozenset())  # (unit_id, source_id) left out
    planned: bool = False  # rows planned by the 2023 modules, not drawn from the seed
    bundled: bool = True  # written into sample_data/landing by `make sample`; else for tests only

    @property
    def name(self) -> str:
        return str(self.year)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def last_day(self) -> dt.date:
        year_end = dt.date(self.year, 12, 31)
        return min(year_end, self.today) if self.today else year_end

    def units(self) -> list[SendingUnit]:
        """The sending units with their windows; raises ValueError if the spec contradicts the seed."""
        known = seed_units()
        sending = []
        for unit_id in self.unit_ids:
            if unit_id not in known or unit_id not in CLERKS:
                raise ValueError(f"data set {self.name}: unknown unit {unit_id!r}")
            unit = known[unit_id]
            first = max(self.first_day, unit.valid_from)
            last = min(self.last_day, unit.valid_to or self.last_day)
            if first > last:
                raise ValueError(f"data set {self.name}: {unit_id} is not valid between {self.first_day} and {self.last_day}")
            if self.cutover and self.first_day < self.cutover <= self.last_day:
                # a reorganisation inside the year: each unit lives wholly on one side of it
                before = last < self.cutover and (unit.valid_to is None or unit.valid_to == self.cutover - dt.timedelta(days=1))
                after = first >= self.cutover and unit.valid_from == self.cutover
                if not (before or after):
                    raise ValueError(f"data set {self.name}: {unit_id} does not end or start at the cut-over {self.cutover}")
            slug, spellings = CLERKS[unit_id]
            sending.append(SendingUnit(unit, slug, spellings, first, last))
        return sending


OLD_UNITS = (
    "tp_ban_tiep_cong_dan", "tp_van_phong", "tp_thanh_tra", "tp_phong_noi_vu", "tp_phong_gddt", "tp_phong_tu_phap",
    "p_tan_phong", "p_quyet_thang", "p_doan_ket", "p_quyet_tien", "p_dong_phong", "x_san_thang", "x_sung_phai",
)  # fmt: skip
NEW_WARDS = ("p_doan_ket_2025", "p_tan_phong_2025")

DATASETS: dict[str, DataSet] = {
    "2023": DataSet(2023, OLD_UNITS, seed="2023", planned=True),
    # Across the merger: the city's bodies and old wards until 30/6, the new wards from 1/7.
    # Sùng Phài's last "Dân vận khéo" register never came: a gap for the completeness report.
    "2025": DataSet(
        2025,
        OLD_UNITS + NEW_WARDS,
        seed="laichau-2025-merger-7f3a",
        cutover=dt.date(2025, 7, 1),
        not_sent=frozenset({("x_sung_phai", "skilful_mobilisation_model")}),
    ),
    # A whole year of the former city with other numbers than 2023 (tests only, not bundled): the
    # annual report and its Decree 09 / cut-off reports of the same year side by side.
    "2024": DataSet(2024, OLD_UNITS, seed="laichau-2024-city-91d2", bundled=False),
    # The year running: only the new wards send; the province's other communes send nothing.
    "2026": DataSet(2026, NEW_WARDS, seed="laichau-2026-new-wards-c41e", today=DEFAULT_TODAY),
}


def dataset(name: str, today: dt.date | None = None) -> DataSet:
    """A bundled data set by name; ``today`` (a day of its year) moves its last day with data."""
    spec = DATASETS[name]
    return replace(spec, today=today) if today and today.year == spec.year and not spec.planned else spec
