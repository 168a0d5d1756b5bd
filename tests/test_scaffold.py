"""The scaffold writes a source's dbt models and suite from its registry entry, never overwriting."""

import json
import shutil

import yaml

from ingestion import scaffold
from ingestion.registry import load_sources
from tests.conftest import REPO_ROOT


def test_scaffold_writes_models_and_suite_from_the_registry(tmp_path, monkeypatch):
    models, suites = tmp_path / "models", tmp_path / "suites"
    for folder in ("staging/landing", "intermediate", "marts"):
        (models / folder).mkdir(parents=True)
    suites.mkdir()
    shutil.copy(REPO_ROOT / "dbt_project/models/staging/landing/_landing__sources.yml", models / "staging/landing/")
    monkeypatch.setattr(scaffold, "MODELS", models)
    monkeypatch.setattr(scaffold, "SUITES", suites)
    monkeypatch.setattr(scaffold, "REPO", tmp_path)
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
