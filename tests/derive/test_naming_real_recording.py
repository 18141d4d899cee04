"""Action names derived from a recording made with the real rrweb recorder in QtWebEngine.

``tests/data/recordings/checkout-clicks.json`` was produced by ``make_recordings.py`` beside
it: real mouse and keyboard input on a checkout page, then a navigation to a thank-you page.
The expected names below follow the scenario in that folder's README, written by hand.
"""

from __future__ import annotations

import json

import pytest

from app.derive.rum import RumDeriver
from tests.conftest import DATA

RECORDING = DATA / "recordings" / "checkout-clicks.json"


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return RumDeriver().feed_all(json.loads(RECORDING.read_text())).finish()


def _actions(records: list[dict]) -> list[str]:
    return [r["name"] for r in records if r["kind"] == "action"]


def test_each_click_is_named_after_its_target_like_dynatrace(records: list[dict]) -> None:
    assert _actions(records) == [
        "loading of page /checkout",
        "click on 'Close dialog'",  # icon button: the click hit the <path>, aria-label names it
        "click on 'Show help'",  # div role=button: title
        "click on 'email_field'",  # input without placeholder or name: id
        "change on 'email_field'",  # 16 keystrokes are one edit of one field
        "click on 'Postal code'",  # placeholder
        "change on 'Postal code'",
        "change on 'country'",  # select changed from the keyboard: name
        "double click on 'Order summary'",  # visible text; its two clicks are folded in
        "click on 'span.chip.promo'",  # nothing to read: tag and classes
        "click on 'btn_sell-421198'",  # empty button: id
        "click on 'Company logo'",  # img inside a link: alt
        "click on 'Place order'",  # visible text
        "loading of page /checkout/thank-you",
        "click on 'Download invoice'",  # named as it was at click time, not after it changed
        "click on 'Continue shopping'",
    ]


def test_typed_values_never_appear_in_names(records: list[dict]) -> None:
    names = " ".join(_actions(records))
    for typed in ("anna", "example.com", "SW1A", "1AA", "*"):
        assert typed not in names.replace("'span.chip.promo'", "")


def test_console_errors_become_errors_linked_to_the_click_that_caused_them(
    records: list[dict],
) -> None:
    errors = [r for r in records if r["kind"] == "error"]
    assert [e["message"] for e in errors] == [
        "Postal code check failed",
        "Uncaught TypeError: Cannot read properties of null (reading 'total')",
    ]
    place_order = next(r for r in records if r.get("name") == "click on 'Place order'")
    assert {e["action_id"] for e in errors} == {place_order["id"]}
    assert errors[0]["source"] == "https://shop.example/checkout"
    assert isinstance(errors[0]["line"], int) and isinstance(errors[0]["col"], int)
    assert errors[0]["url"] == "https://shop.example/checkout"


def test_navigation_is_a_load_action_of_the_new_page(records: list[dict]) -> None:
    loads = [r for r in records if r["kind"] == "action" and r["type"] == "load"]
    assert [r["url"] for r in loads] == [
        "https://shop.example/checkout",
        "https://shop.example/checkout/thank-you?order=10482",
    ]
    assert all(r["trigger"] == "navigation" for r in loads)
