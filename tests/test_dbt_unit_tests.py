"""The dbt project's unit tests (period ends, partial months, cut-offs, successions, completeness
statuses, NULL against 0...), run once here: the nightly's ``dbt build`` leaves them out, as dbt
recommends for production runs, since they test the models' logic on fixed inputs, not the data."""

from __future__ import annotations

import json

from pipeline.dbt import run_dbt
from pipeline.paths import DataPaths
from tests.dag_runs import copy_build


def test_every_dbt_unit_test_passes(sample_build, tmp_path):
    _, build = sample_build
    paths = DataPaths(tmp_path / "data")
    copy = copy_build(build, paths.root)
    result = run_dbt(paths, copy, "test", "--select", "test_type:unit")
    assert result.returncode == 0, result.stdout[-4000:]
    results = json.loads((paths.dbt_artifacts / "target" / "run_results.json").read_text(encoding="utf-8"))["results"]
    unit_tests = {r["unique_id"].rsplit(".", 1)[-1]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")}
    assert len(unit_tests) >= 25 and not [r for r in results if r["unique_id"].split(".")[0] not in ("unit_test", "operation")]
    assert set(unit_tests.values()) == {"pass"}
    # among them the staff sector rule the report's resignation sentence relies on (tests/test_sentences.py)
    assert unit_tests["the_sector_is_the_registers_choice_code_and_a_blank_one_counts_as_other"] == "pass"


def test_the_nightly_build_leaves_unit_tests_out(sample_build):
    paths, _ = sample_build
    results = json.loads((paths.dbt_artifacts / "target" / "run_results.json").read_text(encoding="utf-8"))["results"]
    kinds = {r["unique_id"].split(".")[0] for r in results}
    assert "unit_test" not in kinds and {"model", "test", "seed"} <= kinds
