"""The events the player receives: the stored stream, with synthetic checkpoints when long.

Why: rrweb seeks by replaying everything since the last checkout, so a long or busy
recording without checkouts takes seconds per seek (the timeline, the action list and
every jump wait on it). :mod:`app.rrweb.checkpoints` writes checkouts that rrweb treats as
its own; this module applies it to what the ``replay:`` scheme serves, only where it pays
(more than :data:`MIN_EVENTS` events or :data:`MIN_DURATION_MS` of recording), and
:class:`PlayerEvents` keeps the result for the few sessions opened last.

The JSON is streamed: events are decoded one at a time and the synthetic ones are spliced
into the original text, so a 100 MB session is neither held as Python objects nor
re-serialised. The first and last timestamps are untouched (synthetic events lie strictly
inside), so the player's offsets, ticks and the timeline stay exactly as before.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import struct
import subprocess
import sys
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.resources import app_command
from app.rrweb.checkpoints import Checkpointer, add_checkpoints
from app.store.queries import replay as replay_queries

if TYPE_CHECKING:
    from app.store.store import SessionStore

EVENTS_WORKER = "player-events"
"""The internal command of the child that prepares a long session's events."""
CHILD_ABOVE_BYTES = 4 * 1024 * 1024
"""Sessions whose events are longer are prepared in a child process (see parts_in_child)."""
SPLIT_ABOVE_BYTES = 8 * 1024 * 1024
"""Events longer than this go to the player in parts, so it can start on the first."""
PART_EVENTS = 20_000
_LENGTH = struct.Struct(">Q")  # the length before each part the child writes
MIN_EVENTS = 5_000
MIN_DURATION_MS = 10 * 60 * 1000
CACHE_SESSIONS = 4
log = logging.getLogger(__name__)

Provider = Callable[[str, str | None], bytes]
"""``(session id, window id or None) → events JSON``, as ``ReplayView.set_events_provider``."""


def store_events(store: SessionStore) -> Provider:
    """The stored events of ``store``'s sessions, as a :data:`Provider`.

    The provider runs on the worker that prepares the events, so it asks for that thread's
    cursor each time (a cursor belongs to the thread that asked for it).
    """

    def provide(session_id: str, window_id: str | None = None) -> bytes:
        return replay_queries.events_json(store.cursor(), session_id, window_id)

    return provide


_decoder = json.JSONDecoder()
_SPACE = " \t\n\r"


class _NotSorted(Exception):
    pass


class PlayerEvents:
    """Prepares events for the player and keeps the sessions opened last.

    One per replay screen (built with it, not a module singleton): results are cached by
    content (an LRU of ``size`` sessions), which is per session and window and also right
    when two stores hold the same session id.
    """

    def __init__(
        self, size: int = CACHE_SESSIONS, child_above_bytes: int = CHILD_ABOVE_BYTES
    ) -> None:
        self.size = size
        self.child_above_bytes = child_above_bytes
        self._children: set[subprocess.Popen[bytes]] = set()  # preparing a session now
        self._cache: OrderedDict[bytes, bytes | None] = OrderedDict()
        self._lock = threading.Lock()  # the scheme handler prepares on a worker thread

    def prepare(self, raw_json: bytes) -> bytes:
        """:func:`events_for_player`, remembered for the sessions opened last."""
        key = hashlib.blake2b(raw_json, digest_size=16).digest()
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                cached = self._cache[key]
                return raw_json if cached is None else cached
        result = events_for_player(raw_json)
        with self._lock:
            self._cache[key] = None if result is raw_json else result
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return result

    def store_provider(self, store: SessionStore) -> Callable[[str, str | None], list[bytes]]:
        """The player's parts of a session of ``store``: a long one prepared by a child
        process (:func:`parts_in_child`), the others here."""
        parts: OrderedDict[tuple[str, str | None], list[bytes]] = OrderedDict()

        def provide(session_id: str, window_id: str | None) -> list[bytes]:
            key = (session_id, window_id)
            with self._lock:
                if key in parts:
                    parts.move_to_end(key)
                    return parts[key]
            cursor = store.cursor()  # this worker's
            if replay_queries.events_size(cursor, session_id, window_id) <= self.child_above_bytes:
                raw = replay_queries.events_json(cursor, session_id, window_id)
                return split_events(self.prepare(raw))
            prepared = parts_in_child(store.db_path, session_id, window_id, self._children)
            with self._lock:
                parts[key] = prepared
                while len(parts) > self.size:
                    parts.popitem(last=False)
            return prepared

        return provide

    def stop(self) -> None:
        """Stop the child processes preparing sessions (the window is closing)."""
        for child in list(self._children):
            child.kill()


def parts_in_child(
    db_path: Path,
    session_id: str,
    window_id: str | None,
    running: set[subprocess.Popen[bytes]] | None = None,
) -> list[bytes]:
    """A long session's events for the player, prepared by a child process.

    Why a process: the checkpoints of a long session take seconds of Python work and a DOM
    mirror of millions of objects. In a thread of the app it shares the interpreter lock
    with the GUI thread — reading 100 MB out of DuckDB, building, collecting and freeing
    the mirror froze the window for up to a second at a time — and it uses one core. The
    child (this app again, :data:`EVENTS_WORKER`) opens the store read-only itself, writes
    the checkpoints and cuts the parts; this process only reads them from a pipe (the
    interpreter is free while it waits), one length-prefixed part at a time. The child is
    in ``running`` while it runs, so that quitting can stop it.
    """
    window = [] if window_id is None else [window_id]
    command = app_command(EVENTS_WORKER, str(db_path), session_id, *window)
    running = running if running is not None else set()
    with (
        tempfile.TemporaryFile() as errors,  # a file, not a pipe: a chatty child never blocks
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors) as child,
    ):
        running.add(child)
        try:
            assert child.stdout is not None
            parts: list[bytes] = []
            while header := child.stdout.read(_LENGTH.size):
                (size,) = _LENGTH.unpack(header)
                parts.append(child.stdout.read(size))
            if child.wait() != 0 or not parts:
                errors.seek(0)
                problem = errors.read()[-2000:].decode("utf-8", "replace")
                raise RuntimeError(
                    f"the events worker failed: {problem or f'exit {child.returncode}'}"
                )
        finally:
            running.discard(child)
    return parts


def events_worker_main(args: list[str]) -> int:
    """The child of :func:`parts_in_child`: ``DB SESSION [WINDOW]`` → length-prefixed parts."""
    from app.store.lake import open_session_store  # only the child reads the store itself

    db_path, session_id, window_id = args[0], args[1], (args[2] if len(args) > 2 else None)
    with open_session_store(db_path) as store:  # a lake's store is its directory
        raw = replay_queries.events_json(store.cursor(), session_id, window_id)
    out = sys.stdout.buffer
    for part in split_events(events_for_player(raw)):
        out.write(_LENGTH.pack(len(part)))
        out.write(part)
    out.flush()
    return 0


def split_events(raw: bytes) -> list[bytes]:
    """``raw`` (a JSON array of events) as the player's parts of :data:`PART_EVENTS` events.

    Each part is ``{"parts": P, "events": [...]}``. Small streams go out whole, unparsed;
    big ones are split so the player can start before all of them arrive. The split cuts
    the text between events (decoded one at a time) and re-serialises nothing.
    """
    if len(raw) <= SPLIT_ABOVE_BYTES:
        return [b'{"parts":1,"events":' + raw + b"}"]
    text = decode_in_steps(raw)
    spans = [(start, end) for _event, start, end in array_elements(text)]
    cuts = [
        text[spans[i][0] : spans[min(i + PART_EVENTS, len(spans)) - 1][1]]
        for i in range(0, len(spans), PART_EVENTS)
    ] or [""]
    head = f'{{"parts":{len(cuts)},"events":['
    return [encode_in_steps((head, cut, "]}")) for cut in cuts]


def events_for_player(raw_json: bytes) -> bytes:
    """``raw_json`` (a JSON array of one window's events, in time order) for the player.

    Unchanged when the recording is short, small, already fast to seek (no checkpoint
    would be written) or not a readable JSON array (the player reports that itself).
    """
    try:
        return _with_checkpoints(raw_json)
    except Exception:  # an optimisation must never keep a session from replaying…
        # …but a session that seeks slowly for want of checkpoints needs a trace in the log.
        log.warning(
            "synthetic checkpoints failed; serving the %d bytes of events as recorded",
            len(raw_json),
            exc_info=True,
        )
        return raw_json


def _with_checkpoints(raw_json: bytes) -> bytes:
    try:
        text = decode_in_steps(raw_json)
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
    for event, index, _end in array_elements(text):
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
    return encode_in_steps(pieces)


STEP_CHARS = 1 << 20
"""Text converted per step: about a millisecond of work holding the interpreter."""


def decode_in_steps(raw: bytes) -> str:
    """``raw.decode("utf-8")``, a megabyte at a time.

    Why: these run on a worker while the GUI thread waits for the interpreter; decoding a
    100 MB session in one call holds it for a few hundred milliseconds (a frozen window),
    in steps the GUI thread gets it between them. Raises UnicodeDecodeError like decode().
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    pieces = [decoder.decode(view[i : i + STEP_CHARS]) for i in range(0, len(raw), STEP_CHARS)]
    pieces.append(decoder.decode(b"", final=True))
    return "".join(pieces)


def encode_in_steps(pieces: Iterable[str]) -> bytes:
    """``"".join(pieces).encode("utf-8")``, a megabyte at a time (see :func:`decode_in_steps`)."""
    out: list[bytes] = []
    for piece in pieces:
        out.extend(
            piece[i : i + STEP_CHARS].encode("utf-8") for i in range(0, len(piece), STEP_CHARS)
        )
    return b"".join(out)


def array_elements(text: str) -> Iterator[tuple[Any, int, int]]:
    """Each element of the JSON array ``text``, decoded, with its (start, end) in ``text``.

    Why one at a time: a session is up to hundreds of MB; decoded whole it is held as Python
    objects, and one ``json.loads`` keeps the interpreter (and so the GUI thread) for a
    second. Raises ValueError when ``text`` is not a JSON array.
    """
    index = _skip(text, 0)
    if not text.startswith("[", index):
        raise ValueError("not a JSON array")
    index = _skip(text, index + 1)
    if text.startswith("]", index):
        return
    while True:
        value, end = _decoder.raw_decode(text, index)
        yield value, index, end
        index = _skip(text, end)
        if text.startswith(",", index):
            index = _skip(text, index + 1)
        elif text.startswith("]", index):
            return
        else:
            raise ValueError("malformed array")


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _SPACE:
        index += 1
    return index
