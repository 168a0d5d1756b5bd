"""The nightly pipeline's stages, one function per Airflow task.

discover → ingest → dbt build → validate → publish → report. Each takes plain values and
returns a small JSON-able dict (it travels as XCom), so the DAG file stays a thin wiring and
every stage can be run and tested without Airflow.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from pathlib import Path

import duckdb

from ingestion import parse_batches
from ingestion.errors import printable
from ingestion.loader import ingest_landing, landing_entries
from ingestion.pseudonymize import load_key
from ingestion.registry import load_sources
from ingestion.sandbox import stop_readers
from pipeline import build_state, duckdb_settings, key_fingerprint, report_requests, runlock
from pipeline.attribution import attribute
from pipeline.dbt import REPORT_LAYER, after_new_loads, after_rejection, dbt_build, dbt_docs
from pipeline.errors import DataCheckFailed
from pipeline.paths import DataPaths
from pipeline.rejection import reject_submissions
from pipeline.report_requests import ReportRequest
from pipeline.submissions import accepted_load_ids
from pipeline.validation import data_docs_index, results_files, validate_warehouse
from pipeline.warehouse import publish, start_build
from reporting.appendices import read_appendices, write_appendix_exports
from reporting.completeness import read_completeness
from reporting.exports import write_exports
from reporting.figures import read_figures, render_sentences
from reporting.overview import write_overview
from reporting.report_document import write_report_document
from reporting.unit_names import read_unit_names

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


def plan_parse(paths: DataPaths, run_id: str) -> list[dict]:
    """The batches of landing files to read ahead of ingest, one mapped ``parse_batch`` task each:
    the files the published warehouse has neither loaded nor refused under the current reading
    rules, and that the parse cache does not hold yet. Tidies the cache first. XCom: relative
    paths, sizes and sha256s only."""
    key = load_key()
    with runlock.holding(paths, run_id, "plan_parse"):
        known = _published_knowledge(paths)
        batches = parse_batches.plan(paths.landing, known, key)
    return batches


def _published_knowledge(paths: DataPaths) -> parse_batches.Known:
    """What the published warehouse has loaded and refused, read without ever writing to it: read-only,
    or from a copy while an analyst holds it open read-write (DuckDB then refuses other processes)."""
    if not paths.warehouse.exists():
        return parse_batches.Known()
    try:
        with duckdb.connect(str(paths.warehouse), read_only=True) as con:
            return parse_batches.known_from(con, paths.quarantine)
    except duckdb.IOException:
        with tempfile.TemporaryDirectory(prefix="laichau-parse-plan-") as scratch:
            copy = Path(scratch) / paths.warehouse.name
            shutil.copyfile(paths.warehouse, copy)
            with duckdb.connect(str(copy), read_only=True) as con:
                return parse_batches.known_from(con, paths.quarantine)


def parse_batch(paths: DataPaths, run_id: str, batch: dict) -> dict:
    """Read one batch of workbooks into the parse cache (a mapped task; several run at once, on
    this machine or on Celery workers sharing the data folder). It writes nothing but cache
    entries; it checks that its run still holds the lock and keeps the lock's heartbeat fresh
    (before and after its batch), without naming its process (runlock.refresh), so a long first
    load's parse stage does not look like a dead run."""
    key = load_key()
    runlock.refresh(paths, run_id, "parse_batch")
    try:
        summary = parse_batches.read_batch(paths.landing, batch, key)
    finally:
        stop_readers()  # the task leaves no reading process behind
    runlock.refresh(paths, run_id, "parse_batch")
    return summary


def ingest(paths: DataPaths, run_id: str) -> dict:
    """Take the run lock, start a staging copy of the warehouse and load every new workbook into it."""
    key = load_key()
    runlock.acquire(paths, run_id)
    with runlock.holding(paths, run_id, "ingest"):
        build = start_build(paths, run_id)
        with duckdb.connect(str(build), config=duckdb_settings.config()) as con:
            key_fingerprint.record(con, key)
            try:
                report = ingest_landing(con, paths.landing, paths.quarantine, key)
            finally:
                stop_readers()  # the task leaves no reading process behind
            con.execute("CHECKPOINT")
    summary = report.summary()
    log.info(
        "Ingest: %d loaded (%d read by the parse tasks), %d unchanged, %d quarantined",
        len(summary["loaded"]),
        summary["from_parse_cache"],
        len(summary["unchanged"]),
        len(summary["quarantined"]),
    )
    return {"build": str(build), **summary}


def build_models(paths: DataPaths, build: str, requests: list[dict] | None = None) -> dict:
    """dbt build (seeds, models, tests, and the report tables of ``requests``), then the dbt docs
    site of what was built. When the build's inputs are those of the last validated build
    (pipeline.build_state: nothing new was loaded, no code changed), the marts are left as they
    are and only the report tables of requests the warehouse does not hold yet are built. When
    only some registers changed, with the same code, dbt builds what those registers feed
    (``after_new_loads``) and returns their names (``registers_changed``; None: all was built)."""
    with runlock.holding_build(paths, Path(build), "dbt_build"):
        code = build_state.code_digest()  # the code dbt builds with: validate records it
        with duckdb.connect(build) as con:
            unchanged = build_state.unchanged_since(con, code) if requests is not None else None
            missing = build_state.missing_requests(con, requests) if unchanged else None
            changed = build_state.changed_registers(con, code) if requests is not None and not unchanged else None
        if unchanged:
            if missing:
                dbt_build(paths, Path(build), missing, select=REPORT_LAYER)
            log.info(
                "Nothing changed since run %s: marts and validation not run again; report tables built for %d new request(s)",
                unchanged["run_id"],
                len(missing),
            )
            return {
                "build": build,
                "dbt_docs": str(paths.dbt_artifacts / "docs" / "index.html"),
                "unchanged_since": unchanged["run_id"],
                "results_file": unchanged["results_file"],
                # the requests whose report tables this run built: only their documents are written again
                "report_requests_built": [build_state.request_key(r) for r in missing],
            }
        if changed is None:
            dbt_build(paths, Path(build), requests)
        else:
            log.info("Registers changed since the last validated build: %s; dbt builds what they feed", sorted(changed))
            dbt_build(paths, Path(build), requests, select=after_new_loads(changed))
        site = dbt_docs(paths, Path(build), requests)
    log.info("dbt docs: %s", site)
    # the registers the build was narrowed to (None: the whole project was built)
    registers = sorted(changed) if changed is not None else None
    return {
        "build": build,
        "dbt_docs": str(site),
        "unchanged_since": None,
        "registers_changed": registers,
        "code_digest": code,
    }


def start_report_build(paths: DataPaths, run_id: str) -> dict:
    """A staging copy of the published warehouse for a reports-only run (the laichau_reports DAG):
    nothing is ingested, so it needs a warehouse the nightly published."""
    if not paths.warehouse.exists():
        raise DataCheckFailed(
            f"Chưa có kho dữ liệu đã công bố ({paths.warehouse}): hãy chạy lần chạy hằng đêm trước. / No published "
            "warehouse yet: run the nightly (laichau_citizen_reporting) first; reports are built on what it published."
        )
    with runlock.holding(paths, run_id, "start_report_build"):
        build = start_build(paths, run_id, stage="reports")
    return {"build": str(build)}


def build_report_tables(paths: DataPaths, build: str, requests: list[dict]) -> dict:
    """dbt builds the report layer only (the requests and everything after them: report.*,
    with its tests) for ``requests`` on the published marts: a report for another unit or period
    never re-reads a workbook."""
    with runlock.holding_build(paths, Path(build), "dbt_report_tables"):
        dbt_build(paths, Path(build), requests, select=REPORT_LAYER)
        with duckdb.connect(build) as con:
            # the marts are the published ones: validated already, unless the code changed since
            unchanged = build_state.unchanged_since(con)
    return {
        "build": build,
        "unchanged_since": unchanged["run_id"] if unchanged else None,
        "results_file": unchanged["results_file"] if unchanged else None,
    }


# Rejecting submissions can make another version current, which is validated in turn: at most
# this many rounds of rejection, then the checks must pass or the run stops.
MAX_REJECTION_ROUNDS = 2


def validate(paths: DataPaths, build: str, run_id: str, requests: list[dict] | None = None, built: dict | None = None) -> dict:
    """Run the GX suites. A failure whose rows all come from named submissions rejects those
    submissions (each clerk gets a quarantine report; the unit's previous accepted version counts
    again), then dbt rebuilds what the rejected loads change (``after_rejection``: their registers'
    branch, the submissions marts and what reads them) and the suites run again; the rest is
    published. Any other failure stops the run before publishing. Returns (XCom) the rejected
    submissions: file, checks, rows.

    A build whose inputs are unchanged (``built["unchanged_since"]``, from build_models) holds the
    rows the last validation passed: it is not validated again, and its results are that run's."""
    if built and built.get("unchanged_since"):
        log.info("Validation not run again: the data are those run %s validated", built["unchanged_since"])
        return {
            "build": build,
            "checks": 0,
            "data_docs": str(data_docs_index(paths)),
            "rejected": [],
            "unchanged_since": built["unchanged_since"],
            "results_file": built.get("results_file"),
            "report_requests_built": built.get("report_requests_built", []),
        }
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
            rejecting = reject_submissions(Path(build), attribution.by_load, paths.landing, paths.quarantine)
            rejected += rejecting
            dbt_build(paths, Path(build), requests, select=after_rejection({r["source"] for r in rejecting}))
    results_file = next(iter(results_files(paths, run_id)), None)
    if built is not None and "code_digest" not in built:
        # a reports-only run (build_report_tables): the marts are an earlier run's, maybe of other
        # code; recording them as this code's would let a later night skip or narrow on them
        log.info("This run built no marts: its validation is not recorded as a build")
    else:
        with runlock.holding_build(paths, Path(build), "validate"), duckdb.connect(build) as con:
            code = built.get("code_digest") if built else None
            build_state.record(con, run_id, str(results_file) if results_file else None, code)
    return {
        "build": build,
        "checks": len(results),
        "data_docs": str(data_docs_index(paths)),
        "rejected": rejected,
        "unchanged_since": None,
        "results_file": str(results_file) if results_file else None,
    }


def publish_warehouse(paths: DataPaths, build: str) -> dict:
    with runlock.holding_build(paths, Path(build), "publish"):
        published = publish(paths, Path(build))
    log.info("Published %s", published)
    return {"warehouse": str(published)}


def report(
    paths: DataPaths,
    requests: list[dict],
    run_id: str,
    ingest_summary: dict | None = None,
    validation_summary: dict | None = None,
) -> dict:
    """The reports of the run's requests, under the run lock; the run's last stage releases it."""
    with runlock.holding(paths, run_id, "report"):
        summary = _write_reports(paths, report_requests.from_dicts(requests), run_id, ingest_summary, validation_summary)
    runlock.release(paths, run_id)
    if summary["nothing_sent"]:
        raise DataCheckFailed(
            "Không đơn vị nào gửi sổ, biểu mẫu cho: "
            + "; ".join(summary["nothing_sent"])
            + ". Báo cáo đã viết nhưng không có số liệu: hãy đôn đốc các đơn vị gửi. / Nothing was sent for: "
            + "; ".join(summary["nothing_sent"])
            + f". The reports were written without data; ask the units to send their registers. Summary: {summary['file']}"
        )
    return summary


def _completeness_line(completeness: dict[str, dict]) -> tuple[str, int, int]:
    """(sentence, registers sent, registers owed) over every source the request's units owe."""
    owed = sum(rate["expected"] for rate in completeness.values())
    sent = sum(rate["submitted"] for rate in completeness.values())
    if not owed:
        return "không đơn vị nào phải gửi sổ, biểu mẫu trong kỳ", 0, 0
    missing = sorted({unit for rate in completeness.values() for unit in rate["missing"]})
    line = f"{sent}/{owed} sổ, biểu mẫu đã gửi ({100.0 * sent / owed:.1f}%)"
    if missing:
        line += "; chưa gửi đủ: " + ", ".join(missing)
    return line, sent, owed


def _write_reports(
    paths: DataPaths,
    requests: list[ReportRequest],
    run_id: str,
    ingest_summary: dict | None,
    validation_summary: dict | None,
) -> dict:
    """Render each request's report from the published warehouse, which dbt built, tested and
    validated with the report tables in it (report.figures, appendix_1/2, completeness): this
    stage only reads it, opened read-only, and writes exports under reports/<code>_<start>_<end>/.
    The run's summary lists every report and the files quarantined or rejected."""
    if not paths.warehouse.exists():
        raise FileNotFoundError(f"no published warehouse at {paths.warehouse}")
    written, nothing_sent = [], []
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        contents = [
            (
                request,
                read_figures(con, request.unit_code, request.period.start, request.period.end),
                read_completeness(con, request.unit_code, request.period.start, request.period.end),
                read_appendices(con, request.unit_code, request.period.start, request.period.end),
                read_unit_names(con, request.unit_id, request.period),
            )
            for request in requests
        ]
    kept = _unchanged_documents(paths, requests, validation_summary)
    for request, figures, completeness, appendices, names in contents:
        line, sent, owed = _completeness_line(completeness)
        sentences = render_sentences(figures, request.period, names)
        directory = paths.reports / request.slug
        if request.slug in kept:
            exports = kept[request.slug]
            since = validation_summary["unchanged_since"]
            log.info("%s: nothing changed since run %s; its documents are kept", request.slug, since)
        else:
            exports = write_exports(directory, request, figures, sentences)
            exports += write_appendix_exports(directory, request, appendices, names)
            incomplete = line if sent < owed else None
            exports.append(write_report_document(directory, request, names, sentences, appendices, incomplete))
        name = f"{request.unit_name} ({request.unit_code}), {request.period.label_vi}"
        if owed and not sent:
            nothing_sent.append(name)
            log.error("%s: nothing was sent (%s)", name, line)
        elif sent < owed:
            log.warning("%s: data incomplete: %s", name, line)
        written.append(
            {
                **request.as_dict(),
                "directory": str(directory),
                "figures": sum(f.published for f in figures),
                "exports": [str(p) for p in exports],
                "sentences": [s.text_vi for s in sentences],
                "completeness": completeness,
                "completeness_line": line,
                "registers_owed": owed,
                "registers_sent": sent,
            }
        )
    paths.runs.mkdir(parents=True, exist_ok=True)
    file = paths.runs / f"{_safe_run_name(run_id)}.json"
    summary = {
        "reports": written,
        "figures": sum(r["figures"] for r in written),
        "nothing_sent": nothing_sent,
        "quarantined": (ingest_summary or {}).get("quarantined", []),
        "rejected": (validation_summary or {}).get("rejected", []),
        # the run that built and validated the marts these reports read, when this run did not
        "unchanged_since": (validation_summary or {}).get("unchanged_since"),
        "file": str(file),
    }
    summary["overview"] = str(write_overview(paths, run_id, summary, validation_summary))
    file.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    for entry in written:
        log.info("%s (%s), %s: %d figure(s); %s", entry["reporting_unit_name"], entry["reporting_unit_code"],
                 entry["period_label_vi"], entry["figures"], entry["completeness_line"])  # fmt: skip
        for sentence in entry["sentences"]:
            log.info("%s", sentence)
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


def _unchanged_documents(
    paths: DataPaths, requests: list[ReportRequest], validation_summary: dict | None
) -> dict[str, list[Path]]:
    """The documents already written for requests whose report tables this run did not touch (a
    night with nothing new, build_state): by slug, the files in the request's folder. A request
    built in this run, or one whose report document is missing, is written again."""
    if not (validation_summary or {}).get("unchanged_since"):
        return {}
    built = {tuple(key) for key in validation_summary.get("report_requests_built", [])}
    kept = {}
    for request in requests:
        directory = paths.reports / request.slug
        if build_state.request_key(request.as_dict()) in built or not (directory / f"bao-cao_{request.slug}.docx").is_file():
            continue
        kept[request.slug] = sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))
    return kept


def _safe_run_name(run_id: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in run_id)[:120]
