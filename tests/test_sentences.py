"""The report's sentences read right for any data: zero, one, a few and many of everything, schools
up and down, a city, a ward with no units below it and a province, one padding rule for counts,
rates said to be "above" only when they are, and the sector of staff named from the register's
choice. The 2023 sample still gives the seed report's wording byte for byte."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import duckdb
import pytest
import yaml

from ingestion.errors import WorkbookRejected
from ingestion.parser import parse_workbook
from ingestion.registry import load_sources
from ingestion.templates import write_register
from ingestion.units import UnitDirectory
from pipeline.periods import Period
from reporting.figures import (
    Figure,
    format_above,
    format_count,
    in_sentence,
    load_catalogue,
    read_figures,
    render_sentences,
)
from reporting.unit_names import UnitNames, read_unit_names
from tests.conftest import FIGURES_FILE, REPO_ROOT

YEAR_2023 = Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
SENTENCES_2023 = REPO_ROOT / "tests" / "fixtures" / "sentences-105-2023.yaml"
SCOPES_2023 = {"city": "total", "city_level": "own_bodies", "commune_level": "subunits"}

CITY = UnitNames(
    "105", "Lai Châu", "Thành phố Lai Châu", "city", "thành phố", ("commune", "ward"),
    (("ward", "Quyết Thắng"), ("ward", "Tân Phong"), ("commune", "Sùng Phài")),
)  # fmt: skip
WARD = UnitNames("03388", "Đoàn Kết", "Phường Đoàn Kết", "ward", "phường")
PROVINCE = UnitNames("12", "Lai Châu", "Tỉnh Lai Châu", "province", "tỉnh", ("city", "rural_district"))

_SECTOR = next(c for c in next(s for s in load_sources() if s.id == "personnel_action").columns if c.name == "sector")
SECTORS = list(dict.fromkeys(_SECTOR.choices.values()))


def _sample_figures() -> dict[tuple[str, str], tuple[float, str]]:
    """The 2023 report's figures (the golden file) and the details only sentences use."""
    spec = yaml.safe_load(FIGURES_FILE.read_text(encoding="utf-8"))
    values = {
        (f["key"], SCOPES_2023[f.get("scope", "city")]): (
            float(f["value"]) + (0.4 if f.get("check") == "above" else 0),
            f["unit"],
        )
        for f in spec["figures"]
    }
    details = {
        "personnel.received_city_civil_servants": 2,
        "personnel.received_education_public_employees": 25,
        "personnel.transferred_out_civil_servants": 2,
        "personnel.transferred_out_education_public_employees": 11,
        "schools.merged": 4,
        **{f"personnel.resigned_{code}": 0 for code in SECTORS},
        "personnel.resigned_education": 5,
        "personnel.resigned_project_management": 1,
    }
    values |= {(key, "total"): (float(v), "count") for key, v in details.items()}
    return values


def figures(**overrides: float) -> list[Figure]:
    """The 2023 figures with some changed: ``reception_visits=3`` or ``reception_visits__subunits=1``."""
    values = _sample_figures()
    for name, value in overrides.items():
        key, _, scope = name.partition("__")
        dotted = key.replace("_", ".", 1)
        unit = values.get((dotted, scope or "total"), (0, "count"))[1]
        values[(dotted, scope or "total")] = (float(value), unit)
    return [Figure(key, scope, value, unit, key, True) for (key, scope), (value, unit) in values.items()]


def every_count(value: float) -> list[Figure]:
    """Every count figure (and every detail) at ``value``; rates at 97.4, amounts kept."""
    out = []
    for (key, scope), (old, unit) in _sample_figures().items():
        new = value if unit in ("count", "people") else 97.4 if unit == "pct" else old
        out.append(Figure(key, scope, float(new), unit, key, True))
    return out


def sentences(figs: list[Figure], names: UnitNames | None = CITY, period: Period = YEAR_2023) -> dict[str, str]:
    return {s.key: s.text_vi for s in render_sentences(figs, period, names)}


# -- the one rule for counts and the "above" rule for rates -----------------------------------------


def test_counts_follow_one_padding_rule():
    assert [format_count(v) for v in (0, 1, 5, 9, 10, 99, 505, 1214, 2206283982)] == [
        "0", "01", "05", "09", "10", "99", "505", "1.214", "2.206.283.982",
    ]  # fmt: skip
    assert format_count(2111, thousands=False) == "2111"
    assert format_count(7, thousands=False) == "07"
    assert format_count(2.5) == "2,5"


def test_a_rate_is_above_a_whole_number_only_when_it_strictly_is():
    assert format_above(97.4) == "trên 97"
    assert format_above(97) == "97"
    assert format_above(100) == "100"
    assert format_above(99.96) == "trên 99"
    assert format_above(100.2) == "100"  # a slip in a register never reads "trên 100%"
    assert format_above(0) == "0"
    for value, said in ((98.5, "đạt 99%"), (98.4, "đạt 98%"), (100.0, "đạt 100%")):
        assert f"đúng hạn {said};" in sentences(figures(reform_on_time_rate_pct=value))["reform.summary"]
    for value, said in ((97.4, "đạt trên 97%"), (97.0, "đạt 97%"), (100.0, "đạt 100%")):
        text = sentences(figures(reform_e_document_rate_pct=value))["reform.summary"]
        assert f"hành chính nhà nước {said}. Ban hành" in text


def test_labels_read_inside_a_sentence():
    assert in_sentence("Giáo dục") == "giáo dục"
    assert in_sentence("Khác") == "khác"
    assert in_sentence("Ban QLDA") == "Ban QLDA"
    assert in_sentence("UBND xã, phường") == "UBND xã, phường"


# -- every sentence, for any value and any kind of unit ---------------------------------------------

BAD = ("?", "None", "trên 100%", "  ", "( )", "()", " ,", " ;", " .", ",,", ";;", "..")
# A count of 1-9 written with one digit: not after a digit, dot, comma or slash, not before one.
UNPADDED = re.compile(r"(?<![\d.,/])[1-9](?![\d.,%])")


@pytest.mark.parametrize("names", [CITY, WARD, PROVINCE], ids=["city", "ward", "province"])
@pytest.mark.parametrize("value", [0, 1, 3, 1234])
def test_every_sentence_reads_right_for_any_count(names, value):
    said = sentences(every_count(value), names)
    assert set(said) == {s["key"] for s in load_catalogue()["sentences"]}, "a sentence was left out"
    for key, text in said.items():
        assert not any(bad in text for bad in BAD), (key, text)
        assert text == text.strip() and text[:1].strip(), (key, text)
        assert not UNPADDED.search(text.replace("2023", "")), (key, text)
        if value == 1234:
            assert "1234" not in text or key == "dissemination.summary", (key, text)
        assert "thành phố" not in text or names is CITY, (key, text)
        assert "xã, phường" not in text or names is CITY, (key, text)
    if value == 1234:
        assert "2.468 lượt = 1.234 người" not in said["reception.summary"]
        assert said["dissemination.summary"].startswith("Kết quả: 97% CB,CC,VC,NLĐ với 1234 lượt")
        assert "Lao động tiên tiến 1.234 tập thể, 1.234 cá nhân" in said["awards.summary"]


def test_zero_of_everything_says_none_in_short_sentences():
    said = sentences(every_count(0))
    assert said["reception.summary"] == "Từ đầu năm không có lượt tiếp công dân nào"
    assert said["petition.summary"] == "Không tiếp nhận đơn thư nào"
    assert said["inspection.summary"] == "Trong thời gian qua không ban hành quyết định thanh tra nào"
    assert said["personnel.decisions"] == (
        "Trong kỳ không có quyết định bổ nhiệm, điều động, tiếp nhận, nghỉ hưu, thôi việc cán bộ, công chức, viên chức."
    )
    assert said["awards.summary"] == "Trong kỳ chưa có tập thể, cá nhân được khen thưởng."
    assert said["discipline.summary"].startswith("Trong năm 2023, tại UBND thành phố không có cán bộ")
    assert said["personnel.rotations"] == "chưa thực hiện chuyển đổi vị trí công tác đối với người nào"
    assert said["dissemination.summary"] == "Trong kỳ chưa tổ chức học tập, quán triệt cho CB,CC,VC,NLĐ."
    assert said["reform.summary"].endswith("đạt trên 97%")  # no "Ban hành 0 văn bản", no "Cử 0 lượt"


def test_one_of_everything_is_padded():
    said = sentences(every_count(1))
    assert said["inspection.summary"].startswith(
        "Trong thời gian qua đã ban hành 01 Quyết định (01 cuộc) thực hiện thanh tra tại 01 đơn vị"
    )
    assert said["discipline.summary"].startswith("Trong năm 2023, tại UBND thành phố có 01 cán bộ, công chức, viên chức")
    assert said["petition.summary"] == (
        "Đã tiếp nhận 01 đơn = 01 vụ việc, đã giải quyết là 01/01 đơn; đang giải quyết là 01 đơn = 01 vụ việc"
    )
    # every sector's resignation is named by its label, in the register's order
    assert (
        "quyết định cho thôi việc 01 viên chức giáo dục, 01 viên chức y tế, 01 viên chức văn hóa và thể thao, "
        "01 viên chức Ban QLDA, 01 viên chức cơ quan chuyên môn, 01 viên chức UBND cấp xã, 01 viên chức khác; "
    ) in said["personnel.decisions"]


def test_schools_up_down_or_unchanged():
    def school(before, after):
        return sentences(figures(schools_before_merger=before, schools_after_merger=after))["schools.summary"]

    assert school(30, 28) == "do đó số lượng trường giảm từ 30 trường xuống còn 28 trường."
    assert school(3, 5) == "do đó số lượng trường tăng từ 03 trường lên 05 trường."
    assert school(12, 12) == "do đó số lượng trường không thay đổi (12 trường)."


def test_empty_clauses_are_left_out():
    said = sentences(
        figures(
            personnel_appointed=0,
            personnel_seconded=0,
            personnel_reassigned_school_merger=0,
            personnel_received_city_civil_servants=0,
            personnel_retired=0,
            personnel_resigned_project_management=0,
            personnel_resigned_health=2,
            awards_pm_emulation_flag_collectives=0,
            awards_pm_certificate_collectives=0,
            awards_province_emulation_flag_collectives=0,
            awards_province_excellent_labour_collectives=0,
            awards_province_emulation_fighter_individuals=0,
            awards_merit_certificate_households=0,
        )
    )
    assert said["personnel.decisions"] == (
        "Điều động và bổ nhiệm 02 người; bổ nhiệm lại 02 người; kéo dài thời gian giữ chức vụ 03 người, giao phụ "
        "trách trường học 01 người. Điều chuyển 20 viên chức, người lao động tại các đơn vị trường học do quy định "
        "số lượng trường, lớp học, học sinh. Tiếp nhận đối với 27 công chức, viên chức (25 viên chức sự nghiệp "
        "GD&ĐT). Giải quyết cho 13 công chức, viên chức chuyển công tác theo nguyện vọng (02 công chức, 11 viên chức "
        "sự nghiệp GD&ĐT). Quyết định cho thôi việc 05 viên chức giáo dục, 02 viên chức y tế; tinh giản biên chế, "
        "quyết định nghỉ hưu 04 viên chức."
    )
    assert said["awards.summary"] == (
        "Thủ tướng Chính phủ tặng Bằng khen 03 cá nhân. UBND tỉnh, bộ, ngành tặng: Bằng khen 14 tập thể, 73 cá "
        "nhân, 06 hộ gia đình. Chủ tịch UBND thành phố tặng: Lao động tiên tiến 190 tập thể, 1.214 cá nhân; Chiến "
        "sỹ thi đua 170 cá nhân; Giấy khen 223 tập thể, 865 cá nhân."
    )


def test_the_unit_is_named_from_its_names_not_as_the_city():
    ward = sentences(figures(), WARD)
    assert ward["reception.summary"] == "Từ đầu năm đã tiếp tổng số 44 lượt = 47 người = 44 vụ việc"
    assert "tại UBND phường không có cán bộ" in ward["discipline.summary"]
    assert ward["internal_check.summary"].endswith("báo cáo kết quả về UBND phường.")
    assert "Chủ tịch UBND phường tặng: Lao động tiên tiến" in ward["awards.summary"]
    assert "(02 công chức phường, 25 viên chức sự nghiệp GD&ĐT)" in ward["personnel.decisions"]
    province = sentences(figures(), PROVINCE)
    assert province["reception.summary"] == (
        "Từ đầu năm đã tiếp tổng số 44 lượt = 47 người = 44 vụ việc (trong đó: Cấp tỉnh 28 lượt = 28 người "
        "= 28 vụ việc; cấp huyện 16 lượt = 19 người = 16 vụ việc)"
    )
    assert "Chủ tịch UBND tỉnh tặng:" in province["awards.summary"]


def test_without_the_units_names_no_sentence_borrows_another_units():
    said = sentences(figures(), None)
    assert "reception.summary" not in said and "discipline.summary" not in said and "awards.summary" not in said
    assert said["petition.summary"].startswith("Đã tiếp nhận 100 đơn")
    assert not any("thành phố" in text for text in said.values())


def test_a_sentence_whose_figures_are_missing_is_left_out_even_in_a_choice_list():
    figs = [f for f in figures() if f.key != "personnel.resigned_health"]
    assert "personnel.decisions" not in sentences(figs)


def test_every_figure_the_catalogue_names_is_in_the_figure_catalogue():
    seed = (REPO_ROOT / "dbt_project" / "seeds" / "reference" / "report_figures.csv").read_text(encoding="utf-8")
    keys = {line.split(",")[0] for line in seed.splitlines()[1:]}
    text = yaml.safe_dump(load_catalogue()["sentences"], allow_unicode=True, width=100000)
    named = set(re.findall(r"\{([a-z_]+\.[a-z_.]+)(?:@[a-z_]+)?(?:\|[a-z]+)?\}", text))
    named |= set(re.findall(r"when: '?\[?([a-z_]+\.[a-z_]+)", text))
    figure_keys = {k for k in named if not k.startswith("unit.")}
    assert len(figure_keys) > 60
    assert figure_keys - keys == set()


# -- the sector choice, from the registry to the report ---------------------------------------------


def test_every_sector_of_the_registry_has_its_figure_in_the_catalogue():
    seed = (REPO_ROOT / "dbt_project" / "seeds" / "reference" / "report_figures.csv").read_text(encoding="utf-8")
    keys = {line.split(",")[0] for line in seed.splitlines()[1:]}
    assert {k for k in keys if k.startswith("personnel.resigned_")} == {f"personnel.resigned_{c}" for c in SECTORS}
    model = (REPO_ROOT / "dbt_project" / "models" / "intermediate" / "report" / "int_report_figures.sql").read_text()
    assert all(f"'{code}'" in model for code in SECTORS)
    assert "ilike" not in model and "is_education_sector" not in model


def _decision(sector: str | None = None) -> dict:
    row = {"seq_no": 1, "decision_no": "12/QĐ-UBND", "decided_on": dt.date(2023, 3, 1), "action": "Thôi việc"}
    row |= {"staff_category": "Viên chức", "people": 2, "person_names": "Nguyễn Văn Thử"}
    return row if sector is None else row | {"sector": sector}


def test_the_sector_is_read_as_a_choice_and_free_text_is_refused_with_the_list(tmp_path):
    units = UnitDirectory.from_seed()
    source = next(s for s in load_sources() if s.id == "personnel_action")
    good = tmp_path / "so-quyet-dinh-can-bo_2023_phong-noi-vu.xlsx"
    write_register(good, source, "Phòng Nội vụ thành phố", 2023, [_decision("Giáo dục"), _decision("Ban QLDA")])
    assert parse_workbook(good, source, units).columns["sector"] == ["education", "project_management"]
    # the free text registers held before the column was a choice: refused, naming the choices
    old = tmp_path / "so-quyet-dinh-can-bo_2023_cu.xlsx"
    write_register(old, source, "Phòng Nội vụ thành phố", 2023, [_decision("Sự nghiệp GD&ĐT")])
    with pytest.raises(WorkbookRejected) as caught:
        parse_workbook(old, source, units)
    (error,) = caught.value.errors
    assert error.rule == "not_in_choices" and "Lĩnh vực" in error.column and error.row == 11
    assert "«Giáo dục»" in error.vi and "«Ban QLDA»" in error.vi and "is not one of" in error.en
    # a workbook made before the column existed still loads: no sector, counted as other by dbt
    older = tmp_path / "so-quyet-dinh-can-bo_2023_truoc.xlsx"
    without = dataclasses.replace(source, columns=tuple(c for c in source.columns if c.name != "sector"))
    write_register(older, without, "Phòng Nội vụ thành phố", 2023, [_decision()])
    assert parse_workbook(older, source, units).columns["sector"] == [None]


# -- the bundled sample, 105/2023 -------------------------------------------------------------------


def test_the_2023_sample_still_reads_as_the_seed_report(sample_build):
    _, build = sample_build
    with duckdb.connect(str(build), read_only=True) as con:
        figs = read_figures(con, "105", YEAR_2023.start, YEAR_2023.end)
        names = read_unit_names(con, "tp_lai_chau", YEAR_2023)
        sectors = con.execute(
            "select sector, sum(people) from marts.fct_personnel_actions "
            "where action = 'resigned' and report_year = 2023 group by all order by 1"
        ).fetchall()
    said = sentences(figs, names)
    expected = yaml.safe_load(SENTENCES_2023.read_text(encoding="utf-8"))
    assert said == expected
    quotes = yaml.safe_load(FIGURES_FILE.read_text(encoding="utf-8"))["figures"]
    text = "\n".join(said.values())
    missing = [q["quote"] for q in quotes if q["quote"] not in text]
    assert missing == []
    details = {f.key: f.value for f in figs if f.key.startswith("personnel.resigned_")}
    assert details == {f"personnel.resigned_{c}": {"education": 5.0, "project_management": 1.0}.get(c, 0.0) for c in SECTORS}
    assert sectors == [("education", 5), ("project_management", 1)]
    # (the dbt unit test of the sector rule, the_sector_is_the_registers_choice_code: tests/test_dbt_unit_tests.py)
