"""Searching sessions built in code: when text appeared, masking, fields, operators, accents.

Each archive is written with the real writer, ingested into a real DuckDB store and indexed
beside it, as the window and the command line do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.archive.model import SessionMeta
from app.archive.writer import ArchiveWriter
from app.store.open import open_store
from app.store.search import (
    IndexCancelled,
    QuerySyntaxError,
    SearchIndex,
    build_index,
    ensure_index,
    index_path_for,
    search,
    sessions_matching,
)
from app.store.store import SessionStore
from tests.builders import T0, basic_events, basic_rum, el, text, typed

DELAY_SHOWN = T0 + 5_000
DELAY_GONE = T0 + 9_000


def added_text(ts: int, parent: int, node_id: int, value: str) -> dict[str, Any]:
    """A mutation adding a paragraph ``node_id`` with a text node under ``parent``, each
    node an add of its own as rrweb records them."""
    adds = [
        {"parentId": parent, "nextId": None, "node": el(node_id, "p", {"class": "notice"})},
        {"parentId": node_id, "nextId": None, "node": text(node_id + 1, value)},
    ]
    return {
        "type": 3,
        "timestamp": ts,
        "data": {"source": 0, "texts": [], "attributes": [], "removes": [], "adds": adds},
    }


def removed(ts: int, parent: int, node_id: int) -> dict[str, Any]:
    return {
        "type": 3,
        "timestamp": ts,
        "data": {"source": 0, "texts": [], "attributes": [], "adds": [],
                 "removes": [{"parentId": parent, "id": node_id}]},
    }  # fmt: skip


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """s0: a notice appears by mutation and is removed, "NW1 6XE" typed unmasked, a café;
    s1: the same shop with its typing masked; both with basic_events' error and requests."""
    folder = tmp_path_factory.mktemp("search")
    archive = folder / "shop.webreplay"
    s0 = [
        *basic_events(T0),
        added_text(DELAY_SHOWN, 4, 40, "Your parcel is delayed"),
        removed(DELAY_GONE, 4, 40),
        typed(T0 + 6_000, 12, "NW1 6XE"),
        added_text(T0 + 7_000, 4, 50, "Café crème à emporter"),
    ]
    s1 = [*basic_events(T0 + 60_000), typed(T0 + 66_000, 12, "*******")]
    with ArchiveWriter(archive) as writer:
        writer.add_session(SessionMeta(session_id="s0", user_id="ada@example.com"), s0,
                           basic_rum(T0))  # fmt: skip
        writer.add_session(SessionMeta(session_id="s1", user_id="bob@example.com"), s1,
                           basic_rum(T0 + 60_000))  # fmt: skip
    opened, _ = open_store(archive, folder / "shop.duckdb")
    yield opened
    opened.close()


def kinds_and_times(result: Any) -> list[tuple[str, str, int]]:
    return [(h.session_id, h.kind, h.ts_ms) for h in result.hits]


def test_text_added_by_a_mutation_is_found_when_it_appeared_and_until_removed(store) -> None:
    result = search(store, "parcel delayed")
    assert kinds_and_times(result) == [("s0", "text", DELAY_SHOWN)]
    hit = result.hits[0]
    assert hit.end_ms == DELAY_GONE
    assert hit.node_id == 41  # the text node, to outline in the replay
    assert hit.snippet == "Your parcel is delayed"
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["parcel", "delayed"]


def test_typed_text_is_found_when_unmasked_and_never_when_masked(store) -> None:
    result = search(store, '"NW1 6XE"')
    assert kinds_and_times(result) == [("s0", "typed", T0 + 6_000)]
    assert result.hits[0].node_id == 12
    index = ensure_index(store)
    typed_rows = (
        index.cursor()
        .execute(
            "SELECT session_id, text FROM docs JOIN texts USING (h) WHERE kind = 1 ORDER BY ALL"
        )
        .fetchall()
    )
    assert typed_rows == [("s0", "NW1 6XE")]  # s1's "*******" and s0's "*", "**" are not kept


def test_console_error_found_by_a_word_of_its_message(store) -> None:
    result = search(store, "console:undefined")
    assert {(h.session_id, h.kind) for h in result.hits} == {("s0", "console"), ("s1", "console")}
    assert all("TypeError: x is undefined" in h.snippet for h in result.hits)
    assert search(store, "error:validate").total == 2  # a stack frame of the error


def test_status_finds_the_failed_request(store) -> None:
    result = search(store, "status:500")
    assert [(h.session_id, h.kind) for h in result.hits] == [("s0", "request"), ("s1", "request")]
    assert "https://shop.example/api/order" in result.hits[0].snippet
    assert search(store, "status:200").total == 0
    assert search(store, "status:5xx url:order").total == 2


def test_phrase_needs_its_words_in_order(store) -> None:
    placed = search(store, '"place order"', session_id="s0")
    assert {h.kind for h in placed.hits} == {"text", "action"}
    assert search(store, '"order place"').total == 0
    assert search(store, "order place", session_id="s0").total == placed.total


def test_prefix_and_fields(store) -> None:
    postal = search(store, "postal*", session_id="s0")
    assert [h.snippet for h in postal.hits] == ["Postal code"]  # the input's placeholder
    assert {h.kind for h in search(store, "action:place").hits} == {"action"}
    assert {h.kind for h in search(store, "text:place").hits} == {"text"}
    assert [h.session_id for h in search(store, "user:ada*").hits] == ["s0"]
    assert {h.kind for h in search(store, "page:checkout").hits} == {"page"}
    assert search(store, "url:checkout").total == 0  # page URLs are not requests


def test_not_and_or(store) -> None:
    both = search(store, "parcel OR emporter")
    assert [h.snippet for h in both.hits] == ["Your parcel is delayed", "Café crème à emporter"]
    assert [h.snippet for h in search(store, "(parcel OR emporter) -cafe").hits] == [
        "Your parcel is delayed"
    ]
    assert search(store, "parcel NOT delayed").total == 0


def test_case_and_accents_are_ignored_both_ways(store) -> None:
    for query in ("CAFE CREME", "café crème", "cafe crè*"):
        assert [h.snippet for h in search(store, query).hits] == ["Café crème à emporter"]
    hit = search(store, "creme").hits[0]
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["crème"]


def test_sessions_matching_combines_terms_across_a_session(store) -> None:
    assert sessions_matching(store, "error:undefined page:checkout") == ["s0", "s1"]
    assert sessions_matching(store, "parcel") == ["s0"]
    assert sessions_matching(store, "checkout -parcel") == ["s1"]


def test_relevance_order_and_limit(store) -> None:
    result = search(store, "order", limit=2, order="relevance")
    assert result.total > 2 and len(result.hits) == 2
    assert all(len(h.snippet) <= len("Place order") for h in result.hits)
    counted = search(store, "order", limit=0)
    assert (counted.total, counted.hits) == (result.total, [])


def test_query_errors_reach_the_caller(store) -> None:
    with pytest.raises(QuerySyntaxError, match="not closed"):
        search(store, '"parcel')


def test_index_is_reused_and_rebuilt_when_damaged(store: SessionStore) -> None:
    path = index_path_for(store.db_path)
    assert ensure_index(store) is ensure_index(store)
    stamp = path.stat().st_mtime_ns
    with SessionStore(store.db_path) as again:  # a new store of the same file: reused
        assert ensure_index(again).path == path
    assert path.stat().st_mtime_ns == stamp
    damaged = Path(str(path))
    with SessionStore(store.db_path) as again:
        with damaged.open("r+b") as stream:  # an index cut short is rebuilt, not misread
            stream.truncate(damaged.stat().st_size // 2)
        index = ensure_index(again)
        assert path.stat().st_mtime_ns != stamp
        assert SearchIndex.search(index, "parcel").total == 1


def test_a_cancelled_build_keeps_nothing(tmp_path: Path, store: SessionStore) -> None:
    target = tmp_path / "cancelled.search.duckdb"
    calls = []

    def check_cancel() -> None:
        calls.append(1)
        if len(calls) > 2:  # after two steps' checks
            raise RuntimeError("user cancelled")

    with pytest.raises(IndexCancelled):
        build_index(store, target, check_cancel=check_cancel)
    assert list(tmp_path.iterdir()) == []
    build_index(store, target)  # and a later build completes
    assert SearchIndex(target).search("parcel").total == 1


def test_a_store_ingested_again_gets_a_new_index(tmp_path: Path) -> None:
    archive = tmp_path / "one.webreplay"
    with ArchiveWriter(archive) as writer:
        writer.add_session(SessionMeta(session_id="s0"), basic_events(T0), basic_rum(T0))
    first, _ = open_store(archive, tmp_path / "one.duckdb")
    with first:
        ensure_index(first)
        stamp = index_path_for(first.db_path).stat().st_mtime_ns
    from app.store.ingest import ingest_file

    ingest_file(archive, tmp_path / "one.duckdb", force=True)
    with SessionStore(tmp_path / "one.duckdb") as again:
        assert search(again, "status:500").total == 1
    assert index_path_for(tmp_path / "one.duckdb").stat().st_mtime_ns != stamp
