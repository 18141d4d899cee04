"""Loading indicators read from the recorded DOM (see app/derive/loading.py for the rule)."""

from __future__ import annotations

from typing import Any

from app.derive.loading import indicator_spans
from tests.builders import T0, el, full, meta


def mutation(ts: int, **data: Any) -> dict[str, Any]:
    body = {"source": 0, "texts": [], "attributes": [], "removes": [], "adds": []}
    body.update(data)
    return {"type": 3, "timestamp": ts, "data": body}


def page(ts: int) -> dict[str, Any]:
    """A page with a hidden overlay (40) holding a spinner (41), and a body (4)."""
    snapshot = full(ts)
    body = snapshot["data"]["node"]["childNodes"][0]["childNodes"][1]
    body["childNodes"].append(
        el(40, "div", {"class": "loading-overlay", "id": "loading_overlay"},
           [el(41, "div", {"class": "spinner"})])
    )  # fmt: skip
    return snapshot


def overlay_class(ts: int, value: str) -> dict[str, Any]:
    return mutation(ts, attributes=[{"id": 40, "attributes": {"class": value}}])


def test_an_overlay_switched_on_and_off_is_one_span() -> None:
    events = [
        meta(T0), page(T0 + 1),
        overlay_class(T0 + 1000, "loading-overlay is-visible"),
        overlay_class(T0 + 16_000, "loading-overlay"),
    ]  # fmt: skip
    assert indicator_spans(events, T0 + 20_000) == [(T0 + 1000, T0 + 16_000)]


def test_an_overlay_left_on_lasts_until_the_page_goes() -> None:
    events = [
        meta(T0), page(T0 + 1),
        overlay_class(T0 + 1000, "loading-overlay is-visible"),
        meta(T0 + 30_000), page(T0 + 30_001),  # the user reloads
    ]  # fmt: skip
    assert indicator_spans(events, T0 + 60_000) == [(T0 + 1000, T0 + 30_001)]
    assert indicator_spans(events[:3], T0 + 60_000) == [(T0 + 1000, T0 + 60_000)]


def test_a_spinner_added_and_removed_counts_but_not_inside_a_hidden_container() -> None:
    spinner = {"parentId": 4, "nextId": None, "node": el(50, "div", {"class": "spinner"})}
    hidden = {
        "parentId": 4,
        "nextId": None,
        "node": el(60, "div", {"class": "loading-overlay"}, [el(61, "div", {"class": "spinner"})]),
    }
    events = [
        meta(T0), page(T0 + 1),
        mutation(T0 + 1000, adds=[spinner]),
        mutation(T0 + 3000, removes=[{"parentId": 4, "id": 50}]),
        mutation(T0 + 4000, adds=[hidden]),  # an overlay that is not switched on
        mutation(T0 + 5000, attributes=[{"id": 4, "attributes": {"aria-busy": "true"}}]),
        mutation(T0 + 6000, attributes=[{"id": 4, "attributes": {"aria-busy": None}}]),
    ]  # fmt: skip
    assert indicator_spans(events, T0 + 20_000) == [(T0 + 1000, T0 + 3000), (T0 + 5000, T0 + 6000)]
