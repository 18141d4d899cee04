"""What the player receives: checkpoints only where they pay, never a broken stream."""

from __future__ import annotations

import json
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
    cache = PlayerEvents()
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


def test_the_provider_wraps_the_store() -> None:
    calls: list[tuple[str, str | None]] = []

    def fetch(session_id: str, window_id: str | None) -> bytes:
        calls.append((session_id, window_id))
        return b"[]"

    assert PlayerEvents().provider(fetch)("s1", "w") == b"[]"
    assert calls == [("s1", "w")]


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
