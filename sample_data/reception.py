"""Citizen-reception registers: 44 visits = 47 people = 44 cases; city level 28/28/28, wards and
communes 16/19/16."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sample_data.common import YEAR, WorkbookSpec, person


@dataclass(frozen=True)
class UnitPlan:
    slug: str
    written_name: str  # as the clerk wrote it in the title block
    case_prefix: str
    visits: int
    # number of people for visits that were not a single citizen: {visit index: people}
    groups: dict[int, int]
    kinds: tuple[str, ...]  # reception kind labels, cycled
    repeat_every: int  # every n-th visit is a repeat case (0: none)
    text_dates: bool  # some dates typed as text
    blank_rows_after: tuple[int, ...]


PLANS = [
    UnitPlan("ban-tiep-cong-dan-tp", "Ban Tiếp công dân thành phố", "TP", 28, {},
             ("Tiếp thường xuyên", "Tiếp thường xuyên", "Thủ trưởng tiếp", "Tiếp thường xuyên", "Ủy quyền tiếp"),
             7, True, (9, 19)),
    UnitPlan("phuong-tan-phong", "Phường Tân Phong", "TPh", 3, {1: 2}, ("Tiếp thường xuyên", "Thủ trưởng tiếp"), 0, True, (2,)),
    UnitPlan("phuong-quyet-thang", "P. Quyết Thắng", "QTh", 3, {}, ("Tiếp thường xuyên",), 3, False, ()),
    UnitPlan("phuong-doan-ket", "Phường Đoàn Kết", "ĐK", 2, {}, ("Thủ trưởng tiếp", "Tiếp thường xuyên"), 0, True, ()),
    UnitPlan("phuong-quyet-tien", "Phường Quyết Tiến", "QTi", 2, {}, ("Tiếp thường xuyên",), 0, False, (1,)),
    UnitPlan("phuong-dong-phong", "Dong Phong", "ĐPh", 2, {0: 2}, ("Tiếp thường xuyên", "Ủy quyền tiếp"), 0, True, ()),
    UnitPlan("xa-san-thang", "Xã San Thàng", "ST", 2, {1: 2}, ("Tiếp thường xuyên",), 2, False, ()),
    UnitPlan("xa-sung-phai", "Xã Sùng Phài", "SP", 2, {}, ("Thủ trưởng tiếp",), 0, True, ()),
]  # fmt: skip

SUMMARIES = [
    "Đề nghị giải quyết tranh chấp ranh giới đất giữa hai hộ",
    "Kiến nghị về mức bồi thường giải phóng mặt bằng",
    "Phản ánh việc xây dựng lấn chiếm vỉa hè",
    "Khiếu nại quyết định thu hồi đất",
    "Đề nghị cấp giấy chứng nhận quyền sử dụng đất",
    "Phản ánh ô nhiễm tiếng ồn từ cơ sở sản xuất",
    "Tố cáo hành vi gây phiền hà trong giải quyết hồ sơ",
    "Kiến nghị sửa chữa đường nội bản",
]
TYPES = ["Kiến nghị, phản ánh", "Kiến nghị, phản ánh", "Khiếu nại", "Kiến nghị, phản ánh", "Tố cáo"]
OUTCOMES = ["Đã hướng dẫn công dân", "Đang xem xét", "Đã chuyển phòng chuyên môn", None]


def case_refs(plan: UnitPlan) -> list[str]:
    return [f"{plan.case_prefix}-{YEAR}-{index + 1:03d}" for index in range(plan.visits)]


def _rows(plan: UnitPlan, rng: random.Random) -> list[dict]:
    days = sorted(rng.sample(range(5, 315), plan.visits))  # 6 Jan .. 11 Nov 2023
    rows = []
    for index, (day, case_ref) in enumerate(zip(days, case_refs(plan), strict=True)):
        when = dt.date(YEAR, 1, 1) + dt.timedelta(days=day)
        name, address, id_number = person(rng)
        petition_type = TYPES[(index + len(plan.slug)) % len(TYPES)]
        repeat = plan.repeat_every and (index + 1) % plan.repeat_every == 0
        accepted = petition_type != "Kiến nghị, phản ánh" and index % 2 == 0
        rows.append(
            {
                "seq_no": index + 1,
                "received_on": when.strftime("%d/%m/%Y") if plan.text_dates and index % 3 == 1 else when,
                "citizen_name": name,
                "address": address,
                "id_number": id_number if index % 4 else None,
                "case_summary": rng.choice(SUMMARIES),
                "petition_type": petition_type,
                "people_count": plan.groups.get(index, 1) if index % 5 != 3 else str(plan.groups.get(index, 1)),
                "reception_kind": plan.kinds[index % len(plan.kinds)],
                "case_ref": case_ref,
                "case_occurrence": "Nhiều lần" if repeat else "Lần đầu",
                "is_large_delegation": False if index % 2 else None,
                "previously_handled_by": "UBND phường" if repeat else None,
                "is_accepted": True if accepted else None,
                "is_returned_with_guidance": True if not accepted else None,
                "forwarded_to": "Phòng Tài nguyên và Môi trường" if petition_type == "Khiếu nại" and not accepted else None,
                "follow_up": rng.choice(OUTCOMES),
                "note": None,
            }
        )
    return rows


def workbooks() -> list[WorkbookSpec]:
    specs = []
    for plan in PLANS:
        rng = random.Random(f"{YEAR}-{plan.slug}")
        specs.append(WorkbookSpec("citizen_reception", plan.slug, plan.written_name, _rows(plan, rng), plan.blank_rows_after))
    return specs
