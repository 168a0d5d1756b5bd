"""Scenarios built once per test session and shared by every test (and every pytest-xdist worker).

A scenario is expensive (a whole DAG run, a dbt build): the first worker that needs it builds it
under a file lock into the session folder and writes a JSON record of what it saw; every other
test, in that worker or another, reads the record and the files it left. Tests only read a
scenario's files: one that changes a warehouse copies it first.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def session_dir() -> Path:
    return Path(os.environ["LAICHAU_TEST_SESSION_DIR"])


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def shared_scenario(name: str, build: Callable[[Path], dict]) -> dict:
    """The record ``build(folder)`` returned for scenario ``name``, building it first if no worker
    has yet. A build that failed leaves no record, so the next test asking builds it again and
    fails with its own error instead of reading half a scenario."""
    folder = session_dir() / "scenarios" / name
    record = folder / "record.json"
    with _locked(folder.with_name(name + ".lock")):
        if record.is_file():
            return json.loads(record.read_text(encoding="utf-8"))
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        result = build(folder)
        record.write_text(json.dumps(result, ensure_ascii=False, default=str), encoding="utf-8")
        return json.loads(record.read_text(encoding="utf-8"))


@contextlib.contextmanager
def environment(**values: str | None) -> Iterator[None]:
    """Environment variables set (None: unset) for the length of a scenario's build."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in values.items():
            if value is None:
                patch.delenv(key, raising=False)
            else:
                patch.setenv(key, value)
        yield
