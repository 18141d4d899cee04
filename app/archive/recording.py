"""Single-file recordings (plain rrweb and PostHog exports), read as a stream of events.

Why streams: a recording can be larger than memory. Events are parsed one at a time
(``ijson``'s C backend) and handed to the store; nothing holds the whole list.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import ijson

from app.archive.events import BadEvent, normalise_event
from app.archive.model import SessionMeta
from app.archive.problems import ReadWarning, UnreadableFile
from app.archive.safety import DEFAULT_LIMITS, MAX_STREAM_DEPTH, Limits, stream_depth_exceeds
from app.archive.streams import InflateLimitExceeded, open_maybe_gzip
from app.rrweb.protocol import EventType

POSTHOG_VERSIONS = ("2023-04-28", "2022-12-02")
FULL_SNAPSHOT = EventType.FULL_SNAPSHOT  # a module global: compared once per event
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")


def session_id_from(text: str) -> str:
    """A session id usable in file names and archives, derived from free text."""
    cleaned = _UNSAFE_ID.sub("-", text).strip("-.")[:100]
    return cleaned or "session"


@dataclass
class RecordedSession:
    """One session of a single-file recording: metadata and a one-shot event stream."""

    meta: SessionMeta
    events: Iterator[dict[str, Any]]
    person: dict[str, Any] = field(default_factory=dict)


class RecordingFile:
    """Base of the single-file readers: shared stream handling and warning collection."""

    format = "rrweb"

    def __init__(self, path: str | Path, layout: str, limits: Limits = DEFAULT_LIMITS) -> None:
        self.path = Path(path)
        self.layout = layout
        self.limits = limits
        self.warnings: list[ReadWarning] = []
        self.skipped_sessions: list[str] = []
        self.manifest: dict[str, Any] = {}

    def warn(self, message: str, session_id: str | None = None) -> None:
        self.warnings.append(ReadWarning(self.path.name, message, session_id))

    def sessions(self) -> Iterator[RecordedSession]:
        raise NotImplementedError

    def check_depth(self) -> None:
        """Refuse absurdly nested JSON before a streaming parser runs out of memory."""
        try:
            with open_maybe_gzip(self.path, self.limits) as stream:
                too_deep = stream_depth_exceeds(stream)
        except (EOFError, OSError):
            return  # truncation is reported, with what was kept, while reading events
        if too_deep:
            raise UnreadableFile(
                self.path, f"nests JSON deeper than {MAX_STREAM_DEPTH} levels; refused"
            )

    def _checked(
        self, items: Iterator[Any], session_id: str, window: Callable[[dict], Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Normalise items, count the ones that are not events, survive a truncated tail."""
        bad: dict[str, int] = {}
        count = full_snapshots = 0
        try:
            for item in items:
                try:
                    if isinstance(item, _Unparsable):
                        raise BadEvent(item.reason)
                    event = normalise_event(item)
                except BadEvent as exc:
                    bad[str(exc)] = bad.get(str(exc), 0) + 1
                    continue
                if window is not None:
                    event["windowId"] = window(event)
                count += 1
                full_snapshots += event["type"] == FULL_SNAPSHOT
                yield event
        except InflateLimitExceeded as exc:
            self.warn(
                f"reading stopped after {count} events: the file {exc}; "
                "the events before that point were kept",
                session_id,
            )
        except (ijson.JSONError, ijson.IncompleteJSONError, json.JSONDecodeError) as exc:
            self.warn(
                f"the JSON is malformed or cut off after {count} events ({_short(exc)}); "
                "the events before that point were kept",
                session_id,
            )
        except (EOFError, OSError) as exc:
            self.warn(
                f"the file is truncated or damaged after {count} events ({_short(exc)}); "
                "the events before that point were kept",
                session_id,
            )
        except UnicodeDecodeError:
            self.warn(f"the file is not UTF-8 text after {count} events", session_id)
        except RecursionError:
            self.warn(f"JSON nested too deeply after {count} events", session_id)
        for reason, n in bad.items():
            self.warn(f"{n} item(s) skipped: {reason}", session_id)
        if count and not full_snapshots:
            self.warn(
                f"has no full snapshot (rrweb event type {FULL_SNAPSHOT:d}): the page cannot be "
                "rebuilt for the replay; actions, errors and requests were still read",
                session_id,
            )


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


class RrwebFile(RecordingFile):
    """A plain rrweb recording: a JSON array, ``{"events": [...]}`` or NDJSON, maybe gzipped.

    A JSON array of arrays (Sentry's recording segments) is flattened.
    """

    format = "rrweb"

    def sessions(self) -> Iterator[RecordedSession]:
        sid = session_id_from(self.path.name.split(".")[0])
        yield RecordedSession(SessionMeta(session_id=sid), self._checked(self._items(), sid))

    def _items(self) -> Iterator[Any]:
        with open_maybe_gzip(self.path, self.limits) as stream:
            if self.layout == "ndjson":
                yield from _ndjson_items(stream)
            elif self.layout == "object":
                yield from ijson.items(stream, "events.item", use_float=True)
            else:
                for item in ijson.items(stream, "item", use_float=True):
                    if isinstance(item, list):
                        yield from item
                    else:
                        yield item


@dataclass(frozen=True)
class _Unparsable:
    """An NDJSON line that cannot be an event; the lines after it still can."""

    reason: str


def _ndjson_items(stream: IO[bytes]) -> Iterator[Any]:
    for number, line in enumerate(stream, 1):
        line = line.strip()
        if not line:
            continue
        try:
            yield json.loads(line, parse_constant=_not_a_number)
        except json.JSONDecodeError as exc:
            raise json.JSONDecodeError(f"line {number}: {exc.msg}", exc.doc, exc.pos) from None
        except RecursionError:
            yield _Unparsable("nested too deeply to read")


def _not_a_number(name: str) -> None:
    """``NaN`` and ``Infinity`` are not JSON: read them as ``null``, as ijson's files do not
    have them either, so no reader hands a non-finite number to the store."""
    return None


class PosthogExport(RecordingFile):
    """A PostHog "export to file" recording, versions ``2023-04-28`` and ``2022-12-02``.

    ``windowId`` may be a string (tab UUID) or a number; it is kept on each event so the
    replay can tell tabs apart. Compressed ``cv: "2024-10"`` payloads are inflated.
    """

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
        if self.layout == "jsonl":
            sid = session_id_from(self.path.name.split(".")[0])
            yield RecordedSession(SessionMeta(session_id=sid), self._checked(self._jsonl(), sid))
            return
        version = self.version or self._scalar("version")
        if version not in POSTHOG_VERSIONS:
            raise UnreadableFile(
                self.path,
                f"PostHog export version {version!r} is not supported "
                f"(supported: {', '.join(POSTHOG_VERSIONS)})",
            )
        raw_id = self._scalar("data.id") if version == "2023-04-28" else None
        sid = session_id_from(str(raw_id)) if raw_id else session_id_from(self.path.name)
        person = self._scalar("data.person") or {}
        meta = SessionMeta(session_id=sid, user_id=_person_user(person))
        meta.extra = {"posthog_person": person} if person else {}
        if version == "2023-04-28":
            events = self._checked(self._v2_items(), sid)
        else:
            events = self._checked(self._v1_items(), sid)
        yield RecordedSession(meta, events, person if isinstance(person, dict) else {})

    def _scalar(self, prefix: str) -> Any:
        """One value at ``prefix`` (a separate streaming pass; the file may be large)."""
        try:
            with open_maybe_gzip(self.path, self.limits) as stream:
                for value in ijson.items(stream, prefix, use_float=True):
                    return value
        except (ijson.JSONError, EOFError, OSError, UnicodeDecodeError):
            return None
        return None

    def _v2_items(self) -> Iterator[Any]:
        with open_maybe_gzip(self.path, self.limits) as stream:
            yield from ijson.items(stream, "data.snapshots.item", use_float=True)

    def _v1_items(self) -> Iterator[Any]:
        """``snapshotsByWindowId``: events of each window, tagged with the window id."""
        with open_maybe_gzip(self.path, self.limits) as stream:
            for window_id, events in ijson.kvitems(
                stream, "data.snapshotsByWindowId", use_float=True
            ):
                for event in events if isinstance(events, list) else []:
                    if isinstance(event, dict):
                        event.setdefault("windowId", window_id)
                    yield event

    def _jsonl(self) -> Iterator[Any]:
        """PostHog's blob lines: ``{"window_id": ..., "data": [events]}`` per line."""
        with open_maybe_gzip(self.path, self.limits) as stream:
            for line in _ndjson_items(stream):
                if not isinstance(line, dict):
                    continue
                for event in line.get("data") or []:
                    if isinstance(event, dict):
                        event.setdefault("windowId", line.get("window_id"))
                    yield event


def _person_user(person: Any) -> str | None:
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
