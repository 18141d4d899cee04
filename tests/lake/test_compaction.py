"""Compaction: hourly files into Parquet by UTC day, each session once, whole, atomically."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.archive.model import SessionMeta
from app.archive.writer import ArchiveWriter
from app.lake import compaction
from app.lake.compaction import compact_lake
from app.lake.sessions import session_from_batches
from app.lake.spool import HourlySpool
from app.store.filters import SessionFilter
from app.store.lake import LakeStore
from app.store.open import open_store
from app.store.queries import overview
from app.store.queries import replay as replay_queries
from tests.lake.collector_process import make_batch

MIDNIGHT = int(datetime(2026, 11, 20, tzinfo=UTC).timestamp() * 1000)
HOUR = 3_600_000


def _spool(lake: Path, batches: list[tuple[dict, int]]) -> None:
    """Append batches as a collector would have received them (at ``received`` ms)."""
    spool = HourlySpool(lake)
    for batch, received in batches:
        spool.append(batch, received / 1000, "https://shop.example")
    spool.close()


def _actions(store: LakeStore, session: str) -> list[str]:
    return [a["name"] for a in replay_queries.action_records(store.cursor(), session)]


def test_a_session_across_midnight_is_merged_once_from_retries_and_disorder(
    tmp_path: Path,
) -> None:
    lake = tmp_path / "lake"
    start = MIDNIGHT - 30 * 60_000  # 23:30 on the 19th
    batches = [make_batch("night", seq, start, final=seq == 6, clicks=2, spacing_ms=600_000)
               for seq in range(1, 7)]  # 23:30 to 00:20  # fmt: skip
    # received out of order, two of them twice (the recorder retried), across three hours
    arrivals = [
        (batches[1], start + 20_000),
        (batches[0], start + 21_000),
        (batches[1], start + 22_000),
        (batches[2], start + 40 * 60_000),
        (batches[4], MIDNIGHT + 20 * 60_000),
        (batches[3], MIDNIGHT + 21 * 60_000),
        (batches[5], MIDNIGHT + HOUR + 60_000),
        (batches[5], MIDNIGHT + HOUR + 70_000),
    ]
    _spool(lake, arrivals)  # fmt: skip
    assert len(list((lake / "incoming").glob("*/*"))) == 3  # hours 23, 00 and 01
    report = compact_lake(lake, now_ms=MIDNIGHT + 3 * HOUR)
    assert (report.sessions, report.batches, report.duplicates) == (1, 6, 2)
    assert not list((lake / "incoming").rglob("*.ndjson"))  # consumed
    days = sorted(p.name for p in (lake / "tables" / "actions").iterdir())
    assert days == ["day=2026-11-19", "day=2026-11-20"]  # each row in its own day
    with LakeStore(lake) as store:
        expected = [f"click on 'Step {s}.{k}'" for s in range(1, 7) for k in range(2)]
        assert _actions(store, "night") == expected
        summary = overview.summary(store.cursor(), SessionFilter())
        assert (summary.sessions, summary.users, summary.actions) == (1, 1, 12)
        # a time range on the 20th finds the session, with the actions of that day only
        after = overview.summary(store.cursor(), SessionFilter(start_ms=MIDNIGHT))
        assert (after.sessions, after.actions) == (1, 6)


def test_a_session_still_going_waits_and_is_compacted_when_over(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    start = MIDNIGHT + 2 * HOUR
    _spool(lake, [(make_batch("slow", 1, start), start + 5_000)])
    report = compact_lake(lake, now_ms=start + HOUR + 2 * 60_000)  # its hour closed, 62 min
    assert (report.sessions, report.pending_sessions) == (1, 0)  # idle > 30 min: over
    late_start = start + 5 * HOUR
    _spool(lake, [(make_batch("long", 1, late_start), late_start + 59 * 60_000)])
    report = compact_lake(lake, now_ms=late_start + 62 * 60_000)  # hour closed, 3 min idle
    assert (report.sessions, report.pending_sessions) == (0, 1)  # waits
    assert len(list((lake / "pending").glob("*.ndjson"))) == 1
    _spool(lake, [(make_batch("long", 2, late_start, final=True), late_start + 2 * HOUR)])
    report = compact_lake(lake, now_ms=late_start + 3 * HOUR + 2 * 60_000)
    assert (report.sessions, report.pending_sessions, report.batches) == (1, 0, 2)
    assert not list((lake / "pending").glob("*.ndjson"))
    with LakeStore(lake) as store:
        assert _actions(store, "long") == ["click on 'Step 1.0'", "click on 'Step 2.0'"]
        rows = store.query("SELECT count(*) FROM sessions").rows
        assert rows == [(2,)]
    # a retry arriving after its session was compacted is set aside, not a second session
    _spool(lake, [(make_batch("long", 2, late_start, final=True), late_start + 4 * HOUR)])
    report = compact_lake(lake, now_ms=late_start + 6 * HOUR)
    assert (report.sessions, report.late) == (0, 1)
    assert len(list((lake / "late").glob("*.ndjson"))) == 1
    with LakeStore(lake) as store:
        assert store.query("SELECT count(*) FROM sessions").rows == [(2,)]


def test_an_open_hour_is_left_to_its_collector(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    start = MIDNIGHT
    _spool(lake, [(make_batch("now", 1, start, final=True), start + 1000)])
    assert compact_lake(lake, now_ms=start + 30 * 60_000).sessions == 0
    assert len(list((lake / "incoming").rglob("*.ndjson"))) == 1
    assert compact_lake(lake, now_ms=start + 30 * 60_000, finish_all=True).sessions == 1


def test_a_line_cut_short_by_a_crash_is_skipped(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    _spool(lake, [(make_batch("torn", 1, MIDNIGHT, final=True), MIDNIGHT + 1000)])
    spooled = next((lake / "incoming").rglob("*.ndjson"))
    with spooled.open("ab") as handle:
        handle.write(json.dumps({"batch": make_batch("torn2", 1, MIDNIGHT)}).encode()[:50])
    report = compact_lake(lake, now_ms=MIDNIGHT + 3 * HOUR)
    assert (report.sessions, report.torn_lines) == (1, 1)


def test_a_run_killed_while_moving_parts_is_finished_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lake = tmp_path / "lake"
    _spool(lake, [(make_batch(f"s{k}", 1, MIDNIGHT + k, final=True), MIDNIGHT + 1000)
                  for k in range(3)])  # fmt: skip
    real_replace = os.replace
    moves = []

    def dying_replace(source: object, target: object) -> None:
        if len(moves) == 2:
            raise KeyboardInterrupt("killed")  # stands for the process dying here
        moves.append(target)
        real_replace(source, target)

    monkeypatch.setattr(compaction.os, "replace", dying_replace)
    with pytest.raises(KeyboardInterrupt):
        compact_lake(lake, now_ms=MIDNIGHT + 3 * HOUR)
    monkeypatch.setattr(compaction.os, "replace", real_replace)
    with LakeStore(lake) as store:  # a reader now sees whole parts, no sessions yet
        assert store.query("SELECT count(*) FROM sessions").rows == [(0,)]
    report = compact_lake(lake, now_ms=MIDNIGHT + 3 * HOUR)
    assert report.sessions == 0  # nothing left to do but what the journal said
    with LakeStore(lake) as store:
        assert store.query("SELECT count(*) FROM sessions").rows == [(3,)]
        assert store.query("SELECT count(DISTINCT session_id) FROM actions").rows == [(3,)]
    assert not (lake / ".staging").exists() or not any((lake / ".staging").iterdir())


def test_the_lake_holds_what_an_ingested_archive_of_the_same_batches_holds(
    tmp_path: Path,
) -> None:
    """Same columns, same rows: the lake's tables are the ingest's tables, by day."""
    lake = tmp_path / "lake"
    batches = [make_batch(f"u{k}", s, MIDNIGHT + k * 600_000, final=s == 3, clicks=3)
               for k in range(4) for s in (1, 2, 3)]  # fmt: skip
    _spool(lake, [(b, MIDNIGHT + 1000) for b in batches])
    compact_lake(lake, now_ms=MIDNIGHT + 3 * HOUR)
    archive = tmp_path / "same.webreplay"
    with ArchiveWriter(archive) as writer:
        for k in range(4):
            meta, events, rum, _ = session_from_batches(
                [b for b in batches if b["session"]["id"] == f"u{k}"]
            )
            writer.add_session(SessionMeta.from_json(meta.to_json()), events, rum)
    store, _ = open_store(archive)
    tables = ["sessions", "events", "actions", "errors", "requests", "vitals", "goals"]
    with store, LakeStore(lake) as lake_store:
        for table in tables:
            order = "session_id, started_at" if table == "sessions" else "session_id, ts"
            hidden = ["extra"] if table == "sessions" else []
            shown = f"* {'EXCLUDE (extra)' if hidden else ''}"
            ours = lake_store.query(f"SELECT {shown} FROM {table} ORDER BY {order}")
            theirs = store.query(f"SELECT {shown} FROM {table} ORDER BY {order}")
            assert ours.columns == theirs.columns, table
            assert ours.rows == theirs.rows, table
