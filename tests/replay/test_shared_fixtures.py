"""Public rrweb recordings open and play to the end without a JavaScript error.

``../shared/fixtures`` holds rrweb's own replay-test event files (iframes, shadow DOM,
adopted and mutated style sheets, canvas, video, dialogs, selections, custom elements,
document replacement, malformed CSS) and a real 81 s recording; the tests skip cleanly
on a checkout without it. Each file goes the user's way: ``open_store`` ingests it, the
view fetches its events from the store through the ``replay:`` scheme.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SHARED
from tests.replay.conftest import Replay

pytestmark = pytest.mark.webengine

SPEED = 16
PLAY_AT_MOST_MS = 32_000  # of recording time: 2 s at 16×; earlier events are seeked over


def _fixture_names() -> list[str]:
    folder = SHARED / "fixtures" / "rrweb-tests"
    names = sorted(p.name for p in folder.glob("*.json")) if folder.is_dir() else []
    return [f"rrweb-tests/{name}" for name in names] + ["real/rrweb-player-demo.json"]


def play_whole_file(replay: Replay, path: Path) -> None:
    replay.open(path)
    assert replay.bridge.errors == []
    # Long recordings start near their end (the seek applies every earlier event at once,
    # through rrweb's fast-forward); the rest really plays, to rrweb's 'finish'. Long: the
    # real demo (81 s), and the rrweb fixtures with tiny timestamps (1.9e9, or 0..155 in
    # hover.json) that ingestion reads as seconds, so they span hours (video-playback.json
    # even 540 years: one of its timestamps has an extra digit).
    start = max(0.0, replay.duration - PLAY_AT_MOST_MS)
    replay.play_to_end(start, speed=SPEED, timeout=20_000)
    assert replay.js("window.replayTime()") >= replay.duration - 1
    assert replay.js("!!window.replayDocument() && !!window.replayDocument().documentElement")


@pytest.mark.parametrize("name", _fixture_names())
def test_a_public_recording_plays_to_the_end_without_errors(
    replay: Replay, shared_fixtures: Path, name: str
) -> None:
    path = shared_fixtures / name
    if not path.is_file():
        pytest.skip(f"{name} is not in ../shared/fixtures")
    play_whole_file(replay, path)
    assert replay.bridge.errors == []
