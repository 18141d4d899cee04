"""What the player receives: checkpoints only where they pay, never a broken stream."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.replay import events as player_events
from app.replay.events import PlayerEvents, events_for_player
from app.rrweb.checkpoints import add_checkpoints, is_synthetic
from tests.heavy_session import heavy_session


def as_json(events: list[dict[str, Any]]) -> bytes:
    return json.dumps(events, separators=(",", ":")).encode()


def test_a_short_session_goes_out_unchanged() -> None:
    raw = as_json(heavy_session(minutes=1))
    assert events_for_player(raw) is raw


def test_a_long_session_gets_the_checkpoints_add_checkpoints_writes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(player_events, "MIN_EVENTS", 1_000)
    events = heavy_session(minutes=4)  # 2,400 events
    raw = as_json(events)
    cache = PlayerEvents(child_above_bytes=len(raw))  # in this process (MIN_EVENTS patched)
    out = cache.prepare(raw)
    assert out is not raw
    served = json.loads(out)
    assert served == add_checkpoints(events)
    assert any(is_synthetic(e) for e in served)
    assert (served[0]["timestamp"], served[-1]["timestamp"]) == (
        events[0]["timestamp"],
        events[-1]["timestamp"],
    )
    assert cache.prepare(raw) is out  # cached by content
    assert events_for_player(raw) is not out  # (the function alone keeps nothing)


def test_unsorted_or_unreadable_events_are_handled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(player_events, "MIN_EVENTS", 1_000)
    events = heavy_session(minutes=4)
    shuffled = [events[1], events[0], *events[2:]]
    assert json.loads(events_for_player(as_json(shuffled))) == add_checkpoints(shuffled)
    for broken in (b"", b"[", b"{}", b"[1,2]", b"\xff\xfe", b'[{"type":2,"data":{"node":[]}}'):
        assert events_for_player(broken) is broken


def test_a_session_the_checkpoints_fail_on_is_served_as_recorded_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    depth = 100_000  # deeper than the JSON decoder recurses: decoding the event fails
    nested = b'[{"type":3,"timestamp":1,"data":' + b"[" * depth + b"]" * depth + b"}]"
    with caplog.at_level("WARNING", logger="app.replay.events"):
        cache = PlayerEvents()
        assert cache.prepare(nested) is nested
        assert cache.prepare(nested) is nested  # remembered: logged once
    (record,) = caplog.records
    assert "checkpoint" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is RecursionError


def test_a_long_session_is_prepared_in_a_child_process_with_the_same_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above the size limit a child process (this app again) reads the store, writes the
    checkpoints and cuts the parts: the window's interpreter runs none of it, and the
    player gets exactly what the in-process path gives."""
    from app.archive.model import SessionMeta
    from app.archive.writer import ArchiveWriter
    from app.store.ingest import ingest_file
    from app.store.store import SessionStore

    events = heavy_session(minutes=12)  # over MIN_DURATION_MS: the child adds checkpoints
    archive = tmp_path / "long.webreplay"
    with ArchiveWriter(archive, application={"name": "test"}) as writer:
        writer.add_session(SessionMeta(session_id="long", user_id="u1"), events)
    store = SessionStore(ingest_file(archive, tmp_path / "long.duckdb").db_path)
    children: list[tuple[str, str | None]] = []
    real = player_events.parts_in_child

    def counted(db: Path, session_id: str, window_id: str | None, *rest: Any) -> list[bytes]:
        children.append((session_id, window_id))
        return real(db, session_id, window_id, *rest)

    monkeypatch.setattr(player_events, "parts_in_child", counted)
    with store:
        here = PlayerEvents(child_above_bytes=1 << 40).store_provider(store)("long", None)
        assert children == []
        child = PlayerEvents(child_above_bytes=0).store_provider(store)("long", None)
    assert children == [("long", None)]
    assert child == here
    served = [e for part in child for e in json.loads(part)["events"]]
    assert all(json.loads(part)["parts"] == len(child) for part in child)
    assert any(is_synthetic(e) for e in served)
    assert served == add_checkpoints(events)


def test_the_child_is_started_by_the_entry_point_the_events_module_names() -> None:
    from app import main

    assert main.EVENTS_WORKER == player_events.EVENTS_WORKER
