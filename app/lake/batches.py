"""What a recorder batch must look like, and how a request body becomes one.

The batch is the recorder's (``resources/recorder/README.md``, "Batches"). A body may be
``application/json`` (``fetch``) or ``text/plain`` (``sendBeacon`` sends a ``Blob`` whose
type some browsers drop), optionally gzip-compressed (``Content-Encoding: gzip`` or gzip's
magic bytes). Why check here rather than at compaction: a batch refused now gets a 4xx the
sender can see; a batch accepted is on disk and will be compacted, so it must be readable.
"""

from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import dataclass
from typing import Any

from app.archive.format import RUM_KINDS, SESSION_ID_PATTERN

BATCH_FORMAT = "webreplay-batch"


@dataclass(frozen=True)
class Limits:
    """Sizes a collector accepts (bytes of JSON, after any gzip is undone)."""

    batch_bytes: int = 1_000_000  # the recorder keeps a batch under 60 KB where it can
    session_bytes: int = 200_000_000  # per session, per collector process


class BatchRefused(Exception):
    """A batch the collector will not keep; ``status`` is the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def decode_body(body: bytes, content_encoding: str | None, limits: Limits) -> bytes:
    """The JSON bytes of a body, gzip undone, refusing more than ``limits.batch_bytes``."""
    gzipped = (content_encoding or "").strip().lower() == "gzip" or body[:2] == b"\x1f\x8b"
    if not gzipped:
        if len(body) > limits.batch_bytes:
            raise BatchRefused(413, f"batch of {len(body)} bytes exceeds {limits.batch_bytes}")
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limits.batch_bytes + 1)
    except zlib.error as exc:
        raise BatchRefused(400, f"body is not valid gzip: {exc}") from None
    if len(data) > limits.batch_bytes or inflater.unconsumed_tail:
        raise BatchRefused(413, f"batch inflates past {limits.batch_bytes} bytes")
    return data


def parse_batch(data: bytes) -> dict[str, Any]:
    """The batch in ``data``, checked against the recorder's batch shape (400 if not)."""
    try:
        batch = json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BatchRefused(400, f"body is not JSON: {exc}") from None
    problem = batch_problem(batch)
    if problem:
        raise BatchRefused(400, problem)
    return batch


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def batch_problem(batch: object) -> str | None:
    """Why ``batch`` is not a recorder batch (a sentence), or None when it is one."""
    if not isinstance(batch, dict):
        return "a batch is a JSON object"
    if batch.get("format") != BATCH_FORMAT:
        return f"'format' must be {BATCH_FORMAT!r}"
    if batch.get("version") != 1:
        return "'version' must be 1"
    seq = batch.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        return "'seq' must be a positive integer"
    session = batch.get("session")
    if not isinstance(session, dict):
        return "'session' must be an object"
    sid = session.get("id")
    if not isinstance(sid, str) or not SESSION_ID_PATTERN.match(sid):
        return "'session.id' must be 1-128 letters, digits, '.', '_' or '-'"
    if session.get("started_at") is not None and not _number(session["started_at"]):
        return "'session.started_at' must be epoch milliseconds"
    events, rum = batch.get("events", []), batch.get("rum", [])
    if not isinstance(events, list) or not isinstance(rum, list):
        return "'events' and 'rum' must be arrays"
    for index, event in enumerate(events):
        if not isinstance(event, dict) or not isinstance(event.get("type"), int):
            return f"events[{index}] is not an rrweb event (no integer 'type')"
        if not _number(event.get("timestamp")):
            return f"events[{index}] has no numeric 'timestamp'"
    for index, record in enumerate(rum):
        if not isinstance(record, dict) or record.get("kind") not in RUM_KINDS:
            return f"rum[{index}] has no 'kind' among {', '.join(RUM_KINDS)}"
        if not _number(record.get("ts")):
            return f"rum[{index}] has no numeric 'ts'"
    return None


def gzip_body(batch: dict[str, Any]) -> bytes:
    """A batch as a gzip body (for senders that compress; the tests and the load test)."""
    return gzip.compress(json.dumps(batch, separators=(",", ":")).encode(), compresslevel=1)
