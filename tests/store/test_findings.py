"""The findings database: saved, edited, deleted, per archive — and nothing committed is lost
when the process is killed in the middle of writing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.store.findings import TITLE_LENGTH, Finding, FindingsStore, data_dir, error_title

REPO = Path(__file__).resolve().parents[2]


def test_save_edit_delete_and_list_by_archive(tmp_path: Path) -> None:
    store = FindingsStore(tmp_path / "f.duckdb")
    first = store.save(Finding("arch-1", "s0191", 2_000, "Spinner never goes away",
                               note="after the TypeError", severity="critical",
                               tags=("checkout", "postal code")))  # fmt: skip
    store.save(Finding("arch-1", "s0191", 1_000, "Typed NW1 6XE"))
    store.save(Finding("arch-2", "s0001", 5, "Other archive"))
    assert [f.title for f in store.for_archive("arch-1")] == [
        "Typed NW1 6XE",
        "Spinner never goes away",
    ]
    edited = store.save(
        Finding(**{**first.__dict__, "title": "Loading indicator stuck", "severity": "major"})
    )
    again = store.get(first.id)
    assert again is not None and again.title == "Loading indicator stuck"
    assert again.tags == ("checkout", "postal code") and again.created_ms == first.created_ms
    assert edited.updated_ms >= first.updated_ms
    store.delete(first.id)
    assert [f.title for f in store.for_archive("arch-1", "s0191")] == ["Typed NW1 6XE"]
    with pytest.raises(ValueError):
        store.save(Finding("arch-1", "s1", 0, "  "))
    with pytest.raises(ValueError):
        store.save(Finding("arch-1", "s1", 0, "x", severity="urgent"))


def test_the_default_place_is_the_users_data_folder_not_the_cache() -> None:
    store = FindingsStore()
    assert store.path.parent == data_dir()
    assert "cache" not in str(store.path).lower().replace(str(data_dir()).lower(), "")


WRITER = """
import sys
from app.store.findings import Finding, FindingsStore
store = FindingsStore(sys.argv[1])
for n in range(100000):
    saved = store.save(Finding("arch", "s1", n, f"finding {n}"))
    print(saved.id, flush=True)
"""


def test_kill_9_while_writing_loses_no_committed_finding(tmp_path: Path) -> None:
    path = tmp_path / "f.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    committed: list[str] = []
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while len(committed) < 40 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            committed.append(line.strip())
    os.kill(proc.pid, signal.SIGKILL)  # in the middle of the next write
    proc.wait()
    proc.stdout.close()
    assert len(committed) >= 40
    saved = {f.id for f in FindingsStore(path).for_archive("arch")}
    assert set(committed) <= saved


def test_a_damaged_findings_file_is_reported_with_its_name(tmp_path: Path) -> None:
    from app.store.findings import FindingsError

    broken = tmp_path / "findings.duckdb"
    broken.write_bytes(b"this is not a database" * 100)
    with pytest.raises(FindingsError, match=r"findings\.duckdb"):
        FindingsStore(broken)


def test_an_errors_suggested_title_keeps_uncaught_and_in_promise() -> None:
    message = "Uncaught (in promise) TypeError: Cannot read properties of undefined"
    assert error_title(message) == message
    assert error_title("Uncaught  Error:\n  boom") == "Uncaught Error: boom"
    assert len(error_title("Uncaught " + "x" * 500)) == TITLE_LENGTH
