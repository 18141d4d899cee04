"""Gaps (issue 23): a recording whose middle batch is missing — a minute without events,
then mutations naming nodes the player never saw — shows the gap on the timeline and plays
through to the end in the windowed player, ending on what rrweb shows for the whole
recording."""

from __future__ import annotations

from typing import Any

import pytest

from app.replay.events import store_events
from app.state.time_cursor import TimeCursor
from app.store.queries import replay as replay_queries
from app.ui.timeline import TimelineData, TimelineWidget
from tests.heavy_session import heavy_session
from tests.replay.conftest import LOAD_TIMEOUT_MS

pytestmark = pytest.mark.webengine

HOLE = (150_000, 240_000)  # ms after the start: the batch lost


def _with_hole() -> list[dict[str, Any]]:
    events = heavy_session(minutes=6, rate=10, seed=9)
    t0 = events[0]["timestamp"]
    kept = [e for e in events if not HOLE[0] <= e["timestamp"] - t0 < HOLE[1]]
    after = next(i for i, e in enumerate(kept) if e["timestamp"] - t0 >= HOLE[1])
    at = kept[after]["timestamp"]
    orphans = {  # what the lost batch would have made sense of
        "type": 3,
        "timestamp": at,
        "data": {
            "source": 0,
            "texts": [{"id": 990_001, "value": "lost"}],
            "attributes": [{"id": 990_002, "attributes": {"class": "lost"}}],
            "removes": [{"parentId": 990_003, "id": 990_004}],
            "adds": [
                {
                    "parentId": 990_005,
                    "nextId": None,
                    "node": {
                        "type": 2,
                        "tagName": "div",
                        "attributes": {},
                        "childNodes": [],
                        "id": 990_006,
                    },
                }
            ],
        },
    }
    return [*kept[:after], orphans, *kept[after:]]


def test_a_missing_batch_is_a_gap_and_playback_runs_through_it(replay: Any, qtbot: Any) -> None:
    replay.windowed_ahead_ms = 60_000
    first, last = replay.open_events("holed", _with_hole())
    detail = replay_queries.detail(replay.store.cursor(), replay.session_id)
    assert detail is not None
    [(gap_start, gap_end)] = detail.gaps
    assert gap_start < first + HOLE[0] + 200 and first + HOLE[1] <= gap_end < first + HOLE[1] + 200
    timeline = TimelineWidget(TimeCursor())
    qtbot.addWidget(timeline)
    timeline.set_data(TimelineData(int(first), int(last), gaps=detail.gaps))
    assert "not recorded" in timeline.legend.text()

    start = HOLE[0] - 20_000
    replay.play_to_end(start, speed=64, timeout=60_000)  # across the gap and on to the end
    ticks = sorted(offset for offset, _seq in replay.ticks if offset >= start)
    assert ticks[-1] == pytest.approx(replay.duration, abs=1)
    assert any(t > HOLE[1] for t in ticks)
    replay.seek(replay.duration)
    windowed_end = replay.js("window.replayFingerprint()")
    assert replay.bridge.errors == []

    replay.view.set_events_provider(store_events(replay.store), replay.store)  # whole, plain
    with replay.qtbot.waitSignal(replay.view.session_loaded, timeout=LOAD_TIMEOUT_MS):
        replay.view.show_session(replay.session_id)
    replay.seek(replay.duration)
    assert replay.js("window.replayFingerprint()") == windowed_end
