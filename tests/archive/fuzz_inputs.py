"""Seeds, mutations and the reader property shared by the hypothesis tests and atheris.

Why one module: the property-based tests (``test_fuzz_readers.py``) and the opt-in
coverage-guided harness (``tests/fuzz/fuzz_readers.py``) must judge an input the same way.
The property is the promise the readers make to a user: whatever the bytes, opening and
ingesting a file ends in a store or in :class:`UnreadableFile` naming the file and the
problem; never another exception, never a hang, never unbounded memory.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gzip
import io
import json
import resource
import signal
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from app.archive.detect import open_recording
from app.archive.native import ArchiveReader
from app.archive.problems import UnreadableFile
from app.store.ingest import ingest_file
from tests.builders import T0, basic_events, basic_rum, write_archive

DATA = Path(__file__).resolve().parents[1] / "data"
SHARED_FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures"

# Bounds of the property: generous for a shared 2-core machine, far below a real hang.
BASE_SECONDS = 20.0
SECONDS_PER_MB = 20.0
MAX_PEAK_RSS_MB = 3072

ARCHIVE_MEMBERS = (
    "manifest.json",
    "sessions/s0/session.json",
    "sessions/s0/events.ndjson.gz",
    "sessions/s0/rum.ndjson.gz",
)


# ---- seeds ---------------------------------------------------------------------------------
def _ndjson(records: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def _posthog_compressed(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """PostHog ``cv: "2024-10"``: the full snapshot's data as latin-1 gzip text."""
    out = [dict(e) for e in events]
    out[1] = dict(
        out[1],
        cv="2024-10",
        data=gzip.compress(json.dumps(out[1]["data"]).encode(), mtime=0).decode("latin-1"),
    )
    return out


@cache
def seeds() -> dict[str, bytes]:
    """Real inputs of every supported shape, keyed by a file name that says what they are.

    Seeds are small on purpose: a mutated seed must be judged in well under a second.
    """
    import tempfile

    events = basic_events()
    person = {"id": 7, "name": "Ashley", "distinct_ids": ["d1"], "properties": {"email": "a@x"}}
    found: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as tmp:
        found["archive.webreplay"] = write_archive(Path(tmp) / "a.webreplay", 2).read_bytes()
    found["array.json"] = json.dumps(events).encode()
    found["object.json"] = json.dumps({"events": events}).encode()
    found["lines.ndjson"] = _ndjson(events)
    found["array.json.gz"] = gzip.compress(json.dumps(events).encode(), mtime=0)
    found["sentry.json"] = json.dumps([events[:4], events[4:]]).encode()
    found["posthog-v2.json"] = json.dumps(
        {
            "version": "2023-04-28",
            "data": {"id": "ph-1", "person": person, "snapshots": _posthog_compressed(events)},
        }
    ).encode()
    found["posthog-v1.json"] = json.dumps(
        {
            "version": "2022-12-02",
            "data": {"person": person, "snapshotsByWindowId": {"w1": events[:5], "7": events[5:]}},
        }
    ).encode()
    found["posthog.jsonl"] = _ndjson(
        [{"window_id": "w1", "data": events[:5]}, {"window_id": 2, "data": events[5:]}]
    )
    recording = DATA / "recordings" / "checkout-clicks.json"
    if recording.is_file():  # a real QtWebEngine recording; its first 30 events
        found["checkout-clicks.json"] = json.dumps(json.loads(recording.read_bytes())[:30]).encode()
    for name in ("example.json", "input.json", "selection.json"):
        shared = SHARED_FIXTURES / "rrweb-tests" / name
        if shared.is_file() and shared.stat().st_size < 64 * 1024:
            found[f"shared-{name}"] = shared.read_bytes()
    return found


def rum_seed() -> bytes:
    """A RUM member's inflated content (for mutating inside an archive)."""
    return _ndjson(basic_rum(T0))


# ---- mutations -----------------------------------------------------------------------------
INTERESTING = (
    b"\x00",
    b"\xff",
    b"\xc3",  # a cut UTF-8 sequence
    b"[",
    b"{",
    b'"',
    b"\n",
    b"NaN",
    b"Infinity",
    b"-Infinity",
    b"1e999",
    b"-1",
    b"99999999999999999999999999",
    b"null",
    b"true",
    b"[[[[[[[[[[",
    b'"type":',
    b'"timestamp":',
    b"PK\x03\x04",
    b"\x1f\x8b",
)


@dataclass(frozen=True)
class Op:
    """One byte-level edit; positions are fractions so an edit fits any length."""

    kind: str  # flip, truncate, insert, duplicate, delete, overwrite
    where: float
    size: int = 1
    payload: bytes = b""


def apply_op(data: bytes, op: Op) -> bytes:
    """The bytes after one edit (an edit of empty data inserts or does nothing)."""
    at = min(int(op.where * len(data)), max(len(data) - 1, 0))
    if op.kind == "insert":
        return data[:at] + op.payload + data[at:]
    if not data:
        return data
    if op.kind == "flip":
        return data[:at] + bytes([data[at] ^ (1 << (op.size % 8))]) + data[at + 1 :]
    if op.kind == "truncate":
        return data[:at]
    if op.kind == "duplicate":
        region = data[at : at + op.size]
        return data[: at + op.size] + region * 2 + data[at + op.size :]
    if op.kind == "delete":
        return data[:at] + data[at + op.size :]
    if op.kind == "overwrite":
        return data[:at] + op.payload + data[at + len(op.payload) :]
    raise ValueError(f"unknown edit {op.kind!r}")


def apply_ops(data: bytes, ops: list[Op]) -> bytes:
    for op in ops:
        data = apply_op(data, op)
    return data


def rewrite_zip(data: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    """A copy of a zip whose members pass through ``change`` (name, content → content).

    The mimetype member stays first and stored, as the format requires, so edits reach
    the readers behind the container checks.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.compress_type = info.compress_type
            new.writestr(copy, change(info.filename, old.read(info)))
    return out.getvalue()


LAYERS = ("file", "inflated", "member", "member-inflated")


def mutate(seed_name: str, layer: str, ops: list[Op], member: str = ARCHIVE_MEMBERS[2]) -> bytes:
    """A seed with ``ops`` applied at one layer.

    ``file``: the bytes on disk. ``inflated``: inside the gzip of a gzipped seed (re-gzipped
    after). ``member``: one archive member's stored bytes. ``member-inflated``: the content of
    a gzipped archive member, re-gzipped, so edits reach the event lines. Layers that do not
    apply to a seed fall back to ``file``.
    """
    data = seeds()[seed_name]
    is_zip = data.startswith(b"PK\x03\x04")
    if layer == "inflated" and data.startswith(b"\x1f\x8b"):
        return gzip.compress(apply_ops(gzip.decompress(data), ops), mtime=0)
    if layer in ("member", "member-inflated") and is_zip:

        def change(name: str, content: bytes) -> bytes:
            if name != member:
                return content
            if layer == "member-inflated" and content.startswith(b"\x1f\x8b"):
                return gzip.compress(apply_ops(gzip.decompress(content), ops), mtime=0)
            return apply_ops(content, ops)

        return rewrite_zip(data, change)
    return apply_ops(data, ops)


# ---- structured JSON -----------------------------------------------------------------------
def wrap_events(events: list[Any], shape: str) -> tuple[str, bytes]:
    """Generated events in one of the supported containers: (file name, bytes)."""
    dump = _dumps
    if shape == "array":
        return "gen.json", dump(events).encode()
    if shape == "object":
        return "gen.json", dump({"events": events}).encode()
    if shape == "ndjson":
        return "gen.ndjson", b"".join(dump(e).encode() + b"\n" for e in events)
    if shape == "posthog-v2":
        doc = {"version": "2023-04-28", "data": {"id": "g", "snapshots": events}}
        return "gen.json", dump(doc).encode()
    if shape == "posthog-v1":
        doc = {"version": "2022-12-02", "data": {"snapshotsByWindowId": {"w": events}}}
        return "gen.json", dump(doc).encode()
    if shape == "posthog-jsonl":
        return "gen.jsonl", dump({"window_id": "w", "data": events}).encode() + b"\n"
    if shape == "archive":
        return "gen.webreplay", archive_with_events(events)
    raise ValueError(shape)


def _dumps(value: Any) -> str:
    """JSON as a careless producer writes it: NaN and Infinity allowed, any depth."""
    try:
        return json.dumps(value, allow_nan=True)
    except RecursionError:
        return "[" * 100_000 + "]" * 100_000


def archive_with_events(events: list[Any], rum: list[Any] | None = None) -> bytes:
    """The two-session seed archive with session s0's events (and RUM) replaced."""

    def change(name: str, content: bytes) -> bytes:
        if name == "sessions/s0/events.ndjson.gz":
            return gzip.compress(b"".join(_dumps(e).encode() + b"\n" for e in events), mtime=0)
        if name == "sessions/s0/rum.ndjson.gz" and rum is not None:
            return gzip.compress(b"".join(_dumps(r).encode() + b"\n" for r in rum), mtime=0)
        return content

    return rewrite_zip(seeds()["archive.webreplay"], change)


def archive_with_json(member: str, document: Any) -> bytes:
    """The seed archive with one JSON member (manifest, session.json) replaced."""

    def change(name: str, content: bytes) -> bytes:
        return _dumps(document).encode() if name == member else content

    return rewrite_zip(seeds()["archive.webreplay"], change)


# ---- the property --------------------------------------------------------------------------
@dataclass
class Tally:
    """How many inputs were judged and how they ended (the closing note needs the count)."""

    inputs: int = 0
    refused: int = 0
    ingested: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: str) -> None:
        self.inputs += 1
        if outcome == "refused":
            self.refused += 1
        else:
            self.ingested += 1

    def summary(self) -> str:
        return (
            f"{self.inputs:,} inputs fuzzed: {self.ingested:,} ingested, "
            f"{self.refused:,} refused with a message"
        )


TALLY = Tally()


class TooSlow(Exception):
    """An input took longer than its time bound (a hang, or close to one)."""


@contextlib.contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Raise :class:`TooSlow` after ``seconds`` of Python code; abort on a hang in C.

    Why both: the alarm interrupts Python loops; a C loop (zlib, DuckDB) never returns to
    the interpreter to see it, so faulthandler ends the process with every thread's stack.
    """

    def on_alarm(signum: int, frame: object) -> None:
        raise TooSlow(f"still running after {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    faulthandler.dump_traceback_later(seconds * 3 + 30, exit=True)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        faulthandler.cancel_dump_traceback_later()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def check_file(path: Path, work: Path) -> str:
    """Open and ingest ``path``; return ``"refused"`` or ``"ingested N"``.

    Fails (AssertionError, or the unexpected exception itself) when the readers break
    their promise. ``work`` receives the store and is reused between calls.
    """
    size = path.stat().st_size if path.exists() else 0
    with time_bound(BASE_SECONDS + SECONDS_PER_MB * size / 1e6):
        try:
            source = open_recording(path)
            if isinstance(source, ArchiveReader):
                source.close()
            result = ingest_file(path, work / "fuzz.duckdb", force=True)
        except UnreadableFile as exc:
            assert exc.problem.strip(), "an UnreadableFile without a problem"
            assert path.name in str(exc), str(exc)
            outcome = "refused"
        else:
            assert result.sessions >= 0
            for warning in result.warnings:
                assert warning.file == path.name and warning.message.strip()
            outcome = f"ingested {result.sessions}"
    assert peak_rss_mb() < MAX_PEAK_RSS_MB, f"peak memory {peak_rss_mb():.0f} MB"
    TALLY.add("refused" if outcome == "refused" else "ingested")
    return outcome


def check_bytes(data: bytes, name: str, work: Path) -> str:
    """Write ``data`` as ``work/name`` and :func:`check_file` it."""
    path = work / name
    path.write_bytes(data)
    try:
        return check_file(path, work)
    finally:
        path.unlink(missing_ok=True)
