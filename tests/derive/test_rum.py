"""Derivation rules on small streams built in code."""

from __future__ import annotations

from app.derive.rum import INPUT_DEBOUNCE_MS, RumDeriver, parse_frame
from tests.builders import T0, basic_events, click, console_error, full, meta, mutation, typed


def _derive(events: list[dict]) -> list[dict]:
    return RumDeriver().feed_all(events).finish()


def test_a_click_followed_by_a_request_is_an_xhr_action_timed_to_the_response() -> None:
    records = _derive(basic_events())
    action = next(r for r in records if r.get("name") == "click on 'Place order'")
    request = next(r for r in records if r["kind"] == "request")
    assert action["type"] == "xhr"
    assert action["duration_ms"] == 100 + 320  # request starts 100 ms later, lasts 320 ms
    assert request == {
        "kind": "request",
        "ts": T0 + 1100,
        "method": "POST",
        "url": "https://shop.example/api/order",
        "status": 500,
        "duration_ms": 320,
        "size": None,
        "action_id": action["id"],
    }


def test_a_click_without_requests_is_custom_and_lasts_until_the_page_responds() -> None:
    records = _derive([meta(T0), full(T0 + 1), click(T0 + 100, 15), mutation(T0 + 350)])
    action = records[1]
    assert (action["name"], action["type"], action["duration_ms"]) == (
        "click on 'Close dialog'",
        "custom",
        250,
    )


def test_typing_into_one_field_is_one_action_until_a_pause_or_another_field() -> None:
    events = [meta(T0), full(T0 + 1)]
    events += [typed(T0 + 100 * k, 12) for k in range(1, 8)]
    events += [typed(T0 + 900, 13), typed(T0 + 1000, 12)]
    events += [typed(T0 + 1000 + INPUT_DEBOUNCE_MS + 1, 12)]
    names = [r["name"] for r in _derive(events) if r["kind"] == "action"][1:]
    assert names == [
        "change on 'Postal code'",
        "change on 'email_field'",
        "change on 'Postal code'",
        "change on 'Postal code'",
    ]


def test_a_checkout_snapshot_of_the_same_page_is_not_a_navigation() -> None:
    events = [
        meta(T0),
        full(T0 + 1),
        meta(T0 + 300_000),
        full(T0 + 300_001),
        meta(T0 + 400_000, "https://shop.example/cart"),
        full(T0 + 400_001),
    ]
    loads = [r["name"] for r in _derive(events) if r.get("type") == "load"]
    assert loads == ["loading of page /checkout", "loading of page /cart"]


def test_errors_long_after_any_action_belong_to_no_action() -> None:
    events = [
        meta(T0),
        full(T0 + 1),
        click(T0 + 10, 11),
        console_error(T0 + 60_000, "late", "f (https://x/a.js:1:2)"),
    ]
    error = next(r for r in _derive(events) if r["kind"] == "error")
    assert error["action_id"] is None and error["message"] == "late"


def test_stack_frames_in_chrome_and_firefox_form_are_parsed() -> None:
    assert parse_frame("    at validate (https://x.example/app.min.js:1:48213)") == (
        "https://x.example/app.min.js",
        1,
        48213,
    )
    assert parse_frame("validate@https://x.example/app.js:10:5") == (
        "https://x.example/app.js",
        10,
        5,
    )
    assert parse_frame("no location here") == (None, None, None)


def test_clicks_in_two_windows_use_each_window_dom() -> None:
    other = {
        "type": 2,
        "timestamp": T0 + 2,
        "windowId": "b",
        "data": {
            "node": {
                "type": 0,
                "id": 1,
                "childNodes": [
                    {
                        "type": 2,
                        "tagName": "button",
                        "id": 11,
                        "attributes": {"title": "Other tab"},
                        "childNodes": [],
                    }
                ],
            },
            "initialOffset": {"top": 0, "left": 0},
        },
    }
    events = [
        dict(meta(T0), windowId="a"),
        dict(full(T0 + 1), windowId="a"),
        other,
        dict(click(T0 + 10, 11), windowId="a"),
        dict(click(T0 + 20, 11), windowId="b"),
    ]
    names = [r["name"] for r in _derive(events) if r.get("trigger") == "click"]
    assert names == ["click on 'Place order'", "click on 'Other tab'"]
