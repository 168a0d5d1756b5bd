"""Petition-handling registers: 100 petitions = 100 cases received, 86 resolved, 14 (14 cases)
being resolved; the city's reception office keeps most, the wards and communes the rest.
Petitions that came in at a reception carry the reception register's case reference."""

from __future__ import annotations

import datetime as dt
import random

from sample_data import reception
from sample_data.common import COMMUNE_UNITS, YEAR, WorkbookSpec, person

# (slug, written unit, petitions, of which still being resolved)
PLANS = [
    ("ban-tiep-cong-dan-tp", "Ban Tiếp công dân thành phố", 58, 8),
    *[(slug, name, count, pending) for (slug, name), count, pending
      in zip(COMMUNE_UNITS, [8, 7, 6, 6, 5, 5, 5], [1, 1, 1, 1, 1, 1, 0], strict=True)],
]  # fmt: skip

TYPES = [
    ("Kiến nghị, phản ánh", "Hành chính - đất đai, nhà cửa"),
    ("Kiến nghị, phản ánh", "Hành chính - chế độ, chính sách"),
    ("Khiếu nại", "Hành chính - đất đai, nhà cửa"),
    ("Kiến nghị, phản ánh", "Hành chính - khác"),
    ("Tố cáo", "Công chức, công vụ"),
    ("Khiếu nại", "Hành chính - chế độ, chính sách"),
    ("Kiến nghị, phản ánh", "Khác"),
]
CHANNELS = ["Qua dịch vụ bưu chính", "Nhận trực tiếp", "Cơ quan khác chuyển đến"]
OUTSIDE = ["Hướng dẫn", "Chuyển đơn", "Đôn đốc giải quyết"]
CONTENT = ["Đề nghị xem xét cấp giấy chứng nhận quyền sử dụng đất", "Phản ánh chậm chi trả chế độ",
           "Khiếu nại quyết định xử phạt hành chính", "Kiến nghị về quy hoạch khu dân cư"]  # fmt: skip


def _rows(slug: str, count: int, pending: int, rng: random.Random) -> list[dict]:
    reception_plan = next(p for p in reception.PLANS if p.slug == slug)
    linked = reception.case_refs(reception_plan)[: max(1, count // 6)]
    prefix = reception_plan.case_prefix
    days = sorted(rng.randint(3, 300) for _ in range(count))
    pending_rows = set(range(count - pending, count))  # the latest ones are still open
    rows = []
    for index, day in enumerate(days):
        received = dt.date(YEAR, 1, 1) + dt.timedelta(days=day)
        name, address, id_number = person(rng)
        petition_type, subject = TYPES[(index * 3 + len(slug)) % len(TYPES)]
        within = index % 4 != 3
        resolved = index not in pending_rows
        via_reception = index < len(linked)
        rows.append(
            {
                "seq_no": index + 1,
                "petition_no": f"{index + 1:03d}/{YEAR}",
                "received_on": received.strftime("%d/%m/%Y") if index % 7 == 2 else received,
                "channel": "Qua tiếp công dân" if via_reception else CHANNELS[index % len(CHANNELS)],
                "sender_name": name,
                "sender_address": address,
                "sender_id_number": id_number if index % 3 else None,
                "content": rng.choice(CONTENT),
                "petition_type": petition_type,
                "subject": subject,
                "is_eligible": True,
                "competence": "Thuộc thẩm quyền" if within else "Không thuộc thẩm quyền",
                "handling": "Thụ lý giải quyết" if within else OUTSIDE[index % len(OUTSIDE)],
                "due_on": received + dt.timedelta(days=30 if within else 10),
                "status": "Đã giải quyết" if resolved else "Đang giải quyết",
                "resolved_on": received + dt.timedelta(days=rng.randint(5, 40)) if resolved else None,
                "resolution_round": ("Lần hai" if index % 9 == 5 else "Lần đầu") if within else None,
                "case_ref": f"{prefix}-Đ-{YEAR}-{index + 1:03d}",
                "reception_case_ref": linked[index] if via_reception else None,
                "note": None,
            }
        )
    return rows


def workbooks() -> list[WorkbookSpec]:
    return [
        WorkbookSpec("petition_handling", slug, written, _rows(slug, count, pending, random.Random(f"{YEAR}-xld-{slug}")))
        for slug, written, count, pending in PLANS
    ]
