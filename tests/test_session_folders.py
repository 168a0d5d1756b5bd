"""The test session's folders do not pile up: each session removes the older ones a session made
and nobody is using (tests/conftest.py)."""

from __future__ import annotations

import fcntl
import os

from tests.conftest import SESSION_LOCK, SESSION_PREFIX, earlier_sessions, remove_in_background


def test_a_session_removes_the_earlier_session_folders_but_the_latest_and_those_in_use(tmp_path):
    folders = []
    for i in range(6):
        folder = tmp_path / f"{SESSION_PREFIX}{i}"
        (folder / "scenarios" / "sample-build").mkdir(parents=True)
        (folder / "scenarios" / "sample-build" / "warehouse.duckdb").write_bytes(b"\0" * 1024)
        (folder / SESSION_LOCK).touch()
        os.utime(folder, (1_700_000_000 - i, 1_700_000_000 - i))  # made in the reverse order of their names
        folders.append(folder)
    given = tmp_path / f"{SESSION_PREFIX}mine"  # named by LAICHAU_TEST_SESSION_DIR: no lock file
    given.mkdir()
    os.utime(given, (1_600_000_000, 1_600_000_000))
    other = tmp_path / "pytest-of-someone"
    other.mkdir()
    current = tmp_path / f"{SESSION_PREFIX}now"
    current.mkdir()

    old = earlier_sessions(current, keep=3)
    assert old == [folders[5], folders[4], folders[3], folders[2]]  # the oldest first; the latest two are kept
    with (folders[4] / SESSION_LOCK).open() as running:  # a long session still running
        fcntl.flock(running, fcntl.LOCK_EX)
        assert remove_in_background(old).wait(timeout=60) == 0
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(f.name for f in [given, other, current, folders[0], folders[1], folders[4]])
    assert (folders[4] / "scenarios" / "sample-build" / "warehouse.duckdb").exists()
    assert earlier_sessions(current, keep=3) == [folders[4]]  # removed by a later session, once it has ended
    assert remove_in_background([folders[4]]).wait(timeout=60) == 0
    assert not folders[4].exists() and given.exists()
