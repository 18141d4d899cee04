"""Every file in ``tests/data/hostile/`` against what a user needs from it.

One row per file: refused with a message naming the file and the problem, or ingested with
the sessions that could be read and warnings that say what was lost and why. The files are
made by ``tests/data/hostile/make_corpus.py``; a file without a row fails the suite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from app.archive.problems import UnreadableFile
from app.store.ingest import ingest_file
from tests.builders import T0

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
ALL3 = ("s0", "s1", "s2")

Check = Callable[[duckdb.DuckDBPyConnection], None]


@dataclass(frozen=True)
class Refused:
    """Not opened at all: ``UnreadableFile`` whose problem contains ``fragment``."""

    fragment: str


@dataclass(frozen=True)
class Ingested:
    """Opened: exactly ``sessions`` kept, each of ``warnings`` found among the warnings."""

    sessions: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    check: Check | None = None


def _one(sql: str, expected: object) -> Check:
    def check(con: duckdb.DuckDBPyConnection) -> None:
        assert con.execute(sql).fetchone()[0] == expected, sql

    return check


def _starts_at_t0(con: duckdb.DuckDBPyConnection) -> None:
    started, ended = con.execute(
        "SELECT epoch_ms(started_at), epoch_ms(ended_at) FROM sessions"
    ).fetchone()
    assert (started, ended) == (T0, T0 + 45_000)


def _one_row(sql: str) -> Check:
    return _one(f"SELECT count(*) FROM ({sql})", 1)


# fmt: off
EXPECTED: dict[str, Refused | Ingested] = {
    # zip bombs and member attacks: the member is not read, the rest is kept
    "zip-bomb-flat.webreplay": Ingested(("s0", "s2"), ("member 'sessions/s1/events.ndjson.gz' expands 1,029 times (a zip bomb?)", "events.ndjson.gz missing")),  # noqa: E501
    "zip-bomb-nested.webreplay": Ingested(("s0", "s2"), ("session skipped: events.ndjson.gz expands more than 200 times (a gzip bomb?)",)),  # noqa: E501
    "zip-in-zip.webreplay": Ingested(("s0", "s1"), ("events.ndjson.gz is damaged",)),
    "path-traversal.webreplay": Ingested(ALL3, ("member '../../../../tmp/evil.sh' has a path that leaves the archive", "member 'sessions/../../x' has a path that leaves")),  # noqa: E501
    "path-traversal-session.webreplay": Ingested(("s0", "s2"), ("member 'sessions/s1/../../s1.json' has a path that leaves the archive", "session.json missing")),  # noqa: E501
    "absolute-path.webreplay": Ingested(ALL3, ("member '/etc/cron.d/evil' has an absolute path",)),
    "backslash-path.webreplay": Ingested(ALL3, ("leaves the archive ('..' or '\\')",)),
    "symlink-member.webreplay": Ingested(("s0", "s2"), ("member 'sessions/s1/events.ndjson.gz' is a symbolic link", "events.ndjson.gz missing")),  # noqa: E501
    "encrypted-member.webreplay": Ingested(("s0", "s1"), ("member 'sessions/s2/events.ndjson.gz' is encrypted",)),  # noqa: E501
    "unsupported-compression.webreplay": Ingested(("s1", "s2"), ("session.json cannot be read from the zip (That compression method is not supported)",)),  # noqa: E501
    "duplicate-members.webreplay": Ingested(("s0", "s2"), ("member 'sessions/s1/session.json' appears 2 times; only its last copy was read", "session.json is invalid")),  # noqa: E501
    "duplicate-manifest.webreplay": Refused("holds 2 copies of manifest.json; it is ambiguous"),
    "duplicate-session-ids.webreplay": Ingested(ALL3, ("session 's0' is listed 2 times in the manifest; it was read once", "session 's1' is listed 2 times"), _one("SELECT count(*) FROM sessions", 3)),  # noqa: E501
    "session-id-mismatch.webreplay": Ingested(("s0", "s2"), ("session.json names another session ('s0')",)),  # noqa: E501
    "session-folder-bad-id.webreplay": Ingested(("s0", "s1"), ("its id is not allowed in an archive", "session folder '-s2 x' is not listed in the manifest")),  # noqa: E501
    "session-listed-missing.webreplay": Ingested(("s0", "s1"), ("session.json and events.ndjson.gz missing",)),  # noqa: E501
    "session-count-wrong.webreplay": Ingested(ALL3, ("the manifest announces 10 sessions but the archive holds 3",)),  # noqa: E501
    "session-json-invalid.webreplay": Ingested(("s1", "s2"), ("session.json is invalid: top level: 'started_at' is a required property",)),  # noqa: E501
    # versions, magic and manifest: the container itself cannot be trusted
    "future-major-version.webreplay": Refused("archive format version 2.0 is not supported: this version of Replay Investigator reads format 1.x only (the archive was written by a newer tool)"),  # noqa: E501
    "future-minor-version.webreplay": Ingested(ALL3, ("archive format version 1.9 is newer than 1.0",)),  # noqa: E501
    "version-not-a-version.webreplay": Refused("format_version 1.0 is not of the form 'MAJOR.MINOR'"),  # noqa: E501
    "wrong-magic.webreplay": Refused("is not a session recording: not UTF-8 text"),
    "wrong-mimetype.webreplay": Refused("is a zip of type 'application/epub+zip', not a .webreplay session archive"),  # noqa: E501
    "mimetype-not-first.webreplay": Refused("is a zip file but not a .webreplay archive (no leading 'mimetype')"),  # noqa: E501
    "manifest-missing.webreplay": Refused("has no manifest.json; it is incomplete"),
    "manifest-malformed.webreplay": Refused("manifest.json is not valid JSON (line"),
    "manifest-not-object.webreplay": Refused("manifest.json is not a JSON object"),
    "manifest-nested-deep.webreplay": Refused("manifest.json nests JSON deeper than 512 levels"),
    "manifest-not-utf8.webreplay": Refused("manifest.json is not UTF-8 text"),
    # empty and truncated: say so, keep every complete event before the damage
    "empty.webreplay": Refused("is empty"),
    "empty.json.gz": Refused("is empty once inflated"),
    "blank.json": Refused("is empty"),
    "empty-zip.webreplay": Refused("is an empty zip file"),
    "truncated-zip.webreplay": Refused("the zip container is damaged"),
    "truncated-events-gzip.webreplay": Ingested(ALL3, ("events.ndjson.gz is truncated (the gzip stream ends early); the first",)),  # noqa: E501
    "truncated-recording.json.gz": Ingested(("truncated-recording",), ("truncated or damaged after 237 events (the gzip stream ends early",)),  # noqa: E501
    "truncated-array.json": Ingested(("truncated-array",), ("the JSON is malformed or cut off after 7 events",)),  # noqa: E501
    "gzip-garbage.json.gz": Refused("is a damaged gzip file"),
    "events-not-gzip.webreplay": Ingested(("s0", "s1"), ("session skipped: events.ndjson.gz is damaged",)),  # noqa: E501
    # size: bombs and absurd nesting stop at the limits, with what came before them kept
    "event-100mb.json.gz": Refused("holds no session that can be read (reading stopped after 0 events: the file expands more than 200 times (a gzip bomb?)"),  # noqa: E501
    "gzip-bomb.ndjson.gz": Ingested(("gzip-bomb",), ("reading stopped after 2 events: the file expands more than 200 times (a gzip bomb?)",)),  # noqa: E501
    "nested-100k.json": Refused("nests JSON deeper than 4000 levels; refused"),
    "nested-100k.ndjson.gz": Refused("nests JSON deeper than 4000 levels; refused"),
    "nested-3000-in-event.ndjson": Ingested(("nested-3000-in-event",), ("1 item(s) skipped: nested too deeply to read",), _one("SELECT count(*) FROM events", 9)),  # noqa: E501
    # text and numbers
    "not-utf8.json": Refused("is not a session recording: not UTF-8 text (byte 536)"),
    "utf16.json": Refused("not UTF-8 text (byte 0)"),
    "nan-timestamps.ndjson": Ingested(("nan-timestamps",), ("3 item(s) skipped: no timestamp",), _one("SELECT count(*) FROM events", 9)),  # noqa: E501
    "nan-in-array.json": Ingested(("nan-in-array",), ("the JSON is malformed or cut off after 4 events (lexical error: invalid char in json text.)",)),  # noqa: E501
    "infinite-numbers.ndjson": Ingested(("infinite-numbers",), ("1 item(s) skipped: timestamp is not a time (NaN, infinite or after the year 9999)",), _one("SELECT count(*) FROM requests WHERE url = 'https://x/api' AND status IS NULL", 1)),  # noqa: E501
    "huge-integers.json": Ingested(("huge-integers",), ("cut off after 5 events (parse error: integer overflow)",)),  # noqa: E501
    "huge-timestamps.webreplay": Ingested(ALL3, ("2 malformed event line(s) were skipped",), _one("SELECT count(*) FROM events WHERE session_id = 's1'", 7)),  # noqa: E501
    "nan-in-archive-events.webreplay": Ingested(ALL3, ("1 malformed event line(s) were skipped",)),
    "rum-bad-values.webreplay": Ingested(ALL3, (), _one("SELECT count(*) FROM actions WHERE session_id = 's0' AND duration_ms IS NULL", 1)),  # noqa: E501
    # time and structure of the recording
    "timestamps-out-of-order.json": Ingested(("timestamps-out-of-order",), (), _starts_at_t0),
    "timestamps-in-seconds.json": Ingested(("timestamps-in-seconds",), (), _starts_at_t0),
    "missing-full-snapshot.json": Ingested(("missing-full-snapshot",), ("has no full snapshot (rrweb event type 2): the page cannot be rebuilt",)),  # noqa: E501
    "unknown-node-mutations.json": Ingested(("unknown-node-mutations",), (), _one_row("SELECT * FROM actions WHERE name = 'click on ''node 9999'''")),  # noqa: E501
    "wrong-payload-types.json": Ingested(("wrong-payload-types",), ("1 item(s) skipped: not a JSON object", "1 item(s) skipped: no rrweb event type"), _one_row("SELECT * FROM actions WHERE name = 'loading of page http://[broken/'")),  # noqa: E501
    "no-events.json": Refused("holds no session that can be read (3 item(s) skipped: not a JSON object; 1 item(s) skipped: no rrweb event type; contains no rrweb events)"),  # noqa: E501
    # foreign files and other producers
    "png-named-webreplay.webreplay": Refused("is a PNG image, not a session recording"),
    "html-page.json": Refused("is an HTML or XML document, not a session recording"),
    "foreign-json.json": Refused("is JSON but not a session recording (top-level keys: dependencies, name)"),  # noqa: E501
    "json-null.json": Refused("is not a session recording (expected a .webreplay archive"),
    "posthog-future-version.json": Ingested(("ph-1",), ("PostHog export version '2099-01-01' is not one this app knows (2023-04-28, 2022-12-02); its events were read as 2023-04-28 events",)),  # noqa: E501
    "posthog-bad-compressed.json": Ingested(("ph-1",), ("1 item(s) skipped: compressed payload cannot be inflated", "has no full snapshot")),  # noqa: E501
    "posthog-person-wrong-types.json": Ingested(("nested-id",), (), _one("SELECT count(*) FROM sessions WHERE user_id IS NULL", 1)),  # noqa: E501
}
# fmt: on


def corpus_files() -> list[str]:
    return sorted(p.name for p in HOSTILE.iterdir() if p.is_file() and p.suffix != ".py")


def test_the_table_covers_every_file_and_there_are_at_least_forty() -> None:
    files = corpus_files()
    assert sorted(EXPECTED) == files, (
        f"no row for {sorted(set(files) - set(EXPECTED))}; "
        f"no file for {sorted(set(EXPECTED) - set(files))}"
    )
    assert len(files) >= 40


def test_the_corpus_stays_small() -> None:
    total = sum(p.stat().st_size for p in HOSTILE.iterdir() if p.is_file())
    assert total < 3 * 1024 * 1024, f"{total:,} bytes"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file_gets_what_a_user_needs(name: str, tmp_path: Path) -> None:
    expected = EXPECTED[name]
    path = HOSTILE / name
    if isinstance(expected, Refused):
        with pytest.raises(UnreadableFile) as caught:
            ingest_file(path, tmp_path / "store.duckdb")
        assert name in str(caught.value), "the message must name the file"
        assert expected.fragment in caught.value.problem, caught.value.problem
        return
    result = ingest_file(path, tmp_path / "store.duckdb")
    messages = [w.message for w in result.warnings]
    assert all(w.file == name for w in result.warnings), "every warning names the file"
    for fragment in expected.warnings:
        assert any(fragment in m for m in messages), (fragment, messages)
    if not expected.warnings:
        assert not messages, messages
    with duckdb.connect(str(result.db_path), read_only=True) as con:
        kept = tuple(
            r[0] for r in con.execute("SELECT session_id FROM sessions ORDER BY 1").fetchall()
        )
        assert kept == expected.sessions
        skipped = con.execute(
            "SELECT value FROM archive_info WHERE key = 'skipped_sessions'"
        ).fetchone()
        if expected.check is not None:
            expected.check(con)
    assert result.sessions == len(expected.sessions)
    assert skipped is not None
