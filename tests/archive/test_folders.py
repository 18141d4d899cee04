"""A folder of recordings opens as one investigation: every recording inside, parts of a
session joined by the id they carry, other files named in warnings, re-read when changed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from app.archive.problems import UnreadableFile
from app.store.cache import content_key
from app.store.ingest import ingest_file
from tests.archive.formats import WINDOW, blob_lines
from tests.archive.test_vendor_formats import _page, highlight_payload
from tests.builders import T0, basic_events, write_archive


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """What a user's download folder holds: recordings of every kind, and other files."""
    folder = tmp_path / "recordings"
    (folder / "posthog" / "blobs").mkdir(parents=True)
    (folder / "team-a").mkdir()
    (folder / "team-b").mkdir()
    (folder / ".git").mkdir()
    (folder / "team-a" / "recording.json").write_text(json.dumps(basic_events()))
    (folder / "team-b" / "recording.json").write_text(json.dumps(basic_events(T0 + 60_000)))
    page = _page(T0 + 120_000)
    (folder / "posthog" / "blobs" / "2-data").write_text(blob_lines(page[3:]))
    (folder / "posthog" / "blobs" / "1-data").write_text(blob_lines(page[:3]))
    highlight = folder / "highlight"
    highlight.mkdir()
    (highlight / "p1.json").write_text(highlight_payload("HL-9", _page(T0 + 200_000)[:2]))
    (highlight / "p2.json").write_text(highlight_payload("HL-9", _page(T0 + 200_000)[2:]))
    (highlight / "other.json").write_text(highlight_payload("HL-10", _page(T0 + 300_000)))
    write_archive(folder / "shop.webreplay", sessions=2)
    shutil.copy(folder / "shop.webreplay", folder / "team-a" / "shop-copy.webreplay")
    (folder / "notes.txt").write_text("sessions from the checkout incident\n")
    (folder / "team-b" / "screenshot.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (folder / "empty.json").write_text("")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / ".git" / "config").write_text("[core]\n")
    return folder


def _sessions(db: Path) -> dict[str, tuple[int, int]]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT s.session_id, count(e.ts), s.duration_ms FROM sessions s "
            "JOIN events e USING (session_id) GROUP BY ALL"
        ).fetchall()
    return {sid: (events, duration) for sid, events, duration in rows}


def test_a_mixed_folder_reads_every_recording_and_names_the_rest(
    mixed: Path, tmp_path: Path
) -> None:
    result = ingest_file(mixed, tmp_path / "store.duckdb")
    assert result.format == "folder"
    assert _sessions(result.db_path) == {
        "recording": (9, 45_000),  # two files of the same name stay two sessions
        "recording-2": (9, 45_000),
        WINDOW: (5, 2400),  # two blobs of one session, joined in time order
        "HL-9": (5, 2400),  # two Highlight payloads of one session
        "HL-10": (5, 2400),
        "s0": (9, 45_000),  # an archive, and its copy under other ids
        "s1": (9, 45_000),
        "s0-2": (9, 45_000),
        "s1-2": (9, 45_000),
    }
    assert sorted(str(w) for w in result.warnings) == [
        "empty.json: not read: is empty",
        "notes.txt: not read: is not a session recording (expected a .webreplay archive, an "
        "rrweb recording (JSON or NDJSON), a PostHog export, blob or API response, Sentry "
        "recording segments or a Highlight payload)",
        "team-b/screenshot.png: not read: is a PNG image, not a session recording",
    ]


def test_the_folder_is_read_again_when_a_file_in_it_changes(mixed: Path) -> None:
    first = ingest_file(mixed)
    assert ingest_file(mixed).reused
    assert content_key(mixed) == content_key(mixed)
    recording = mixed / "team-b" / "recording.json"
    recording.write_text(json.dumps(basic_events(T0 + 60_000)[:5]))
    os.utime(recording, ns=(1, 1))  # another size and time
    second = ingest_file(mixed)
    assert not second.reused and second.db_path != first.db_path
    assert _sessions(second.db_path)["recording-2"][0] == 5
    (mixed / "new.json").write_text(json.dumps(basic_events(T0 + 900_000)))
    assert not ingest_file(mixed).reused
    (mixed / ".hidden-note").write_text("not part of the investigation")
    assert ingest_file(mixed).reused


def test_a_folder_without_a_recording_is_refused_naming_what_it_holds(tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "notes.txt").write_text("nothing here\n")
    with pytest.raises(UnreadableFile) as caught:
        ingest_file(folder, tmp_path / "store.duckdb")
    assert caught.value.problem.startswith(
        "is a folder with no readable session recording in it (notes.txt: not read: is not a "
        "session recording"
    )
