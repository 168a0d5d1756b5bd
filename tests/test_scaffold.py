"""The scaffold writes a source's dbt models and suite from its registry entry, never overwriting."""

import json
import shutil
from pathlib import Path

import pytest
import yaml

from ingestion import scaffold
from ingestion.registry import load_sources
from tests.conftest import REPO_ROOT


@pytest.fixture
def folders(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """The scaffold's models and suites folders in tmp_path, the project's sources file copied in."""
    models, suites = tmp_path / "models", tmp_path / "suites"
    for folder in ("staging/landing", "intermediate", "marts"):
        (models / folder).mkdir(parents=True)
    suites.mkdir()
    shutil.copy(REPO_ROOT / "dbt_project/models/staging/landing/_landing__sources.yml", models / "staging/landing/")
    monkeypatch.setattr(scaffold, "MODELS", models)
    monkeypatch.setattr(scaffold, "SUITES", suites)
    monkeypatch.setattr(scaffold, "REPO", tmp_path)
    return models, suites


def test_scaffold_writes_models_and_suite_from_the_registry(folders):
    models, suites = folders
    source = next(s for s in load_sources() if s.id == "school_network")
    sources_file = models / "staging/landing/_landing__sources.yml"
    before = sources_file.read_text(encoding="utf-8")

    scaffold.scaffold(source, "trial_schools")

    assert sources_file.read_text(encoding="utf-8") == before  # already declared: not added twice
    staging = (models / "staging/landing/stg_landing__trial_schools.sql").read_text(encoding="utf-8")
    assert "{{ landing_lineage('trial_school_id') }}" in staging and "school_name" in staging
    assert "rows_in_force('stg_landing__trial_schools')" in (models / "intermediate/int_trial_schools__current.sql").read_text()
    mart = yaml.safe_load((models / "marts/fct_trial_schools.yml").read_text(encoding="utf-8"))["models"][0]
    types = {c["name"]: c["data_type"] for c in mart["columns"]}
    assert types["opened_on"] == "date" and types["seq_no"] == "bigint" and types["school_level"] == "varchar"
    assert mart["config"]["contract"]["enforced"] is True
    suite = json.loads((suites / "fct_trial_schools.json").read_text(encoding="utf-8"))
    levels = next(e for e in suite["expectations"] if e["kwargs"].get("column") == "school_level" and "value_set" in e["kwargs"])
    assert levels["kwargs"]["value_set"] == list(next(c for c in source.columns if c.name == "school_level").choices.values())

    (models / "marts/fct_trial_schools.sql").write_text("-- edited by hand\n", encoding="utf-8")
    scaffold.scaffold(source, "trial_schools")
    assert (models / "marts/fct_trial_schools.sql").read_text(encoding="utf-8") == "-- edited by hand\n"


def test_a_new_source_gets_its_table_and_checks_in_the_project_style(folders):
    """A source not declared yet is added to the sources file, its checks as column_checks tests
    (relationships in one of their own), like every model the scaffold writes."""
    from dataclasses import replace

    models, _ = folders
    source = replace(next(s for s in load_sources() if s.id == "school_network"), id="trial_register")

    scaffold.scaffold(source, "trial_lines")

    written = yaml.safe_load((models / "staging/landing/_landing__sources.yml").read_text(encoding="utf-8"))
    (table,) = [t for t in written["sources"][0]["tables"] if t["name"] == "trial_register"]
    checks = {t["column_checks"]["name"]: t["column_checks"]["arguments"] for t in table["data_tests"]}
    assert checks == {
        "column_checks_landing_trial_register": {"not_null": ["_load_id"]},
        "column_checks_landing_trial_register_relationships": {
            "relationships": {"_load_id": {"to": "source('landing', '_loads')", "field": "load_id"}}
        },
    }
    for path in (models / "staging/landing/stg_landing__trial_lines.yml", models / "intermediate/int_trial_lines__current.yml",
                 models / "marts/fct_trial_lines.yml"):  # fmt: skip
        (model,) = yaml.safe_load(path.read_text(encoding="utf-8"))["models"]
        names = [t["column_checks"]["name"] for t in model["data_tests"]]
        assert names[0] == f"column_checks_{model['name']}", names
        assert all("data_tests" not in column for column in model["columns"])  # no one-column tests
    (mart,) = yaml.safe_load((models / "marts/fct_trial_lines.yml").read_text(encoding="utf-8"))["models"]
    assert mart["data_tests"][1]["column_checks"]["arguments"]["relationships"]["unit_id"]["to"] == "ref('dim_admin_unit')"
