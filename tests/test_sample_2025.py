"""The 2025 (across the 1 July merger) and 2026 (new wards) data sets of the sample generator.

Each data set is generated into a temporary folder with the project's own writer and read back
with the project's own parser, as ingestion reads what clerks send. The 2025 registers of the new
wards, and of the old wards whose names the new wards took (Đoàn Kết, Tân Phong), name a unit
that two unit versions share during 2025; ingestion refuses those until rows are resolved to a
unit version by their date (the "unitdate" change), so here only their generated rows are checked.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from ingestion.parser import identify_source, parse_workbook
from ingestion.registry import load_sources
from ingestion.units import UnitDirectory
from sample_data.common import WorkbookSpec
from sample_data.datasets import DEFAULT_TODAY, NEW_WARDS, OLD_UNITS, REFERENCE_DIR, DataSet, dataset, seed_units
from sample_data.figures import NOT_SUMMED, expected_figures, number, row_in_period
from sample_data.generate import dataset_workbooks, generate, workbook_path
from sample_data.synthetic import DEADLINES, ROW_DATE
from tests.conftest import SAMPLE_LANDING

MERGER = dt.date(2025, 7, 1)
SOURCES = {source.id: source for source in load_sources()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[DataSet, list[tuple[WorkbookSpec, Path]]]]:
    """Each bundled data set written into its own folder: (spec, [(workbook, path)])."""
    root = tmp_path_factory.mktemp("sample")
    made = {}
    for name in ("2023", "2025", "2026"):
        spec = dataset(name)
        written = generate(root / name, spec)
        workbooks = dataset_workbooks(spec)
        paths = [workbook_path(root / name, SOURCES[w.source_id].file_stem, spec.year, w.slug) for w in workbooks]
        assert sorted(paths) == sorted(written)
        made[name] = (spec, list(zip(workbooks, paths, strict=True)))
    return made


def _day(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.datetime.strptime(value, "%d/%m/%Y").date() if isinstance(value, str) else None


def _event_days(workbook: WorkbookSpec) -> list[tuple[str, dt.date]]:
    """Every date a row records something happening on (deadlines left out)."""
    dates = [c.name for c in SOURCES[workbook.source_id].columns if c.type == "date" and c.name not in DEADLINES]
    return [(name, day) for row in workbook.rows for name in dates if (day := _day(row.get(name))) is not None]


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    return first, (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def test_the_bundled_sample_is_what_the_generator_writes(generated):
    """2023 is unchanged (same files, same bytes) and the 2025-2026 workbooks can be regenerated."""
    for name, (_, pairs) in generated.items():
        bundled = sorted(p.name for p in (SAMPLE_LANDING / name).glob("*.xlsx"))
        assert bundled == sorted(path.name for _, path in pairs), name
        for _, path in pairs:
            assert (SAMPLE_LANDING / name / path.name).read_bytes() == path.read_bytes(), path.name
    assert len(generated["2023"][1]) == 66


def test_every_2025_and_2026_workbook_parses_and_adds_up_to_the_expected_figures(generated):
    """Also the old and the new Phường Đoàn Kết / Tân Phong of 2025, which share a name: each row
    belongs to the version valid on its date (ingestion.row_units)."""
    units = UnitDirectory.from_seed()
    checked = 0
    for name in ("2025", "2026"):
        spec, pairs = generated[name]
        readable = pairs
        expected = expected_figures([w for w, _ in readable], spec.year)
        for workbook, path in readable:
            source = identify_source(path, tuple(SOURCES.values()))
            assert source is not None and source.id == workbook.source_id, path.name
            parsed = parse_workbook(path, source, units, arrival=spec.last_day)  # raises on any error
            assert parsed.unit.unit_id == workbook.unit_id, path.name
            assert parsed.year == spec.year
            figures = expected[(workbook.unit_id, workbook.source_id)]
            assert len(parsed.row_numbers) == figures["rows"] == len(workbook.rows), path.name
            for column, value in figures.items():
                if column != "rows":
                    assert sum(v or 0 for v in parsed.columns[column]) == value, (path.name, column)
            checked += 1
    # 2026: 2 wards x 6 registers; 2025: 6 city bodies' 24, 7 old wards/communes' 6 each less the
    # one register Sùng Phài never sent, and the 2 new wards' 6 each
    assert checked == 12 + 24 + 7 * 6 - 1 + 2 * 6


def test_every_row_lies_in_its_units_validity_and_the_data_sets_year(generated):
    units = seed_units()
    for name in ("2025", "2026"):
        spec, pairs = generated[name]
        for workbook, _ in pairs:
            unit = units[workbook.unit_id]
            last = min(spec.last_day, unit.valid_to or spec.last_day)
            for column, day in _event_days(workbook):
                assert unit.valid_from <= day <= last, (name, workbook.unit_id, workbook.source_id, column, day)
            row_date = ROW_DATE.get(workbook.source_id)
            for row in workbook.rows:
                if row_date:
                    assert _day(row[row_date]).year == spec.year
                if workbook.source_id == "reform_indicator":
                    first, end = _month_bounds(spec.year, int(number(row["month"])))
                    assert unit.valid_from <= first and end <= last, (workbook.unit_id, row["month"])


def test_2025_old_units_stop_at_the_merger_and_new_wards_start_at_it(generated):
    spec, pairs = generated["2025"]
    assert spec.cutover == MERGER
    by_unit: dict[str, list[WorkbookSpec]] = {}
    for workbook, _ in pairs:
        by_unit.setdefault(workbook.unit_id, []).append(workbook)
    assert set(by_unit) == set(OLD_UNITS) | set(NEW_WARDS)
    for unit_id, workbooks in by_unit.items():
        days = [day for w in workbooks for _, day in _event_days(w)]
        months = [int(number(r["month"])) for w in workbooks if w.source_id == "reform_indicator" for r in w.rows]
        assert days, unit_id
        if unit_id in NEW_WARDS:
            assert min(days) >= MERGER and min(months) == 7 and max(months) == 12, unit_id
            assert all(w.authority == "UBND TỈNH LAI CHÂU" for w in workbooks)
        else:
            # conclusions followed up may date from the year before; nothing dates from after 30/6
            assert max(days) < MERGER, unit_id
            assert not months or (min(months) == 1 and max(months) == 6), unit_id
            assert all(w.authority == "UBND THÀNH PHỐ LAI CHÂU" for w in workbooks)


def test_2026_has_the_new_wards_only_and_nothing_after_today(generated):
    spec, pairs = generated["2026"]
    assert spec.last_day == DEFAULT_TODAY == dt.date(2026, 11, 27)
    assert {w.unit_id for w, _ in pairs} == set(NEW_WARDS)
    assert max(day for w, _ in pairs for _, day in _event_days(w)) <= DEFAULT_TODAY
    # a month's line is written once the month is over: October is the last whole month
    assert max(int(number(r["month"])) for w, _ in pairs if w.source_id == "reform_indicator" for r in w.rows) == 10

    earlier = dataset("2026", today=dt.date(2026, 3, 15))
    workbooks = dataset_workbooks(earlier)
    assert max(day for w in workbooks for _, day in _event_days(w)) <= dt.date(2026, 3, 15)
    assert {int(number(r["month"])) for w in workbooks if w.source_id == "reform_indicator" for r in w.rows} == {1, 2}


def test_each_unit_sends_the_registers_the_obligations_file_says(generated):
    with (REFERENCE_DIR / "reporting_obligations.csv").open(encoding="utf-8", newline="") as handle:
        obligations = list(csv.DictReader(handle))
    units = seed_units()
    for name in ("2025", "2026"):
        spec, pairs = generated[name]
        sent: dict[str, set[str]] = {}
        for workbook, _ in pairs:
            sent.setdefault(workbook.unit_id, set()).add(workbook.source_id)
        for unit_id in spec.unit_ids:
            owed = {
                o["source_id"]
                for o in obligations
                if o["unit_id"] == unit_id or (not o["unit_id"] and o["unit_kind"] == units[unit_id].kind)
            }
            missing = {source for unit, source in spec.not_sent if unit == unit_id}
            assert sent.get(unit_id, set()) == owed - missing, (name, unit_id)
    assert {w.source_id for w, _ in generated["2026"][1]} == {
        "citizen_reception", "petition_handling", "citizen_dialogue", "reform_indicator",
        "dissemination_session", "skilful_mobilisation_model",
    }  # fmt: skip


def test_data_sets_differ_and_each_is_reproducible(generated):
    """Different seeds give different people; the same seed gives the same bytes."""
    id_numbers = {
        name: {r["id_number"] for w, _ in pairs if w.source_id == "citizen_reception" for r in w.rows if r.get("id_number")}
        for name, (_, pairs) in generated.items()
    }
    assert all(id_numbers.values())
    assert not id_numbers["2023"] & id_numbers["2025"] and not id_numbers["2025"] & id_numbers["2026"]
    assert not id_numbers["2023"] & id_numbers["2026"]
    again = dataset_workbooks(dataset("2025"))
    assert [(w.source_id, w.slug, w.rows) for w in again] == [(w.source_id, w.slug, w.rows) for w, _ in generated["2025"][1]]


def test_expected_figures_split_2025_at_the_merger(generated):
    _, pairs = generated["2025"]
    workbooks = [w for w, _ in pairs]
    whole = expected_figures(workbooks, 2025)
    first = expected_figures(workbooks, 2025, dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    second = expected_figures(workbooks, 2025, MERGER, dt.date(2025, 12, 31))
    for key, figures in whole.items():
        unit_id, source_id = key
        if source_id in ROW_DATE or source_id == "reform_indicator":
            assert first[key]["rows"] + second[key]["rows"] == figures["rows"], key
            assert (first if unit_id in NEW_WARDS else second)[key]["rows"] == 0, key
        for column, value in figures.items():
            assert column == "rows" or column not in NOT_SUMMED
            assert value >= 0
    reception = whole[("tp_ban_tiep_cong_dan", "citizen_reception")]
    rows = next(w.rows for w in workbooks if w.unit_id == "tp_ban_tiep_cong_dan" and w.source_id == "citizen_reception")
    assert reception == {"rows": len(rows), "people_count": sum(int(r["people_count"]) for r in rows)}
    assert not row_in_period("reform_indicator", {"month": 6}, 2025, dt.date(2025, 6, 2), dt.date(2025, 12, 31))


def test_a_spec_that_contradicts_the_units_validity_is_refused():
    with pytest.raises(ValueError, match="cut-over"):
        DataSet(2025, ("p_doan_ket_2025",), seed="x", cutover=dt.date(2025, 8, 1)).units()
    with pytest.raises(ValueError, match="not valid"):
        DataSet(2026, ("p_quyet_thang",), seed="x").units()
