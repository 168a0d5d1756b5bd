"""``python -m pipeline.cli run``: what ``make run`` does on a fresh machine.

Sets up the embedded defaults (Airflow metadata in SQLite under the data folder, the DuckDB
warehouse file), creates a local pseudonymisation key on first run if none is configured (never
when a published warehouse was made under a key: that key must be restored, not replaced),
seeds an empty landing folder with the bundled 2023 sample workbooks, and runs the nightly DAG
once end to end with ``airflow dags test``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from ingestion.loader import request_requeue, sha256_of
from ingestion.pseudonymize import KEY_ENV, KEY_FILE_ENV, PseudonymKeyError
from pipeline import key_fingerprint, report_requests, runlock
from pipeline.paths import REPO_ROOT, SAMPLE_LANDING_DIR, DataPaths
from pipeline.periods import PeriodError
from pipeline.stages import seed_landing

DAG_ID = "laichau_citizen_reporting"


def ensure_local_key(paths: DataPaths) -> dict[str, str]:
    """Environment that names a key: the configured one, else a local key file made once.

    A missing key file is only replaced by a new key in a fresh data folder. If the published
    warehouse records a key's fingerprint, a new key would start pseudonyms that link to nothing
    loaded before, so this raises KeyChangedError saying how to restore the old key instead.
    """
    if os.environ.get(KEY_ENV) or os.environ.get(KEY_FILE_ENV):
        return {}
    key_file = paths.secrets / "pseudonym.key"
    if not key_file.exists():
        key_fingerprint.check_published(paths, None)
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.parent.chmod(0o700)
        key_file.write_text(secrets.token_hex(32) + "\n", encoding="utf-8")
        key_file.chmod(0o600)
        print(
            f"Created a local pseudonymisation key at {key_file}. Back it up: pseudonyms made "
            "under another key do not link to these."
        )
    return {KEY_FILE_ENV: str(key_file)}


def airflow_env(paths: DataPaths) -> dict[str, str]:
    """Embedded Airflow: SQLite metadata under the data folder, this repository's dags/."""
    home = paths.root / "airflow"
    home.mkdir(parents=True, exist_ok=True)
    defaults = {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
    }
    env = {**defaults, **{k: v for k, v in os.environ.items() if k in defaults}}
    if env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("sqlite:"):
        # wait for SQLite's one writer instead of failing after 5 s (pipeline/airflow_sqlite.py)
        for suffix in ("", "_ASYNC"):
            key = f"AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS{suffix}"
            env[key] = os.environ.get(key, f"pipeline.airflow_sqlite.CONNECT_ARGS{suffix}")
    return env


def run(
    period_start: str | None,
    period_end: str | None,
    reporting_unit: str | None = None,
    period: str | None = None,
) -> int:
    paths = DataPaths.from_env()
    try:  # a report that cannot be written is refused before anything is set up or ingested
        planned = report_requests.plan(reporting_unit, period_start, period_end, dt.date.today(), period)
    except (report_requests.ReportRequestError, PeriodError) as refused:
        print(refused, file=sys.stderr)
        return 2
    paths.root.mkdir(parents=True, exist_ok=True)
    holder = runlock.holder(paths)
    if holder is not None:
        print(
            f"Another run holds {runlock.lock_file(paths)}: {holder.describe()}. This run waits up to "
            f"{runlock.wait_seconds():.0f} s for it ({runlock.WAIT_ENV}), then stops without touching it."
        )
    env = {**os.environ, **ensure_local_key(paths), **airflow_env(paths), "LAICHAU_DATA_DIR": str(paths.root)}
    seeded = seed_landing(paths, SAMPLE_LANDING_DIR)
    if seeded:
        print(f"Seeded {paths.landing} with {seeded} sample workbook(s).")
    airflow = str(Path(sys.executable).parent / "airflow")
    subprocess.run([airflow, "db", "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    asked = {"reporting_unit": reporting_unit, "period": period, "period_start": period_start, "period_end": period_end}
    conf = {k: v for k, v in asked.items() if v}
    result = subprocess.run([airflow, "dags", "test", DAG_ID, "--conf", json.dumps(conf)], env=env, check=False)
    if result.returncode != 0:
        return result.returncode
    latest = max(paths.runs.glob("*.json"), key=lambda p: p.stat().st_mtime, default=None)
    if latest is None:
        print("The DAG run did not reach the report task; see the log above.", file=sys.stderr)
        return 1
    summary = json.loads(latest.read_text(encoding="utf-8"))
    print(f"\nPublished {paths.warehouse}.")
    for written in summary["reports"]:
        print(
            f"\n{written['reporting_unit_name']} ({written['reporting_unit_code']}), {written['period_label_vi']}: "
            f"{written['figures']} figure(s), completeness {written['completeness_line']}; {written['directory']}"
        )
        for sentence in written["sentences"]:
            print(sentence)
    if [r["reporting_unit_code"] for r in summary["reports"]] != [r.unit_code for r in planned]:
        print("The run wrote other reports than were asked for; see its log.", file=sys.stderr)
        return 1
    for quarantined in summary["quarantined"]:
        print(f"Quarantined: {quarantined['file']} - see {quarantined['report']}.errors.txt")
    return 0


def requeue(paths: DataPaths, files: list[str], everything: bool) -> int:
    """Ask the next run to read quarantined files again. Files quarantined under older reading
    rules are read again anyway; this is for a file whose contract was fixed by hand (a unit
    added to the seed, a registry alias) or to retry after a crash."""
    if everything == bool(files):
        print("Name the landing files to read again, or --all.", file=sys.stderr)
        return 2
    if everything:
        marker = request_requeue(paths.quarantine, None)
        print(f"Every quarantined file will be read again at the next run ({marker}).")
        return 0
    status = 0
    for name in files:
        path = paths.landing / name
        if not path.is_file() or path.is_symlink():
            print(f"Không thấy tệp / no such landing file: {name}", file=sys.stderr)
            status = 2
            continue
        request_requeue(paths.quarantine, sha256_of(path))
        print(f"{name} will be read again at the next run.")
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="set up and run the nightly DAG once")
    run_parser.add_argument("--reporting-unit", default=None, help="official code(s): 105, 03388, 03408, 12; comma separated")
    run_parser.add_argument("--period", default=None, help="a preset: 2024, 2024-H1, 2024-Q3, 2024-03, 2024-decree09, ytd")
    run_parser.add_argument("--period-start", default=None, help="YYYY-MM-DD (with --period-end, instead of --period)")
    run_parser.add_argument("--period-end", default=None, help="YYYY-MM-DD")
    commands.add_parser("key", help="create the local pseudonymisation key under data/secrets/ if none is configured")
    airflow_parser = commands.add_parser(
        "airflow", help="run Airflow's scheduler, dag-processor, triggerer and api-server until stopped (make airflow)"
    )
    airflow_parser.add_argument("--port", type=int, default=8080, help="the api-server's port (UI and REST API)")
    airflow_parser.add_argument(
        "--no-schedule",
        action="store_true",
        help="triggered runs only: the scheduler starts no nightly, not even the latest missed one (to try a change)",
    )
    requeue_parser = commands.add_parser(
        "requeue", help="read quarantined files again at the next run (after the reading rules or the registry changed)"
    )
    requeue_parser.add_argument("files", nargs="*", help="landing files to read again (paths relative to the landing folder)")
    requeue_parser.add_argument("--all", action="store_true", help="every quarantined file")
    args = parser.parse_args(argv)
    if args.command == "requeue":
        return requeue(DataPaths.from_env(), args.files, args.all)
    if args.command == "airflow":
        from pipeline.local_airflow import serve

        return serve(args.port, schedule=not args.no_schedule)
    try:
        if args.command == "run":
            return run(args.period_start or None, args.period_end or None, args.reporting_unit or None, args.period or None)
        named = ensure_local_key(DataPaths.from_env())
    except PseudonymKeyError as refused:
        print(refused, file=sys.stderr)
        return 2
    print(named.get(KEY_FILE_ENV, f"A key is already configured through {KEY_ENV} or {KEY_FILE_ENV}."))
    return 0


if __name__ == "__main__":
    sys.exit(main())
