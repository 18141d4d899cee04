"""Normalising rrweb events from any producer into what the replayer expects."""

from __future__ import annotations

import json
import math
import zlib
from typing import Any

from app.rrweb.protocol import EventType, IncrementalSource

POSTHOG_COMPRESSION = "2024-10"
SECONDS_RANGE = (1e8, 1e11)  # Unix time in seconds (Sentry): 1973…5138; not milliseconds
# Below the range the numbers are small synthetic milliseconds (rrweb's own test events).
MAX_TIMESTAMP_MS = 253_402_300_800_000  # 10000-01-01: later "times" are damage, not dates
MAX_INFLATED_FIELD = 256 * 1024 * 1024  # one compressed PostHog payload, once inflated
_EVENT_TYPES = range(min(EventType), max(EventType) + 1)  # rrweb's, consecutive
# PostHog compresses these lists of IncrementalSnapshot data, per source:
_POSTHOG_COMPRESSED = {
    IncrementalSource.MUTATION: ("texts", "attributes", "removes", "adds"),
    IncrementalSource.STYLE_SHEET_RULE: ("adds", "removes"),
}


class BadEvent(ValueError):
    """An item that is not a usable rrweb event."""


def _inflate_posthog_field(value: Any) -> Any:
    """Inflate one payload, bounded: a few hundred KB of gzip text can claim gigabytes."""
    if not isinstance(value, str):
        return value
    inflater = zlib.decompressobj(wbits=31)
    raw = inflater.decompress(value.encode("latin-1"), MAX_INFLATED_FIELD)
    if inflater.unconsumed_tail:
        raise ValueError(f"it inflates past {MAX_INFLATED_FIELD:,} bytes")
    if not inflater.eof:
        raise ValueError("the gzip data is cut off")
    return json.loads(raw)


def normalise_event(item: Any) -> dict[str, Any]:
    """Check an rrweb event's shape, fix its time unit and inflate PostHog payloads.

    Raises :class:`BadEvent` for items that cannot be replayed.
    """
    if not isinstance(item, dict):
        raise BadEvent("not a JSON object")
    etype, ts = item.get("type"), item.get("timestamp")
    if not isinstance(etype, int) or isinstance(etype, bool) or etype not in _EVENT_TYPES:
        raise BadEvent("no rrweb event type")
    if not isinstance(ts, int | float) or isinstance(ts, bool) or ts < 0:
        raise BadEvent("no timestamp")
    if not math.isfinite(ts) or ts >= MAX_TIMESTAMP_MS:
        raise BadEvent("timestamp is not a time (NaN, infinite or after the year 9999)")
    if SECONDS_RANGE[0] <= ts < SECONDS_RANGE[1]:
        item["timestamp"] = round(ts * 1000)
    elif not isinstance(ts, int):
        item["timestamp"] = round(ts)
    if item.get("cv") == POSTHOG_COMPRESSION:
        try:
            _inflate_posthog(item)
        except (OSError, EOFError, ValueError, zlib.error, RecursionError) as exc:
            raise BadEvent(f"compressed payload cannot be inflated ({exc})") from None
        item.pop("cv", None)
    if not isinstance(item.get("data"), dict):
        raise BadEvent("no data object")
    return item


def _inflate_posthog(item: dict[str, Any]) -> None:
    """PostHog ``cv: "2024-10"``: gzip bytes carried as latin-1 strings inside events."""
    data = item.get("data")
    if item["type"] == EventType.FULL_SNAPSHOT:
        item["data"] = _inflate_posthog_field(data)
    elif item["type"] == EventType.INCREMENTAL_SNAPSHOT and isinstance(data, dict):
        for key in _POSTHOG_COMPRESSED.get(data.get("source"), ()):
            if key in data:
                data[key] = _inflate_posthog_field(data[key])
