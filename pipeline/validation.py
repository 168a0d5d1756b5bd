"""Great Expectations validation of the staging warehouse, before anything is published.

Each suite is a JSON file under ``expectations/suites/`` naming its dataset: a table, or a SQL
file under ``expectations/checks/`` for cross-table identities (GX's SQL datasource fails on
DuckDB, so data is read from DuckDB into pandas and validated with GX's pandas datasource).
Results are rendered as Data Docs under ``<data>/validation/``. Result format BASIC with no
sample values (``exclude_unexpected_values``: GX then stores no ``partial_unexpected_list``): the
stored results and Data Docs say how many rows failed, never their content. Analytics are off in
every context made here (``analytics_enabled: False``; GX 1.x sends nothing else).

Data Docs load their styles and scripts from public CDNs, so they are blank offline; the run's
overview page (reporting/overview.py) shows the same results offline, from the run's summary
``<data>/validation/runs/<run>.json`` written here (suite, expectation type, kwargs, success,
unexpected_count; an ``observed`` value only when it is a number or the table's column names).

A failed expectation is then re-run in memory only (pipeline/attribution.py) to find the
submissions behind its failing rows, through the suite's ``meta.lineage`` columns (load ids and
source rows, never the values checked), so that one clerk's workbook can be rejected instead of
the whole city's publish stopping.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from pipeline.attribution import FailingRow, FailingRowFinder
from pipeline.paths import EXPECTATIONS_DIR, DataPaths

log = logging.getLogger(__name__)
SUITES_DIR = EXPECTATIONS_DIR / "suites"
RESULT_FORMAT = {
    "result_format": "BASIC",
    "partial_unexpected_count": 0,
    "include_unexpected_rows": False,
    "exclude_unexpected_values": True,
}
ANALYTICS_ENV = "GX_ANALYTICS_ENABLED"


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


def read_dataset(con: duckdb.DuckDBPyConnection, dataset: dict):
    if "table" in dataset:
        return con.sql(f"select * from {dataset['table']}").df()
    sql = (EXPECTATIONS_DIR / dataset["sql_file"]).read_text(encoding="utf-8")
    return con.sql(sql).df()


def _quiet_gx() -> None:
    """Quiet logs and no analytics, before great_expectations is imported (the env var is what older
    GX versions read; contexts are also told directly, see offline_context)."""
    os.environ.setdefault(ANALYTICS_ENV, "False")
    for name in ("great_expectations", "great_expectations._docs_decorators"):
        logging.getLogger(name).setLevel(logging.WARNING)


def validate_warehouse(paths: DataPaths, build: Path, run_name: str) -> list[CheckResult]:
    """Run every suite on ``build``; returns every expectation's result (failures included)."""
    _quiet_gx()
    import great_expectations as gx  # heavy: imported only when validating
    from great_expectations.core.expectation_suite import ExpectationSuite
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="file", project_root_dir=str(paths.validation))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.variables.analytics_enabled = False  # saved in great_expectations.yml below
    context.variables.save()
    datasource = context.data_sources.add_or_update_pandas("warehouse")
    finder = FailingRowFinder()
    results: list[CheckResult] = []
    with duckdb.connect(str(build), read_only=True) as con:
        for spec in load_suites():
            name = spec["name"]
            frame = read_dataset(con, spec["meta"]["dataset"])
            suite = context.suites.add_or_update(ExpectationSuite(**spec))
            asset = next((a for a in datasource.assets if a.name == name), None) or datasource.add_dataframe_asset(name)
            batch = next(iter(asset.batch_definitions), None) or asset.add_batch_definition_whole_dataframe("whole table")
            definition = context.validation_definitions.add_or_update(gx.ValidationDefinition(name=name, data=batch, suite=suite))
            checkpoint = context.checkpoints.add_or_update(
                gx.Checkpoint(
                    name=name,
                    validation_definitions=[definition],
                    actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs")],
                    result_format=RESULT_FORMAT,
                )
            )
            outcome = checkpoint.run(batch_parameters={"dataframe": frame}, run_id=gx.RunIdentifier(run_name=run_name))
            for validation in outcome.run_results.values():
                for result in validation.results:
                    config = result.expectation_config
                    kwargs = {k: v for k, v in config.kwargs.items() if k != "batch_id"}
                    success = bool(result.success)
                    results.append(
                        CheckResult(
                            suite=name,
                            expectation=config.type,
                            kwargs=kwargs,
                            success=success,
                            unexpected_count=result.result.get("unexpected_count"),
                            observed=result.result.get("observed_value"),
                            failing_rows=None
                            if success
                            else finder.failing_rows(frame, config.type, kwargs, spec["meta"].get("lineage", [])),
                        )
                    )
    summary = paths.validation / "runs" / f"{run_name}.json"
    summary.parent.mkdir(parents=True, exist_ok=True)
    summary.write_text(json.dumps([_summary_of(r) for r in results], ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    failed = [r for r in results if not r.success]
    log.info("Validation: %d expectation(s), %d failed; Data Docs %s", len(results), len(failed), data_docs_index(paths))
    return results


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
