"""Choose the reader for a file by its content, never by its name."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import ijson

from app.archive.folder import FolderSource
from app.archive.highlight import HighlightPayload
from app.archive.native import ArchiveReader
from app.archive.posthog import PosthogApiResponse, PosthogBlob, PosthogExport
from app.archive.problems import UnreadableFile
from app.archive.recording import RecordingFile, RrwebFile
from app.archive.safety import DEFAULT_LIMITS, Limits
from app.archive.sentry import SentrySegments
from app.archive.streams import SNIFF_BYTES, describe_foreign, sniff_head

Source = ArchiveReader | RecordingFile | FolderSource
EXPECTED = (
    "expected a .webreplay archive, an rrweb recording (JSON or NDJSON), a PostHog export, "
    "blob or API response, Sentry recording segments or a Highlight payload"
)
# A first line that is a [windowId, event] pair: PostHog's blob_v2 lines.
_PAIR_LINE = re.compile(rb'^\[\s*("(?:[^"\\]|\\.)*"|-?\d+)\s*,\s*\{')
_SEGMENTS = re.compile(rb"^\[\s*\[\s*[{\]]")  # an array of arrays of events (Sentry)


def open_recording(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Source:
    """Open any supported recording file or folder; raise :class:`UnreadableFile` with the
    reason, naming what the file looks like when it is not a recording."""
    path = Path(path)
    if not path.exists():
        raise UnreadableFile(path, "does not exist")
    if path.is_dir():
        return FolderSource(path, open_recording, limits)
    try:
        head, gzipped = sniff_head(path)
    except OSError as exc:
        raise UnreadableFile(path, f"cannot be read ({exc.strerror or exc})") from None
    if head is None:
        raise UnreadableFile(path, "is a damaged gzip file (its first block cannot be inflated)")
    if head.startswith(b"PK\x03\x04") and not gzipped:
        return ArchiveReader(path, limits)
    if head.startswith(b"PK\x05\x06"):
        raise UnreadableFile(path, "is an empty zip file")
    text_head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text_head and len(head) >= SNIFF_BYTES:
        raise UnreadableFile(path, "holds nothing but blank space; not a session recording")
    if not text_head:
        raise UnreadableFile(path, "is empty" + (" once inflated" if gzipped else ""))
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A cut multi-byte character at the very end of the sniffed block is fine.
        if exc.start < len(head) - 4:
            what = describe_foreign(head)
            if what is None:
                raise UnreadableFile(
                    path, f"is not a session recording: not UTF-8 text (byte {exc.start})"
                ) from None
            raise UnreadableFile(path, f"is {what}, not a session recording") from None
    if text_head.startswith((b"[", b"{")):
        source = _classify(path, text_head, len(head) < SNIFF_BYTES, limits)
        source.check_depth()
        return source
    what = describe_foreign(text_head)
    raise UnreadableFile(
        path,
        (f"is {what}, not a session recording" if what else "is not a session recording")
        + f" ({EXPECTED})",
    )


@dataclass
class _Shape:
    """What the first bytes of a JSON object show: keys at a few places, the version, and
    where the JSON is invalid (``None`` when it is valid as far as it goes)."""

    keys: dict[str, set[str]] = field(default_factory=dict)
    version: str | None = None
    invalid_at: str | None = None

    def at(self, prefix: str) -> set[str]:
        return self.keys.get(prefix, set())


def _shape(head: bytes, whole: bool) -> _Shape:
    shape = _Shape()
    try:
        for prefix, event, value in ijson.parse(head):
            if event == "map_key" and prefix in ("", "data", "result", "events"):
                shape.keys.setdefault(prefix, set()).add(value)
            elif prefix == "version" and event == "string":
                shape.version = value
    except ijson.JSONError:
        shape.invalid_at = _where_invalid(head, whole)
    return shape


def _where_invalid(head: bytes, whole: bool) -> str | None:
    """`` at line 3, column 17 (Expecting ',' delimiter)``, or ``None`` when the sniffed
    bytes are merely cut off (the file goes on past them)."""
    try:
        json.loads(head.decode("utf-8", "replace"))
    except json.JSONDecodeError as exc:
        cut = exc.pos >= len(head) - 64 or exc.msg.startswith("Unterminated string")
        if cut and not whole:
            return None
        return f" at line {exc.lineno}, column {exc.colno} ({exc.msg})"
    except RecursionError:
        return ""
    return None


def _classify(path: Path, head: bytes, whole: bool, limits: Limits) -> RecordingFile:
    """Choose the reader of a JSON file from its first bytes (``whole``: all of them)."""
    if _PAIR_LINE.match(head):
        return PosthogBlob(path, "blob_v2", limits)
    if _SEGMENTS.match(head):
        return SentrySegments(path, "array", limits)
    if head[:1] == b"[":
        return RrwebFile(path, "array", limits)
    first_line, _, rest = head.partition(b"\n")
    try:
        first = json.loads(first_line)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        first = None
    if isinstance(first, dict):
        is_event = "type" in first and "timestamp" in first
        if is_event and whole and not rest.strip():
            raise UnreadableFile(
                path, "is a single rrweb event, not a recording (a recording is a list of events)"
            )
        if is_event:
            return RrwebFile(path, "ndjson", limits)
        if "window_id" in first and "data" in first:
            return PosthogBlob(path, "blob", limits)
    shape = _shape(head, whole)
    top, data, result = shape.at(""), shape.at("data"), shape.at("result")
    if ("version" in top and "data" in top) or data & {"snapshots", "snapshotsByWindowId"}:
        return PosthogExport(path, "export", shape.version, limits)
    if result & {"snapshots", "snapshot_data_by_window_id"}:
        layout = "result" if "snapshots" in result else "result-windows"
        return PosthogApiResponse(path, layout, None, limits)
    if "snapshot_data_by_window_id" in top:
        return PosthogApiResponse(path, "windows", None, limits)
    if "events" in shape.at("events") or ("events" in top and "session_secure_id" in top):
        return HighlightPayload(path, "payload", limits)
    if "events" in top:
        return RrwebFile(path, "object", limits)
    if shape.invalid_at is not None:
        raise UnreadableFile(path, f"is not valid JSON{shape.invalid_at}")
    if {"type", "timestamp", "data"} <= top:
        raise UnreadableFile(
            path, "is a single rrweb event, not a recording (a recording is a list of events)"
        )
    shown = ", ".join(sorted(top)[:6]) or "none"
    raise UnreadableFile(path, f"is JSON but not a session recording (top-level keys: {shown})")
