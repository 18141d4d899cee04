"""Turn a fast recording into one that runs at a person's pace, on its planned day.

Why: the generator drives the browser much faster than a person (and the fake backend
waits only a fraction of its latency). Every pause it skipped is logged as
``(epoch ms when it happened, how long it should have lasted)``. Re-timing inserts them:
a moment ``t`` moves by the sum of the pauses logged before it, so event order is kept,
a request that was pending during a pause lasts longer by that pause, and the whole
session is then shifted to its planned start. Mouse positions inside an rrweb MouseMove
event carry their own ``timeOffset`` and are moved individually.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from app.rrweb.protocol import POSITION_SOURCES, EventType

TIMED_RUM_KINDS = {"action", "request"}


class Retimer:
    """``shift(t)``: ``t`` plus every pause logged strictly before ``t``."""

    def __init__(self, pauses: Iterable[tuple[float, float]]) -> None:
        ordered = sorted((float(at), float(ms)) for at, ms in pauses if ms > 0)
        self._times = [at for at, _ in ordered]
        self._sums = [0.0, *itertools.accumulate(ms for _, ms in ordered)]

    def shift(self, t: float) -> float:
        return t + self._sums[bisect.bisect_left(self._times, t)]


def retime_session(
    events: Sequence[dict[str, Any]],
    rum: Sequence[dict[str, Any]],
    pauses: Iterable[tuple[float, float]],
    start_ms: int,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int, int]:
    """Re-time events and RUM records in place; return them with the new start and end."""
    retimer = Retimer(pauses)
    for event in events:
        old = float(event["timestamp"])
        new = retimer.shift(old)
        event["timestamp"] = new
        data = event.get("data")
        moves = isinstance(data, dict) and data.get("source") in POSITION_SOURCES
        if event.get("type") == EventType.INCREMENTAL_SNAPSHOT and moves:
            for position in data.get("positions") or ():
                offset = float(position.get("timeOffset", 0))
                position["timeOffset"] = round(retimer.shift(old + offset) - new)
    for record in rum:
        old = float(record["ts"])
        new = retimer.shift(old)
        record["ts"] = new
        if record.get("kind") in TIMED_RUM_KINDS and record.get("duration_ms") is not None:
            end = retimer.shift(old + float(record["duration_ms"]))
            record["duration_ms"] = round(end - new)
    moments = [e["timestamp"] for e in events] + [r["ts"] for r in rum]
    if not moments:
        return list(events), list(rum), start_ms, start_ms
    offset = start_ms - min(moments)
    end = start_ms
    for event in events:
        event["timestamp"] = round(event["timestamp"] + offset)
        end = max(end, event["timestamp"])
    for record in rum:
        record["ts"] = round(record["ts"] + offset)
        end = max(end, record["ts"] + int(record.get("duration_ms") or 0))
    return list(events), list(rum), start_ms, end
