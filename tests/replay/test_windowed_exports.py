"""Frames and clips of a long session read windows (issue 23): near the end of a 30-minute
heavy session they show what the whole-session replay shows, while the page is handed the
events of a window or two, not the session's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.replay.engine import prepare_web_engine
from app.store.open import open_store
from app.store.queries import replay_window
from app.store.queries import sessions as session_queries
from app.store.store import SessionStore
from tests.heavy_session import heavy_session

prepare_web_engine()

from PySide6.QtGui import QImage  # noqa: E402

from app.export.clip_plan import ClipRange  # noqa: E402
from app.replay.checkpoint_cache import EVERY_MS, MIN_EVENTS  # noqa: E402
from app.replay.clips import export_clip, rgb_array  # noqa: E402
from app.replay.events import store_events  # noqa: E402
from app.replay.frames import render_frames  # noqa: E402
from app.replay.scheme import WindowsProvider  # noqa: E402
from app.replay.store_windows import windows_of  # noqa: E402
from app.replay.windows import AHEAD_MS  # noqa: E402
from tests.replay.test_clips import MAX_MEAN_DIFFERENCE, decoded  # noqa: E402

pytestmark = pytest.mark.webengine
MINUTES = 30
RATE = 5  # events a second
SIZE = (640, 400)
WINDOW_CAP = max(MIN_EVENTS, RATE * EVERY_MS // 1000) + RATE * AHEAD_MS // 1000 + 10
"""The most events one window may hold: a window reaches from the checkpoint before its time
(checkpoints are at least MIN_EVENTS events and EVERY_MS apart) to AHEAD_MS after it, plus
the checkpoint's own events — whatever the session's length (here 9,000 events)."""


class LongSession:
    def __init__(self, store: SessionStore, session_id: str, events: int) -> None:
        self.store, self.session_id, self.events = store, session_id, events
        span = replay_window.session_span(store.cursor(), session_id)
        assert span is not None
        self.first_ms, self.last_ms = span


@pytest.fixture(scope="module")
def long_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LongSession]:
    events = heavy_session(minutes=MINUTES, rate=RATE, seed=13)
    path = tmp_path_factory.mktemp("long") / "long.json"
    path.write_text(json.dumps(events), encoding="utf-8")
    store, _ = open_store(path)
    with store:
        [summary] = session_queries.summaries(store.cursor())
        yield LongSession(store, summary.session_id, len(events))


class Handed:
    """The windows of ``windows``, counting the events each one hands to the page."""

    def __init__(self, windows: WindowsProvider) -> None:
        self.windows = windows
        self.counts: list[int] = []

    def __call__(self, sid: str, window: str | None, t: float | None, ahead: float | None) -> bytes:
        answer = self.windows(sid, window, t, ahead)
        self.counts.append(len(json.loads(answer)["events"]))
        return answer


def whole_events(session: LongSession, counts: list[int]) -> Any:
    """The whole-session path (the player before windows), counting what it hands over."""
    provide = store_events(session.store)

    def whole(session_id: str, window: str | None = None) -> bytes:
        data = provide(session_id, window)
        counts.append(len(json.loads(data)))
        return data

    return whole


class _Document(HTMLParser):
    """A document's elements, texts and attributes, attributes in name order.

    Why not the text itself: a window starts at a synthetic checkpoint, which writes each
    element's attributes in one order where the recorded mutations set them in another —
    the same document, as rrweb's replay of it and the player's fingerprint see it.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[Any] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append((tag, sorted(set(attrs), key=str)))

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append("/" + tag)

    def handle_data(self, data: str) -> None:
        self.tokens.append(data)


def document(path: Path) -> list[Any]:
    parser = _Document()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tokens


def pixels(path: Path) -> np.ndarray:
    return rgb_array(QImage(str(path)).convertToFormat(QImage.Format.Format_RGB888))


def difference(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(int) - b.astype(int)).mean())


def test_a_frame_near_the_end_is_the_whole_replays_frame_from_two_windows(
    qapp: Any, long_session: LongSession, tmp_path: Path
) -> None:
    session = long_session
    at = session.last_ms - 3_000
    with windows_of(session.store) as windows:
        handed = Handed(windows.window)
        [framed] = render_frames(
            session.store, session.session_id, [at], tmp_path / "windowed", SIZE, windows=handed
        )
    whole_counts: list[int] = []
    [reference] = render_frames(
        session.store, session.session_id, [at], tmp_path / "whole", SIZE,
        whole_events=whole_events(session, whole_counts),
    )  # fmt: skip
    assert whole_counts == [session.events]
    assert len(handed.counts) == 2  # the session's start (on loading), then the end's
    assert max(handed.counts) <= WINDOW_CAP < session.events / 10, handed.counts
    assert document(framed.html) == document(reference.html)
    diff = difference(pixels(framed.png), pixels(reference.png))
    assert diff < MAX_MEAN_DIFFERENCE, f"mean difference {diff:.2f}"


def test_a_clip_near_the_end_shows_the_whole_replays_frames_from_windows(
    qapp: Any, long_session: LongSession, tmp_path: Path
) -> None:
    session = long_session
    start = session.last_ms - 8_000
    clip = ClipRange(session.session_id, start, start + 6_000, fps=5, size=SIZE, caption=False)
    with windows_of(session.store) as windows:
        handed = Handed(windows.window)
        out = export_clip(
            session.store, clip, "mp4", tmp_path / "end.mp4", mask=False, windows=handed
        )
    frames, _duration, _stream = decoded(out)
    assert len(frames) == 30
    # the first frame, one in the first window, and the last (in a later window: a paused
    # seek's window reaches 5 s past its time)
    picks = [0, 12, 29]
    whole_counts: list[int] = []
    reference = render_frames(
        session.store, session.session_id, [start + 200 * i for i in picks], tmp_path / "whole",
        SIZE, whole_events=whole_events(session, whole_counts),
    )  # fmt: skip
    assert whole_counts == [session.events]
    assert len(handed.counts) >= 3  # the start, the clip's start, and on
    assert max(handed.counts) <= WINDOW_CAP < session.events / 10, handed.counts
    assert sum(handed.counts) < session.events / 4, handed.counts
    diffs = [difference(frames[i], pixels(f.png)) for i, f in zip(picks, reference, strict=True)]
    assert max(diffs) < MAX_MEAN_DIFFERENCE, diffs
    # the comparison tells these moments apart
    assert difference(frames[0], pixels(reference[-1].png)) > max(diffs), diffs
