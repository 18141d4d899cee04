"""A folder's index is built again incrementally: adding a recording to the folder makes a
new store (the folder's content key changed), and its index extracts only the new session,
keeping the others' hits from the folder's earlier index."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.archive.model import SessionMeta
from app.archive.writer import ArchiveWriter
from app.store.cache import CACHE_ENV
from app.store.open import open_store
from app.store.search import build_index, search
from app.store.store import SessionStore
from tests.builders import T0, basic_events, basic_rum
from tests.store.search.test_search import added_text


def write_recording(folder: Path, session_id: str, start: int, notice: str) -> None:
    events = [*basic_events(start), added_text(start + 5_000, 4, 40, notice)]
    with ArchiveWriter(folder / f"{session_id}.webreplay") as writer:
        writer.add_session(SessionMeta(session_id=session_id, user_id=f"{session_id}@example.com"),
                           events, basic_rum(start))  # fmt: skip


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def two_recordings(tmp_path: Path) -> tuple[Path, SessionStore]:
    """A folder of two recordings, opened and indexed as the window does."""
    folder = tmp_path / "recordings"
    folder.mkdir()
    write_recording(folder, "first", T0, "Your parcel is delayed")
    write_recording(folder, "second", T0 + 60_000, "Your parcel is on its way")
    store, _ = open_store(folder)
    steps = build_index(store)
    assert (steps["sessions indexed"], steps["sessions kept"]) == (2, 0)
    return folder, store


def test_adding_a_file_indexes_only_the_new_session(tmp_path: Path, cache: Path) -> None:
    folder, before = two_recordings(tmp_path)
    write_recording(folder, "third", T0 + 120_000, "Your parcel was returned")
    after, _ = open_store(folder)
    assert after.db_path != before.db_path  # the folder's content key changed
    steps = build_index(after)
    assert (steps["sessions indexed"], steps["sessions kept"]) == (1, 2)

    found = search(after, "parcel", limit=100).hits
    assert {(h.session_id, h.ts_ms) for h in found} == {
        ("first", T0 + 5_000), ("second", T0 + 65_000), ("third", T0 + 125_000),
    }  # fmt: skip
    assert search(after, '"was returned"').hits[0].session_id == "third"
    clicks = search(after, "action:click", limit=100).total
    assert clicks == search(before, "action:click", limit=100).total * 3 // 2
    before.close()
    after.close()


def test_a_changed_file_is_extracted_again(tmp_path: Path, cache: Path) -> None:
    folder, before = two_recordings(tmp_path)
    write_recording(folder, "second", T0 + 60_000, "Your order was cancelled")
    after, _ = open_store(folder)
    steps = build_index(after)
    assert (steps["sessions indexed"], steps["sessions kept"]) == (1, 1)
    assert [h.session_id for h in search(after, "cancelled").hits] == ["second"]
    assert [h.session_id for h in search(after, '"on its way"').hits] == []
    before.close()
    after.close()
