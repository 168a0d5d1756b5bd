"""The city inspectorate's registers: 5 decisions (5 inspections, 4 planned, 1 ad hoc) at 6 units,
4 concluded and 1 ongoing; 6 conclusions followed up (2 from 2022 implemented, the 4 of 2023 in
progress) with 2.206.283.982 đồng to recover, of which 383.071.280 đồng recovered."""

from __future__ import annotations

import datetime as dt

from sample_data.common import YEAR, WorkbookSpec

UNIT = ("thanh-tra-tp", "Thanh tra thành phố")

# decision, date, title, kind, [(entity, violation, recommended recovery)], conclusion, concluded on
DECISIONS = [
    ("01/QĐ-TTr", dt.date(YEAR, 2, 15), "Thanh tra việc quản lý, sử dụng đất đai", "Theo kế hoạch",
     [("Phòng Tài nguyên và Môi trường", 1_386_412_500, 1_204_000_000)], "01/KL-TTr", dt.date(YEAR, 5, 22)),
    ("05/QĐ-TTr", dt.date(YEAR, 4, 10), "Thanh tra việc quản lý, sử dụng ngân sách", "Theo kế hoạch",
     [("UBND xã San Thàng", 402_118_000, 398_783_982), ("Trường THCS San Thàng", 121_000_000, 114_000_000)],
     "02/KL-TTr", dt.date(YEAR, 7, 5)),
    ("09/QĐ-TTr", dt.date(YEAR, 6, 5), "Thanh tra việc thu, chi các khoản đóng góp", "Theo kế hoạch",
     [("Trường Mầm non Tân Phong", 171_250_000, 156_000_000)], "03/KL-TTr", dt.date(YEAR, 8, 30)),
    ("12/QĐ-TTr", dt.date(YEAR, 7, 20), "Thanh tra đột xuất công tác đầu tư xây dựng", "Đột xuất",
     [("Ban Quản lý dự án đầu tư xây dựng thành phố", 96_300_000, 85_000_000)], "04/KL-TTr", dt.date(YEAR, 10, 12)),
    ("15/QĐ-TTr", dt.date(YEAR, 9, 25), "Thanh tra trách nhiệm thực hiện pháp luật về tiếp công dân", "Theo kế hoạch",
     [("UBND phường Quyết Thắng", None, None)], None, None),
]  # fmt: skip

# conclusion, concluded on, decision, entity, required, recovered, status
FOLLOW_UPS = [
    ("07/KL-TTr", dt.date(YEAR - 1, 9, 14), "18/QĐ-TTr", "UBND phường Đông Phong", 150_000_000, 150_000_000, "Đã thực hiện xong"),
    ("09/KL-TTr", dt.date(YEAR - 1, 11, 2), "21/QĐ-TTr", "Trường Tiểu học Quyết Tiến", 98_500_000, 98_500_000, "Đã thực hiện xong"),
    ("01/KL-TTr", dt.date(YEAR, 5, 22), "01/QĐ-TTr", "Phòng Tài nguyên và Môi trường", 1_204_000_000, 84_571_280, "Đang thực hiện"),
    ("02/KL-TTr", dt.date(YEAR, 7, 5), "05/QĐ-TTr", "UBND xã San Thàng; Trường THCS San Thàng", 512_783_982, 50_000_000,
     "Đang thực hiện"),
    ("03/KL-TTr", dt.date(YEAR, 8, 30), "09/QĐ-TTr", "Trường Mầm non Tân Phong", 156_000_000, 0, "Đang thực hiện"),
    ("04/KL-TTr", dt.date(YEAR, 10, 12), "12/QĐ-TTr", "Ban Quản lý dự án đầu tư xây dựng thành phố", 85_000_000, 0,
     "Đang thực hiện"),
]  # fmt: skip


def _vnd(amount: int | None, as_text: bool) -> object:
    """Clerks type big amounts as text with Vietnamese separators as often as numbers."""
    if amount is None:
        return None
    return f"{amount:,}".replace(",", ".") if as_text else amount


def _inspection_rows() -> list[dict]:
    rows = []
    for decision, decided, title, kind, entities, conclusion, concluded in DECISIONS:
        for entity, violation, recovery in entities:
            concluded_row = conclusion is not None
            rows.append({
                "seq_no": len(rows) + 1,
                "decision_no": decision,
                "decided_on": decided,
                "inspection_title": title,
                "inspection_kind": kind,
                "is_carried_over": False,
                "inspected_entity": entity,
                "status": "Đã ban hành kết luận" if concluded_row else "Đang thực hiện",
                "conclusion_no": conclusion,
                "concluded_on": concluded.strftime("%d/%m/%Y") if concluded else None,
                "violation_vnd": _vnd(violation, as_text=len(rows) % 2 == 1),
                "recovery_recommended_vnd": _vnd(recovery, as_text=len(rows) % 2 == 0),
                "sanctioned_organisations": 1 if concluded_row else None,
                "sanctioned_persons": 2 if concluded_row and recovery and recovery > 150_000_000 else 0 if concluded_row else None,
                "referred_to_investigation": 0 if concluded_row else None,
            })  # fmt: skip
    return rows


def _follow_up_rows() -> list[dict]:
    return [
        {
            "seq_no": index,
            "conclusion_no": conclusion,
            "concluded_on": concluded,
            "decision_no": decision,
            "inspected_entity": entity,
            "recovery_required_vnd": _vnd(required, as_text=index % 2 == 0),
            "recovered_vnd": recovered,
            "implementation_status": status,
            "updated_on": dt.date(YEAR, 11, 10),
        }
        for index, (conclusion, concluded, decision, entity, required, recovered, status) in enumerate(FOLLOW_UPS, start=1)
    ]


def workbooks() -> list[WorkbookSpec]:
    slug, name = UNIT
    return [
        WorkbookSpec("inspection", slug, name, _inspection_rows(), (3,)),
        WorkbookSpec("inspection_followup", slug, name, _follow_up_rows()),
    ]
