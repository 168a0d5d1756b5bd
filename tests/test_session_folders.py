"""The test session's folders do not pile up: each session removes the older ones (tests/conftest.py)."""

from __future__ import annotations

import os

from tests.conftest import SESSION_PREFIX, earlier_sessions, remove_in_background


def test_a_session_removes_the_earlier_session_folders_but_the_latest(tmp_path):
    folders = []
    for i in range(5):
        folder = tmp_path / f"{SESSION_PREFIX}{i}"
        (folder / "scenarios" / "sample-build").mkdir(parents=True)
        (folder / "scenarios" / "sample-build" / "warehouse.duckdb").write_bytes(b"\0" * 1024)
        os.utime(folder, (1_700_000_000 - i, 1_700_000_000 - i))  # made in the reverse order of their names
        folders.append(folder)
    other = tmp_path / "pytest-of-someone"
    other.mkdir()
    current = tmp_path / f"{SESSION_PREFIX}now"
    current.mkdir()

    old = earlier_sessions(current, keep=3)
    assert old == [folders[4], folders[3], folders[2]]  # the oldest first; the latest two are kept
    assert remove_in_background(old).wait(timeout=60) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([other.name, current.name, folders[0].name, folders[1].name])
    assert earlier_sessions(current, keep=3) == []
    assert earlier_sessions(current, keep=1) == [folders[1], folders[0]]
