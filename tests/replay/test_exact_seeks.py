"""Exact seeks (issue 23): A → B → A gives back the identical document — the DOM, the
form fields' state and the scroll offsets (``window.replayFingerprint``) — on every session
of the bundled demo, in the windowed player (real QtWebEngine + rrweb). rrweb has open bugs
of this kind: duplicate elements after repeated seeks (rrweb#1449), old and new DOM merged
(#1435), scroll not reset (#1472)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from app.replay.events import store_events
from app.replay.windows import SessionWindows
from app.store.demo import demo_archive_path
from app.store.open import open_store
from app.store.queries import replay as replay_queries
from app.store.queries import sessions as session_queries
from tests.replay.conftest import LOAD_TIMEOUT_MS

pytestmark = pytest.mark.webengine

TRIPLES_PER_SESSION = 2


def _first_difference(before: str, after: str) -> tuple[str, str]:
    """The first line of the document's state text that differs, before and after."""
    pairs = zip(before.split("\n"), after.split("\n"), strict=False)
    return next(((x[:160], y[:160]) for x, y in pairs if x != y), ("(shorter)", "(longer)"))


@pytest.mark.xfail(
    strict=True,
    reason="not fixed yet: 6 of 600 triples still differ (hover and scroll fixed: 94 before); "
    "e.g. s0037 A=3.5 s: the first visit after loading shows the document scrolled to 240 px "
    "(a scroll recorded at 8.2 s) where A->B->A shows 0 as recorded; never in isolation",
)
def test_a_to_b_to_a_on_every_demo_session(replay: Any) -> None:
    store, _ = open_store(demo_archive_path())
    replay.store = store  # closed with the view
    windows = SessionWindows(store)
    replay.windows = windows
    replay.view.set_events_provider(store_events(store), store, windows.window)
    rng = random.Random(23)
    sessions = session_queries.summaries(store.cursor())
    assert len(sessions) > 20
    differing = []
    for summary in sessions:
        stream = replay_queries.windows(store.cursor(), summary.session_id)[0][0]
        with replay.qtbot.waitSignal(replay.view.session_loaded, timeout=LOAD_TIMEOUT_MS) as got:
            replay.view.show_session(summary.session_id, stream)
        replay.first_ms, replay.last_ms = got.args
        for _ in range(TRIPLES_PER_SESSION):
            a, b = rng.uniform(0, replay.duration), rng.uniform(0, replay.duration)
            replay.seek(a)
            before = replay.js("window.replayStateText()")
            replay.seek(b)
            replay.seek(a)
            after = replay.js("window.replayStateText()")
            if after != before:
                differing.append((summary.session_id, a, b, _first_difference(before, after)))
    assert differing == []
    assert replay.bridge.errors == []
