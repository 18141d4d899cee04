"""Big single-file recordings, written as generated: an rrweb NDJSON file and a PostHog
export of a chosen size (issue 23: "a 1 GB input file ingested with peak memory < 1.5 GB").

Why a module of its own: the heavy session (:mod:`tests.heavy_session`) sets the content —
a real page and ~10 events a second of DOM-heavy activity — and this only decides how much
of it and in which container. The events are the heavy session's, written one at a time
until the file reaches ``target_bytes``, so a gigabyte is never held as Python objects.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from tests.heavy_session import iter_heavy_session

POSTHOG_WINDOW = "0190-big-window"
POSTHOG_SESSION = "0190-big-session"
POSTHOG_PERSON = {"id": 7, "name": "Big File", "distinct_ids": ["big-file-user"]}
# a heavy session of this many minutes is longer than any file this module is asked for
_ENOUGH_MINUTES = 60 * 24 * 30


def _event_lines(target_bytes: int, window: str | None = None) -> Iterator[str]:
    """Heavy-session events as compact JSON until they add up to ``target_bytes``."""
    size = 0
    for event in iter_heavy_session(_ENOUGH_MINUTES):
        if window is not None:
            event["windowId"] = window
        text = json.dumps(event, separators=(",", ":"))
        yield text
        size += len(text) + 1
        if size >= target_bytes:
            return


def write_rrweb_ndjson(path: Path, target_bytes: int) -> int:
    """A plain rrweb recording, one event a line, of about ``target_bytes``; events written."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for text in _event_lines(target_bytes):
            out.write(text + "\n")
            count += 1
    return count


def write_posthog_export(path: Path, target_bytes: int) -> int:
    """A PostHog "export to file" (``2023-04-28``: ``data.snapshots``, each event tagged with
    its window id) of about ``target_bytes``; events written."""
    head = {"version": "2023-04-28", "data": {"id": POSTHOG_SESSION, "person": POSTHOG_PERSON}}
    opening = json.dumps(head, separators=(",", ":"))[:-2]  # without the closing "}}"
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(opening + ',"snapshots":[')
        for text in _event_lines(target_bytes, POSTHOG_WINDOW):
            out.write(("," if count else "") + text)
            count += 1
        out.write("]}}\n")
    return count
