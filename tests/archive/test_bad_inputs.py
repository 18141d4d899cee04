"""Damaged, truncated, hostile and foreign files: each gets a message naming the file and
the problem; what can be read is kept. One row per kind of bad input."""

from __future__ import annotations

import gzip
import json
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.archive import format as fmt
from app.archive.problems import UnreadableFile
from app.archive.safety import DEFAULT_LIMITS, Limits
from app.cli.main import run_cli
from app.store.open import open_store
from app.store.queries import sessions as session_queries
from tests.builders import basic_events, write_archive

SMALL = Limits(metadata_bytes=4096, ratio_check_after=64 * 1024, compression_ratio=50)


def _rewrite_zip(
    src: Path,
    dst: Path,
    change: Callable[[str, bytes], tuple[str, bytes] | None],
    extra: list[tuple[zipfile.ZipInfo, bytes]] = (),
) -> Path:
    """Copy an archive member by member through ``change`` (None drops a member)."""
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w") as new:
        for info in old.infolist():
            result = change(info.filename, old.read(info))
            if result is None:
                continue
            name, data = result
            copy = zipfile.ZipInfo(name, date_time=info.date_time)
            copy.compress_type = info.compress_type
            new.writestr(copy, data)
        for info, data in extra:
            new.writestr(info, data)
    return dst


def _archive_with(tmp: Path, change, extra=()) -> Path:
    base = write_archive(tmp / "base.webreplay", sessions=3)
    return _rewrite_zip(base, tmp / "case.webreplay", change, list(extra))


def _member(name: str, transform: Callable[[bytes], bytes]):
    return lambda n, d: (n, transform(d) if n == name else d)


def _manifest(edit: Callable[[dict], object]):
    def change(name: str, data: bytes):
        if name == "manifest.json":
            doc = json.loads(data)
            return name, json.dumps(edit(doc) or doc).encode()
        return name, data

    return change


def _set(key: str, value: object):
    return lambda doc: doc.__setitem__(key, value)


def _encrypted_member(tmp: Path) -> Path:
    """Mark s2's events member as encrypted (bit 0 of the flags, in both headers)."""
    path = write_archive(tmp / "case.webreplay")
    data = bytearray(path.read_bytes())
    name = b"sessions/s2/events.ndjson.gz"
    for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            if data[start + name_at : start + name_at + len(name)] == name:
                data[start + flag_at] |= 0x1
            start += 4
    path.write_bytes(bytes(data))
    return path


def _bad_lines(data: bytes) -> bytes:
    lines = gzip.decompress(data).splitlines()
    lines[3] = b'{"type": 3, "timestamp": 1700000001000, "data": {"source": 2,,,'
    return gzip.compress(b"\n".join(lines) + b"\n")


@dataclass
class Case:
    name: str
    build: Callable[[Path], Path]
    expect: str
    fatal: bool
    sessions_kept: int = 0
    limits: Limits = DEFAULT_LIMITS


def _bytes(data: bytes, name: str = "case.webreplay") -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        (tmp / name).write_bytes(data)
        return tmp / name

    return build


def _truncated_zip(tmp: Path) -> Path:
    data = write_archive(tmp / "base.webreplay").read_bytes()
    (tmp / "case.webreplay").write_bytes(data[: len(data) // 2])
    return tmp / "case.webreplay"


def _foreign_zip(tmp: Path) -> Path:
    with zipfile.ZipFile(tmp / "case.webreplay", "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return tmp / "case.webreplay"


def _zip_bomb(tmp: Path) -> Path:
    bomb = zipfile.ZipInfo("sessions/s1/events.ndjson.gz")
    bomb.compress_type = zipfile.ZIP_DEFLATED
    return _archive_with(
        tmp,
        lambda n, d: None if n == "sessions/s1/events.ndjson.gz" else (n, d),
        [(bomb, b"\n" * 2_000_000)],
    )


def _deep_json(tmp: Path) -> Path:
    (tmp / "case.json").write_text("[" * 100_000 + "]" * 100_000)
    return tmp / "case.json"


def _truncated_array(tmp: Path) -> Path:
    text = json.dumps(basic_events())
    (tmp / "case.json").write_text(text[: int(len(text) * 0.8)])
    return tmp / "case.json"


def _gzip_cut(tmp: Path) -> Path:
    data = gzip.compress(json.dumps(basic_events() * 200).encode())
    (tmp / "case.json.gz").write_bytes(data[: len(data) // 2])
    return tmp / "case.json.gz"


def _corrupt_posthog(tmp: Path) -> Path:
    events = basic_events()
    events[1] = dict(events[1], data="not gzip at all", cv="2024-10")
    doc = {"version": "2023-04-28", "data": {"id": "x1", "person": None, "snapshots": events}}
    (tmp / "case.json").write_text(json.dumps(doc))
    return tmp / "case.json"


def _folder(tmp: Path) -> Path:
    (tmp / "case.webreplay").mkdir()
    return tmp / "case.webreplay"


CASES = [
    Case("empty file", _bytes(b""), "is empty", True),
    Case("missing file", lambda tmp: tmp / "case.webreplay", "does not exist", True),
    Case("an empty folder", _folder, "is a folder with no readable session recording", True),
    Case("PNG image", _bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4), "is a PNG image", True),
    Case("binary noise", _bytes(bytes(range(128, 256)) * 50, "case.json"), "not UTF-8", True),
    Case("plain text", _bytes(b"hello world\n", "case.json"), "is not a session recording", True),
    Case(
        "foreign JSON",
        _bytes(b'{"foo": 1, "bar": [1, 2]}', "case.json"),
        "is JSON but not a session recording (top-level keys: bar, foo)",
        True,
    ),
    Case("truncated zip", _truncated_zip, "zip container is damaged", True),
    Case("foreign zip", _foreign_zip, "not a .webreplay archive", True),
    Case(
        "wrong mimetype",
        lambda t: _archive_with(t, _member("mimetype", lambda d: b"application/epub+zip")),
        "is a zip of type",
        True,
    ),
    Case(
        "no manifest",
        lambda t: _archive_with(t, lambda n, d: None if n == "manifest.json" else (n, d)),
        "has no manifest.json",
        True,
    ),
    Case(
        "malformed manifest",
        lambda t: _archive_with(t, _member("manifest.json", lambda d: d[:-20])),
        "manifest.json is not valid JSON",
        True,
    ),
    Case(
        "unknown major version",
        lambda t: _archive_with(t, _manifest(_set("format_version", "3.1"))),
        "version 3.1 is not supported",
        True,
    ),
    Case(
        "manifest against schema",
        lambda t: _archive_with(t, _manifest(_set("session_count", "many"))),
        "manifest.json is invalid",
        True,
    ),
    Case(
        "deeply nested manifest",
        lambda t: _archive_with(
            t, _member("manifest.json", lambda d: b'{"a":' + b"[" * 5000 + b"]" * 5000 + b"}")
        ),
        "nests JSON deeper",
        True,
    ),
    Case(
        "manifest not UTF-8",
        lambda t: _archive_with(
            t, _member("manifest.json", lambda d: d.replace(b'"shop"', b'"sh\xffp"'))
        ),
        "manifest.json is not UTF-8 text",
        True,
    ),
    Case(
        "oversized manifest",
        lambda t: _archive_with(t, _manifest(_set("padding", "x" * 10_000))),
        "over the",
        True,
        limits=SMALL,
    ),
    Case(
        "member escaping with ..",
        lambda t: _archive_with(
            t,
            lambda n, d: (
                ("sessions/s1/../../evil.sh", d) if n == "sessions/s1/session.json" else (n, d)
            ),
        ),
        "leaves the archive",
        False,
        2,
    ),
    Case(
        "member with absolute path",
        lambda t: _archive_with(
            t, lambda n, d: (n, d), [(zipfile.ZipInfo("/etc/cron.d/evil"), b"x")]
        ),
        "has an absolute path",
        False,
        3,
    ),
    Case("encrypted member", _encrypted_member, "is encrypted", False, 2),
    Case("zip bomb member", _zip_bomb, "a zip bomb", False, 2, SMALL),
    Case(
        "gzip bomb in events",
        lambda t: _archive_with(
            t, _member("sessions/s0/events.ndjson.gz", lambda d: gzip.compress(b"{}\n" * 400_000))
        ),
        "gzip bomb",
        False,
        2,
        SMALL,
    ),
    Case(
        "truncated events gzip",
        lambda t: _archive_with(
            t,
            _member(
                "sessions/s1/events.ndjson.gz",
                lambda d: gzip.compress(gzip.decompress(d) * 50)[:-400],
            ),
        ),
        "truncated",
        False,
        3,
    ),
    Case(
        "garbage events member",
        lambda t: _archive_with(
            t, _member("sessions/s2/events.ndjson.gz", lambda d: b"this is not gzip")
        ),
        "events.ndjson.gz is damaged",
        False,
        2,
    ),
    Case(
        "malformed event line",
        lambda t: _archive_with(t, _member("sessions/s0/events.ndjson.gz", _bad_lines)),
        "1 malformed event line(s) were skipped",
        False,
        3,
    ),
    Case(
        "invalid session metadata",
        lambda t: _archive_with(t, _member("sessions/s1/session.json", lambda d: b'{"id": "s1"}')),
        "session.json is invalid",
        False,
        2,
    ),
    Case(
        "session listed but missing",
        lambda t: _archive_with(t, lambda n, d: None if n.startswith("sessions/s2/") else (n, d)),
        "missing",
        False,
        2,
    ),
    Case("deeply nested JSON recording", _deep_json, "nests JSON deeper than", True),
    Case("truncated rrweb JSON", _truncated_array, "cut off after", False, 1),
    Case("truncated gzip recording", _gzip_cut, "truncated or damaged after", False, 1),
    Case(
        "unknown PostHog version without events",
        _bytes(b'{"version": "2099-01-01", "data": {"snapshots": []}}', "case.json"),
        "holds no session that can be read (PostHog export version '2099-01-01' is not one "
        "this app knows",
        True,
    ),
    Case("corrupt PostHog payload", _corrupt_posthog, "cannot be inflated", False, 1),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_gets_a_clear_message_and_keeps_what_is_readable(
    case: Case, tmp_path: Path
) -> None:
    path = case.build(tmp_path)
    if case.fatal:
        with pytest.raises(UnreadableFile) as caught:
            open_store(path, limits=case.limits)
        assert path.name in str(caught.value)
        assert case.expect in caught.value.problem
        return
    store, _ = open_store(path, limits=case.limits)
    with store:
        warnings = [message for _, message in store.warnings()]
        kept = len(session_queries.summaries(store.cursor()))
    assert any(case.expect in w for w in warnings), warnings
    assert kept == case.sessions_kept


def test_there_are_at_least_fifteen_kinds_of_bad_input() -> None:
    assert len(CASES) >= 15


def test_command_line_names_the_file_and_the_problem(tmp_path: Path, capsys) -> None:
    path = _archive_with(tmp_path, _manifest(_set("format_version", "9.0")))
    assert run_cli(["info", str(path), "--json"]) == 2
    err = capsys.readouterr().err
    assert "case.webreplay" in err and "version 9.0 is not supported" in err


def test_command_line_lists_skipped_sessions_and_warnings(tmp_path: Path, capsys) -> None:
    path = _archive_with(tmp_path, _member("sessions/s1/session.json", lambda d: b'{"id": "s1"}'))
    assert run_cli(["info", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [s["id"] for s in doc["sessions"]] == ["s0", "s2"]
    assert doc["skipped_sessions"] == ["s1"]
    assert any("session s1" in w and "session.json is invalid" in w for w in doc["warnings"])


def test_hostile_member_names_never_touch_the_file_system(tmp_path: Path) -> None:
    outside = tmp_path / "evil.sh"
    path = _archive_with(
        tmp_path, lambda n, d: ("../evil.sh", d) if n.endswith("s1/session.json") else (n, d)
    )
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(path, work / "case.webreplay")
    store, _ = open_store(work / "case.webreplay")
    store.close()
    assert not outside.exists()
    assert fmt.MIMETYPE  # the archive itself stayed readable
