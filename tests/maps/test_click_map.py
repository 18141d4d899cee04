"""Click maps over real stores built from small rrweb recordings (issue 21): clicks anchored
to elements by selectors from the recorded DOM, whatever the viewport or node numbering."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.maps import click_map, scroll_map
from app.store.filters import SessionFilter
from app.store.open import open_store
from tests.builders import T0, el, scroll, text, write_recording

PAGE = "https://shop.example/basket"


def _page(base: int, width: int) -> dict[str, Any]:
    """The basket page with node ids from ``base`` (sessions number nodes differently) and
    a layout that depends on the width (the narrow one wraps the buttons in a drawer)."""
    buttons = [
        el(base + 20, "button", {"class": "qty"}, [text(base + 21, "+")]),
        el(base + 22, "button", {"class": "qty"}, [text(base + 23, "−")]),
        el(
            base + 24,
            "button",
            {"class": "buy", "type": "submit"},
            [el(base + 25, "span", {}, [text(base + 26, "Pay now")])],
        ),
    ]
    holder = el(base + 30, "div", {"class": "drawer"}, buttons) if width < 600 else None
    main_children = [holder] if holder else buttons
    return {
        "type": 0,
        "id": base + 1,
        "childNodes": [
            el(
                base + 2,
                "html",
                {},
                [
                    el(base + 3, "head"),
                    el(base + 4, "body", {}, [el(base + 5, "main", {}, main_children)]),
                ],
            )
        ],
    }


def _session(start: int, base: int, width: int, clicks: list[tuple[int, int, int]]) -> list:
    events: list[dict[str, Any]] = [
        {"type": 4, "timestamp": start, "data": {"href": PAGE, "width": width, "height": 700}},
        {"type": 2, "timestamp": start + 5, "data": {"node": _page(base, width)}},
    ]
    for offset, node, x in clicks:
        events.append(
            {
                "type": 3,
                "timestamp": start + offset,
                "data": {"source": 2, "type": 2, "id": base + node, "x": x, "y": 300},
            }
        )
    return events


def test_the_same_element_gets_the_clicks_of_two_viewports(tmp_path: Path) -> None:
    folder = tmp_path / "recordings"
    folder.mkdir()
    # desktop: node ids from 0, clicks on the button itself; phone: ids from 500, a click
    # on the text inside the button's span (what a thumb hits), at other coordinates
    write_recording(folder / "desktop.json", _session(T0, 0, 1280, [(1000, 24, 900)]))
    phone = _session(T0 + 60_000, 500, 390, [(1000, 26, 120), (2000, 20, 40)])
    write_recording(folder / "phone.json", [*phone, scroll(T0 + 63_000, 1, 900)])
    store, _ = open_store(folder, tmp_path / "store.duckdb")
    with store:
        result = click_map(store, "/basket", SessionFilter())
        by_selector = {e.selector: e for e in result.elements}
        pay = result.elements[0]
        assert pay.clicks == 2, by_selector
        assert "buy" in pay.selector and pay.label == "Pay now"  # its text, from either
        assert sorted(s.session_id for s in pay.sessions) == sorted(
            {s for e in result.elements for s in (c.session_id for c in e.sessions)}
        )
        plus = [e for e in result.elements if e is not pay]
        assert [e.clicks for e in plus] == [1] and plus[0].selector != pay.selector
        assert plus[0].title == f"+  ({plus[0].selector})"
        assert result.unanchored == 0
        assert len(result.raw) == 3 and all(0 <= r.x <= 1 for r in result.raw)
        # the phone visitor scrolled to 900 px (+700 of viewport), the desktop one did not
        depths = scroll_map(store, "/basket", SessionFilter())
        assert depths.bottoms == [700, 1600]
        assert depths.share_reaching(1000) == 0.5
        assert click_map(store, "/checkout", SessionFilter()).elements == []


def test_a_click_on_a_node_removed_later_is_counted_and_anchored(tmp_path: Path) -> None:
    start = T0
    events = _session(start, 0, 1280, [])
    adds = [  # rrweb adds a subtree node by node, each under its parent
        {"parentId": 5, "nextId": None, "node": el(90, "div", {"class": "toast"})},
        {"parentId": 90, "nextId": None, "node": el(91, "button", {"class": "undo"})},
        {"parentId": 91, "nextId": None, "node": text(92, "Undo")},
    ]
    events += [
        {
            "type": 3,
            "timestamp": start + 1000,
            "data": {"source": 0, "texts": [], "attributes": [], "removes": [], "adds": adds},
        },
        {
            "type": 3,
            "timestamp": start + 2000,
            "data": {"source": 2, "type": 2, "id": 92, "x": 600, "y": 650},
        },
        {
            "type": 3,
            "timestamp": start + 3000,
            "data": {
                "source": 0,
                "texts": [],
                "attributes": [],
                "adds": [],
                "removes": [{"parentId": 5, "id": 90}],
            },
        },
    ]
    store, _ = open_store(write_recording(tmp_path / "toast.json", events), tmp_path / "db")
    with store:
        result = click_map(store, "/basket", SessionFilter())
        assert click_map(store, "*/basket", SessionFilter()).total == 1
    assert [(e.selector, e.label, e.clicks) for e in result.elements] == [
        ("button.undo", "Undo", 1)
    ]
    assert result.frame_ms is not None and result.frame_ms < start + 2000


def test_an_element_is_named_by_its_css_content_and_never_by_masked_text(tmp_path: Path) -> None:
    """The demo's Place order button has no text in the DOM: its label is the style sheet's
    ``::after`` content, as a browser's accessible name reads it. A masked text (rrweb's
    asterisks) is no name: the element goes by its selector."""
    sheet = ".cta::after { content: 'Place order'; } .other::after { content: 'No' }"
    cta = el(24, "button", {"class": "cta", "id": "buy"}, [el(25, "svg", {"class": "lock"})])
    masked = el(26, "button", {"class": "secret"}, [text(27, "*******")])
    page = {
        "type": 0,
        "id": 1,
        "childNodes": [
            el(2, "html", {}, [
                el(3, "head", {}, [el(6, "style", {}, [text(7, sheet)])]),
                el(4, "body", {}, [el(5, "main", {}, [cta, masked])]),
            ])
        ],
    }  # fmt: skip
    events = [
        {"type": 4, "timestamp": T0, "data": {"href": PAGE, "width": 1280, "height": 700}},
        {"type": 2, "timestamp": T0 + 5, "data": {"node": page}},
        *(
            {"type": 3, "timestamp": T0 + at, "data": {"source": 2, "type": 2, "id": node}}
            for at, node in ((1000, 25), (2000, 27))
        ),
    ]
    store, _ = open_store(write_recording(tmp_path / "cta.json", events), tmp_path / "db")
    with store:
        named = {e.selector: e for e in click_map(store, "/basket", SessionFilter()).elements}
    assert named["#buy"].title == "Place order  (#buy)"
    (secret,) = (e for e in named.values() if e.selector != "#buy")
    assert secret.label is None and secret.title == secret.selector


def test_a_malformed_mutation_leaves_the_map_and_the_later_clicks(tmp_path: Path) -> None:
    """A recording with a mutation whose ``adds`` is not a list (found in a folder of mixed
    JSON files opened as an archive) once stopped the whole map with a TypeError; rrweb's
    replayer skips such a mutation, and so does the map's DOM."""
    events = _session(T0, 0, 1280, [(3000, 24, 900)])
    bad = {"source": 0, "texts": [], "attributes": [], "removes": [], "adds": 5}
    events.insert(2, {"type": 3, "timestamp": T0 + 1000, "data": bad})
    store, _ = open_store(write_recording(tmp_path / "bad.json", events), tmp_path / "db")
    with store:
        (pay,) = click_map(store, "/basket", SessionFilter()).elements
    assert (pay.label, pay.clicks) == ("Pay now", 1)
