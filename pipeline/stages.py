"""The nightly pipeline's stages, one function per Airflow task.

discover → ingest → dbt build → validate → publish → report. Each takes plain values and
returns a small JSON-able dict (it travels as XCom), so the DAG file stays a thin wiring and
every stage can be run and tested without Airflow.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import duckdb

from ingestion.errors import printable
from ingestion.loader import ingest_landing, landing_entries
from ingestion.pseudonymize import load_key
from ingestion.registry import load_sources
from ingestion.sandbox import stop_readers
from pipeline import key_fingerprint, runlock
from pipeline.attribution import attribute
from pipeline.dbt import dbt_build, dbt_docs
from pipeline.errors import DataCheckFailed
from pipeline.paths import DataPaths
from pipeline.period import ReportPeriod
from pipeline.rejection import reject_submissions
from pipeline.submissions import accepted_load_ids
from pipeline.validation import data_docs_index, validate_warehouse
from pipeline.warehouse import publish, start_build
from reporting.appendices import read_appendices, write_appendix_exports
from reporting.completeness import read_completeness
from reporting.document import write_results_document
from reporting.exports import write_exports
from reporting.figures import compute_figures, load_catalogue, render_sentences, store_report

log = logging.getLogger(__name__)


def discover(paths: DataPaths) -> dict:
    """List what is in the landing folder; refuse to start without the pseudonymisation key the
    published warehouse was made under (MissingKeyError / KeyChangedError say how to fix it)."""
    key_fingerprint.check_published(paths, load_key())
    paths.landing.mkdir(parents=True, exist_ok=True)
    sources = load_sources()
    files = []
    for path in landing_entries(paths.landing):
        # Names and sizes only: nothing is opened in this process (a file is read only in a
        # bounded child during ingest, which also hashes it), and a link is never followed.
        source = next(iter(s for s in sources if s.matches(path.name)), None)
        try:
            size = path.lstat().st_size
        except OSError:
            continue  # gone since the folder was listed
        files.append(
            {
                "file": printable(path.relative_to(paths.landing).as_posix()),
                "bytes": size,
                "source": source.id if source else None,
            }
        )
    log.info("Landing folder %s: %d file(s)", paths.landing, len(files))
    return {"landing": str(paths.landing), "files": files}


def ingest(paths: DataPaths, run_id: str) -> dict:
    """Take the run lock, start a staging copy of the warehouse and load every new workbook into it."""
    key = load_key()
    runlock.acquire(paths, run_id)
    with runlock.holding(paths, run_id, "ingest"):
        build = start_build(paths, run_id)
        with duckdb.connect(str(build)) as con:
            key_fingerprint.record(con, key)
            try:
                report = ingest_landing(con, paths.landing, paths.quarantine, key)
            finally:
                stop_readers()  # the task leaves no reading process behind
            con.execute("CHECKPOINT")
    summary = report.summary()
    log.info(
        "Ingest: %d loaded, %d unchanged, %d quarantined",
        len(summary["loaded"]),
        len(summary["unchanged"]),
        len(summary["quarantined"]),
    )
    return {"build": str(build), **summary}


def build_models(paths: DataPaths, build: str) -> dict:
    """dbt build (seeds, models, tests), then the dbt docs site of what was built."""
    with runlock.holding_build(paths, Path(build), "dbt_build"):
        dbt_build(paths, Path(build))
        site = dbt_docs(paths, Path(build))
    log.info("dbt docs: %s", site)
    return {"build": build, "dbt_docs": str(site)}


# Rejecting submissions can make another version current, which is validated in turn: at most
# this many rounds of rejection, then the checks must pass or the run stops.
MAX_REJECTION_ROUNDS = 2


def validate(paths: DataPaths, build: str, run_id: str) -> dict:
    """Run the GX suites. A failure whose rows all come from named submissions rejects those
    submissions (each clerk gets a quarantine report; the unit's previous accepted version counts
    again), then dbt rebuilds and the suites run again; the rest is published. Any other failure
    stops the run before publishing. Returns (XCom) the rejected submissions: file, checks, rows."""
    rejected: list[dict] = []
    results: list = []
    established = accepted_load_ids(paths.warehouse)
    for round_no in range(MAX_REJECTION_ROUNDS + 1):
        run_name = _safe_run_name(run_id) + (f"-round{round_no + 1}" if round_no else "")
        with runlock.holding_build(paths, Path(build), "validate"):
            results = validate_warehouse(paths, Path(build), run_name=run_name)
        failed = [r for r in results if not r.success]
        if not failed:
            break
        attribution = attribute(failed, established)
        if attribution.unattributable or round_no == MAX_REJECTION_ROUNDS:
            stopping = {id(r) for r in attribution.unattributable}
            lines = [r.describe() + (" [not attributable to a submission]" if id(r) in stopping else "") for r in failed]
            note = f"\nRejected first: {', '.join(r['file'] for r in rejected)}" if rejected else ""
            raise DataCheckFailed(
                f"Validation failed ({len(failed)} of {len(results)} checks, {len(stopping)} not attributable to a "
                f"submission); the published warehouse was not changed. Data Docs: {data_docs_index(paths)}\n- "
                + "\n- ".join(lines)
                + note
            )
        with runlock.holding_build(paths, Path(build), "validate"):
            rejected += reject_submissions(Path(build), attribution.by_load, paths.landing, paths.quarantine)
            dbt_build(paths, Path(build))
    return {
        "build": build,
        "checks": len(results),
        "data_docs": str(data_docs_index(paths)),
        "rejected": rejected,
    }


def publish_warehouse(paths: DataPaths, build: str) -> dict:
    with runlock.holding_build(paths, Path(build), "publish"):
        published = publish(paths, Path(build))
    log.info("Published %s", published)
    return {"warehouse": str(published)}


def report(
    paths: DataPaths,
    period: ReportPeriod,
    run_id: str,
    ingest_summary: dict | None = None,
    validation_summary: dict | None = None,
) -> dict:
    """The report, under the run lock (its staged copy and exports too); the run's last stage releases it."""
    with runlock.holding(paths, run_id, "report"):
        summary = _write_report(paths, period, run_id, ingest_summary, validation_summary)
    runlock.release(paths, run_id)
    return summary


def _write_report(
    paths: DataPaths,
    period: ReportPeriod,
    run_id: str,
    ingest_summary: dict | None,
    validation_summary: dict | None,
) -> dict:
    """Write the report tables into the published warehouse (via its own staged copy) and the
    exports; the run's summary lists the files quarantined by ingestion and the submissions
    rejected by validation."""
    if not paths.warehouse.exists():
        raise FileNotFoundError(f"no published warehouse at {paths.warehouse}")
    build = start_build(paths, run_id, stage="report")
    city = load_catalogue()["city_unit_id"]
    with duckdb.connect(str(build)) as con:
        figures = compute_figures(con, period)
        sentences = render_sentences(figures, period)
        store_report(con, period, figures, sentences)
        city_code, city_name = con.execute(
            "select official_code, unit_full_name from marts.dim_admin_unit where unit_id = ?", [city]
        ).fetchone() or (None, city)
        # built by dbt (rpt_completeness, rpt_appendix_1/2) for the requests it was given
        completeness = read_completeness(con, city_code, period.start, period.end)
        appendices = read_appendices(con, city_code, period.start, period.end)
    publish(paths, build)
    directory = paths.reports / period.label.replace("..", "_")
    exports = write_exports(directory, period, figures, sentences)
    exports += write_appendix_exports(directory, period, appendices)
    exports.append(write_results_document(directory, period, sentences, city_name))
    summary = {
        "period": period.label,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "figures": sum(f.published for f in figures),
        "exports": [str(p) for p in exports],
        "sentences": [s.text_vi for s in sentences],
        "completeness": completeness,
        "quarantined": (ingest_summary or {}).get("quarantined", []),
        "rejected": (validation_summary or {}).get("rejected", []),
    }
    paths.runs.mkdir(parents=True, exist_ok=True)
    (paths.runs / f"{_safe_run_name(run_id)}.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    for sentence in sentences:
        log.info("%s", sentence.text_vi)
    if summary["quarantined"]:
        log.warning(
            "%d file(s) quarantined; see their .errors.txt reports in %s:\n%s",
            len(summary["quarantined"]),
            paths.quarantine,
            "\n".join(f"- {q['file']} ({q['errors']} error(s))" for q in summary["quarantined"]),
        )
    if summary["rejected"]:
        log.warning(
            "%d submission(s) rejected by validation (the units' previous accepted versions count); "
            "see their .errors.txt reports in %s:\n%s",
            len(summary["rejected"]),
            paths.quarantine,
            "\n".join(f"- {r['file']}: {'; '.join(r['checks'])} ({r['rows']} row(s))" for r in summary["rejected"]),
        )
    return summary


def seed_landing(paths: DataPaths, sample: Path) -> int:
    """Copy the bundled sample workbooks into an empty landing folder; returns how many."""
    paths.landing.mkdir(parents=True, exist_ok=True)
    if any(paths.landing.iterdir()):
        return 0
    copied = 0
    for path in sorted(sample.rglob("*.xlsx")):
        target = paths.landing / path.relative_to(sample)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        copied += 1
    return copied


def _safe_run_name(run_id: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in run_id)[:120]
