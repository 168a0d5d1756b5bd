"""Reads each workbook in a child process with memory and time limits.

The reader is native code: on a sheet whose used area reaches XFD1048576 it asks for hundreds of
gigabytes and aborts the whole process, which no ``try`` can catch; a crafted file can make it
spin. So every workbook is checked, parsed, typed and pseudonymised in a child process forked
from a small server that has the reading code loaded (``forkserver``: cheap per file, and the
child does not inherit the parent's threads, database connections or log handlers). The child
writes the stored rows as a Parquet file, already pseudonymised, so personal values never leave
it; the parent receives only a small result. A child that dies, runs out of memory or time
quarantines only its own file. Several children run at once, one per core.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import multiprocessing
import os
import resource
import signal
import sys
import time
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

from ingestion import limits
from ingestion.errors import IngestError, WorkbookRejected


@dataclass(frozen=True)
class ReadJob:
    path: str  # absolute path of the landing file
    name: str  # how the clerk knows it: the path relative to the landing folder, printable
    arrival: dt.date
    out: str  # where the child writes the Parquet file of stored rows


@dataclass
class ReadResult:
    """What a child tells its parent: never a cell value, except inside ``errors`` (which only the
    landing area's quarantine report shows in full)."""

    errors: list[IngestError] = field(default_factory=list)
    source_id: str | None = None
    unit_id: str | None = None
    year: int | None = None
    written_unit: str | None = None
    # The versions of the named unit over the workbook's period, oldest first (rows carry their own).
    unit_versions: list[str] = field(default_factory=list)
    sheet: str | None = None
    rows: int = 0
    skipped_rows: int = 0
    # The days the workbook covers (its year unless its title block names a month, quarter, ...).
    coverage_start: dt.date | None = None
    coverage_end: dt.date | None = None

    @property
    def rejected(self) -> bool:
        return bool(self.errors)


def read_workbook(job: ReadJob, key: bytes) -> ReadResult:
    """Check, identify, parse, type and pseudonymise one workbook; write its rows to ``job.out``."""
    from ingestion.filecheck import check_file
    from ingestion.parser import identify_source, open_workbook, parse_workbook, unreadable
    from ingestion.registry import load_sources
    from ingestion.rows import write_parquet
    from ingestion.units import default_directory

    sources = load_sources()
    path = Path(job.path)
    source = None
    try:
        check_file(path, job.name)
        try:
            workbook = open_workbook(path)
        except Exception as exc:
            raise unreadable(job.name, exc) from exc
        source = identify_source(path, sources, workbook)
        if source is None:
            raise WorkbookRejected([unknown_source_error(job.name, sources)])
        parsed = parse_workbook(path, source, default_directory(), job.name, job.arrival, workbook)
    except WorkbookRejected as rejection:
        return ReadResult(
            rejection.errors, source_id=source.id if source else None, unit_id=rejection.unit_id, year=rejection.year
        )
    write_parquet(parsed, key, Path(job.out))
    return ReadResult(
        source_id=source.id,
        unit_id=parsed.unit.unit_id,
        year=parsed.year,
        written_unit=parsed.written_unit,
        unit_versions=[unit.unit_id for unit in parsed.versions],
        sheet=parsed.sheet,
        rows=len(parsed.row_numbers),
        skipped_rows=parsed.skipped_rows,
        coverage_start=parsed.coverage.start if parsed.coverage else dt.date(parsed.year, 1, 1),
        coverage_end=parsed.coverage.end if parsed.coverage else dt.date(parsed.year, 12, 31),
    )


def unknown_source_error(name: str, sources) -> IngestError:
    kinds_vi = "; ".join(f"{s.title_vi} (tên tệp dạng {', '.join(s.file_patterns)})" for s in sources)
    kinds_en = "; ".join(f"{s.title_en} (file names like {', '.join(s.file_patterns)})" for s in sources)
    return IngestError(
        name,
        None,
        None,
        None,
        "không nhận ra đây là sổ/biểu nào: tên tệp và dòng tiêu đề không khớp với biểu mẫu nào. "
        f"Hãy dùng đúng biểu mẫu và đặt tên tệp theo mẫu: {kinds_vi}",
        "cannot tell which register or form this is: neither its name nor its header row matches a template. "
        f"Use the template and name the file like: {kinds_en}",
        "unknown_source",
    )


class ReaderUnavailable(RuntimeError):
    """The machine, not the file, failed (no space for the rows, no way to start a reader): the run
    stops, so that no file is quarantined for it."""


def _child(job: ReadJob, key: bytes, conn: Connection) -> None:
    """Entry point of a child: limits first, then the work; any exception becomes a rejection."""
    resource.setrlimit(resource.RLIMIT_AS, (limits.CHILD_MEMORY_BYTES, limits.CHILD_MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.CHILD_CPU_SECONDS, limits.CHILD_CPU_SECONDS + 5))
    # A native reader's panic message can quote the file; it goes nowhere (the parent reports the crash).
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    # A short-lived child that builds a few million objects and creates no cycles worth collecting:
    # the cyclic collector would only rescan them again and again (a third of the parse time).
    gc.disable()
    try:
        result = read_workbook(job, key)
    except OSError as exc:
        if exc.filename == job.out:  # the machine (no space, no permission), not the file
            conn.send(ReaderUnavailable(f"cannot write the rows read from {job.name}: {exc.strerror}"))
            conn.close()
            return
        result = ReadResult([_read_failed(job.name, exc)])
    except MemoryError:
        result = ReadResult([_limit_error(job.name, "memory")])
    except BaseException as exc:  # a bug, an unforeseen file, a reader panic: this file alone is quarantined
        result = ReadResult([_read_failed(job.name, exc)])
    conn.send(result)
    conn.close()


def _read_failed(name: str, exc: BaseException) -> IngestError:
    return IngestError(
        name,
        None,
        None,
        None,
        f"lỗi khi đọc tệp ({type(exc).__name__}). Hãy mở tệp bằng Excel, lưu lại dạng .xlsx rồi gửi lại; "
        "nếu vẫn lỗi, hãy báo cho bộ phận kỹ thuật.",
        f"reading the file failed ({type(exc).__name__}). Open it in Excel, save it as .xlsx and send it "
        "again; if it still fails, tell the technical team.",
        "read_failed",
    )


def _limit_error(name: str, what: str) -> IngestError:
    budget_vi = {
        "memory": f"vượt giới hạn bộ nhớ ({limits.CHILD_MEMORY_BYTES // 2**30} GB)",
        "time": f"vượt giới hạn thời gian ({limits.CHILD_WALL_SECONDS} giây)",
        "crash": "làm trình đọc dừng đột ngột",
    }[what]
    budget_en = {
        "memory": f"needed more than the memory limit ({limits.CHILD_MEMORY_BYTES // 2**30} GB)",
        "time": f"took longer than the time limit ({limits.CHILD_WALL_SECONDS} s)",
        "crash": "made the reader stop abruptly",
    }[what]
    return IngestError(
        name,
        None,
        None,
        None,
        f"việc đọc tệp {budget_vi}. Thường do có ô lạc ở rất xa bảng (ví dụ ô XFD1048576) hoặc tệp bị hỏng. "
        "Hãy chép bảng dữ liệu sang biểu mẫu mới (chỉ vùng có dữ liệu), lưu dạng .xlsx rồi gửi lại.",
        f"reading the file {budget_en}. This usually means a stray cell far from the table (such as XFD1048576) "
        "or a damaged file. Copy the table into a fresh template (only the filled area), save it as .xlsx and "
        "send it again.",
        "read_limit",
    )


_CONTEXT = None


def _context():
    global _CONTEXT
    if _CONTEXT is None:
        _CONTEXT = multiprocessing.get_context("forkserver")
        _CONTEXT.set_forkserver_preload(["ingestion.reader_preload"])
    return _CONTEXT


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start a child without it importing this process's main module again.

    multiprocessing tells each new child to re-import ``__main__`` (the ``airflow`` command, pytest,
    a script) so that pickled functions defined there resolve; ours live in this module, so that
    import is pure cost (a second or more of Airflow imports per workbook). The main module is
    hidden from multiprocessing while the child's start-up data are taken."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def stop_readers() -> None:
    """Stop the reading server and wait for it (its children's CPU time is then accounted to this
    process), so that a finished ingest leaves no process behind. The next read starts a new one."""
    from multiprocessing import forkserver

    if _CONTEXT is not None:
        forkserver._forkserver._stop()


def default_workers() -> int:
    """One child per core, as many as the memory can hold at their limit."""
    available = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
    return max(1, min(os.cpu_count() or 1, available // limits.CHILD_MEMORY_BYTES))


def read_all(jobs: list[ReadJob], key: bytes, workers: int | None = None) -> Iterator[tuple[ReadJob, ReadResult]]:
    """Read every job in children, ``workers`` at a time; yields (job, result) as they finish.

    Raises ReaderUnavailable when the machine fails rather than a file: a child could not write
    its output, or every one of several children died the same way."""
    workers = max(1, workers or default_workers())
    crashes = 0
    finished = 0
    context = _context()
    pending = list(reversed(jobs))
    running: dict[int, tuple[ReadJob, multiprocessing.Process, Connection, float]] = {}
    results: dict[int, ReadResult] = {}
    while pending or running:
        while pending and len(running) < workers:
            job = pending.pop()
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(job, key, send), daemon=True)
            with _main_module_hidden():
                process.start()
            send.close()
            running[process.sentinel] = (job, process, receive, time.monotonic())
        ready = wait([c for _, _, c, _ in running.values()] + list(running), timeout=1.0)
        for sentinel, (job, process, receive, started) in list(running.items()):
            if receive in ready and sentinel not in results:
                with contextlib.suppress(EOFError, OSError):  # died before answering: see the sentinel below
                    results[sentinel] = receive.recv()
            overdue = time.monotonic() - started > limits.CHILD_WALL_SECONDS
            if overdue and process.is_alive():
                os.kill(process.pid, signal.SIGKILL)
                process.join()
                results.setdefault(sentinel, ReadResult([_limit_error(job.name, "time")]))
            if sentinel in ready or not process.is_alive():
                process.join()
                if sentinel not in results and receive.poll():  # it answered, then exited after ``wait``
                    with contextlib.suppress(EOFError, OSError):
                        results[sentinel] = receive.recv()
                result = results.pop(sentinel, None)
                finished += 1
                if isinstance(result, ReaderUnavailable):
                    raise result
                if result is None:
                    crashes += 1
                    if crashes == finished >= 3 and process.exitcode == 1:
                        raise ReaderUnavailable(
                            "every reading child so far exited before answering; the reader cannot run here "
                            "(see the forkserver's start-up), so no file is quarantined for it"
                        )
                    what = {-signal.SIGABRT: "memory", -signal.SIGKILL: "memory", -signal.SIGXCPU: "time"}.get(
                        process.exitcode or 0, "crash"
                    )
                    result = ReadResult([_limit_error(job.name, what)])
                receive.close()
                del running[sentinel]
                yield job, result
