"""Plain rrweb files and PostHog exports, recognised by content and read as streams."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from app.archive.detect import open_recording
from app.archive.posthog import PosthogExport
from app.archive.recording import RrwebFile
from tests.builders import T0, basic_events


def _events_of(path: Path) -> list[dict]:
    source = open_recording(path)
    sessions = list(source.sessions())
    assert len(sessions) == 1
    return list(sessions[0].events)


def _write(path: Path, payload: str, gz: bool) -> Path:
    data = payload.encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("layout", ["array", "object", "ndjson", "pretty"])
def test_every_rrweb_layout_gives_the_same_events(tmp_path: Path, layout: str, gz: bool) -> None:
    events = basic_events()
    payload = {
        "array": json.dumps(events),
        "object": json.dumps({"meta": {"x": 1}, "events": events}),
        "ndjson": "\n".join(json.dumps(e) for e in events) + "\n",
        "pretty": json.dumps(events, indent=2),
    }[layout]
    # The name says nothing: the reader is chosen by content.
    path = _write(tmp_path / "recording.dat", payload, gz)
    assert isinstance(open_recording(path), RrwebFile)
    assert _events_of(path) == events


def test_sentry_style_segments_are_flattened_and_seconds_become_ms(tmp_path: Path) -> None:
    events = basic_events()
    seconds = [dict(e, timestamp=e["timestamp"] / 1000) for e in events]
    path = tmp_path / "segments.json"
    path.write_text(json.dumps([seconds[:3], seconds[3:]]))
    assert [e["timestamp"] for e in _events_of(path)] == [e["timestamp"] for e in events]


def _posthog_v2(events: list[dict], window: object) -> dict:
    snapshots = [dict(e, windowId=window) for e in events]
    return {
        "version": "2023-04-28",
        "data": {
            "id": "0189abc-session",
            "person": {
                "id": 11,
                "distinct_ids": ["d-1"],
                "properties": {"email": "ashley@example.com"},
            },
            "snapshots": snapshots,
        },
    }


@pytest.mark.parametrize("window", ["0189a-7c1e-tab-uuid", 1], ids=["string", "number"])
def test_posthog_2023_export_keeps_window_ids_and_person(tmp_path: Path, window: object) -> None:
    path = tmp_path / "export-0189abc-ph-recording.json"
    path.write_text(json.dumps(_posthog_v2(basic_events(), window), indent=2))
    source = open_recording(path)
    assert isinstance(source, PosthogExport)
    session = next(iter(source.sessions()))
    events = list(session.events)
    assert session.meta.session_id == "0189abc-session"
    assert session.meta.user_id == "ashley@example.com"
    assert len(events) == len(basic_events())
    assert {e["windowId"] for e in events} == {window}


def test_posthog_2022_export_flattens_windows(tmp_path: Path) -> None:
    first, second = basic_events()[:4], basic_events(T0 + 10)[4:]
    doc = {
        "version": "2022-12-02",
        "data": {"person": None, "snapshotsByWindowId": {"window-a": first, "window-b": second}},
    }
    path = tmp_path / "old.ph-recording.json"
    path.write_text(json.dumps(doc))
    events = _events_of(path)
    assert len(events) == len(first) + len(second)
    assert [e["windowId"] for e in events] == ["window-a"] * 4 + ["window-b"] * len(second)


def _squash(value: object) -> str:
    """PostHog's ``cv: 2024-10`` encoding: gzip bytes carried as a latin-1 string."""
    return gzip.compress(json.dumps(value).encode()).decode("latin-1")


def test_posthog_compressed_payloads_are_inflated(tmp_path: Path) -> None:
    plain = basic_events()
    squashed = []
    for event in plain:
        event = json.loads(json.dumps(event))
        if event["type"] == 2:
            event["data"] = _squash(event["data"])
            event["cv"] = "2024-10"
        elif event["type"] == 3 and event["data"]["source"] == 0:
            for key in ("texts", "attributes", "removes", "adds"):
                event["data"][key] = _squash(event["data"][key])
            event["cv"] = "2024-10"
        squashed.append(event)
    path = tmp_path / "compressed.json"
    path.write_text(json.dumps(_posthog_v2(squashed, 1)))
    events = _events_of(path)
    full = next(e for e in events if e["type"] == 2)
    assert full["data"]["node"]["id"] == 1 and "cv" not in full
    mutation = next(e for e in events if e["type"] == 3 and e["data"]["source"] == 0)
    assert mutation["data"]["attributes"] == [{"id": 10, "attributes": {"disabled": ""}}]


def test_posthog_blob_lines_are_read(tmp_path: Path) -> None:
    events = basic_events()
    lines = [
        json.dumps({"window_id": "w1", "data": events[:5]}),
        json.dumps({"window_id": "w1", "data": events[5:]}),
    ]
    path = tmp_path / "recording_snapshots.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert len(_events_of(path)) == len(events)


def test_a_large_recording_is_streamed_not_loaded(tmp_path: Path) -> None:
    """The reader yields the first event before it has read the whole file."""
    path = tmp_path / "big.json"
    events = basic_events() * 2000
    path.write_text(json.dumps(events))
    stream = next(iter(open_recording(path).sessions())).events
    first = next(stream)
    assert first["type"] == 4
    # Damage the rest of the file after the first event was read: a streaming reader has
    # not parsed it yet, so it reports the damage instead of having everything in memory.
    with path.open("r+b") as handle:
        handle.seek(path.stat().st_size // 2)
        handle.write(b"\x00garbage")
    rest = list(stream)
    assert 0 < len(rest) < len(events) - 1


def test_small_synthetic_millisecond_times_are_not_taken_for_seconds(tmp_path: Path) -> None:
    events = [dict(e, timestamp=e["timestamp"] - T0) for e in basic_events()]  # 0, 5, 1000, …
    path = tmp_path / "synthetic.json"
    path.write_text(json.dumps(events))
    assert [e["timestamp"] for e in _events_of(path)] == [e["timestamp"] for e in events]
