"""Synthetic checkpoints: Meta + FullSnapshot pairs inserted into a recording for fast seeks.

Why: rrweb's replayer seeks by rebuilding from the last Meta event at or before the target
and applying every event after it, so in a long recording without checkouts a seek near
the end replays the whole session (seconds). rrweb's own recorder solves it with periodic
checkouts that re-serialise the page *with the same node ids*; a recording made without
them gets the same thing here, offline: :class:`~app.rrweb.replay_dom.ReplayDom` follows
the events exactly as the replayer applies them and, every so often, its state is written
out as an ordinary checkout. To the replayer the result is a recording with checkouts; a
seek then costs one rebuild plus the events since the nearest checkpoint.

Timestamps: a checkpoint goes between two events with different timestamps ``a < b``, at
``b - 1/64`` ms (closer to ``a`` when the two are less than 1/32 ms apart), never *at*
``b``. rrweb starts a seek to ``t`` from the last Meta with ``timestamp <= t`` but applies
only the events with ``timestamp < t``: a seek to exactly a checkout's own timestamp picks
it and applies none of it (true of real checkouts too). Stamped ``b`` it would break seeks
to ``b``, an event's own time, which the app seeks to (actions, errors); ``b - 0.5`` would
break seeks halfway between two events a millisecond apart. ``b - 1/64`` is exact in a
double and no integer, half or slider position lands on it in practice. Synthetic events
lie strictly inside the recording's time range, so rrweb's start, end and every offset
the player reports stay the same.
"""

from __future__ import annotations

import logging
from typing import Any

from app.rrweb.protocol import EventType
from app.rrweb.replay_dom import ReplayDom

log = logging.getLogger(__name__)

FULL_SNAPSHOT, INCREMENTAL, META = (  # module globals: read once per event
    EventType.FULL_SNAPSHOT,
    EventType.INCREMENTAL_SNAPSHOT,
    EventType.META,
)

SYNTHETIC = "synthetic"
"""Top-level key (value ``True``) on every event this module adds; rrweb ignores it."""

_GAP_MS = 1 / 64

EVERY_MS = 60_000
MIN_EVENTS = 1_000
"""Defaults, measured with ``tests/benchmarks/bench_seek.py``: a seek costs one rebuild
(~50 ms for the demo page) plus ~0.13 ms per event since the checkpoint in the heavy
session (10 events/s, a fifth adding 100 nodes), so at most ~1,000 of them keep the worst
seek near 200 ms, with room for a busy machine, for about +2.5 % of JSON. A session reaches
``min_events`` only if it is busy: light ones get few or no checkpoints (and playing through
one costs a rebuild, at most once a minute)."""


def _timestamp(event: dict[str, Any]) -> float | None:
    value = event.get("timestamp")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _is_sorted(events: list[dict[str, Any]]) -> bool:
    last = float("-inf")
    for event in events:
        ts = _timestamp(event) if isinstance(event, dict) else None
        if ts is None or ts < last:
            return False
        last = ts
    return True


class Checkpointer:
    """Decides and writes checkpoints for events fed one at a time, in timestamp order.

    Why a class: :func:`add_checkpoints` needs the whole list, but a caller that streams a
    large recording (``app.replay.events``) should not have to hold every parsed event in
    memory; the mirror itself keeps only the live page.
    """

    def __init__(self, every_ms: int = EVERY_MS, min_events: int = MIN_EVENTS) -> None:
        self.every_ms = every_ms
        self.min_events = min_events
        self.dom = ReplayDom()
        self.count = 0  # checkpoints written
        self._last_checkpoint: float | None = None
        self._since = 0
        self._previous: float | None = None
        self._lost = False  # the mirror failed on an event: no checkpoints until the next
        # real FullSnapshot (a snapshot of an unknown state would be worse than none)

    def feed(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """The synthetic events to insert *before* ``event`` (often none); then applies it."""
        out: list[dict[str, Any]] = []
        if not isinstance(event, dict):
            return out
        ts = _timestamp(event)
        kind = event.get("type")
        previous = self._previous
        if (
            ts is not None
            and previous is not None
            and ts > previous
            and self._since >= self.min_events
            and self._last_checkpoint is not None
            and ts - self._last_checkpoint >= self.every_ms
            and kind not in (META, FULL_SNAPSHOT)
            and not self._lost
            and self.dom.can_checkpoint()
            and not self.dom.pending
        ):
            at = ts - _GAP_MS if ts - previous > 2 * _GAP_MS else previous + (ts - previous) / 3
            try:
                out = self.dom.checkpoint_events(at, event)
            except Exception:  # malformed recording data: carry on without this checkpoint
                log.info("no checkpoint at %s: the mirror could not write one", at, exc_info=True)
                out, self._lost = [], True
            else:
                self._last_checkpoint, self._since = at, 0
                self.count += 1
        try:
            self.dom.apply(event)
        except Exception:  # malformed data the mirror cannot follow (rrweb would skip it)
            if not self._lost:  # once per stretch without checkpoints, not per event
                log.info("checkpoints paused: an event the mirror cannot follow", exc_info=True)
            self._lost = True
        else:
            if kind == FULL_SNAPSHOT:
                self._lost = False
        if kind == FULL_SNAPSHOT and ts is not None:
            self._last_checkpoint, self._since = ts, 0
        elif kind == INCREMENTAL:
            self._since += 1
        if ts is not None:
            self._previous = ts
        return out


def add_checkpoints(
    events: list[dict[str, Any]], every_ms: int = EVERY_MS, min_events: int = MIN_EVENTS
) -> list[dict[str, Any]]:
    """``events`` (one window) with synthetic checkpoints inserted, in rrweb's order.

    A checkpoint is inserted before an event once at least ``every_ms`` of recording time
    *and* at least ``min_events`` incremental events have passed since the last real
    (FullSnapshot) or synthetic checkpoint. It is a Meta event (the page's current href and
    viewport) and a FullSnapshot of the replayed DOM with every node id kept, followed by
    what a snapshot cannot hold: iframe documents (as attaching mutations, like rrweb's
    recorder sends them) and the still-effective StyleSheetRule, StyleDeclaration,
    AdoptedStyleSheet, CanvasMutation, Font and CustomElement events since the last real
    FullSnapshot, each form element's last Input, the last text selection and iframe scroll
    offsets. Media state (source 7) and scroll offsets are folded into the snapshot
    (``rr_media*``, ``rr_scroll*``, ``initialOffset``). Every added event carries
    ``"synthetic": True``. No checkpoint is written while rrweb would hold detached
    "missing" nodes (legacy ``-1`` neighbours), which a snapshot cannot carry.

    The events are returned sorted by timestamp (stably, as rrweb sorts them); the input
    list and its events are not modified (re-emitted events share their ``data`` with the
    originals). Events without a numeric timestamp are kept but never get a checkpoint.
    """
    ordered = list(events)
    if not _is_sorted(ordered):
        ordered.sort(key=lambda e: (_timestamp(e) or 0.0) if isinstance(e, dict) else 0.0)
    checkpointer = Checkpointer(every_ms, min_events)
    out: list[dict[str, Any]] = []
    for event in ordered:
        out.extend(checkpointer.feed(event))
        out.append(event)
    return out


def is_synthetic(event: dict[str, Any]) -> bool:
    """True for an event :func:`add_checkpoints` added."""
    return event.get(SYNTHETIC) is True
