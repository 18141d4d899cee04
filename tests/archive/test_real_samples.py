"""Recordings written by other projects (``../shared/fixtures/real``), as users hold them.

Each is read for what a user would expect to see: sessions, events, clicks, errors,
requests and the duration. Skipped cleanly on a clone without ``../shared``.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from app.archive.detect import open_recording
from app.store.ingest import ingest_file

BLOB_SESSION = "0196e180-73bd-7b72-869b-35ee20bbbcd1"
LEGACY = "legacy-api-hogflix"
COUNTS = """SELECT s.session_id, s.duration_ms,
       (SELECT count(*) FROM events e WHERE e.session_id = s.session_id),
       (SELECT count(*) FROM actions a WHERE a.session_id = s.session_id
                                          AND a.trigger = 'click'),
       (SELECT count(*) FROM actions a WHERE a.session_id = s.session_id AND a.type = 'load'),
       (SELECT count(*) FROM errors r WHERE r.session_id = s.session_id),
       (SELECT count(*) FROM requests r WHERE r.session_id = s.session_id)
FROM sessions s ORDER BY s.started_at"""


def _counts(path: Path, tmp: Path) -> tuple[list[tuple], list[str]]:
    result = ingest_file(path, tmp / "store.duckdb")
    with duckdb.connect(str(result.db_path), read_only=True) as con:
        return con.execute(COUNTS).fetchall(), [str(w) for w in result.warnings]


def test_a_posthog_blob_v2_file_is_one_five_minute_session(
    shared_fixtures: Path, tmp_path: Path
) -> None:
    path = shared_fixtures / "real" / "posthog" / "blob_v2-key0.jsonl"
    assert open_recording(path).format == "posthog"
    rows, warnings = _counts(path, tmp_path)
    # session, duration, events, clicks, loads, errors, requests
    assert rows == [(BLOB_SESSION, 300_729, 10, 0, 1, 0, 0)]
    assert warnings == []


def test_the_continuation_blob_alone_says_it_cannot_be_replayed(
    shared_fixtures: Path, tmp_path: Path
) -> None:
    rows, warnings = _counts(shared_fixtures / "real" / "posthog" / "blob_v2-key1.jsonl", tmp_path)
    assert rows == [(BLOB_SESSION, 0, 1, 0, 0, 0, 0)]
    assert warnings == [
        f"blob_v2-key1.jsonl (session {BLOB_SESSION}): has no full snapshot (rrweb event type "
        "2): the page cannot be rebuilt for the replay; actions, errors and requests were "
        "still read"
    ]


def test_the_posthog_folder_joins_both_blobs_and_keeps_the_legacy_response_apart(
    shared_fixtures: Path, tmp_path: Path
) -> None:
    rows, warnings = _counts(shared_fixtures / "real" / "posthog", tmp_path)
    assert rows == [
        (LEGACY, 18_925, 62, 2, 4, 0, 0),
        (BLOB_SESSION, 300_836, 11, 0, 1, 0, 0),
    ]
    assert warnings == []  # the continuation's missing snapshot is in the first blob


def test_an_older_posthog_api_response_keeps_its_person(
    shared_fixtures: Path, tmp_path: Path
) -> None:
    path = shared_fixtures / "real" / "posthog" / "legacy-api-hogflix.json"
    rows, _ = _counts(path, tmp_path)
    assert rows == [(LEGACY, 18_925, 62, 2, 4, 0, 0)]
    with duckdb.connect(str(tmp_path / "store.duckdb"), read_only=True) as con:
        user, pages = con.execute(
            "SELECT (SELECT user_id FROM sessions), "
            "(SELECT list(url ORDER BY ts) FROM actions WHERE type = 'load')"
        ).fetchone()
    assert user == "1774d90b2a432d-06cf818ba37a9e-1e2a1f04-384000-1774d90b2a5870"
    assert pages[0] == "http://localhost:8000/demo/1" and len(pages) == 4


def test_a_highlight_push_payload_is_its_session(shared_fixtures: Path, tmp_path: Path) -> None:
    path = shared_fixtures / "real" / "highlight" / "push-payload-dom-with-scripts.json"
    assert open_recording(path).format == "highlight"
    rows, warnings = _counts(path, tmp_path)
    assert rows == [("a1b2c3d400000001", 11_162, 3, 0, 1, 0, 0)]
    assert warnings == []
