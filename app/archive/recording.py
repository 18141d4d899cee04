"""Single-file recordings, read as a stream of events: the shared base and plain rrweb.

Why streams: a recording can be larger than memory. Events are parsed one at a time
(``ijson``'s C backend) and handed to the store; nothing holds the whole list. The other
producers' readers (:mod:`~app.archive.posthog`, :mod:`~app.archive.sentry`,
:mod:`~app.archive.highlight`) build on :class:`RecordingFile`.
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

FULL_SNAPSHOT = EventType.FULL_SNAPSHOT  # a module global: compared once per event
NO_FULL_SNAPSHOT = (
    f"has no full snapshot (rrweb event type {FULL_SNAPSHOT:d}): the page cannot be "
    "rebuilt for the replay; actions, errors and requests were still read"
)
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")


def session_id_from(text: str) -> str:
    """A session id usable in file names and archives, derived from free text."""
    cleaned = _UNSAFE_ID.sub("-", text).strip("-.")[:100]
    return cleaned or "session"


SideRecords = Callable[[int], Iterator[dict[str, Any]]]
"""RUM records a file carries beside its events (Highlight's errors and resources), given
the session's first event time (their times may be relative to it)."""


@dataclass
class RecordedSession:
    """One session of a single-file recording: metadata and a one-shot event stream.

    ``joinable``: the session id was read from the content (a PostHog window or session id,
    a Highlight session id), so files of a folder that carry the same id are parts of one
    session; an id made from a file name joins nothing.
    """

    meta: SessionMeta
    events: Iterator[dict[str, Any]]
    person: dict[str, Any] = field(default_factory=dict)
    joinable: bool = False
    side_records: SideRecords | None = None


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
        # A folder joining this file with others checks for a full snapshot across them all.
        self.defer_snapshot_check = False
        self.full_snapshots_read = 0

    def warn(self, message: str, session_id: str | None = None) -> None:
        self.warnings.append(ReadWarning(self.path.name, message, session_id))

    def sessions(self) -> Iterator[RecordedSession]:
        raise NotImplementedError

    def name_session_id(self) -> str:
        """A session id from the file name, for formats that carry none."""
        return session_id_from(self.path.name.split(".")[0])

    def _scalar(self, prefix: str) -> Any:
        """One value at ``prefix`` (a separate streaming pass; the file may be large)."""
        try:
            with open_maybe_gzip(self.path, self.limits) as stream:
                for value in ijson.items(stream, prefix, use_float=True):
                    return value
        except (ijson.JSONError, EOFError, OSError, UnicodeDecodeError):
            return None
        return None

    def _stream_items(self, prefix: str) -> Iterator[Any]:
        """Every value at ``prefix`` (``"item"``-terminated), one at a time."""
        with open_maybe_gzip(self.path, self.limits) as stream:
            yield from ijson.items(stream, prefix, use_float=True)

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
        self.full_snapshots_read += full_snapshots
        if count and not full_snapshots and not self.defer_snapshot_check:
            self.warn(NO_FULL_SNAPSHOT, session_id)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


class RrwebFile(RecordingFile):
    """A plain rrweb recording: a JSON array, ``{"events": [...]}`` or NDJSON, maybe gzipped.

    A JSON array of arrays (Sentry's recording segments) is flattened.
    """

    format = "rrweb"

    def sessions(self) -> Iterator[RecordedSession]:
        sid = self.name_session_id()
        yield RecordedSession(SessionMeta(session_id=sid), self._checked(self._items(), sid))

    def _items(self) -> Iterator[Any]:
        with open_maybe_gzip(self.path, self.limits) as stream:
            if self.layout == "ndjson":
                yield from ndjson_items(stream)
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


def ndjson_items(stream: IO[bytes]) -> Iterator[Any]:
    """One JSON value per line; a line that is not JSON ends the stream with its number."""
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
