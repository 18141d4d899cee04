"""One rrweb recording wrapped the way each producer writes it (for the format tests).

Every wrapper takes plain rrweb events and a folder, writes the file (or files) a user of
that product would hold, and returns the path to open. The shapes follow the producers'
own code and API docs (see ``../shared/brief/peers-and-formats.md``).
"""

from __future__ import annotations

import copy
import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

WINDOW = "0196e180-73bd-7b72-869b-35ee20bbbcd1"
Events = list[dict[str, Any]]


def _dump(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc))
    return path


def squash(value: object) -> str:
    """PostHog's ``cv: 2024-10`` encoding: gzip bytes carried as a latin-1 string."""
    return gzip.compress(json.dumps(value).encode()).decode("latin-1")


def compressed(events: Events) -> Events:
    """Full snapshots and mutations compressed as PostHog's capture pipeline stores them."""
    out = []
    for event in copy.deepcopy(events):
        if event["type"] == 2:
            event["data"], event["cv"] = squash(event["data"]), "2024-10"
        elif event["type"] == 3 and event["data"].get("source") == 0:
            for key in ("texts", "attributes", "removes", "adds"):
                event["data"][key] = squash(event["data"].get(key, []))
            event["cv"] = "2024-10"
        out.append(event)
    return out


def blob_lines(events: Events, window: object = WINDOW) -> str:
    return "".join(json.dumps([window, e]) + "\n" for e in compressed(events))


def rrweb_array(events: Events, folder: Path) -> Path:
    return _dump(folder / "recording.json", events)


def rrweb_ndjson_gz(events: Events, folder: Path) -> Path:
    path = folder / "recording.ndjson.gz"
    path.write_bytes(gzip.compress("".join(json.dumps(e) + "\n" for e in events).encode()))
    return path


def posthog_2023(events: Events, folder: Path) -> Path:
    snapshots = [dict(e, windowId=1) for e in compressed(events)]
    doc = {"version": "2023-04-28", "data": {"id": "ph-session", "person": None,
                                             "snapshots": snapshots}}  # fmt: skip
    return _dump(folder / "export-ph-session-ph-recording.json", doc)


def posthog_2022(events: Events, folder: Path) -> Path:
    doc = {"version": "2022-12-02", "data": {"person": None,
                                             "snapshotsByWindowId": {WINDOW: events}}}  # fmt: skip
    return _dump(folder / "export.ph-recording.json", doc)


def posthog_unknown_version(events: Events, folder: Path) -> Path:
    """What third-party download scripts write from blob_v2 lines: pairs, a new version."""
    pairs = [[WINDOW, e] for e in compressed(events)]
    doc = {"version": "2024-04-30", "data": {"id": "ph-session", "snapshots": pairs}}
    return _dump(folder / "downloaded.json", doc)


def posthog_blob_v2(events: Events, folder: Path) -> Path:
    path = folder / "blob_v2-key0.jsonl"
    path.write_text(blob_lines(events))
    return path


def posthog_blob_v2_gz(events: Events, folder: Path) -> Path:
    path = folder / "blob.jsonl.gz"
    path.write_bytes(gzip.compress(blob_lines(events).encode()))
    return path


def posthog_blob_v2_folder(events: Events, folder: Path) -> Path:
    """Two blobs of one session, named so that the later one sorts first."""
    blobs = folder / "blobs"
    blobs.mkdir()
    half = len(events) // 2
    (blobs / "a-later.jsonl").write_text(blob_lines(events[half:]))
    (blobs / "b-earlier.jsonl").write_text(blob_lines(events[:half]))
    return blobs


def posthog_blob_v1(events: Events, folder: Path) -> Path:
    half = len(events) // 2
    lines = [{"window_id": WINDOW, "data": events[:half]}, {"window_id": WINDOW,
                                                             "data": events[half:]}]  # fmt: skip
    path = folder / "recording_snapshots.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def posthog_api_result(events: Events, folder: Path) -> Path:
    person = {"id": 737, "name": "ashley", "distinct_ids": ["d-1"], "properties": {}}
    doc = {"result": {"snapshots": events, "person": person,
                      "start_time": "2026-11-23T10:00:00Z"}}  # fmt: skip
    return _dump(folder / "snapshots.json", doc)


def posthog_api_windows(events: Events, folder: Path) -> Path:
    doc = {"snapshot_data_by_window_id": {WINDOW: events}, "next": None}
    return _dump(folder / "snapshots-by-window.json", doc)


def highlight_payloads(events: Events, folder: Path) -> Path:
    """Two push payloads of one session, as Highlight's SDK sends them."""
    payloads = folder / "highlight"
    payloads.mkdir()
    half = len(events) // 2
    for name, part in (("payload-1.json", events[:half]), ("payload-2.json", events[half:])):
        doc = {
            "session_secure_id": "HL-SECURE-1",
            "events": {"events": [dict(e, _sid=i) for i, e in enumerate(part)]},
            "messages": json.dumps({"messages": []}),
            "resources": json.dumps({"resources": []}),
            "errors": [],
            "is_beacon": False,
        }
        _dump(payloads / name, doc)
    return payloads


def sentry_segments(events: Events, folder: Path) -> Path:
    """Sentry's recording-segments download: segments of events; Sentry writes its custom
    events' times in seconds, so plugin and custom events here are in seconds."""
    seconds = [
        dict(e, timestamp=e["timestamp"] / 1000) if e["type"] in (5, 6) else e for e in events
    ]
    third = len(events) // 3
    segments = [seconds[:third], seconds[third : 2 * third], seconds[2 * third :]]
    return _dump(folder / "recording-segments.json", segments)


WRAPPERS: dict[str, Callable[[Events, Path], Path]] = {
    "rrweb array": rrweb_array,
    "rrweb NDJSON gzip": rrweb_ndjson_gz,
    "PostHog export 2023-04-28": posthog_2023,
    "PostHog export 2022-12-02": posthog_2022,
    "PostHog export, unknown version": posthog_unknown_version,
    "PostHog blob_v2": posthog_blob_v2,
    "PostHog blob_v2 gzip": posthog_blob_v2_gz,
    "PostHog blob_v2, two blob files": posthog_blob_v2_folder,
    "PostHog blob (v1) lines": posthog_blob_v1,
    "PostHog API result.snapshots": posthog_api_result,
    "PostHog API snapshot_data_by_window_id": posthog_api_windows,
    "Highlight, two payloads": highlight_payloads,
    "Sentry recording segments": sentry_segments,
}
