"""Dialogues with citizens (the city's chairman and each ward's and commune's) and the units'
"Dân vận khéo" models, for Phụ lục I and II."""

from __future__ import annotations

import datetime as dt
import random

from sample_data.common import COMMUNE_UNITS, YEAR, WorkbookSpec
from sample_data.governance import DISSEMINATING

TOPICS = ["Bồi thường, hỗ trợ giải phóng mặt bằng", "Chỉnh trang đô thị", "Cấp giấy chứng nhận quyền sử dụng đất",
          "Vệ sinh môi trường khu dân cư", "Xây dựng nông thôn mới", "An ninh trật tự tổ dân phố"]  # fmt: skip
MODELS = {
    "Kinh tế": [
        "Hỗ trợ hộ nghèo phát triển chăn nuôi",
        "Liên kết trồng chè theo chuỗi giá trị",
        "Dịch vụ công trực tuyến tận nhà",
    ],
    "Văn hóa": ["Câu lạc bộ giữ gìn bản sắc văn hóa dân tộc", "Tủ sách pháp luật ở bản"],
    "Xã hội": ["Tổ dân phố không rác thải nhựa", "Đỡ đầu học sinh nghèo vượt khó", "Chính quyền thân thiện, phục vụ Nhân dân"],
    "An ninh": ["Camera an ninh tổ dân phố", "Tổ tự quản an ninh trật tự"],
    "Quốc phòng": ["Dân quân tự vệ giúp dân", "Hậu phương quân đội"],
}


def _dialogues() -> list[WorkbookSpec]:
    units = [("van-phong-ubnd-tp", "Văn phòng HĐND và UBND thành phố", 4, "Chủ tịch UBND"), *((slug, name, 2 + i % 2, "Chủ tịch UBND")
             for i, (slug, name) in enumerate(COMMUNE_UNITS))]  # fmt: skip
    specs = []
    for slug, name, count, chair in units:
        rng = random.Random(f"{YEAR}-dialogue-{slug}")
        days = sorted(rng.sample(range(20, 320), count))
        rows = []
        for index, day in enumerate(days):
            raised = rng.randint(4, 18)
            rows.append({
                "seq_no": index + 1,
                "held_on": dt.date(YEAR, 1, 1) + dt.timedelta(days=day),
                "chaired_by": chair if index % 3 else "Phó Chủ tịch UBND",
                "dialogue_kind": "Đối thoại định kỳ" if index % 2 == 0 else "Đối thoại theo chuyên đề",
                "topic": rng.choice(TOPICS),
                "participants": rng.randint(25, 120),
                "issues_raised": raised,
                "issues_resolved": raised - rng.randint(0, 3),
            })  # fmt: skip
        specs.append(WorkbookSpec("citizen_dialogue", slug, name, rows))
    return specs


def _models() -> list[WorkbookSpec]:
    specs = []
    for slug, name, _ in DISSEMINATING:
        rng = random.Random(f"{YEAR}-dvk-{slug}")
        fields = rng.sample(list(MODELS), rng.randint(1, 3))
        rows = [
            {
                "seq_no": index + 1,
                "model_name": rng.choice(MODELS[field]),
                "field": field,
                "model_kind": "Mô hình" if index % 3 else "Điển hình",
                "registered_on": dt.date(YEAR, 3, rng.randint(1, 28)),
                "status": "Được công nhận" if rng.random() < 0.7 else "Đã đăng ký",
            }
            for index, field in enumerate(fields)
        ]
        specs.append(WorkbookSpec("skilful_mobilisation_model", slug, name, rows))
    return specs


def workbooks() -> list[WorkbookSpec]:
    return [*_dialogues(), *_models()]
