"""The internal-affairs office's registers of personnel decisions and of awards for 2023,
matching footnotes 7 and 8 of the report and its 9 job rotations (2 public employees, 7 commune
civil servants)."""

from __future__ import annotations

import datetime as dt
import random

from sample_data.common import YEAR, WorkbookSpec, split

UNIT = ("phong-noi-vu", "Phòng Nội vụ thành phố")
# sectors as the register's «Lĩnh vực» choice names them (ingestion/sources/personnel_action.yml)
GD = "Giáo dục"
OFFICES = "Cơ quan chuyên môn"
OTHER = "Khác"  # the smart-city monitoring centre

# action, staff category, sector, people in each decision
PERSONNEL = [
    ("Bổ nhiệm", "Công chức thành phố", OFFICES, [1, 1, 1, 1]),
    ("Bổ nhiệm", "Viên chức", GD, [1, 1, 2, 1, 1, 1]),
    ("Điều động và bổ nhiệm", "Công chức thành phố", OFFICES, [1, 1]),
    ("Bổ nhiệm lại", "Viên chức", GD, [1, 1]),
    ("Kéo dài thời gian giữ chức vụ", "Viên chức", GD, [1, 1, 1]),
    ("Giao phụ trách trường học", "Viên chức", GD, [1]),
    ("Trưng tập", "Công chức thành phố", OTHER, [3]),
    ("Trưng tập", "Viên chức", OTHER, [5]),
    ("Điều chuyển do sáp nhập trường", "Viên chức", GD, [41, 27]),
    ("Điều chuyển do sáp nhập trường", "Người lao động", GD, [7]),
    ("Điều chuyển theo quy định số lượng trường, lớp", "Viên chức", GD, [9, 8]),
    ("Điều chuyển theo quy định số lượng trường, lớp", "Người lao động", GD, [3]),
    ("Tiếp nhận", "Công chức thành phố", OFFICES, [1, 1]),
    ("Tiếp nhận", "Viên chức", GD, [15, 10]),
    ("Chuyển công tác theo nguyện vọng", "Công chức thành phố", OFFICES, [2]),
    ("Chuyển công tác theo nguyện vọng", "Viên chức", GD, [6, 5]),
    ("Nghỉ hưu", "Viên chức", GD, [3, 5]),
    ("Thôi việc", "Viên chức", GD, [2, 3]),
    ("Thôi việc", "Viên chức", "Ban QLDA", [1]),
    ("Tinh giản biên chế", "Viên chức", GD, [4]),
    ("Chuyển đổi vị trí công tác", "Viên chức", GD, [2]),
    ("Chuyển đổi vị trí công tác", "Công chức cấp xã", "UBND cấp xã", [4, 3]),
]

# giver, award, recipient kind, total recipients, decisions it is spread over
AWARDS = [
    ("Thủ tướng Chính phủ", "Cờ thi đua", "Tập thể", 2, 1),
    ("Thủ tướng Chính phủ", "Bằng khen", "Tập thể", 1, 1),
    ("Thủ tướng Chính phủ", "Bằng khen", "Cá nhân", 3, 1),
    ("UBND tỉnh, bộ, ngành", "Cờ thi đua", "Tập thể", 2, 1),
    ("UBND tỉnh, bộ, ngành", "Tập thể lao động xuất sắc", "Tập thể", 12, 2),
    ("UBND tỉnh, bộ, ngành", "Chiến sỹ thi đua cấp tỉnh", "Cá nhân", 18, 2),
    ("UBND tỉnh, bộ, ngành", "Bằng khen", "Tập thể", 14, 3),
    ("UBND tỉnh, bộ, ngành", "Bằng khen", "Cá nhân", 73, 4),
    ("UBND tỉnh, bộ, ngành", "Bằng khen", "Hộ gia đình", 6, 2),
    ("Chủ tịch UBND thành phố", "Lao động tiên tiến", "Tập thể", 190, 3),
    ("Chủ tịch UBND thành phố", "Lao động tiên tiến", "Cá nhân", 1214, 4),
    ("Chủ tịch UBND thành phố", "Chiến sỹ thi đua cơ sở", "Cá nhân", 170, 2),
    ("Chủ tịch UBND thành phố", "Giấy khen", "Tập thể", 223, 5),
    ("Chủ tịch UBND thành phố", "Giấy khen", "Cá nhân", 865, 6),
    ("Chủ tịch UBND thành phố", "Giấy khen", "Hộ gia đình", 14, 3),
]


def _personnel_rows(rng: random.Random) -> list[dict]:
    lines = [(action, category, sector, people) for action, category, sector, counts in PERSONNEL for people in counts]
    days = sorted(rng.randint(5, 318) for _ in lines)
    rng.shuffle(lines)
    return [
        {
            "seq_no": index,
            "decision_no": f"{100 + index * 7}/QĐ-UBND",
            "decided_on": dt.date(YEAR, 1, 1) + dt.timedelta(days=day),
            "action": action,
            "staff_category": category,
            "sector": sector,
            "people": people if index % 6 else str(people),
        }
        for index, (day, (action, category, sector, people)) in enumerate(zip(days, lines, strict=True), start=1)
    ]


def _award_rows(rng: random.Random) -> list[dict]:
    rows = []
    for giver, award, kind, total, decisions in AWARDS:
        for recipients in split(total, decisions, rng, minimum=1):
            day = rng.randint(20, 330)
            rows.append(
                {
                    "decision_no": f"{rng.randint(100, 4999)}/QĐ-{'TTg' if giver.startswith('Thủ') else 'UBND'}",
                    "decided_on": dt.date(YEAR, 1, 1) + dt.timedelta(days=day),
                    "giver_level": giver,
                    "award_type": award,
                    "recipient_kind": kind,
                    "recipients": recipients,
                }
            )
    rows.sort(key=lambda row: row["decided_on"])
    for index, row in enumerate(rows, start=1):
        row["seq_no"] = index
    return rows


def workbooks() -> list[WorkbookSpec]:
    slug, name = UNIT
    return [
        WorkbookSpec("personnel_action", slug, name, _personnel_rows(random.Random(f"{YEAR}-personnel"))),
        WorkbookSpec("award", slug, name, _award_rows(random.Random(f"{YEAR}-awards")), (5, 20)),
    ]
