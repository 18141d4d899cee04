"""The liveness check that decides whether a killed ingest's leftovers may be swept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.processes import process_alive
from app.store.cache import partial_store_path, sweep_leftovers


def _finished_pid() -> int:
    """The id of a process that has run and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_this_process_and_a_running_child_are_alive() -> None:
    assert process_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert process_alive(child.pid)
    finally:
        child.kill()
        child.wait()


def test_a_finished_process_and_impossible_ids_are_not() -> None:
    assert not process_alive(_finished_pid())
    assert not process_alive(0)  # os.kill(0, 0) would signal our own process group
    assert not process_alive(-1)


def test_the_sweep_spares_a_live_owner_and_removes_a_dead_ones(tmp_path: Path) -> None:
    target = tmp_path / "k.duckdb"
    mine = partial_store_path(target, os.getpid(), 1)
    dead = partial_store_path(target, _finished_pid(), 1)
    mine.write_bytes(b"being written")
    dead.write_bytes(b"left by a killed ingest")
    assert sweep_leftovers(tmp_path) == [dead]
    assert mine.exists()


@pytest.mark.skipif(sys.platform != "win32", reason="the Windows API is only there on Windows")
def test_windows_asks_the_process_table_without_signalling() -> None:
    from app.processes import _windows_process_alive

    assert _windows_process_alive(os.getpid())
    assert not _windows_process_alive(_finished_pid())
