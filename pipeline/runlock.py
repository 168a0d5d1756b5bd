"""One run at a time: a lock file under the data folder, held from ingest to the end of report.

Airflow's ``max_active_runs=1`` only keeps one run *of the scheduler's DAG* going. A ``make run``
(``airflow dags test``) beside the scheduler, or two ``make run``s, are separate runs over the same
data folder: without a lock the second deletes the first's staging copy and publishes over it.

Every stage runs in a process of its own, so the lock cannot be a held file descriptor. It is a
small JSON file, ``<data>/run.lock``: ``run_id``, ``host``, ``pid`` (of the stage running now, or
null between stages), ``stage``, ``started_at``, ``heartbeat_at``. Every change to it happens
under an exclusive ``fcntl.flock`` on ``<data>/run.lock.guard`` and is written to a temporary file
and renamed over, so a reader never sees half a file and two runs can never both take it.

* ``acquire`` (ingest, or the DAG's ``take_run_lock`` set-up task) takes it, waiting up to
  ``LAICHAU_RUN_LOCK_WAIT_SECONDS`` for another run to finish, then raises ``RunLockBusy`` naming
  that run and when it started.
* ``holding`` wraps each later stage: a stage of a run that does not hold the lock refuses
  (``NotLockHolder``, naming the holder); the heartbeat is refreshed as the stage starts and ends.
* ``release`` (end of report, and the DAG's teardown task, which also runs when a stage failed)
  removes it if, and only if, this run holds it.

A lock may be taken over, with a warning, when its heartbeat is older than
``LAICHAU_RUN_LOCK_STALE_SECONDS`` (a run that died between stages), or when it names a stage
running on this host whose process is gone (a stage killed mid-way).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.paths import DataPaths

log = logging.getLogger(__name__)

WAIT_ENV = "LAICHAU_RUN_LOCK_WAIT_SECONDS"
STALE_ENV = "LAICHAU_RUN_LOCK_STALE_SECONDS"
DEFAULT_WAIT_SECONDS = 15 * 60
DEFAULT_STALE_SECONDS = 6 * 60 * 60
POLL_SECONDS = 1.0


class RunLockError(RuntimeError):
    """The run may not go on because of another run: retrying at once would not help."""


class RunLockBusy(RunLockError):
    """Another run held the lock for longer than this run was willing to wait."""


class NotLockHolder(RunLockError):
    """A stage of a run that does not hold the lock (it was taken over, or never taken)."""


@dataclass(frozen=True)
class Holder:
    run_id: str
    host: str
    pid: int | None
    stage: str
    started_at: str
    heartbeat_at: str

    def describe(self) -> str:
        return (
            f"run {self.run_id!r} (started {self.started_at}, stage {self.stage}, "
            f"last seen {self.heartbeat_at}, host {self.host})"
        )


def lock_file(paths: DataPaths) -> Path:
    return paths.root / "run.lock"


def wait_seconds() -> float:
    """How long a run waits for another to finish; read at call time so tests and operators can set it."""
    return float(os.environ.get(WAIT_ENV) or DEFAULT_WAIT_SECONDS)


def stale_seconds() -> float:
    """A lock (or someone else's build folder) untouched for this long belongs to a dead run."""
    return float(os.environ.get(STALE_ENV) or DEFAULT_STALE_SECONDS)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


@contextlib.contextmanager
def _guard(paths: DataPaths) -> Iterator[None]:
    """Serialise every read-decide-write of the lock file across processes."""
    paths.root.mkdir(parents=True, exist_ok=True)
    with open(lock_file(paths).with_name("run.lock.guard"), "a") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(guard, fcntl.LOCK_UN)


def holder(paths: DataPaths) -> Holder | None:
    """Who holds the lock now (None if nobody); safe to call without the guard."""
    try:
        data = json.loads(lock_file(paths).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except json.JSONDecodeError:  # cannot happen with atomic writes; treat as a dead run's debris
        return Holder("<unreadable>", "", None, "", "", "")
    return Holder(**{k: data.get(k) for k in Holder.__dataclass_fields__})


def _write(paths: DataPaths, lock: Holder) -> None:
    target = lock_file(paths)
    temporary = target.with_name(f"run.lock.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(asdict(lock), indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, target)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def _abandoned(lock: Holder) -> str | None:
    """Why ``lock`` belongs to a dead run, or None if that run may still be going."""
    try:
        age = (_now() - dt.datetime.fromisoformat(lock.heartbeat_at)).total_seconds()
    except (TypeError, ValueError):
        return "its lock file cannot be read"
    if age > stale_seconds():
        return f"its heartbeat is {age / 3600:.1f} h old"
    if lock.pid is not None and lock.host == socket.gethostname() and not _pid_alive(lock.pid):
        return f"its stage {lock.stage} (process {lock.pid} on this host) is gone"
    return None


def _stamp(previous: Holder | None, run_id: str, stage: str, pid: int | None) -> Holder:
    now = _iso(_now())
    started = previous.started_at if previous is not None and previous.run_id == run_id else now
    return Holder(run_id, socket.gethostname(), pid, stage, started, now)


def busy_message(lock: Holder, waited: float) -> str:
    return (
        f"Một lượt chạy khác đang chạy: {lock.run_id!r}, bắt đầu lúc {lock.started_at} (bước {lock.stage}). "
        f"Đã chờ {waited:.0f} giây; lượt này dừng lại mà không động đến dữ liệu của lượt kia. Hãy chạy lại khi "
        "lượt kia xong. / "
        f"Another run is in progress: {lock.describe()}. Waited {waited:.0f} s; this run stops without touching "
        f"that run's build. Run again once it has finished (wait longer with {WAIT_ENV})."
    )


def acquire(paths: DataPaths, run_id: str, stage: str = "ingest", wait: float | None = None) -> Holder:
    """Take the lock for ``run_id`` (a no-op refresh if it already holds it), waiting up to ``wait`` s."""
    wait = wait_seconds() if wait is None else wait
    began = time.monotonic()
    next_notice = 0.0
    while True:
        with _guard(paths):
            current = holder(paths)
            if current is not None and current.run_id != run_id:
                reason = _abandoned(current)
                if reason is not None:
                    log.warning("Taking over the run lock from %s: %s", current.describe(), reason)
                    current = None
            if current is None or current.run_id == run_id:
                lock = _stamp(current, run_id, stage, None)
                _write(paths, lock)
                return lock
        waited = time.monotonic() - began
        if waited >= wait:
            raise RunLockBusy(busy_message(current, waited))
        if waited >= next_notice:
            log.info("Waiting for %s to finish (up to %.0f s more)", current.describe(), wait - waited)
            next_notice += 60
        time.sleep(min(POLL_SECONDS, max(wait - waited, 0.05)))


def not_holder_message(run_id: str, current: Holder | None) -> str:
    who_vi = f"lượt {current.run_id!r} (bắt đầu lúc {current.started_at})" if current else "không lượt nào"
    who_en = current.describe() if current else "no run"
    return (
        f"Lượt chạy {run_id!r} không giữ khóa chạy (đang giữ: {who_vi}); bước này không chạy để khỏi ghi đè "
        "dữ liệu của lượt khác. Hãy chạy lại cả lượt. / "
        f"Run {run_id!r} does not hold the run lock (held by {who_en}); this stage refuses so as not to touch "
        "another run's build or warehouse. Start the run again."
    )


@contextlib.contextmanager
def holding(paths: DataPaths, run_id: str, stage: str) -> Iterator[Holder]:
    """Run a stage under the lock ``run_id`` must already hold; refresh the heartbeat around it.

    While the stage runs the lock names its process, so a stage killed mid-way (a dead pid on this
    host) can be told from a run that is merely between stages.
    """
    with _guard(paths):
        current = holder(paths)
        if current is None or current.run_id != run_id:
            raise NotLockHolder(not_holder_message(run_id, current))
        lock = _stamp(current, run_id, stage, os.getpid())
        _write(paths, lock)
    try:
        yield lock
    finally:
        with _guard(paths):
            current = holder(paths)
            if current is not None and current.run_id == run_id:
                _write(paths, _stamp(current, run_id, stage, None))


def refresh(paths: DataPaths, run_id: str, stage: str) -> Holder:
    """Check that ``run_id`` holds the lock and refresh its heartbeat, naming no process: for the
    mapped tasks of a stage (parse_batch), several at once and possibly on other machines, where
    one task's exit must not make the lock look abandoned while the others still run."""
    with _guard(paths):
        current = holder(paths)
        if current is None or current.run_id != run_id:
            raise NotLockHolder(not_holder_message(run_id, current))
        lock = _stamp(current, run_id, stage, None)
        _write(paths, lock)
    return lock


def release(paths: DataPaths, run_id: str) -> bool:
    """Remove the lock if ``run_id`` holds it; another run's lock is never touched."""
    with _guard(paths):
        current = holder(paths)
        if current is None or current.run_id != run_id:
            return False
        lock_file(paths).unlink()
    log.info("Released the run lock of %r", run_id)
    return True


def run_of_build(build: Path) -> str:
    """The (filesystem-safe) run id a build folder ``<stage>-<run>/`` belongs to."""
    return build.parent.name.split("-", 1)[1] if "-" in build.parent.name else ""


@contextlib.contextmanager
def holding_build(paths: DataPaths, build: Path, stage: str) -> Iterator[Holder]:
    """``holding`` for the stages that only know their build: the build must be the holder's own."""
    from pipeline.warehouse import safe_name

    current = holder(paths)
    run = run_of_build(build)
    if current is None or safe_name(current.run_id) != run:
        raise NotLockHolder(not_holder_message(run, current))
    with holding(paths, current.run_id, stage) as lock:
        yield lock
