"""Monthly administrative-reform indicators of the city's office (one-stop shop, legal documents)
and the 7 wards and communes: 99% of dossiers resolved on time, over 97% of documents exchanged
electronically, 3 legal documents issued, 505 training participations."""

from __future__ import annotations

import random

from sample_data.common import COMMUNE_UNITS, YEAR, WorkbookSpec, split

UNITS = [("van-phong-ubnd-tp", "Văn phòng HĐND và UBND thành phố"), *COMMUNE_UNITS]
WEIGHTS = [40, 10, 9, 8, 9, 10, 7, 7]  # the city's one-stop shop handles the most
TOTALS = {
    "dossiers_resolved_on_time": 12_870,
    "dossiers_resolved_late": 118,
    "documents_exchanged": 29_700,
    "documents_electronic": 28_950,
    "staff_trained": 505,
}
MONTHS = 11  # the report is written in November: January to November


def _by_unit(total: int, rng: random.Random) -> list[int]:
    shares = [total * w // sum(WEIGHTS) for w in WEIGHTS]
    shares[0] += total - sum(shares)
    return shares


def _rows(unit_index: int, totals: dict[str, int], rng: random.Random) -> list[dict]:
    monthly = {name: split(value, MONTHS, rng) for name, value in totals.items()}
    rows = []
    for month in range(MONTHS):
        on_time, late = monthly["dossiers_resolved_on_time"][month], monthly["dossiers_resolved_late"][month]
        exchanged = monthly["documents_exchanged"][month]
        electronic = min(monthly["documents_electronic"][month], exchanged)
        resolved = on_time + late
        online = resolved * rng.randint(35, 60) // 100
        rows.append({
            "month": month + 1 if month % 4 else f"{month + 1:02d}",
            "dossiers_received_online": online,
            "dossiers_received_in_person": resolved - online + rng.randint(0, 6),
            "dossiers_resolved_on_time": on_time,
            "dossiers_resolved_late": late,
            "dossiers_pending": rng.randint(0, 12),
            "documents_exchanged": exchanged,
            "documents_electronic": electronic,
            "dossiers_digitised": resolved * rng.randint(60, 90) // 100,
            "legal_documents_issued": 1 if unit_index == 0 and month + 1 in (3, 6, 9) else 0,
            "staff_trained": monthly["staff_trained"][month],
        })  # fmt: skip
    # the months' electronic documents were capped at the documents exchanged: put back any excess
    missing = totals["documents_electronic"] - sum(r["documents_electronic"] for r in rows)
    for row in rows:
        room = row["documents_exchanged"] - row["documents_electronic"]
        row["documents_electronic"] += min(room, missing)
        missing -= min(room, missing)
    return rows


def workbooks() -> list[WorkbookSpec]:
    rng = random.Random(f"{YEAR}-cchc")
    per_unit = {name: _by_unit(value, rng) for name, value in TOTALS.items()}
    return [
        WorkbookSpec("reform_indicator", slug, written, _rows(index, {k: v[index] for k, v in per_unit.items()}, rng))
        for index, (slug, written) in enumerate(UNITS)
    ]
