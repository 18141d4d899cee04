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


def _show_demo(replay: Any) -> list[Any]:
    """The demo archive in the windowed player; its sessions."""
    store, _ = open_store(demo_archive_path())
    replay.store = store  # closed with the view
    windows = SessionWindows(store)
    replay.windows = windows
    replay.view.set_events_provider(store_events(store), store, windows.window)
    return session_queries.summaries(store.cursor())


def _load(replay: Any, session_id: str) -> None:
    stream = replay_queries.windows(replay.store.cursor(), session_id)[0][0]
    with replay.qtbot.waitSignal(replay.view.session_loaded, timeout=LOAD_TIMEOUT_MS) as got:
        replay.view.show_session(session_id, stream)
    replay.first_ms, replay.last_ms = got.args


def _document_scroll(replay: Any) -> list[int]:
    return replay.js_json(
        "const w = window.replayDocument().defaultView; return [w.scrollX, w.scrollY];"
    )


def test_a_scroll_seen_at_b_does_not_come_back_at_a(replay: Any) -> None:
    """Demo s0097 scrolls the document for the first time at 28.4 s (444 px), then to 43 px
    at 31.0 s. At 16 s the page is unscrolled, however it was reached: before the fix, the
    way back from 31.4 s kept 43 px — rrweb's virtual document held on to the scroll of the
    earlier catch-up and applied it again on the next one."""
    _show_demo(replay)
    _load(replay, "s0097")
    replay.seek(15_982)
    assert _document_scroll(replay) == [0, 0]
    before = replay.js("window.replayStateText()")
    replay.seek(31_390)
    assert _document_scroll(replay) == [0, 43]
    replay.seek(15_982)
    assert _document_scroll(replay) == [0, 0]
    assert replay.js("window.replayStateText()") == before
    replay.seek(29_000)  # forward, past the first scroll: 444 px, not a stale 43
    assert _document_scroll(replay) == [0, 444]
    assert replay.bridge.errors == []


def test_a_to_b_to_a_on_every_demo_session(replay: Any) -> None:
    sessions = _show_demo(replay)
    rng = random.Random(23)
    assert len(sessions) > 20
    differing = []
    for summary in sessions:
        _load(replay, summary.session_id)
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
