"""Ingest within bounded memory (issue 23): a memory-limited ingest keeps every record or
fails loudly, and one big recording loads in parts with progress moving between them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

import app.store.ingest.job as job_module
from app.store.cache import cache_dir
from app.store.ingest import IngestCancelled, IngestJob, ingest_file, staging
from tests.big_inputs import POSTHOG_SESSION, write_posthog_export, write_rrweb_ndjson
from tests.builders import write_archive

PART_BYTES = 256 * 1024  # the parts of the tests' small files: the big file's, scaled down


def _counts(db: Path) -> tuple[int, dict[str, int], dict[str, int]]:
    """Sessions, events per session and actions per session in a store."""
    with duckdb.connect(str(db), read_only=True) as con:
        sessions = con.execute("SELECT count(*) FROM sessions").fetchone()[0]
        events = dict(con.execute("SELECT session_id, count(*) FROM events GROUP BY 1").fetchall())
        actions = dict(
            con.execute("SELECT session_id, count(*) FROM actions GROUP BY 1").fetchall()
        )
    return sessions, events, actions


def test_a_memory_limited_ingest_of_many_batches_keeps_every_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches load two at a time under a memory limit below what two reads with the largest
    object size reserve (2 × 512 MB): every session keeps its events and RUM records, and no
    warning says otherwise (before, one read ran out of memory and its sessions lost them)."""
    monkeypatch.setattr(job_module, "BATCH_SESSIONS", 2)
    monkeypatch.setattr(job_module, "MEMORY_LIMIT_BYTES", 256 * 2**20)
    monkeypatch.setattr(job_module, "READ_BUDGET_BYTES", 160 * 2**20)
    path = write_archive(tmp_path / "many.webreplay", sessions=9)
    result = ingest_file(path, tmp_path / "many.db", force=True)
    sessions, events, actions = _counts(result.db_path)
    assert sessions == 9
    assert sorted(events) == sorted(actions) == [f"s{i}" for i in range(9)]
    assert len(set(events.values())) == 1  # the writer gives every session as many events
    assert not [w for w in result.warnings if "cannot be loaded" in w.message]


def test_running_out_of_memory_fails_the_ingest_instead_of_skipping_sessions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An out-of-memory error is no fault of the input: no store with sessions missing."""
    monkeypatch.setattr(job_module, "MEMORY_LIMIT_BYTES", 8 * 2**20)
    path = write_archive(tmp_path / "shop.webreplay", sessions=4)
    with pytest.raises(duckdb.OutOfMemoryException):
        ingest_file(path, tmp_path / "shop.db", force=True)
    assert not (tmp_path / "shop.db").exists()


@pytest.mark.parametrize(
    ("writer", "name"),
    [(write_rrweb_ndjson, "big.ndjson"), (write_posthog_export, "big.ph-recording.json")],
)
def test_one_big_recording_loads_in_parts_with_progress_between_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: Callable[[Path, int], int], name: str
) -> None:
    """A recording several parts long: progress reports each part stored, moving forward,
    and the store holds every event of the file and the RUM records derived from them."""
    monkeypatch.setattr(staging, "RECORDING_CHUNK_BYTES", PART_BYTES)
    path = tmp_path / name
    written = writer(path, 6 * PART_BYTES)
    reports: list[tuple[float, str]] = []
    result = ingest_file(path, tmp_path / "big.db", progress=lambda f, m: reports.append((f, m)))
    stored = [fraction for fraction, message in reports if message.startswith("Stored")]
    assert len(stored) >= 5
    assert stored == sorted(stored) and stored[0] < stored[-1] < 0.95
    fractions = [fraction for fraction, _ in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    sessions, events, actions = _counts(result.db_path)
    assert sessions == 1 and sum(events.values()) == written
    assert list(actions) == list(events)  # the clicks of every part became actions
    if name.endswith(".ph-recording.json"):
        assert list(events) == [POSTHOG_SESSION]


def test_cancel_between_parts_of_a_big_recording_leaves_no_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staging, "RECORDING_CHUNK_BYTES", PART_BYTES)
    path = tmp_path / "big.ndjson"
    write_rrweb_ndjson(path, 6 * PART_BYTES)

    def progress(fraction: float, message: str) -> None:
        if message.startswith("Stored"):
            job.cancel()

    job = IngestJob(path, progress=progress)
    with pytest.raises(IngestCancelled):
        job.run()
    assert list(cache_dir().glob("*.duckdb")) == []
    assert list(cache_dir().glob(".*part*")) == []
