"""GX validation on a real build: one checkpoint, one Data Docs site, a store that stays small,
Parquet files holding only the columns the suites use, and no Parquet left behind.

Real DuckDB files built by dbt (the session's ``sample_build``), the real suites and the real GX
context (results and Data Docs on disk); a test that changes a warehouse changes a copy.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from pipeline.paths import DataPaths
from pipeline.validation import data_docs_index, gx_context, load_suites, validate_warehouse
from pipeline.validation_datasets import SHAPE_SUFFIX, referenced_columns, write_datasets
from tests.dag_runs import copy_build

KEEP = 2  # runs kept in the store; the module's fixture validates KEEP + 1 times


def leftover_parquet_folders(build: Path) -> list[Path]:
    return [p for p in build.parent.iterdir() if p.name.startswith(".validation-")]


@pytest.fixture(scope="module")
def validated(sample_build, tmp_path_factory):
    """The sample build validated KEEP + 1 times into one validation folder; the run names, and
    what was left beside the build after each run."""
    paths = DataPaths(tmp_path_factory.mktemp("validation-runs"))
    # its own copy: other tests (other pytest-xdist workers) validate the shared sample build too
    build = copy_build(sample_build[1], paths.build_dir / "validated")
    runs = [f"run-{i}" for i in range(1, KEEP + 2)]
    leftovers = []
    for run in runs:
        results = validate_warehouse(paths, build, run_name=run, keep_runs=KEEP)
        assert results and all(r.success for r in results), [r.describe() for r in results if not r.success]
        leftovers += leftover_parquet_folders(build)
    return paths, runs, leftovers


def last_run_results(paths: DataPaths, run_name: str) -> list:
    store = gx_context(paths).validation_results_store
    return [store.get(k) for k in store.list_keys() if k.run_id.run_name == run_name]


def test_one_checkpoint_holds_every_suite(validated):
    """Every suite's result of a run comes from one checkpoint run, and GX's configuration is not
    kept between runs (it is made from the suite files each time): only results and Data Docs."""
    paths, runs, _ = validated
    stored = last_run_results(paths, runs[-1])
    assert len({r.meta["checkpoint_id"] for r in stored}) == 1
    suites = {r.suite_name for r in stored}
    names = {spec["name"] for spec in load_suites()}
    assert names <= suites
    # the only other suites are the split-off column checks of suites that have them
    assert suites - names == {f"{n}{SHAPE_SUFFIX}" for n in ("fct_citizen_receptions", "fct_petitions")}
    assert sorted(p.name for p in (paths.validation / "gx").iterdir()) == ["uncommitted"]
    assert sorted(p.name for p in (paths.validation / "gx" / "uncommitted").iterdir()) == ["data_docs", "validations"]


def test_data_docs_list_the_last_run(validated):
    paths, runs, _ = validated
    index = data_docs_index(paths)
    text = index.read_text(encoding="utf-8")
    assert runs[-1] in text
    assert runs[0] not in text  # pruned with its validation results


def test_validation_results_store_keeps_the_last_runs_only(validated):
    paths, runs, _ = validated
    keys = gx_context(paths).validation_results_store.list_keys()
    assert {k.run_id.run_name for k in keys} == set(runs[-KEEP:])
    pages = paths.validation / "gx" / "uncommitted" / "data_docs" / "local_site" / "validations"
    assert not list(pages.glob(f"*/{runs[0]}")), "the pruned run's Data Docs pages are gone"
    assert list(pages.glob(f"*/{runs[-1]}"))


def test_no_frame_is_fingerprinted(validated):
    """GX's whole-frame hash (pipeline/gx_memory.py) is not computed: no stored result has it."""
    paths, runs, _ = validated
    stored = last_run_results(paths, runs[-1])
    assert stored and all("ge_load_time" in r.meta["batch_markers"] for r in stored)
    assert not [r.suite_name for r in stored if "pandas_data_fingerprint" in r.meta["batch_markers"]]


def test_the_parquet_folder_is_removed_after_each_run(validated, sample_build):
    _, _, leftovers = validated
    assert leftovers == []
    assert leftover_parquet_folders(sample_build[1]) == []


def test_each_dataset_holds_only_the_columns_its_suite_uses(sample_build, tmp_path):
    _, build = sample_build
    specs = {spec["name"]: spec for spec in load_suites()}
    with duckdb.connect(str(build), read_only=True) as con:
        datasets = write_datasets(con, list(specs.values()), tmp_path)
        receptions = {row[0] for row in con.sql("describe marts.fct_citizen_receptions").fetchall()}
    assert {d.origin for d in datasets} == set(specs)
    for dataset in datasets:
        written = set(pq.read_schema(tmp_path / dataset.file_name).names)
        if dataset.suite["name"].endswith(SHAPE_SUFFIX):
            continue
        spec = specs[dataset.origin]
        used = set(referenced_columns(spec["expectations"])) | set(spec["meta"].get("lineage") or [])
        assert written and written <= used, (dataset.origin, written - used)
    # the column-set check sees every column of the mart, from a file with none of its rows
    shape = pq.read_table(tmp_path / f"fct_citizen_receptions{SHAPE_SUFFIX}.parquet")
    assert set(shape.column_names) == receptions and shape.num_rows == 0
    values = set(pq.read_schema(tmp_path / "fct_citizen_receptions.parquet").names)
    assert "source_file" not in values and "unit_level_vi" not in values  # no expectation reads them


def test_a_mart_gaining_a_column_fails_its_column_set_check(sample_build, tmp_path):
    build = copy_build(sample_build[1], tmp_path / "build")
    with duckdb.connect(str(build)) as con:
        con.execute("alter table marts.fct_petitions add column extra_note varchar")
    results = validate_warehouse(DataPaths(tmp_path / "data"), build, run_name="gained-a-column")
    failed = [r for r in results if not r.success]
    assert [(r.suite, r.expectation) for r in failed] == [("fct_petitions", "expect_table_columns_to_match_set")]
    assert "extra_note" in failed[0].observed
    assert failed[0].failing_rows is None  # a table-level check: no submission to blame
    assert leftover_parquet_folders(build) == []


def test_the_parquet_folder_is_removed_when_validation_fails_midway(sample_build, tmp_path):
    build = copy_build(sample_build[1], tmp_path / "build")
    with duckdb.connect(str(build)) as con:
        con.execute("drop table marts.fct_schools")
    with pytest.raises(duckdb.CatalogException):
        validate_warehouse(DataPaths(tmp_path / "data"), build, run_name="missing-mart")
    assert leftover_parquet_folders(build) == []


def test_an_earlier_file_context_is_forgotten_and_its_results_kept(tmp_path):
    """A data folder validated by an earlier version holds a GX file context: its configuration
    goes (it is made from the suite files now), its results and Data Docs stay."""
    paths = DataPaths(tmp_path)
    gx_folder = paths.validation / "gx"
    for folder in ("checkpoints", "expectations", "validation_definitions", "plugins/custom_data_docs"):
        (gx_folder / folder).mkdir(parents=True)
        (gx_folder / folder / "old.json").write_text("{}", encoding="utf-8")
    (gx_folder / "great_expectations.yml").write_text("analytics_enabled: false\n", encoding="utf-8")
    kept = gx_folder / "uncommitted" / "validations" / "suite" / "run" / "20240101T000000.000000Z" / "id.json"
    kept.parent.mkdir(parents=True)
    kept.write_text("{}", encoding="utf-8")

    gx_context(paths)
    assert sorted(p.name for p in gx_folder.iterdir()) == ["uncommitted"]
    assert kept.read_text(encoding="utf-8") == "{}"
