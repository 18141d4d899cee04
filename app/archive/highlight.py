"""Highlight push payloads: what Highlight's browser SDK sends with ``pushPayload``.

Shape: ``{"session_secure_id", "events": {"events": [rrweb events]}, "messages": "<JSON
text of {messages: [...]}>", "resources": "<JSON text of {resources: [...]}>", "errors":
[...]}``. A session is sent as many payloads, so payloads that carry the same
``session_secure_id`` are parts of one session (see :mod:`app.archive.folder`).

Beside the events, a payload carries what Highlight recorded outside rrweb; it becomes RUM
records (the rules, written down because they are choices):

* each entry of ``errors`` is a JavaScript error (message, source location, stack frames);
  console messages of type ``error`` are errors too, unless an entry of ``errors`` already
  has the same text (Highlight reports ``console.error`` both ways);
* each entry of ``resources`` (a ``PerformanceResourceTiming`` with Highlight's
  ``requestResponsePairs``) is a request: URL, method, status, duration, size. Its
  ``startTime`` counts from the page's time origin, taken to be the session's first event.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

from app.archive.model import SessionMeta, ms_from_iso
from app.archive.recording import RecordedSession, RecordingFile, session_id_from

ABSOLUTE_MS = 1e11  # larger times are epoch milliseconds, smaller ones are offsets


class HighlightPayload(RecordingFile):
    """One Highlight push payload (one file; a folder joins payloads of a session)."""

    format = "highlight"

    def sessions(self) -> Iterator[RecordedSession]:
        raw_id = self._scalar("session_secure_id")
        joinable = isinstance(raw_id, str | int) and not isinstance(raw_id, bool) and raw_id != ""
        sid = session_id_from(str(raw_id)) if joinable else self.name_session_id()
        events = self._checked(self._stream_items("events.events.item"), sid)
        yield RecordedSession(
            SessionMeta(session_id=sid), events, joinable=joinable, side_records=self._records
        )

    def _records(self, origin_ms: int) -> Iterator[dict[str, Any]]:
        """Errors and requests, read in a second pass after the events."""
        errors = [e for e in map(_error, _listed(self._scalar("errors"), "errors")) if e]
        yield from errors
        known = {e["message"] for e in errors}
        for message in _listed(self._scalar("messages"), "messages"):
            error = _console_error(message)
            if error is not None and error["message"] not in known:
                yield error
        for resource in _listed(self._scalar("resources"), "resources"):
            request = _request(resource, origin_ms)
            if request is not None:
                yield request


def _listed(value: Any, key: str) -> list[Any]:
    """A list that may come as JSON text, as ``{key: [...]}``, or as is."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            return []
    if isinstance(value, dict):
        value = value.get(key)
    return value if isinstance(value, list) else []


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _time(value: Any) -> int | None:
    """Epoch ms from a number (ms or s) or text (digits or ISO 8601)."""
    if isinstance(value, str):
        text = value.strip()
        if text.replace(".", "", 1).isdigit():
            value = float(text)
        else:
            try:
                return ms_from_iso(text)
            except (ValueError, OverflowError):
                return None
    number = _number(value)
    if number is None or number <= 0:
        return None
    return round(number * 1000) if number < ABSOLUTE_MS else round(number)


def _frames(frames: Any) -> str | None:
    lines = []
    for frame in frames if isinstance(frames, list) else []:
        if not isinstance(frame, dict):
            continue
        where = f"{frame.get('fileName') or '?'}:{frame.get('lineNumber') or 0}"
        where += f":{frame.get('columnNumber') or 0}"
        name = frame.get("functionName")
        lines.append(f"at {name} ({where})" if name else f"at {where}")
    return "\n".join(lines) or None


def _int(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None and abs(number) < 2**31 else None


def _error(item: Any) -> dict[str, Any] | None:
    if not isinstance(item, dict):
        return None
    ts = _time(item.get("timestamp"))
    if ts is None:
        return None
    message = item.get("event")
    return {
        "kind": "error",
        "ts": ts,
        "message": str(message)[:2000] if message else "(empty)",
        "stack": _frames(item.get("stackTrace")),
        "source": str(item["source"]) if item.get("source") else None,
        "line": _int(item.get("lineNumber")),
        "col": _int(item.get("columnNumber")),
        "url": str(item["url"]) if item.get("url") else None,
        "action_id": None,
    }


def _console_error(item: Any) -> dict[str, Any] | None:
    if not isinstance(item, dict) or item.get("type") != "error":
        return None
    ts = _time(item.get("time"))
    if ts is None:
        return None
    value = item.get("value")
    parts = value if isinstance(value, list) else [value]
    text = " ".join(p if isinstance(p, str) else json.dumps(p) for p in parts if p is not None)
    return {
        "kind": "error",
        "ts": ts,
        "message": text[:2000] or "(empty)",
        "stack": _frames(item.get("trace")),
        "action_id": None,
    }


def _request(item: Any, origin_ms: int) -> dict[str, Any] | None:
    if not isinstance(item, dict):
        return None
    pairs = item.get("requestResponsePairs")
    pairs = pairs if isinstance(pairs, dict) else {}
    request = pairs.get("request") if isinstance(pairs.get("request"), dict) else {}
    response = pairs.get("response") if isinstance(pairs.get("response"), dict) else {}
    url = item.get("name") or request.get("url")
    if not isinstance(url, str) or not url:
        return None
    start = _number(item.get("startTimeAbs"))
    if start is None:
        offset = _number(item.get("startTime"))
        start = None if offset is None else offset + (0 if offset > ABSOLUTE_MS else origin_ms)
    duration = _number(item.get("duration"))
    if duration is None and _number(item.get("responseEnd")) is not None:
        duration = item["responseEnd"] - (_number(item.get("startTime")) or 0)
    sizes = (response.get("size"), item.get("transferSize"), item.get("encodedBodySize"))
    size = next((n for n in map(_number, sizes) if n is not None and n > 0), None)
    return {
        "kind": "request",
        "ts": round(start) if start is not None else origin_ms,
        "method": str(request.get("verb") or item.get("method") or "GET").upper(),
        "url": url,
        "status": _int(response.get("status")),
        "duration_ms": round(duration) if duration is not None else None,
        "size": int(size) if size is not None else None,
        "action_id": None,
    }
