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


OLD_SCHEMA = """
CREATE TABLE findings (
    id VARCHAR PRIMARY KEY, archive_key VARCHAR NOT NULL, archive_name VARCHAR,
    session_id VARCHAR NOT NULL, ts_ms BIGINT NOT NULL, title VARCHAR NOT NULL, note VARCHAR,
    severity VARCHAR, tags VARCHAR, created_ms BIGINT, updated_ms BIGINT
)
"""


def test_a_findings_database_from_before_comparisons_is_migrated(tmp_path: Path) -> None:
    """A file written before findings could carry a comparison opens, keeps its findings, and
    takes new ones that remember the other session."""
    import duckdb

    path = tmp_path / "findings.duckdb"
    con = duckdb.connect(str(path))
    con.execute(OLD_SCHEMA)
    con.execute(
        "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ["old1", "arch", "demo.json", "s0191", 5, "Old finding", "a note", "minor",
         '["checkout"]', 1, 2],
    )  # fmt: skip
    con.close()

    store = FindingsStore(path)
    old = store.get("old1")
    assert old is not None and old.title == "Old finding" and old.tags == ("checkout",)
    assert old.compared_with == ""  # no comparison: nothing to show
    store.save(Finding("arch", "s0191", 9, "Place order never answers", compared_with="s0042"))
    found = store.for_archive("arch", "s0191")
    assert [(f.title, f.compared_with) for f in found] == [
        ("Old finding", ""),
        ("Place order never answers", "s0042"),
    ]


def test_a_finding_with_a_comparison_round_trips_and_can_drop_it(tmp_path: Path) -> None:
    store = FindingsStore(tmp_path / "f.duckdb")
    saved = store.save(Finding("arch", "s0191", 9, "Diverges at Place order", compared_with="s7"))
    again = store.get(saved.id)
    assert again is not None and again.compared_with == "s7"
    store.save(Finding(**{**again.__dict__, "compared_with": ""}))
    dropped = store.get(saved.id)
    assert dropped is not None and dropped.compared_with == ""
