"""Masking personal data before events leave the app."""

from __future__ import annotations

from app.export.masking import mask_events
from tests.builders import T0, el, full, meta, text, typed


def test_typed_values_and_marked_text_are_masked_and_the_original_kept() -> None:
    snapshot = full(T0 + 1)
    body = snapshot["data"]["node"]["childNodes"][0]["childNodes"][1]
    body["childNodes"] += [
        el(30, "input", {"id": "postal", "value": "NW1 6XE"}),
        el(31, "p", {"class": "rr-mask note"}, [text(32, "Ashley Parker")]),
        el(33, "textarea", {}, [text(34, "my secret")]),
    ]
    events = [
        meta(T0),
        snapshot,
        typed(T0 + 100, 30, "NW1 6XE"),
        {"type": 3, "timestamp": T0 + 200, "data": {"source": 0, "texts": [
            {"id": 32, "value": "Ashley P."}], "attributes": [
            {"id": 30, "attributes": {"value": "SW1A 1AA"}}], "removes": [], "adds": [
            {"parentId": 31, "nextId": None, "node": text(35, "London")}]}},
    ]  # fmt: skip
    masked = mask_events(events)
    flat = str(masked)
    for secret in ("NW1 6XE", "Ashley Parker", "Ashley P.", "SW1A 1AA", "my secret", "London"):
        assert secret not in flat, secret
    assert "*******" in flat  # lengths are kept
    assert "Place order" in flat  # ordinary text stays
    assert "NW1 6XE" in str(events)  # the caller's events are untouched
