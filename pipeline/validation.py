"""Great Expectations validation of the staging warehouse, before anything is published.

Each suite is a JSON file under ``expectations/suites/`` naming its dataset: a table, or a SQL
file under ``expectations/checks/`` for cross-table identities. GX's SQL datasource fails on
DuckDB (GX issue #11579), so DuckDB writes each suite's dataset, cut down to the columns the suite
uses, to a Parquet file in a temporary folder beside the build (pipeline/validation_datasets.py;
removed after the run, also on failure), and GX validates those files through its pandas
filesystem datasource: one batch definition per file, one validation definition per suite, all in
ONE checkpoint (``warehouse``) with one Data Docs build (pipeline/gx_data_docs.py). No mart is
read whole into memory. The GX store keeps the last ``KEEP_RUNS`` runs' results and pages: Data
Docs read every stored result, so an ever-growing store made every run slower than the last.

Results are rendered as Data Docs under ``<data>/validation/``. Result format BASIC with no
sample values (``exclude_unexpected_values``: GX then stores no ``partial_unexpected_list``): the
stored results and Data Docs say how many rows failed, never their content. Analytics are off in
every context made here (``analytics_enabled: False``; GX 1.x sends nothing else).

Data Docs load their styles and scripts from public CDNs, so they are blank offline; the run's
overview page (reporting/overview.py) shows the same results offline, from the run's summary
``<data>/validation/runs/<run>.json`` written here (suite, expectation type, kwargs, success,
unexpected_count; an ``observed`` value only when it is a number or the table's column names).

A failed expectation is then re-run in memory only (pipeline/attribution.py), on its suite's
Parquet file (read only when something failed), to find the submissions behind its failing rows,
through the suite's ``meta.lineage`` columns (load ids and source rows, never the values checked),
so that one clerk's workbook can be rejected instead of the whole city's publish stopping.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from pipeline import duckdb_settings
from pipeline.attribution import FailingRow, FailingRowFinder
from pipeline.paths import EXPECTATIONS_DIR, DataPaths
from pipeline.validation_datasets import Dataset, write_datasets

log = logging.getLogger(__name__)
SUITES_DIR = EXPECTATIONS_DIR / "suites"
RESULT_FORMAT = {
    "result_format": "BASIC",
    "partial_unexpected_count": 0,
    "include_unexpected_rows": False,
    "exclude_unexpected_values": True,
}
ANALYTICS_ENV = "GX_ANALYTICS_ENABLED"
CHECKPOINT_NAME = "warehouse"
DATASOURCE_NAME = "warehouse"
DATA_DOCS_SITE = "local_site"
# runs whose validation results (and Data Docs pages) are kept: Data Docs read every stored result
KEEP_RUNS = 20


@dataclass
class CheckResult:
    suite: str
    expectation: str
    kwargs: dict
    success: bool
    unexpected_count: int | None
    observed: object | None
    # where the failing rows come from (load ids and source rows only); None when they cannot be
    # told apart by submission (a table-level check, a dimension, a city-wide total)
    failing_rows: list[FailingRow] | None = field(default=None, compare=False)

    def describe(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.kwargs.items() if k not in {"batch_id"})
        detail = f"{self.unexpected_count} unexpected row(s)" if self.unexpected_count else f"observed {self.observed}"
        return f"{self.suite}: {self.expectation}({args}) - {detail}"


def load_suites(directory: Path = SUITES_DIR) -> list[dict]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.json"))]


def _quiet_gx() -> None:
    """Quiet logs and no analytics, before great_expectations is imported (the env var is what older
    GX versions read; contexts are also told directly, see offline_context)."""
    os.environ.setdefault(ANALYTICS_ENV, "False")
    for name in ("great_expectations", "great_expectations._docs_decorators"):
        logging.getLogger(name).setLevel(logging.WARNING)


def validate_warehouse(paths: DataPaths, build: Path, run_name: str, keep_runs: int = KEEP_RUNS) -> list[CheckResult]:
    """Run every suite on ``build`` in one checkpoint; returns every expectation's result (failures
    included), in the suites' order. The GX store keeps the results of the last ``keep_runs`` runs."""
    _quiet_gx()
    specs = load_suites()
    folder = Path(tempfile.mkdtemp(prefix=".validation-", dir=build.parent))
    try:
        with duckdb.connect(str(build), read_only=True, config=duckdb_settings.config()) as con:
            datasets = write_datasets(con, specs, folder)
        outcome = _run_checkpoint(paths, folder, datasets, run_name, keep_runs)
        results = _check_results(specs, datasets, outcome, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    summary = paths.validation / "runs" / f"{run_name}.json"
    summary.parent.mkdir(parents=True, exist_ok=True)
    summary.write_text(json.dumps([_summary_of(r) for r in results], ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    failed = [r for r in results if not r.success]
    log.info("Validation: %d expectation(s), %d failed; Data Docs %s", len(results), len(failed), data_docs_index(paths))
    return results


def gx_context(paths: DataPaths):
    """The GX context validation runs in: everything GX needs to run (suites, the datasource,
    validation definitions, the checkpoint) is made in memory from the suite files on every run,
    and only what people read is kept on disk under ``<data>/validation/gx/uncommitted/``: the
    validation results store and the Data Docs site. A file context kept that configuration in
    ``great_expectations.yml`` and re-read (YAML) it on every store access, ~850 reads and 49
    rewrites a run: a third of validation's time on the sample. Analytics off."""
    import great_expectations as gx  # heavy: imported only when validating
    from great_expectations.data_context.types.base import DataContextConfig, InMemoryStoreBackendDefaults, ProgressBarsConfig

    forget_file_context(paths)
    root = paths.validation / "gx" / "uncommitted"
    stores = InMemoryStoreBackendDefaults(init_temp_docs_sites=False)
    stores.stores[stores.validation_results_store_name]["store_backend"] = {
        "class_name": "TupleFilesystemStoreBackend",
        "base_directory": str(root / "validations"),
    }
    site = {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(data_docs_index(paths).parent)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    config = DataContextConfig(
        store_backend_defaults=stores,
        data_docs_sites={DATA_DOCS_SITE: site},
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


# What a GX file context (earlier versions) kept beside ``uncommitted/``: configuration now made
# from the suite files on every run. Left in place, it would read as the configuration in use.
FILE_CONTEXT_LEFTOVERS = (
    "great_expectations.yml",
    ".gitignore",
    "checkpoints",
    "expectations",
    "plugins",
    "validation_definitions",
)


def forget_file_context(paths: DataPaths) -> None:
    """Remove an earlier version's GX file-context configuration (never results or Data Docs)."""
    for name in FILE_CONTEXT_LEFTOVERS:
        leftover = paths.validation / "gx" / name
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        elif leftover.exists():
            leftover.unlink()


def _run_checkpoint(paths: DataPaths, folder: Path, datasets: list[Dataset], run_name: str, keep_runs: int):
    """One checkpoint over every dataset's Parquet file, with one Data Docs build at the end."""
    import great_expectations as gx  # heavy: imported only when validating
    from great_expectations.core.expectation_suite import ExpectationSuite

    from pipeline.gx_data_docs import UpdateDataDocsOnceAction, prune_validation_results, remove_empty_folders
    from pipeline.gx_memory import one_frame_at_a_time

    context = gx_context(paths)
    prune_validation_results(context, keep_runs - 1)  # this run makes it keep_runs
    datasource = context.data_sources.add_pandas_filesystem(DATASOURCE_NAME, base_directory=folder)
    definitions = []
    for dataset in datasets:
        name = dataset.suite["name"]
        suite = context.suites.add(ExpectationSuite(**dataset.suite))
        batch = datasource.add_parquet_asset(name).add_batch_definition_path(name, path=dataset.file_name)
        definitions.append(context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite)))
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=CHECKPOINT_NAME,
            validation_definitions=definitions,
            actions=[UpdateDataDocsOnceAction(name="data_docs", site_names=[DATA_DOCS_SITE])],
            result_format=RESULT_FORMAT,
        )
    )
    with one_frame_at_a_time():  # one suite's frame in memory at a time, not every suite's
        outcome = checkpoint.run(run_id=gx.RunIdentifier(run_name=run_name))
    uncommitted = paths.validation / "gx" / "uncommitted"
    for folder in (uncommitted / "validations", data_docs_index(paths).parent / "validations"):
        remove_empty_folders(folder)
    return outcome


def _check_results(specs: list[dict], datasets: list[Dataset], outcome, folder: Path) -> list[CheckResult]:
    """The checkpoint's results as CheckResults, in each suite file's expectation order, reported
    under the suite file's name (shape checks ran in a suite of their own). A failure's rows are
    attributed on that suite's Parquet file, read only then."""
    origin = {d.suite["name"]: d for d in datasets}
    order = {spec["name"]: i for i, spec in enumerate(specs)}
    finder = FailingRowFinder()
    frames: dict[str, object] = {}
    ranked: list[tuple[tuple[int, int], CheckResult]] = []
    for validation in outcome.run_results.values():
        dataset = origin[validation.suite_name]
        spec = specs[order[dataset.origin]]
        positions = _positions(spec["expectations"])
        lineage = spec["meta"].get("lineage") or []
        for result in validation.results:
            config = result.expectation_config
            kwargs = {k: v for k, v in config.kwargs.items() if k != "batch_id"}
            success = bool(result.success)
            failing_rows = None
            if not success and lineage:
                if dataset.file_name not in frames:
                    frames[dataset.file_name] = _read_parquet(folder / dataset.file_name)
                failing_rows = finder.failing_rows(frames[dataset.file_name], config.type, kwargs, lineage)
            check = CheckResult(
                suite=dataset.origin,
                expectation=config.type,
                kwargs=kwargs,
                success=success,
                unexpected_count=result.result.get("unexpected_count"),
                observed=result.result.get("observed_value"),
                failing_rows=failing_rows,
            )
            position = _take(positions, config.type, kwargs, default=len(spec["expectations"]))
            ranked.append(((order[dataset.origin], position), check))
    return [check for _, check in sorted(ranked, key=lambda pair: pair[0])]


def _read_parquet(path: Path):
    import pandas as pd

    return pd.read_parquet(path)


def _canonical(kwargs: dict) -> str:
    return json.dumps({k: v for k, v in kwargs.items() if k != "batch_id"}, sort_keys=True, default=str)


def _positions(expectations: list[dict]) -> dict[tuple[str, str], list[int]]:
    """Where each expectation (type and kwargs) stands in its suite file."""
    positions: dict[tuple[str, str], list[int]] = {}
    for i, expectation in enumerate(expectations):
        positions.setdefault((expectation["type"], _canonical(expectation.get("kwargs", {}))), []).append(i)
    return positions


def _take(positions: dict[tuple[str, str], list[int]], kind: str, kwargs: dict, default: int) -> int:
    """The suite-file position of a result's expectation (GX may add default kwargs: those that
    the file does not give are ignored when matching)."""
    for (known_kind, known), slots in positions.items():
        if known_kind == kind and slots and all(kwargs.get(k) == v for k, v in json.loads(known).items()):
            return slots.pop(0)
    return default


def _summary_of(result: CheckResult) -> dict:
    """A result as the run's JSON keeps it: which submissions failed it, not their rows, and the
    observed value only when it cannot be a register's content (safe_observed)."""
    summary = asdict(result)
    rows = summary.pop("failing_rows")
    summary["failing_load_ids"] = None if rows is None else sorted({i for row in rows for i in row["load_ids"]})
    summary["observed"] = safe_observed(result.expectation, result.observed)
    return summary


def safe_observed(expectation: str, observed: object) -> object | None:
    """An observed value that can be kept: a number, or the column names a table-level check saw.
    Anything else (a column's distinct values, a most common value) could be a person's data."""
    if isinstance(observed, bool | int | float):
        return observed
    if expectation.startswith("expect_table_column") and isinstance(observed, list) and all(isinstance(v, str) for v in observed):
        return observed
    return None


def results_files(paths: DataPaths, run_id: str) -> list[Path]:
    """The validation summaries of a run (validate_warehouse's ``runs/<run>[-roundN].json``), its
    last round first: what the overview page shows."""
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in run_id)[:120]
    rounds = [
        p for p in (paths.validation / "runs").glob(f"{safe}*.json") if p.stem == safe or p.stem.startswith(f"{safe}-round")
    ]
    return sorted(rounds, key=lambda p: int(p.stem.rpartition("-round")[2]) if "-round" in p.stem else 1, reverse=True)


def data_docs_index(paths: DataPaths) -> Path:
    return paths.validation / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
