"""The checkpoints of windowed loading (issue 23): computed by a child process reading the
store a stretch at a time, cached beside the store and reused; a window's size follows
the window, not the session."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from app.replay.checkpoint_cache import CheckpointIndex
from app.replay.windows import SessionWindows
from app.store.open import open_store
from app.store.queries import sessions as session_queries
from tests.heavy_session import write_heavy_ndjson


def _wait_done(windows: SessionWindows, session_id: str) -> None:
    """Until the child has finished and its file is published under its final name."""
    stream = windows._stream(session_id, None)
    assert stream is not None
    deadline = time.monotonic() + 120
    while (
        not (stream.index.refresh() or stream.index.done) or stream.index.path.suffix != ".ndjson"
    ):
        assert time.monotonic() < deadline, "the checkpoint child did not finish"
        time.sleep(0.05)


def _window(windows: SessionWindows, session_id: str, t: float | None) -> dict:
    return json.loads(windows.window(session_id, None, t))


def test_checkpoints_are_cached_beside_the_store_and_windows_stay_small(tmp_path: Path) -> None:
    recording = tmp_path / "long.ndjson"
    write_heavy_ndjson(recording, minutes=12, seed=4)
    store, _ = open_store(recording)
    with store:
        [summary] = session_queries.summaries(store.cursor())
        sid = summary.session_id
        windows = SessionWindows(store, ahead_ms=60_000)
        start = _window(windows, sid, None)  # served at once, from the recording's start
        assert start["start"] == start["first"] and start["end"] == start["first"] + 60_000
        _wait_done(windows, sid)
        caches = list(store.db_path.parent.glob(f"{store.db_path.stem}.checkpoints/*.ndjson"))
        assert len(caches) == 1
        lines = [json.loads(line) for line in caches[0].read_text().splitlines()]
        stamps = [line["ts"] for line in lines if "ts" in line]
        # one per 1,000 events (100 s here): app.rrweb.checkpoints
        assert len(stamps) >= 6 and stamps == sorted(stamps) and lines[-1] == {"done": True}

        first, last = start["first"], start["last"]
        sizes = []
        for t in (first + 3 * 60_000, first + 7 * 60_000, last - 1_000):
            window = _window(windows, sid, t)
            assert window["events"][0]["type"] == 4 and window["events"][0].get("synthetic")
            assert window["start"] <= t <= window["end"] <= t + 60_000
            assert t - window["start"] < 3 * 60_000  # a checkpoint close before it
            sizes.append(len(window["events"]))
        assert max(sizes) < summary.events / 3
        windows.stop()

        again = SessionWindows(store, ahead_ms=60_000)  # a later opening reuses the file
        stream = again._stream(sid, None)
        assert stream is not None and stream.child is None and stream.index.done
        assert _window(again, sid, last - 1_000) == _window(windows, sid, last - 1_000)


def test_a_read_racing_the_rename_of_the_finished_file_finds_it(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """The finished partial file is linked under its final name, the index switched to it,
    and the partial name removed (``windows._publish``). A window read that took the
    partial name just before found no file, and its seek was never applied (seen once in
    the demo's A → B → A test). Replayed here in that order, deterministically."""
    partial = tmp_path / "stream.partial"
    final = tmp_path / "stream.ndjson"
    partial.write_bytes(
        b'{"ts":1500.5,"events":[{"type":4},{"type":2}]}\n{"progress":2000}\n{"done":true}\n'
    )
    index = CheckpointIndex(partial, 1000)
    index.refresh()
    (checkpoint,) = index.checkpoints
    real_open = Path.open

    def publish_then_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == partial and partial.exists():  # the publisher runs between name and open
            os.link(partial, final)
            index.path = final
            partial.unlink()
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", publish_then_open)
    assert index.synthetic_events(checkpoint) == b'{"type":4},{"type":2}'
    assert index.path == final and not partial.exists()


def test_a_short_session_is_replayed_from_its_start_without_a_child(tmp_path: Path) -> None:
    """A session of a few hundred events (every session of the bundled demo) starts no
    checkpoint process: its windows reach back to its first event, and a seek never waits."""
    recording = tmp_path / "short.ndjson"
    write_heavy_ndjson(recording, minutes=1, seed=6, rate=5)
    store, _ = open_store(recording)
    with store:
        [summary] = session_queries.summaries(store.cursor())
        sid = summary.session_id
        assert summary.events <= 1_000
        windows = SessionWindows(store, ahead_ms=60_000)
        near_end = _window(windows, sid, None)["last"] - 500
        window = _window(windows, sid, near_end)
        stream = windows._stream(sid, None)
        assert stream is not None and stream.child is None
        assert window["start"] == window["first"] and window["events"][0]["type"] == 4
        assert not store.sidecar_path(".checkpoints").exists()

        # the same stream with checkpoints forced on takes them from a child
        forced = SessionWindows(store, ahead_ms=60_000, small_stream_events=0)
        _wait_done(forced, sid)
        assert forced._stream(sid, None).child is not None
        forced.stop()


def test_closing_during_the_computation_leaves_no_half_file(tmp_path: Path) -> None:
    recording = tmp_path / "long.ndjson"
    write_heavy_ndjson(recording, minutes=12, seed=9)
    store, _ = open_store(recording)
    with store:
        [summary] = session_queries.summaries(store.cursor())
        windows = SessionWindows(store, ahead_ms=60_000)
        _window(windows, summary.session_id, None)
        stream = windows._stream(summary.session_id, None)
        assert stream is not None
        deadline = time.monotonic() + 60
        while not stream.index.path.exists():  # the child has begun writing
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert stream.child_running() and stream.index.path.suffix == ".partial"
        windows.stop()
        assert stream.child is not None and stream.child.returncode != 0
        folder = store.sidecar_path(".checkpoints")
        assert list(folder.glob("*")) == []
