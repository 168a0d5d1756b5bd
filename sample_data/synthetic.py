"""Rows of the data sets other than 2023, drawn from each data set's seed.

Nothing here aims at a figure: how many visits, petitions or sessions a unit has comes from its
random stream, scaled by how long the unit existed in the year and how large it is, so every data
set is different and its report says only what its rows say. Every date of a unit's rows lies in
its window (the part of the year it existed in, up to the last day with data), so a ward that
ceased on 30/6 has nothing dated after it, and a petition it had not resolved by then stays open.
Only a deadline (``due_on``) may fall after it. The vocabularies are the 2023 modules'.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from sample_data import governance, inspections, outreach, personnel, petitions, reception
from sample_data.common import WorkbookSpec, person
from sample_data.datasets import DataSet, SendingUnit

# Columns that hold a deadline, not the day something happened: they may lie after the window.
DEADLINES = frozenset({"due_on"})
# The column whose date places a row in a period (the one unitdate resolves a row's unit by).
ROW_DATE = {
    "citizen_reception": "received_on",
    "petition_handling": "received_on",
    "citizen_dialogue": "held_on",
    "dissemination_session": "held_on",
    "skilful_mobilisation_model": "registered_on",
    "inspection": "decided_on",
    "inspection_followup": "updated_on",
    "personnel_action": "decided_on",
    "award": "decided_on",
    "internal_affairs_review": "checked_on",
    "discipline_record": "decided_on",
}


@dataclass
class Draw:
    """One unit's random stream and window for one register."""

    dataset: DataSet
    unit: SendingUnit
    rng: random.Random

    @property
    def start(self) -> dt.date:
        return self.unit.first_day

    @property
    def end(self) -> dt.date:
        return self.unit.last_day

    @property
    def months(self) -> float:
        return ((self.end - self.start).days + 1) / 30.4

    @property
    def size(self) -> float:
        """How busy the unit is: the city's offices and the merged wards more than an old ward."""
        if self.unit.unit.kind == "city_body":
            return 1.0
        return 0.8 if self.unit.unit.parent_unit_id == "tinh_lai_chau" else 0.25

    def count(self, per_month: float, minimum: int = 1) -> int:
        expected = per_month * self.months * self.size
        return max(minimum, round(expected * self.rng.uniform(0.7, 1.3)))

    def day(self, latest: dt.date | None = None) -> dt.date:
        last = min(latest or self.end, self.end)
        return self.start + dt.timedelta(days=self.rng.randint(0, max(0, (last - self.start).days)))

    def days(self, n: int) -> list[dt.date]:
        return sorted(self.day() for _ in range(n))

    def whole_months(self) -> list[int]:
        """Months of the year wholly inside the window: a month's line is filled in once it is over."""
        year = self.dataset.year
        return [
            month
            for month in range(1, 13)
            if dt.date(year, month, 1) >= self.start and dt.date(year, month, calendar.monthrange(year, month)[1]) <= self.end
        ]

    @property
    def prefix(self) -> str:
        return "".join(word[0] for word in self.unit.slug.split("-")).upper()


def _as_clerk_typed(day: dt.date, rng: random.Random) -> object:
    """Some clerks type dates as text."""
    return day.strftime("%d/%m/%Y") if rng.random() < 0.25 else day


def _reception(draw: Draw) -> list[dict]:
    rng, year = draw.rng, draw.dataset.year
    rows = []
    for index, when in enumerate(draw.days(draw.count(2.5))):
        name, address, id_number = person(rng)
        petition_type = rng.choice(reception.TYPES)
        repeat = rng.random() < 0.15
        accepted = petition_type != "Kiến nghị, phản ánh" and rng.random() < 0.5
        row = {
            "seq_no": index + 1,
            "received_on": _as_clerk_typed(when, rng),
            "citizen_name": name,
            "address": address,
            "id_number": id_number if rng.random() < 0.75 else None,
            "case_summary": rng.choice(reception.SUMMARIES),
            "petition_type": petition_type,
            "people_count": rng.choice([1, 1, 1, 1, 2, 3]),
            "reception_kind": rng.choice(["Tiếp thường xuyên", "Tiếp thường xuyên", "Thủ trưởng tiếp", "Ủy quyền tiếp"]),
            "case_ref": f"{draw.prefix}-{year}-{index + 1:03d}",
            "case_occurrence": "Nhiều lần" if repeat else "Lần đầu",
            "previously_handled_by": "UBND phường" if repeat else None,
            "is_accepted": True if accepted else None,
            "is_returned_with_guidance": True if not accepted else None,
            "follow_up": rng.choice(reception.OUTCOMES),
        }  # fmt: skip
        if repeat and rows:
            # A repeat ("Nhiều lần") is the same citizen back about the same case as the visit before
            # it, so the warehouse links the two visits by citizen_key and case_key. The draws above
            # are made all the same, so every other row stays what it was.
            earlier = rows[-1]
            row.update({key: earlier[key] for key in ("citizen_name", "address", "id_number", "petition_type", "case_ref")})
            if row["petition_type"] == "Kiến nghị, phản ánh":
                row.update({"is_accepted": None, "is_returned_with_guidance": True})
        rows.append(row)
    return rows


def _petitions(draw: Draw, reception_rows: list[dict]) -> list[dict]:
    rng, year = draw.rng, draw.dataset.year
    linked = [row["case_ref"] for row in reception_rows][: max(1, len(reception_rows) // 3)]
    rows = []
    for index, received in enumerate(draw.days(draw.count(4))):
        name, address, id_number = person(rng)
        petition_type, subject = rng.choice(petitions.TYPES)
        within = rng.random() < 0.75
        resolved_on = received + dt.timedelta(days=rng.randint(5, 40))
        resolved = resolved_on <= draw.end and rng.random() < 0.9  # not resolved by the window's end: still open
        via_reception = index < len(linked)
        rows.append({
            "seq_no": index + 1,
            "petition_no": f"{index + 1:03d}/{year}",
            "received_on": _as_clerk_typed(received, rng),
            "channel": "Qua tiếp công dân" if via_reception else rng.choice(petitions.CHANNELS),
            "sender_name": name,
            "sender_address": address,
            "sender_id_number": id_number if rng.random() < 0.6 else None,
            "content": rng.choice(petitions.CONTENT),
            "petition_type": petition_type,
            "subject": subject,
            "is_eligible": True,
            "competence": "Thuộc thẩm quyền" if within else "Không thuộc thẩm quyền",
            "handling": "Thụ lý giải quyết" if within else rng.choice(petitions.OUTSIDE),
            "due_on": received + dt.timedelta(days=30 if within else 10),
            "status": "Đã giải quyết" if resolved else "Đang giải quyết",
            "resolved_on": resolved_on if resolved else None,
            "resolution_round": ("Lần hai" if rng.random() < 0.1 else "Lần đầu") if within else None,
            "case_ref": f"{draw.prefix}-Đ-{year}-{index + 1:03d}",
            "reception_case_ref": linked[index] if via_reception else None,
        })  # fmt: skip
    return rows


def _dialogues(draw: Draw) -> list[dict]:
    rng = draw.rng
    rows = []
    for index, held in enumerate(draw.days(draw.count(0.4))):
        raised = rng.randint(3, 18)
        rows.append({
            "seq_no": index + 1,
            "held_on": held,
            "chaired_by": rng.choice(["Chủ tịch UBND", "Chủ tịch UBND", "Phó Chủ tịch UBND"]),
            "dialogue_kind": rng.choice(["Đối thoại định kỳ", "Đối thoại theo chuyên đề"]),
            "topic": rng.choice(outreach.TOPICS),
            "participants": rng.randint(20, 140),
            "issues_raised": raised,
            "issues_resolved": raised - rng.randint(0, min(3, raised)),
        })  # fmt: skip
    return rows


def _reform(draw: Draw) -> list[dict]:
    rng = draw.rng
    scale = 12 * draw.size
    rows = []
    for month in draw.whole_months():
        on_time = round(rng.randint(90, 150) * scale)
        late = rng.randint(0, max(1, round(scale)))
        exchanged = round(rng.randint(220, 330) * scale)
        resolved = on_time + late
        online = resolved * rng.randint(45, 75) // 100
        rows.append({
            "month": month if rng.random() < 0.75 else f"{month:02d}",
            "dossiers_received_online": online,
            "dossiers_received_in_person": resolved - online + rng.randint(0, 6),
            "dossiers_resolved_on_time": on_time,
            "dossiers_resolved_late": late,
            "dossiers_pending": rng.randint(0, 12),
            "documents_exchanged": exchanged,
            "documents_electronic": exchanged * rng.randint(95, 100) // 100,
            "dossiers_digitised": resolved * rng.randint(70, 95) // 100,
            "legal_documents_issued": 1 if draw.unit.unit.kind == "city_body" and month % 3 == 0 else 0,
            "staff_trained": rng.randint(2, 12) + round(10 * draw.size),
        })  # fmt: skip
    return rows


def _dissemination(draw: Draw) -> list[dict]:
    rng = draw.rng
    head = rng.randint(28, 45) if draw.unit.unit.parent_unit_id == "tinh_lai_chau" else rng.randint(6, 25)
    rows = []
    for index, held in enumerate(draw.days(draw.count(0.9 / draw.size))):
        staff = head if index == 0 else rng.randint(max(1, head // 3), head)
        rows.append({
            "seq_no": index + 1,
            "held_on": held,
            "document": rng.choice(governance.DOCUMENTS),
            "format": "Hội nghị" if index == 0 else rng.choice(governance.FORMATS),
            "participants": staff + rng.randint(0, 3 * head),
            "staff_participants": staff,
            "unit_headcount": head,
        })  # fmt: skip
    return rows


def _models(draw: Draw) -> list[dict]:
    rng = draw.rng
    fields = rng.sample(list(outreach.MODELS), rng.randint(1, 3))
    return [
        {
            "seq_no": index + 1,
            "model_name": rng.choice(outreach.MODELS[field]),
            "field": field,
            "model_kind": "Điển hình" if index % 3 == 0 else "Mô hình",
            "registered_on": draw.day(),
            "status": "Được công nhận" if rng.random() < 0.6 else "Đã đăng ký",
        }
        for index, field in enumerate(fields)
    ]


_INSPECTED = ["Phòng Tài nguyên và Môi trường", "UBND phường Quyết Thắng", "Trường Tiểu học Kim Đồng",
              "Ban Quản lý dự án đầu tư xây dựng thành phố", "UBND xã Sùng Phài", "Phòng Kinh tế"]  # fmt: skip
_TITLES = [title for _, _, title, *_ in inspections.DECISIONS]


def _money(rng: random.Random, low: int, high: int) -> int:
    return rng.randint(low, high) * 1_000


def _inspections(draw: Draw) -> list[dict]:
    rng = draw.rng
    rows = []
    for index, decided in enumerate(draw.days(draw.count(0.5))):
        concluded = decided + dt.timedelta(days=rng.randint(45, 100))
        done = concluded <= draw.end
        violation = _money(rng, 20_000, 900_000) if done else None
        recovery = violation * rng.randint(60, 100) // 100 if violation else None
        rows.append({
            "seq_no": index + 1,
            "decision_no": None,  # numbered below
            "decided_on": decided,
            "inspection_title": rng.choice(_TITLES),
            "inspection_kind": "Đột xuất" if rng.random() < 0.25 else "Theo kế hoạch",
            "is_carried_over": False,
            "inspected_entity": rng.choice(_INSPECTED),
            "status": "Đã ban hành kết luận" if done else "Đang thực hiện",
            "conclusion_no": f"{index + 1:02d}/KL-TTr" if done else None,
            "concluded_on": _as_clerk_typed(concluded, rng) if done else None,
            "violation_vnd": inspections._vnd(violation, as_text=rng.random() < 0.4),
            "recovery_recommended_vnd": inspections._vnd(recovery, as_text=rng.random() < 0.4),
            "sanctioned_organisations": 1 if done else None,
            "sanctioned_persons": rng.randint(0, 2) if done else None,
            "referred_to_investigation": 0 if done else None,
        })  # fmt: skip
    # decision numbers are unique within the year
    for row, number in zip(rows, sorted(rng.sample(range(1, 60), len(rows))), strict=True):
        row["decision_no"] = f"{number:02d}/QĐ-TTr"
    return rows


def _follow_ups(draw: Draw, inspection_rows: list[dict]) -> list[dict]:
    rng, year = draw.rng, draw.dataset.year
    lines = []
    for number in range(rng.randint(1, 2)):  # conclusions of the year before, still followed up
        concluded = dt.date(year - 1, rng.randint(3, 11), rng.randint(1, 28))
        required = _money(rng, 30_000, 400_000)
        lines.append((f"{number + 11:02d}/KL-TTr", concluded, None, rng.choice(_INSPECTED), required))
    for row in inspection_rows:
        if row["conclusion_no"] and row["recovery_recommended_vnd"] is not None:
            required = int(str(row["recovery_recommended_vnd"]).replace(".", ""))
            concluded = row["concluded_on"]
            if isinstance(concluded, str):
                concluded = dt.datetime.strptime(concluded, "%d/%m/%Y").date()
            lines.append((row["conclusion_no"], concluded, row["decision_no"], row["inspected_entity"], required))
    rows = []
    for index, (conclusion, concluded, decision, entity, required) in enumerate(lines, start=1):
        done = concluded.year < year and rng.random() < 0.6
        recovered = required if done else required * rng.randint(0, 60) // 100
        rows.append({
            "seq_no": index,
            "conclusion_no": conclusion,
            "concluded_on": concluded,
            "decision_no": decision,
            "inspected_entity": entity,
            "recovery_required_vnd": inspections._vnd(required, as_text=rng.random() < 0.4),
            "recovered_vnd": recovered,
            "implementation_status": "Đã thực hiện xong" if done else "Đang thực hiện",
            "updated_on": draw.end - dt.timedelta(days=rng.randint(0, 10)),
        })  # fmt: skip
    return rows


def _personnel(draw: Draw) -> list[dict]:
    rng = draw.rng
    rows = []
    for index, decided in enumerate(draw.days(draw.count(2.5)), start=1):
        action, category, sector, counts = rng.choice(personnel.PERSONNEL)
        people = min(rng.choice(counts), rng.randint(1, 6))
        rows.append({
            "seq_no": index,
            "decision_no": f"{100 + index * 7}/QĐ-UBND",
            "decided_on": decided,
            "action": action,
            "staff_category": category,
            "sector": sector,
            "people": people if rng.random() < 0.85 else str(people),
        })  # fmt: skip
    return rows


def _awards(draw: Draw) -> list[dict]:
    rng = draw.rng
    rows = []
    for decided in draw.days(draw.count(2)):
        giver, award, kind, total, decisions = rng.choice(personnel.AWARDS)
        rows.append({
            "decision_no": f"{rng.randint(100, 4999)}/QĐ-{'TTg' if giver.startswith('Thủ') else 'UBND'}",
            "decided_on": decided,
            "giver_level": giver,
            "award_type": award,
            "recipient_kind": kind,
            "recipients": rng.randint(1, max(1, min(60, total // decisions))),
        })  # fmt: skip
    for index, row in enumerate(rows, start=1):
        row["seq_no"] = index
    return rows


def _internal_reviews(draw: Draw) -> list[dict]:
    rng = draw.rng
    checks = rng.sample(governance.CHECKED, min(len(governance.CHECKED), draw.count(0.6)))
    return [
        {"seq_no": index + 1, "checked_on": day, "checked_entity": entity, "entity_kind": kind, "dan_van_reviewed": rng.random() < 0.8,
         "findings": "Thực hiện cơ bản đầy đủ; cần hoàn thiện hồ sơ lưu trữ"}
        for index, (day, (entity, kind)) in enumerate(zip(draw.days(len(checks)), checks, strict=True))
    ]  # fmt: skip


def _grassroots(draw: Draw) -> list[dict]:
    """Every unit of the data set that existed in the window, by its full name."""
    rng = draw.rng
    names = [u.unit.full_name for u in draw.dataset.units() if u.first_day <= draw.end and u.last_day >= draw.start]
    return [
        {"seq_no": i + 1, "entity": name, "has_plan": True, "is_implemented": rng.random() < 0.9,
         "implementing_document": f"Kế hoạch số {rng.randint(100, 2999)}/KH-UBND"}
        for i, name in enumerate(names)
    ]  # fmt: skip


def _schools(draw: Draw) -> list[dict]:
    """The network as the 2023 mergers left it: nothing opened or closed since."""
    kept = [(name, level, ward) for name, level, ward in governance.SCHOOLS if name not in governance.MERGERS]
    merged = sorted(set(governance.MERGERS.values()))
    levels = {
        "Trường Mầm non Bình Minh (mới)": ("Mầm non", "Quyết Tiến"),
        "Trường TH&THCS Sùng Phài": ("Tiểu học và Trung học cơ sở", "Sùng Phài"),
    }
    rows = [{"school_name": n, "school_level": lv, "location": w} for n, lv, w in kept]
    rows += [{"school_name": n, "school_level": levels[n][0], "location": levels[n][1]} for n in merged]
    for index, row in enumerate(rows, start=1):
        row["seq_no"] = index
    return rows


SIMPLE: dict[str, Callable[[Draw], list[dict]]] = {
    "citizen_reception": _reception,
    "citizen_dialogue": _dialogues,
    "reform_indicator": _reform,
    "dissemination_session": _dissemination,
    "skilful_mobilisation_model": _models,
    "inspection": _inspections,
    "personnel_action": _personnel,
    "award": _awards,
    "internal_affairs_review": _internal_reviews,
    "grassroots_democracy": _grassroots,
    "school_network": _schools,
    "discipline_record": lambda draw: [],  # a nil return, as in 2023
}


def _part_of_year(dataset: DataSet, unit: SendingUnit) -> str | None:
    """The "Kỳ báo cáo" a clerk writes when the unit existed for part of the year only."""
    first = max(dt.date(dataset.year, 1, 1), unit.unit.valid_from)
    last = min(dt.date(dataset.year, 12, 31), unit.unit.valid_to or dt.date(dataset.year, 12, 31))
    if (first, last) == (dt.date(dataset.year, 1, 1), dt.date(dataset.year, 12, 31)):
        return None
    return f"Từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}"


def unit_workbooks(dataset: DataSet, unit: SendingUnit) -> list[WorkbookSpec]:
    """The registers one unit owes in the data set (less those it never sent), each from its own
    stream of the data set's seed."""
    made: dict[str, list[dict]] = {}
    specs = []
    owed = unit.owes()
    # registers that draw on another are made after it
    order = sorted(owed, key=lambda s: s in {"petition_handling", "inspection_followup"})
    for source_id in order:
        draw = Draw(dataset, unit, random.Random(f"{dataset.seed}|{unit.unit_id}|{source_id}"))
        if source_id == "petition_handling":
            rows = _petitions(draw, made.get("citizen_reception", []))
        elif source_id == "inspection_followup":
            rows = _follow_ups(draw, made.get("inspection", []))
        else:
            rows = SIMPLE[source_id](draw)
        made[source_id] = rows
        if (unit.unit_id, source_id) in dataset.not_sent:
            continue
        written = unit.spellings[draw.rng.randrange(len(unit.spellings))]
        blanks = tuple(sorted(draw.rng.sample(range(1, len(rows)), min(2, len(rows) - 1)))) if len(rows) > 4 else ()
        specs.append(
            WorkbookSpec(source_id, unit.slug, written, rows, blanks, unit.unit_id, unit.authority, _part_of_year(dataset, unit))
        )
    return sorted(specs, key=lambda s: owed.index(s.source_id))


def workbooks(dataset: DataSet) -> list[WorkbookSpec]:
    return [spec for unit in dataset.units() for spec in unit_workbooks(dataset, unit)]
