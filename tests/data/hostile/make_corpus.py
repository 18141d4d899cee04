"""Write the hostile-file corpus: small files that attack or confuse the readers.

Why committed files and not only code: they are what a person can open in the app or hand
to another tool, and they pin the bytes (a change in a builder cannot quietly make an attack
harmless). Regenerate with::

    .venv/bin/python tests/data/hostile/make_corpus.py

Every file's expected outcome is a row in ``tests/archive/test_hostile_corpus.py``. Files are
small on purpose: bombs are small compressed (the whole corpus stays under 3 MB).
"""

from __future__ import annotations

import copy
import gzip
import io
import json
import struct
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from tests.builders import T0, basic_events, basic_rum, write_archive  # noqa: E402

Change = Callable[[str, bytes], "tuple[str, bytes] | None"]


# ---- building blocks ---------------------------------------------------------------------
def gz(data: bytes) -> bytes:
    return gzip.compress(data, 9, mtime=0)


def ndjson(records: list[Any]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def base_archive() -> bytes:
    """Three sessions s0, s1, s2, written by the app's own ArchiveWriter."""
    with tempfile.TemporaryDirectory() as tmp:
        return write_archive(Path(tmp) / "base.webreplay", 3).read_bytes()


def rezip(
    change: Change = lambda n, d: (n, d),
    extra: list[tuple[zipfile.ZipInfo | str, bytes]] | None = None,
    source: bytes | None = None,
) -> bytes:
    """The base archive member by member through ``change`` (None drops), plus ``extra``."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source or base_archive())) as old,
        zipfile.ZipFile(out, "w") as new,
    ):
        for info in old.infolist():
            result = change(info.filename, old.read(info))
            if result is None:
                continue
            copy_ = zipfile.ZipInfo(result[0], date_time=info.date_time)
            copy_.compress_type = info.compress_type
            new.writestr(copy_, result[1])
        for info, data in extra or []:
            new.writestr(info, data)
    return out.getvalue()


def member(name: str, transform: Callable[[bytes], bytes]) -> Change:
    return lambda n, d: (n, transform(d) if n == name else d)


def manifest(edit: Callable[[dict[str, Any]], None]) -> Change:
    def change(name: str, data: bytes) -> tuple[str, bytes]:
        if name != "manifest.json":
            return name, data
        doc = json.loads(data)
        edit(doc)
        return name, json.dumps(doc).encode()

    return change


def events_of(session: str, transform: Callable[[list[dict[str, Any]]], list[Any]]) -> Change:
    """Replace one session's events by ``transform(its events)`` (NaN allowed in output)."""

    def rewrite(data: bytes) -> bytes:
        events = [json.loads(line) for line in gzip.decompress(data).splitlines()]
        return gz(ndjson(transform(events)))

    return member(f"sessions/{session}/events.ndjson.gz", rewrite)


def patch_headers(data: bytes, name: bytes, field: str, value: int) -> bytes:
    """Set a 2-byte field (``flags`` or ``method``) of member ``name`` in both zip headers.

    Why by hand: zipfile writes neither an encrypted flag without encrypting nor a
    compression method it does not know, and those are the attacks.
    """
    offsets = {"flags": (6, 8), "method": (8, 10)}[field]  # local header, central directory
    out = bytearray(data)
    for signature, at, name_at in zip(
        (b"PK\x03\x04", b"PK\x01\x02"), offsets, (30, 46), strict=True
    ):
        start = 0
        while (start := out.find(signature, start)) != -1:
            if out[start + name_at : start + name_at + len(name)] == name:
                old = struct.unpack_from("<H", out, start + at)[0]
                new = old | value if field == "flags" else value
                struct.pack_into("<H", out, start + at, new)
            start += 4
    return bytes(out)


def deflated(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2023, 11, 14, 22, 13, 20))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2023, 11, 14, 22, 13, 20))
    info.create_system = 3  # Unix, so the mode bits count
    info.external_attr = (0o120777 << 16) | 0x20
    return info


def recording(events: list[Any]) -> bytes:
    return json.dumps(events).encode()


def spliced(events: list[Any], at: int, raw_lines: bytes) -> bytes:
    """NDJSON of ``events`` with hand-written lines (not valid JSON, say) after ``at``."""
    return ndjson(events[:at]) + raw_lines + ndjson(events[at:])


def array_then(events: list[Any], raw_item: bytes) -> bytes:
    """A JSON array of ``events`` ending in one hand-written item."""
    return recording(events)[:-1] + b", " + raw_item + b"]"


def in_seconds(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [dict(e, timestamp=e["timestamp"] / 1000) for e in events]


def with_values(index: int, **values: Any) -> Callable[[list[dict[str, Any]]], list[Any]]:
    def transform(events: list[dict[str, Any]]) -> list[Any]:
        events = copy.deepcopy(events)
        events[index].update(values)
        return events

    return transform


def unknown_nodes(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mutations and clicks naming node ids the snapshot never had."""
    out = copy.deepcopy(events)
    out.append(
        {
            "type": 3,
            "timestamp": T0 + 3000,
            "data": {
                "source": 0,
                "texts": [{"id": 9001, "value": "ghost"}],
                "attributes": [{"id": 9002, "attributes": {"class": "x"}}],
                "removes": [{"parentId": 9003, "id": 9004}],
                "adds": [{"parentId": 9005, "nextId": 9006, "node": {"type": 3, "id": 9007}}],
            },
        }
    )
    out.append({"type": 3, "timestamp": T0 + 3100, "data": {"source": 2, "type": 2, "id": 9999}})
    return out


def wrong_shapes(events: list[dict[str, Any]]) -> list[Any]:
    """Events whose payloads have the wrong JSON types where lists and objects belong."""
    out: list[Any] = copy.deepcopy(events)
    out += [
        {"type": 3, "timestamp": T0 + 3000, "data": {"source": 0, "adds": 5, "removes": "x"}},
        {"type": 3, "timestamp": T0 + 3100, "data": {"source": 0, "attributes": [{"id": [1]}]}},
        {"type": 3, "timestamp": T0 + 3200, "data": {"source": 2, "type": 2, "id": {"a": 1}}},
        {"type": 6, "timestamp": T0 + 3300, "data": {"plugin": "rrweb/console@1", "payload": 7}},
        {
            "type": 6,
            "timestamp": T0 + 3400,
            "data": {"plugin": "rrweb/network@1", "payload": {"requests": {"a": 1}}},
        },
        {"type": 4, "timestamp": T0 + 3500, "data": {"href": "http://[broken/"}},
        {"type": 3, "timestamp": T0 + 3600, "data": {"source": 2, "type": 2, "x": [], "y": {}}},
        "not an event",
        {"type": "2", "timestamp": T0 + 3700, "data": {}},
    ]
    return out


def posthog(snapshots: list[Any], version: str = "2023-04-28") -> bytes:
    return json.dumps({"version": version, "data": {"id": "ph-1", "snapshots": snapshots}}).encode()


def deep(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


# ---- the corpus --------------------------------------------------------------------------
def corpus() -> dict[str, bytes]:
    """File name → bytes. Names say what each file is; suffixes are what a user might have."""
    events = basic_events()
    base = base_archive()
    files: dict[str, bytes] = {}

    # Zip bombs and container attacks.
    files["zip-bomb-flat.webreplay"] = rezip(
        lambda n, d: None if n == "sessions/s1/events.ndjson.gz" else (n, d),
        [(deflated("sessions/s1/events.ndjson.gz"), b"\0" * 48_000_000)],
    )
    files["zip-bomb-nested.webreplay"] = rezip(
        lambda n, d: None if n == "sessions/s1/events.ndjson.gz" else (n, d),
        [(deflated("sessions/s1/events.ndjson.gz"), gz(b"\n" * 48_000_000))],
    )
    files["zip-in-zip.webreplay"] = rezip(
        member("sessions/s2/events.ndjson.gz", lambda d: base), source=base
    )
    files["path-traversal.webreplay"] = rezip(
        extra=[("../../../../tmp/evil.sh", b"#!/bin/sh\n"), ("sessions/../../x", b"x")]
    )
    files["path-traversal-session.webreplay"] = rezip(
        lambda n, d: ("sessions/s1/../../s1.json", d) if n == "sessions/s1/session.json" else (n, d)
    )
    files["absolute-path.webreplay"] = rezip(extra=[("/etc/cron.d/evil", b"* * * * * x\n")])
    files["backslash-path.webreplay"] = rezip(extra=[("sessions\\..\\..\\evil.bat", b"x")])
    files["symlink-member.webreplay"] = rezip(
        lambda n, d: None if n == "sessions/s1/events.ndjson.gz" else (n, d),
        [(symlink("sessions/s1/events.ndjson.gz"), b"/etc/passwd")],
    )
    files["encrypted-member.webreplay"] = patch_headers(
        base, b"sessions/s2/events.ndjson.gz", "flags", 0x1
    )
    files["unsupported-compression.webreplay"] = patch_headers(
        base, b"sessions/s0/session.json", "method", 93
    )  # 93 = Zstandard, which Python's zipfile does not read
    files["duplicate-members.webreplay"] = rezip(
        extra=[("sessions/s1/session.json", b'{"id": "s1", "started_at": "bogus"}')]
    )
    files["duplicate-manifest.webreplay"] = rezip(
        extra=[("manifest.json", b'{"format_version": "1.0"')]
    )
    files["duplicate-session-ids.webreplay"] = rezip(
        manifest(lambda doc: doc.update(sessions=["s0", "s1", "s1", "s2", "s0"]))
    )
    files["session-id-mismatch.webreplay"] = rezip(
        member("sessions/s1/session.json", lambda d: d.replace(b'"id": "s1"', b'"id": "s0"'))
    )
    files["session-folder-bad-id.webreplay"] = rezip(
        lambda n, d: (n.replace("sessions/s2/", "sessions/-s2 x/"), d)
    )
    files["session-listed-missing.webreplay"] = rezip(
        lambda n, d: None if n.startswith("sessions/s2/") else (n, d)
    )
    files["session-count-wrong.webreplay"] = rezip(
        manifest(lambda doc: doc.update(session_count=10))
    )
    files["session-json-invalid.webreplay"] = rezip(
        member("sessions/s0/session.json", lambda d: b'{"id": "s0", "screen": "big"}')
    )

    # Versions, magic, manifest.
    files["future-major-version.webreplay"] = rezip(
        manifest(lambda doc: doc.update(format_version="2.0"))
    )
    files["future-minor-version.webreplay"] = rezip(
        manifest(lambda doc: doc.update(format_version="1.9", new_field={"x": 1}))
    )
    files["version-not-a-version.webreplay"] = rezip(
        manifest(lambda doc: doc.update(format_version=1.0))
    )
    files["wrong-magic.webreplay"] = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(256))
    files["wrong-mimetype.webreplay"] = rezip(member("mimetype", lambda d: b"application/epub+zip"))
    files["mimetype-not-first.webreplay"] = rezip(
        lambda n, d: None if n == "mimetype" else (n, d),
        [("mimetype", b"application/vnd.replay-investigator.webreplay+zip")],
    )
    files["manifest-missing.webreplay"] = rezip(
        lambda n, d: None if n == "manifest.json" else (n, d)
    )
    files["manifest-malformed.webreplay"] = rezip(member("manifest.json", lambda d: d[:-7]))
    files["manifest-not-object.webreplay"] = rezip(member("manifest.json", lambda d: b"[1, 2, 3]"))
    files["manifest-nested-deep.webreplay"] = rezip(
        member("manifest.json", lambda d: b'{"a": ' + deep(100_000) + b"}")
    )
    files["manifest-not-utf8.webreplay"] = rezip(
        member("manifest.json", lambda d: d.replace(b'"shop"', b'"sh\xe9p"'))
    )

    # Empty and truncated.
    files["empty.webreplay"] = b""
    files["empty.json.gz"] = gz(b"")
    files["blank.json"] = b" \n\t\r\n" * 10
    files["empty-zip.webreplay"] = b"PK\x05\x06" + b"\0" * 18
    files["truncated-zip.webreplay"] = base[: len(base) * 2 // 3]
    files["truncated-events-gzip.webreplay"] = rezip(
        member("sessions/s1/events.ndjson.gz", lambda d: gz(gzip.decompress(d) * 40)[:-300])
    )
    files["truncated-recording.json.gz"] = gz(recording(events * 40))[:-200]
    files["truncated-array.json"] = recording(events)[:-150]
    files["gzip-garbage.json.gz"] = b"\x1f\x8b\x08\x00" + b"\xde\xad\xbe\xef" * 64
    files["events-not-gzip.webreplay"] = rezip(
        member("sessions/s2/events.ndjson.gz", lambda d: b"this is not gzip at all\n")
    )

    # Size attacks in single files.
    files["event-100mb.json.gz"] = gz(
        b'[{"type": 4, "timestamp": 1700000000000, "data": {"href": "'
        + b"x" * 100_000_000
        + b'"}}]'
    )
    files["gzip-bomb.ndjson.gz"] = gz(
        ndjson(events[:2])
        + b'{"type": 3, "timestamp": 1700000001000, "data": {"x": "'
        + b"A" * 64_000_000
        + b'"}}\n'
    )
    files["nested-100k.json"] = deep(100_000)
    files["nested-100k.ndjson.gz"] = gz(ndjson(events[:2]) + deep(100_000) + b"\n")
    files["nested-3000-in-event.ndjson"] = (
        ndjson(events[:3])
        + b'{"type": 5, "timestamp": 1700000000100, "data": {"tag": "deep", "payload": '
        + deep(3000)
        + b"}}\n"
        + ndjson(events[3:])
    )

    # Text and numbers.
    files["not-utf8.json"] = recording(events).replace(b"Place order", b"Caf\xe9 order")
    files["utf16.json"] = recording(events).decode().encode("utf-16")
    files["nan-timestamps.ndjson"] = spliced(
        events,
        3,
        b'{"type": 3, "timestamp": NaN, "data": {"source": 2, "type": 2, "id": 11}}\n'
        b'{"type": 3, "timestamp": Infinity, "data": {"source": 2, "type": 2, "id": 11}}\n'
        b'{"type": 3, "timestamp": -Infinity, "data": {"source": 2, "type": 2, "id": 11}}\n',
    )
    files["nan-in-array.json"] = array_then(
        events[:4], b'{"type": 3, "timestamp": NaN, "data": {"source": 1}}'
    )
    files["infinite-numbers.ndjson"] = spliced(
        events,
        2,
        b'{"type": 3, "timestamp": 1e999, "data": {"source": 2, "type": 2, "id": 11}}\n'
        b'{"type": 3, "timestamp": 1700000001000, "data": {"source": 2, "type": 2, '
        b'"id": 11, "x": Infinity, "y": NaN}}\n'
        b'{"type": 6, "timestamp": 1700000001100, "data": {"plugin": "rrweb/network@1", '
        b'"payload": {"requests": [{"name": "https://x/api", "duration": NaN, '
        b'"responseStatus": Infinity, "timestamp": 1e999}]}}}\n',
    )
    files["huge-integers.json"] = array_then(
        events[:5],
        b'{"type": 3, "timestamp": 123456789012345678901234567890, "data": {"source": 1}}',
    )
    files["huge-timestamps.webreplay"] = rezip(
        events_of(
            "s1",
            lambda ev: [
                *ev[:3],
                dict(ev[3], timestamp=1e300),
                dict(ev[4], timestamp=2**63),
                *ev[5:],
            ],
        )
    )
    files["nan-in-archive-events.webreplay"] = rezip(
        member(
            "sessions/s1/events.ndjson.gz",
            lambda d: gz(gzip.decompress(d) + b'{"type": 3, "timestamp": NaN, "data": {}}\n'),
        )
    )
    files["rum-bad-values.webreplay"] = rezip(
        member(
            "sessions/s0/rum.ndjson.gz",
            lambda d: gz(
                ndjson(
                    [
                        dict(basic_rum(T0)[0], ts=1e300),
                        dict(basic_rum(T0)[1], duration_ms=-1e300),
                        dict(basic_rum(T0)[2], status=10**12),
                        *basic_rum(T0)[3:],
                    ]
                )
            ),
        )
    )

    # Time and structure of the recording.
    files["timestamps-out-of-order.json"] = recording(list(reversed(events)))
    files["timestamps-in-seconds.json"] = recording(in_seconds(events))
    files["missing-full-snapshot.json"] = recording([e for e in events if e["type"] != 2])
    files["unknown-node-mutations.json"] = recording(unknown_nodes(events))
    files["wrong-payload-types.json"] = recording(wrong_shapes(events))
    files["no-events.json"] = recording([1, "two", None, [], {"type": 99}])

    # Foreign and other formats.
    files["png-named-webreplay.webreplay"] = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 2
    files["html-page.json"] = b"<!doctype html><html><body>not a recording</body></html>"
    files["foreign-json.json"] = b'{"name": "package", "dependencies": {"rrweb": "2.0"}}'
    files["json-null.json"] = b"null"
    files["posthog-future-version.json"] = posthog(events, "2099-01-01")
    files["posthog-bad-compressed.json"] = posthog(
        [*events[:1], dict(events[1], cv="2024-10", data="\x1f\x8b\x08\x00garbage"), *events[2:]]
    )
    files["posthog-person-wrong-types.json"] = json.dumps(
        {
            "version": "2023-04-28",
            "data": {
                "id": {"nested": ["id"]},
                "person": {"distinct_ids": 5, "properties": ["not", "a", "map"]},
                "snapshots": events,
            },
        }
    ).encode()
    return files


def main() -> None:
    files = corpus()
    for old in HERE.iterdir():
        if old.is_file() and old.name not in files and old.suffix != ".py":
            old.unlink()
    for name, data in files.items():
        (HERE / name).write_bytes(data)
    total = sum(len(d) for d in files.values())
    print(f"{len(files)} files, {total:,} bytes in {HERE}")


if __name__ == "__main__":
    main()
