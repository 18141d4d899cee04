"""Text is searchable while it was in the page and visible: ancestor removals end it, and
hiding (``hidden``, inline ``display: none``, a hiding class of the page's own style sheet)
keeps it out of sight until the recording shows it.

One session built in code, written with the real writer, ingested into a real DuckDB store
and indexed beside it.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.archive.model import SessionMeta
from app.archive.writer import ArchiveWriter
from app.store.open import open_store
from app.store.search import Hit, search
from tests.builders import T0, basic_rum, el, meta, text

STYLE = (
    ".overlay { position: absolute; display: none; color: red; }"
    ".overlay.is-visible { display: flex; }"
    "@media (max-width: 10px) {\n  .banner { display: none; }\n}"
    ".card { display: block; }"
)


def snapshot(ts: int) -> dict[str, Any]:
    style = el(5, "style", {}, [{"type": 3, "textContent": STYLE, "isStyle": True, "id": 6}])
    body = el(4, "body", {}, [
        el(20, "div", {"class": "overlay"},
           [el(21, "span", {}, [text(22, "Checking your address")])]),
        el(30, "div", {"hidden": ""}, [text(31, "Secret coupon inside")]),
        el(40, "div", {"style": "color: red; display: none"},
           [el(41, "p", {}, [text(42, "Inline hidden note")])]),
        el(50, "div", {"aria-hidden": "true"}, [text(51, "Screen reader quiet")]),
        el(55, "div", {"class": "banner card"}, [text(56, "Narrow screen banner")]),
        el(60, "section", {}, [el(61, "div", {}, [text(62, "Parcel tracking opened")])]),
    ])  # fmt: skip
    page = {
        "type": 0,
        "id": 1,
        "childNodes": [el(2, "html", {}, [el(3, "head", {}, [style]), body])],
    }
    return {
        "type": 2,
        "timestamp": ts,
        "data": {"node": page, "initialOffset": {"top": 0, "left": 0}},
    }


def mutation(ts: int, **changes: list[dict[str, Any]]) -> dict[str, Any]:
    data = {"source": 0, "texts": [], "attributes": [], "removes": [], "adds": []}
    return {"type": 3, "timestamp": ts, "data": {**data, **changes}}


def attribute(ts: int, node_id: int, **attributes: Any) -> dict[str, Any]:
    return mutation(ts, attributes=[{"id": node_id, "attributes": attributes}])


def session_events() -> list[dict[str, Any]]:
    adds = [  # as rrweb records them: one node per add, each under its parent
        {"parentId": 4, "nextId": None, "node": el(70, "div", {"class": "toast"})},
        {"parentId": 70, "nextId": None, "node": el(71, "p", {})},
        {"parentId": 71, "nextId": None, "node": text(72, "Added to your basket")},
    ]
    return [
        meta(T0),
        snapshot(T0 + 5),
        mutation(T0 + 1_000, adds=adds),
        attribute(T0 + 3_000, 20, **{"class": "overlay is-visible"}),
        attribute(T0 + 4_000, 30, hidden=None),
        mutation(T0 + 5_000, removes=[{"parentId": 4, "id": 60}]),
        attribute(T0 + 5_500, 40, style="color: red"),
        attribute(T0 + 6_000, 20, **{"class": "overlay"}),
        mutation(T0 + 7_000, removes=[{"parentId": 4, "id": 70}]),
        attribute(T0 + 8_000, 20, **{"class": "is-visible overlay"}),
        {"type": 3, "timestamp": T0 + 20_000, "data": {"source": 1, "positions": []}},
    ]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("visibility")
    archive = folder / "page.webreplay"
    with ArchiveWriter(archive) as writer:
        writer.add_session(SessionMeta(session_id="s0", user_id="ada@example.com"),
                           session_events(), basic_rum(T0))  # fmt: skip
    opened, _ = open_store(archive, folder / "page.duckdb")
    yield opened
    opened.close()


def spans(store: Any, query: str) -> list[tuple[int, int | None]]:
    """When the text ``query`` finds was visible: (from, to) offsets from T0, in ms."""
    hits = [h for h in search(store, query, session_id="s0").hits if h.kind == "text"]
    return [(h.ts_ms - T0, None if h.end_ms is None else h.end_ms - T0) for h in hits]


def shown_at(hits: list[Hit], at_ms: int) -> list[Hit]:
    """The hits an in-recording search shows with the time cursor at ``at_ms``."""
    return [h for h in hits if h.ts_ms <= at_ms and (h.end_ms is None or at_ms < h.end_ms)]


def test_text_ends_when_an_ancestor_is_removed(store) -> None:
    # "Parcel tracking opened" lies in a div whose parent section is removed at 5 s.
    assert spans(store, '"parcel tracking"') == [(5, 5_000)]
    hits = search(store, '"parcel tracking"', session_id="s0").hits
    assert shown_at(hits, T0 + 3_000) and not shown_at(hits, T0 + 6_000)


def test_text_added_under_added_nodes_ends_with_their_removal(store) -> None:
    assert spans(store, '"added to your basket"') == [(1_000, 7_000)]


def test_class_hidden_text_is_found_only_while_the_class_rule_shows_it(store) -> None:
    # .overlay {display: none} hides it; .overlay.is-visible {display: flex} wins over it.
    assert spans(store, '"checking your address"') == [(3_000, 6_000), (8_000, None)]
    hits = search(store, '"checking your address"', session_id="s0").hits
    assert not shown_at(hits, T0 + 1_000) and not shown_at(hits, T0 + 7_000)
    assert shown_at(hits, T0 + 4_000) and shown_at(hits, T0 + 9_000)


def test_hidden_attribute_and_inline_style_hide_until_removed(store) -> None:
    assert spans(store, '"secret coupon"') == [(4_000, None)]
    assert spans(store, '"inline hidden note"') == [(5_500, None)]


def test_aria_hidden_and_conditional_rules_do_not_hide(store) -> None:
    assert spans(store, '"screen reader quiet"') == [(5, None)]
    assert spans(store, '"narrow screen banner"') == [(5, None)]  # only in @media
