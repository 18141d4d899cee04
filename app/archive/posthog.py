"""PostHog recordings in every shape PostHog has handed them out, read as streams.

* **Export to file** (``*.ph-recording.json``): ``{"version", "data": {"id", "person",
  "snapshots": [...]}}`` (``2023-04-28``) or ``data.snapshotsByWindowId`` (``2022-12-02``).
  Files of the same shape with another version string (third-party download scripts write
  them) are read with a warning: their events are ordinary PostHog events.
* **Snapshot API, ``source=blob_v2``** (and PostHog's storage): JSON lines, each a
  ``[windowId, event]`` pair; several blob files make one session. The older ``blob``
  source: lines of ``{"window_id", "data": [events]}``.
* **Older snapshot API responses**: ``{"result": {"snapshots", "person", "start_time"}}``
  and ``{"snapshot_data_by_window_id": {window: [events]}}``.

``windowId`` may be a string (tab UUID) or a number; it is kept on each event so the replay
can tell tabs apart. Compressed ``cv: "2024-10"`` payloads are inflated by
:func:`app.archive.events.normalise_event`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ijson

from app.archive.model import SessionMeta
from app.archive.recording import RecordedSession, RecordingFile, ndjson_items, session_id_from
from app.archive.safety import DEFAULT_LIMITS, Limits
from app.archive.streams import open_maybe_gzip

POSTHOG_VERSIONS = ("2023-04-28", "2022-12-02")


class PosthogExport(RecordingFile):
    """A PostHog "export to file" recording (any version string with a known layout)."""

    format = "posthog"

    def __init__(
        self,
        path: str | Path,
        layout: str,
        version: str | None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        super().__init__(path, layout, limits)
        self.version = version

    def sessions(self) -> Iterator[RecordedSession]:
        version = self.version or self._scalar("version")
        by_window = self._by_window(version)
        raw_id = self._scalar("data.id")
        joinable = isinstance(raw_id, str | int) and not isinstance(raw_id, bool) and raw_id != ""
        sid = session_id_from(str(raw_id)) if raw_id else session_id_from(self.path.name)
        if version not in POSTHOG_VERSIONS:
            self.warn(
                f"PostHog export version {version!r} is not one this app knows "
                f"({', '.join(POSTHOG_VERSIONS)}); its events were read as "
                f"{'2022-12-02' if by_window else '2023-04-28'} events",
                sid,
            )
        person = self._scalar("data.person") or {}
        meta = SessionMeta(session_id=sid, user_id=person_user(person))
        meta.extra = {"posthog_person": person} if person else {}
        items = (
            self._window_items("data.snapshotsByWindowId")
            if by_window
            else (unpaired(i) for i in self._stream_items("data.snapshots.item"))
        )
        yield RecordedSession(
            meta,
            self._checked(items, sid),
            person if isinstance(person, dict) else {},
            joinable=joinable,
        )

    def _by_window(self, version: Any) -> bool:
        """Whether the events are grouped by window (``2022-12-02``'s layout)."""
        if version in POSTHOG_VERSIONS:
            return version == "2022-12-02"
        try:
            with open_maybe_gzip(self.path, self.limits) as stream:
                for prefix, event, value in ijson.parse(stream):
                    if prefix == "data" and event == "map_key":
                        if value == "snapshotsByWindowId":
                            return True
                        if value == "snapshots":
                            return False
        except (ijson.JSONError, EOFError, OSError, UnicodeDecodeError):
            pass
        return False

    def _window_items(self, prefix: str) -> Iterator[Any]:
        """Events grouped by window id, each tagged with its window id."""
        with open_maybe_gzip(self.path, self.limits) as stream:
            for window_id, events in ijson.kvitems(stream, prefix, use_float=True):
                for event in events if isinstance(events, list) else []:
                    if isinstance(event, dict):
                        event.setdefault("windowId", window_id)
                    yield event


class PosthogApiResponse(PosthogExport):
    """An older snapshot API response: ``result.snapshots`` (with ``person``) or
    ``snapshot_data_by_window_id`` (at the top or under ``result``).

    These carry no session id, so the session is named after the file.
    """

    def sessions(self) -> Iterator[RecordedSession]:
        sid = self.name_session_id()
        person = self._scalar("result.person") or {}
        meta = SessionMeta(session_id=sid, user_id=person_user(person))
        meta.extra = {"posthog_person": person} if person else {}
        if self.layout == "result":
            items: Iterator[Any] = (
                unpaired(i) for i in self._stream_items("result.snapshots.item")
            )
        elif self.layout == "result-windows":
            items = self._window_items("result.snapshot_data_by_window_id")
        else:
            items = self._window_items("snapshot_data_by_window_id")
        yield RecordedSession(
            meta, self._checked(items, sid), person if isinstance(person, dict) else {}
        )


class PosthogBlob(RecordingFile):
    """JSON lines from PostHog's snapshot API or storage.

    ``blob_v2`` lines are ``[windowId, event]``; ``blob`` lines are ``{"window_id",
    "data": [events]}``. A blob holds no session id, but posthog-js makes a new window id
    with every new session, so blobs that share their first window id are parts of one
    session, which takes that id.
    """

    format = "posthog"

    def sessions(self) -> Iterator[RecordedSession]:
        window = self._first_window()
        joinable = window is not None
        sid = session_id_from(str(window)) if joinable else self.name_session_id()
        items = self._pairs() if self.layout == "blob_v2" else self._lines()
        events = self._checked(items, sid)
        yield RecordedSession(SessionMeta(session_id=sid), events, joinable=joinable)

    def _first_window(self) -> str | int | None:
        """The first line's window id, read without reading the rest of the line."""
        prefix = "item" if self.layout == "blob_v2" else "window_id"
        try:
            with open_maybe_gzip(self.path, self.limits) as stream:
                for value in ijson.items(stream, prefix, multiple_values=True):
                    ok = isinstance(value, str | int) and not isinstance(value, bool)
                    return value if ok and value != "" else None
        except (ijson.JSONError, EOFError, OSError, UnicodeDecodeError):
            return None
        return None

    def _pairs(self) -> Iterator[Any]:
        with open_maybe_gzip(self.path, self.limits) as stream:
            for line in ndjson_items(stream):
                yield unpaired(line)

    def _lines(self) -> Iterator[Any]:
        with open_maybe_gzip(self.path, self.limits) as stream:
            for line in ndjson_items(stream):
                if not isinstance(line, dict):
                    yield line  # counted as "not a JSON object"
                    continue
                for event in line.get("data") or []:
                    if isinstance(event, dict):
                        event.setdefault("windowId", line.get("window_id"))
                    yield event


def unpaired(item: Any) -> Any:
    """``[windowId, event]`` → the event tagged with its window id; anything else as is."""
    if isinstance(item, list) and len(item) == 2 and isinstance(item[1], dict):
        event = item[1]
        event.setdefault("windowId", item[0])
        return event
    return item


def person_user(person: Any) -> str | None:
    """The most readable user id a PostHog person offers (email, name, distinct id, id)."""
    if not isinstance(person, dict):
        return None
    ids = person.get("distinct_ids")
    props = person.get("properties")
    email = props.get("email") if isinstance(props, dict) else None
    first_id = ids[0] if isinstance(ids, list) and ids else None
    for candidate in (email, person.get("name"), first_id):
        if isinstance(candidate, str | int) and not isinstance(candidate, bool) and candidate:
            return str(candidate)
    return str(person["id"]) if person.get("id") is not None else None
