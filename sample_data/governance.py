"""Registers behind sections II.1-II.3 and II.5 of the report: dissemination sessions (2111
participations, every member of staff reached), internal-affairs checks (13 units), the school
network (30 schools before the two mergers, 28 after), grassroots democracy (every unit) and the
disciplinary register (a nil return: nobody disciplined for conduct towards citizens)."""

from __future__ import annotations

import datetime as dt
import random

from sample_data.common import COMMUNE_UNITS, YEAR, WorkbookSpec, split

NOI_VU = ("phong-noi-vu", "Phòng Nội vụ thành phố")
GDDT = ("phong-gddt", "Phòng Giáo dục và Đào tạo")
CITY_BODIES = [
    ("van-phong-ubnd-tp", "Văn phòng HĐND và UBND thành phố", 24),
    ("phong-noi-vu", "Phòng Nội vụ thành phố", 12),
    ("thanh-tra-tp", "Thanh tra thành phố", 9),
    ("phong-gddt", "Phòng Giáo dục và Đào tạo", 14),
    ("phong-tu-phap", "Phòng Tư pháp", 6),
    ("ban-tiep-cong-dan-tp", "Ban Tiếp công dân thành phố", 5),
]
DISSEMINATING = CITY_BODIES + [
    (slug, name, head) for (slug, name), head in zip(COMMUNE_UNITS, [22, 25, 21, 20, 23, 19, 18], strict=True)
]
DOCUMENTS = [
    "Kết luận số 114-KL/TW ngày 14/7/2015 của Ban Bí thư",
    "Chỉ thị số 33/CT-TTg ngày 26/11/2021 của Thủ tướng Chính phủ",
    "Kết luận số 69-KL/TU ngày 09/4/2021 của Ban Thường vụ Tỉnh ủy",
    "Đề án số 07-ĐA/TU ngày 30/6/2022 của Ban Thường vụ Tỉnh ủy",
    "Luật Thực hiện dân chủ ở cơ sở",
    "Nghị định số 59/2023/NĐ-CP ngày 14/8/2023 của Chính phủ",
]
FORMATS = ["Hội nghị", "Lồng ghép họp cơ quan", "Sinh hoạt chi bộ, đoàn thể", "Sao gửi văn bản"]
TOTAL_PARTICIPATIONS = 2111


def _dissemination() -> list[WorkbookSpec]:
    rng = random.Random(f"{YEAR}-dissemination")
    headcounts = [head for _, _, head in DISSEMINATING]
    # each unit's participations: at least one session with all its staff, the rest spread
    extra = split(TOTAL_PARTICIPATIONS - 2 * sum(headcounts), len(DISSEMINATING), rng)
    specs = []
    for (slug, name, head), more in zip(DISSEMINATING, extra, strict=True):
        sessions = rng.randint(5, 8)
        # session 1 reaches all staff; the others share the rest, each with at least part of the staff
        others = split(head + more, sessions - 1, rng, minimum=1)
        days = sorted(rng.sample(range(10, 315), sessions))
        rows = []
        for index, (day, participants) in enumerate(zip(days, [head, *others], strict=True)):
            rows.append({
                "seq_no": index + 1,
                "held_on": dt.date(YEAR, 1, 1) + dt.timedelta(days=day),
                "document": DOCUMENTS[(index + len(slug)) % len(DOCUMENTS)],
                "format": FORMATS[index % len(FORMATS)] if index else "Hội nghị",
                "participants": participants,
                "staff_participants": head if index == 0 else min(head, participants),
                "unit_headcount": head,
            })  # fmt: skip
        specs.append(WorkbookSpec("dissemination_session", slug, name, rows))
    return specs


CHECKED = [
    ("Phòng Tài chính - Kế hoạch", "Cơ quan chuyên môn"),
    ("Phòng Văn hóa và Thông tin", "Cơ quan chuyên môn"),
    ("Phòng Kinh tế", "Cơ quan chuyên môn"),
    ("Phòng Quản lý đô thị", "Cơ quan chuyên môn"),
    ("Phòng Lao động - Thương binh và Xã hội", "Cơ quan chuyên môn"),
    ("Trung tâm Văn hóa, Thể thao và Truyền thông", "Đơn vị sự nghiệp"),
    ("Ban Quản lý dự án đầu tư xây dựng thành phố", "Đơn vị sự nghiệp"),
    ("Trường Mầm non Hoa Ban", "Trường học"),
    ("Trường Tiểu học Quyết Thắng", "Trường học"),
    ("Trường THCS Đoàn Kết", "Trường học"),
    ("Trường Tiểu học Kim Đồng", "Trường học"),
    ("UBND phường Đông Phong", "UBND xã, phường"),
    ("UBND xã San Thàng", "UBND xã, phường"),
]


def _internal_reviews() -> WorkbookSpec:
    rng = random.Random(f"{YEAR}-noi-vu")
    checks = [*CHECKED, CHECKED[11]]  # Đông Phong checked twice: still one unit
    days = sorted(rng.sample(range(95, 320), len(checks)))
    rows = [
        {"seq_no": i + 1, "checked_on": dt.date(YEAR, 1, 1) + dt.timedelta(days=day), "checked_entity": entity,
         "entity_kind": kind, "dan_van_reviewed": True, "findings": "Thực hiện cơ bản đầy đủ; cần hoàn thiện hồ sơ lưu trữ"}
        for i, (day, (entity, kind)) in enumerate(zip(days, checks, strict=True))
    ]  # fmt: skip
    return WorkbookSpec("internal_affairs_review", *NOI_VU, rows)


SCHOOLS = (
    [(f"Trường Mầm non {n}", "Mầm non", w) for n, w in [("Hoa Ban", "Tân Phong"), ("Hoa Hồng", "Quyết Thắng"), ("Sơn Ca", "Đoàn Kết"),
     ("Bình Minh", "Quyết Tiến"), ("Quyết Tiến", "Quyết Tiến"), ("Tân Phong", "Tân Phong"), ("Đông Phong", "Đông Phong"),
     ("San Thàng", "San Thàng"), ("Sùng Phài", "Sùng Phài"), ("Hoa Mai", "Quyết Thắng"), ("Họa Mi", "Đông Phong")]]
    + [(f"Trường Tiểu học {n}", "Tiểu học", w) for n, w in [("Quyết Thắng", "Quyết Thắng"), ("Tân Phong", "Tân Phong"),
       ("Đoàn Kết", "Đoàn Kết"), ("Quyết Tiến", "Quyết Tiến"), ("Đông Phong", "Đông Phong"), ("San Thàng", "San Thàng"),
       ("Sùng Phài", "Sùng Phài"), ("Kim Đồng", "Tân Phong"), ("Nguyễn Trãi", "Đông Phong"), ("Lê Văn Tám", "Quyết Thắng")]]
    + [(f"Trường THCS {n}", "Trung học cơ sở", w) for n, w in [("Quyết Thắng", "Quyết Thắng"), ("Tân Phong", "Tân Phong"),
       ("Đoàn Kết", "Đoàn Kết"), ("Quyết Tiến", "Quyết Tiến"), ("Đông Phong", "Đông Phong"), ("San Thàng", "San Thàng"),
       ("Sùng Phài", "Sùng Phài"), ("Lê Quý Đôn", "Tân Phong"), ("Chu Văn An", "Đông Phong")]]
)  # fmt: skip
MERGER_DAY = dt.date(YEAR, 8, 15)
MERGERS = {
    "Trường Mầm non Quyết Tiến": "Trường Mầm non Bình Minh (mới)",
    "Trường Mầm non Bình Minh": "Trường Mầm non Bình Minh (mới)",
    "Trường Tiểu học Sùng Phài": "Trường TH&THCS Sùng Phài",
    "Trường THCS Sùng Phài": "Trường TH&THCS Sùng Phài",
}


def _schools() -> WorkbookSpec:
    rows = [
        {"school_name": name, "school_level": level, "location": ward,
         "closed_on": MERGER_DAY.strftime("%d/%m/%Y") if name in MERGERS else None, "merged_into": MERGERS.get(name)}
        for name, level, ward in SCHOOLS
    ]  # fmt: skip
    rows += [
        {"school_name": "Trường Mầm non Bình Minh (mới)", "school_level": "Mầm non", "location": "Quyết Tiến", "opened_on": MERGER_DAY},
        {"school_name": "Trường TH&THCS Sùng Phài", "school_level": "Tiểu học và Trung học cơ sở", "location": "Sùng Phài",
         "opened_on": MERGER_DAY},
    ]  # fmt: skip
    for index, row in enumerate(rows, start=1):
        row["seq_no"] = index
    return WorkbookSpec("school_network", *GDDT, rows, (11, 21))


def _grassroots() -> WorkbookSpec:
    rows = [
        {"seq_no": i + 1, "entity": name, "has_plan": True, "is_implemented": True,
         "implementing_document": "Công văn số 2783/UBND-NV ngày 19/9/2023" if i % 2 else "Kế hoạch số 1132/KH-UBND ngày 08/5/2023"}
        for i, (_, name, _) in enumerate(DISSEMINATING)
    ]  # fmt: skip
    return WorkbookSpec("grassroots_democracy", *NOI_VU, rows)


def workbooks() -> list[WorkbookSpec]:
    return [
        *_dissemination(),
        _internal_reviews(),
        _schools(),
        _grassroots(),
        WorkbookSpec("discipline_record", *NOI_VU, []),  # a nil return
    ]
