"""Choose the reader for a file by its content, never by its name."""

from __future__ import annotations

import json
from pathlib import Path

import ijson

from app.archive.native import ArchiveReader
from app.archive.problems import UnreadableFile
from app.archive.recording import PosthogExport, RrwebFile
from app.archive.safety import DEFAULT_LIMITS, Limits
from app.archive.streams import SNIFF_BYTES, describe_foreign, sniff_head

Source = ArchiveReader | RrwebFile | PosthogExport


def open_recording(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Source:
    """Open any supported recording file; raise :class:`UnreadableFile` with the reason."""
    path = Path(path)
    if not path.exists():
        raise UnreadableFile(path, "does not exist")
    if path.is_dir():
        raise UnreadableFile(path, "is a folder, not a recording file")
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
        source = (
            RrwebFile(path, "array", limits)
            if text_head[:1] == b"["
            else _classify_object(path, text_head, limits)
        )
        source.check_depth()
        return source
    what = describe_foreign(text_head)
    raise UnreadableFile(
        path,
        (f"is {what}, not a session recording" if what else "is not a session recording")
        + " (expected a .webreplay archive, an rrweb recording in JSON or NDJSON, "
        "or a PostHog export)",
    )


def _classify_object(path: Path, head: bytes, limits: Limits) -> Source:
    first_line = head.split(b"\n", 1)[0].strip()
    try:
        first = json.loads(first_line)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        first = None
    if isinstance(first, dict) and "\n" in head.decode("utf-8", "replace").strip():
        if "type" in first and "timestamp" in first:
            return RrwebFile(path, "ndjson", limits)
        if "window_id" in first and "data" in first:
            return PosthogExport(path, "jsonl", None, limits)
    if isinstance(first, dict) and "type" in first and "timestamp" in first:
        return RrwebFile(path, "ndjson", limits)
    keys, version = _top_level_keys(head)
    if "version" in keys or ("data" in keys and "events" not in keys):
        return PosthogExport(path, "export", version, limits)
    if "events" in keys:
        return RrwebFile(path, "object", limits)
    shown = ", ".join(sorted(keys)[:6]) or "none"
    raise UnreadableFile(path, f"is JSON but not a session recording (top-level keys: {shown})")


def _top_level_keys(head: bytes) -> tuple[set[str], str | None]:
    """Top-level keys visible in the first bytes, and the PostHog version if seen."""
    keys: set[str] = set()
    version: str | None = None
    try:
        for prefix, event, value in ijson.parse(head):
            if prefix == "" and event == "map_key":
                keys.add(value)
            elif prefix == "version" and event == "string":
                version = value
    except (ijson.JSONError, ijson.IncompleteJSONError):
        pass
    return keys, version
