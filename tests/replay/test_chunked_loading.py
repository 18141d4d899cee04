"""Big sessions reach the player in parts; the replay starts on the first part."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.replay import events as player_events
from tests.replay.conftest import LOAD_TIMEOUT_MS, RECORDING

pytestmark = pytest.mark.webengine


def test_events_arrive_in_parts_and_the_whole_session_replays(
    replay: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(player_events, "SPLIT_ABOVE_BYTES", 0)
    monkeypatch.setattr(player_events, "PART_EVENTS", 10)
    loads: list[tuple[float, float]] = []
    replay.view.session_loaded.connect(lambda first, last: loads.append((first, last)))
    replay.open(RECORDING)
    qtbot.waitUntil(lambda: len(loads) == 2, timeout=LOAD_TIMEOUT_MS)
    (first, early_end), (same_first, full_end) = loads
    last_event = max(e["timestamp"] for e in json.loads(RECORDING.read_text()))
    assert same_first == first and early_end < full_end == last_event
    replay.seek(full_end - first)
    assert replay.js("window.replayDocument().querySelector('h1').textContent.trim()") == (
        "Thank you for your order"
    )
    assert replay.bridge.errors == []
