"""The events the player receives: the stored stream, with synthetic checkpoints when long.

Why: rrweb seeks by replaying everything since the last checkout, so a long or busy
recording without checkouts takes seconds per seek (the timeline, the action list and
every jump wait on it). :mod:`app.rrweb.checkpoints` writes checkouts that rrweb treats as
its own; this module applies it to what the ``replay:`` scheme serves, only where it pays
(more than :data:`MIN_EVENTS` events or :data:`MIN_DURATION_MS` of recording), and keeps the
result for the few sessions opened last.

The JSON is streamed: events are decoded one at a time and the synthetic ones are spliced
into the original text, so a 100 MB session is neither held as Python objects nor
re-serialised. The first and last timestamps are untouched (synthetic events lie strictly
inside), so the player's offsets, ticks and the timeline stay exactly as before.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable

from app.rrweb.checkpoints import Checkpointer, add_checkpoints

MIN_EVENTS = 5_000
MIN_DURATION_MS = 10 * 60 * 1000
CACHE_SESSIONS = 4

Provider = Callable[[str, str | None], bytes]
"""``(session id, window id or None) → events JSON``, as ``ReplayView.set_events_provider``."""

_cache: OrderedDict[bytes, bytes | None] = OrderedDict()
_lock = threading.Lock()
_decoder = json.JSONDecoder()
_SPACE = " \t\n\r"


class _NotSorted(Exception):
    pass


def events_for_player(raw_json: bytes) -> bytes:
    """``raw_json`` (a JSON array of one window's events, in time order) for the player.

    Unchanged when the recording is short, small, already fast to seek (no checkpoint
    would be written) or not a readable JSON array (the player reports that itself).
    Results are cached by content (an LRU of :data:`CACHE_SESSIONS`), which is per session
    and window and also right when two stores hold the same session id.
    """
    key = hashlib.blake2b(raw_json, digest_size=16).digest()
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            cached = _cache[key]
            return raw_json if cached is None else cached
    try:
        result = _with_checkpoints(raw_json)
    except Exception:  # an optimisation must never keep a session from replaying
        result = raw_json
    with _lock:
        _cache[key] = None if result is raw_json else result
        while len(_cache) > CACHE_SESSIONS:
            _cache.popitem(last=False)
    return result


def with_checkpoints(fetch: Provider) -> Provider:
    """An events provider that serves ``fetch``'s events through :func:`events_for_player`."""

    def provide(session_id: str, window_id: str | None) -> bytes:
        return events_for_player(fetch(session_id, window_id))

    return provide


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def _with_checkpoints(raw_json: bytes) -> bytes:
    try:
        text = raw_json.decode("utf-8")
    except UnicodeDecodeError:
        return raw_json
    try:
        return _spliced(text, raw_json)
    except _NotSorted:
        pass  # rare: rrweb sorts, so do the same on the whole list
    except ValueError:  # not JSON, or not an array of objects
        return raw_json
    events = json.loads(text)
    if not _worth_it(len(events), events):
        return raw_json
    out = add_checkpoints(events)
    if len(out) == len(events):
        return raw_json
    return json.dumps(out, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _worth_it(count: int, events: list) -> bool:
    stamps = [e.get("timestamp") for e in events if isinstance(e, dict)]
    stamps = [t for t in stamps if isinstance(t, (int, float)) and not isinstance(t, bool)]
    duration = max(stamps) - min(stamps) if stamps else 0
    return count > MIN_EVENTS or duration > MIN_DURATION_MS


def _spliced(text: str, raw_json: bytes) -> bytes:
    """Decode event by event, feed the checkpointer, splice its output into ``text``."""
    checkpointer = Checkpointer()
    inserts: list[tuple[int, list[dict]]] = []
    count = 0
    first = last = None
    previous = float("-inf")
    index = _skip(text, 0)
    if not text.startswith("[", index):
        raise ValueError("not a JSON array")
    index = _skip(text, index + 1)
    if text.startswith("]", index):
        return raw_json
    while True:
        event, end = _decoder.raw_decode(text, index)
        if not isinstance(event, dict):
            raise ValueError("not an event")
        ts = event.get("timestamp")
        if isinstance(ts, (int, float)) and not isinstance(ts, bool):
            if ts < previous:
                raise _NotSorted
            previous = ts
            first = ts if first is None else first
            last = ts
        synthetic = checkpointer.feed(event)
        if synthetic:
            inserts.append((index, synthetic))
        count += 1
        index = _skip(text, end)
        if text.startswith(",", index):
            index = _skip(text, index + 1)
        elif text.startswith("]", index):
            break
        else:
            raise ValueError("malformed array")
    duration = (last - first) if first is not None and last is not None else 0
    if not inserts or not (count > MIN_EVENTS or duration > MIN_DURATION_MS):
        return raw_json
    pieces: list[str] = []
    position = 0
    for at, synthetic in inserts:
        pieces.append(text[position:at])
        pieces.extend(
            json.dumps(e, separators=(",", ":"), ensure_ascii=False) + "," for e in synthetic
        )
        position = at
    pieces.append(text[position:])
    return "".join(pieces).encode("utf-8")


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _SPACE:
        index += 1
    return index
