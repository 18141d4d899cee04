"""Small recordings built in code for the tests: real rrweb event shapes, few events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.archive.model import SessionMeta
from app.archive.writer import ArchiveWriter

T0 = 1_700_000_000_000  # 2023-11-14T22:13:20Z


def el(node_id: int, tag: str, attrs: dict[str, str] | None = None, children: list | None = None):
    return {
        "type": 2,
        "tagName": tag,
        "attributes": attrs or {},
        "childNodes": children or [],
        "id": node_id,
    }


def text(node_id: int, value: str) -> dict[str, Any]:
    return {"type": 3, "textContent": value, "id": node_id}


def page_snapshot() -> dict[str, Any]:
    """A checkout page: ids 10 (Place order button), 12 (postcode), 13 (email), 14 (icon)."""
    return {
        "type": 0,
        "id": 1,
        "childNodes": [
            el(
                2,
                "html",
                {},
                [
                    el(3, "head"),
                    el(
                        4,
                        "body",
                        {},
                        [
                            el(10, "button", {"class": "primary"}, [text(11, "Place order")]),
                            el(12, "input", {"name": "postcode", "placeholder": "Postal code"}),
                            el(13, "input", {"type": "email", "id": "email_field"}),
                            el(15, "button", {"aria-label": "Close dialog"}, [el(14, "svg")]),
                            el(16, "span", {"class": "chip promo"}),
                        ],
                    ),
                ],
            )
        ],
    }


def meta(ts: int, href: str = "https://shop.example/checkout") -> dict[str, Any]:
    return {"type": 4, "timestamp": ts, "data": {"href": href, "width": 1280, "height": 800}}


def full(ts: int) -> dict[str, Any]:
    return {
        "type": 2,
        "timestamp": ts,
        "data": {"node": page_snapshot(), "initialOffset": {"top": 0, "left": 0}},
    }


def click(ts: int, node_id: int, kind: int = 2) -> dict[str, Any]:
    return {
        "type": 3,
        "timestamp": ts,
        "data": {"source": 2, "type": kind, "id": node_id, "x": 5, "y": 5},
    }


def typed(ts: int, node_id: int, value: str = "***") -> dict[str, Any]:
    return {
        "type": 3,
        "timestamp": ts,
        "data": {"source": 5, "id": node_id, "text": value, "isChecked": False},
    }


def mutation(ts: int) -> dict[str, Any]:
    return {
        "type": 3,
        "timestamp": ts,
        "data": {
            "source": 0,
            "texts": [],
            "attributes": [{"id": 10, "attributes": {"disabled": ""}}],
            "removes": [],
            "adds": [],
        },
    }


def console_error(ts: int, message: str, frame: str) -> dict[str, Any]:
    return {
        "type": 6,
        "timestamp": ts,
        "data": {
            "plugin": "rrweb/console@1",
            "payload": {"level": "error", "trace": [frame], "payload": [f'"{message}"']},
        },
    }


def network(ts: int, url: str, status: int, duration: float, method: str = "POST"):
    return {
        "type": 6,
        "timestamp": ts,
        "data": {
            "plugin": "rrweb/network@1",
            "payload": {
                "requests": [
                    {
                        "name": url,
                        "method": method,
                        "responseStatus": status,
                        "duration": duration,
                        "initiatorType": "fetch",
                        "timestamp": ts,
                    }
                ]
            },
        },
    }


def basic_events(start: int = T0) -> list[dict[str, Any]]:
    """Load, a click on 'Place order', typing, an error, a network call, 40 s of idle."""
    return [
        meta(start),
        full(start + 5),
        click(start + 1000, 11),
        network(start + 1100, "https://shop.example/api/order", 500, 320.0),
        console_error(
            start + 1500, "TypeError: x is undefined", "validate (https://shop.example/app.js:10:5)"
        ),
        typed(start + 2000, 12, "*"),
        typed(start + 2300, 12, "**"),
        mutation(start + 2400),
        click(start + 45_000, 16),
    ]


def basic_rum(start: int = T0) -> list[dict[str, Any]]:
    return [
        {
            "kind": "action",
            "id": "a1",
            "ts": start,
            "type": "load",
            "trigger": "navigation",
            "name": "loading of page /checkout",
            "url": "https://shop.example/checkout",
            "duration_ms": 1200,
        },
        {
            "kind": "action",
            "id": "a2",
            "ts": start + 1000,
            "type": "xhr",
            "trigger": "click",
            "name": "click on 'Place order'",
            "target": "button.primary",
            "url": "https://shop.example/checkout",
            "duration_ms": 420,
        },
        {
            "kind": "request",
            "ts": start + 1100,
            "method": "POST",
            "url": "https://shop.example/api/order",
            "status": 500,
            "duration_ms": 320,
            "action_id": "a2",
        },
        {
            "kind": "error",
            "ts": start + 1500,
            "message": "TypeError: x is undefined",
            "stack": "validate (https://shop.example/app.js:10:5)",
            "source": "https://shop.example/app.js",
            "line": 10,
            "col": 5,
            "url": "https://shop.example/checkout",
            "action_id": "a2",
        },
        {
            "kind": "vital",
            "ts": start + 900,
            "name": "LCP",
            "value": 850.5,
            "url": "https://shop.example/checkout",
        },
        {
            "kind": "goal",
            "ts": start + 2000,
            "goal": "purchase",
            "url": "https://shop.example/checkout",
        },
    ]


def write_archive(
    path: Path, sessions: int = 3, *, format_version: str = "1.0", start: int = T0
) -> Path:
    """An archive of ``sessions`` sessions s0…, users u0…, one error each."""
    with ArchiveWriter(
        path,
        application={"name": "shop", "url": "https://shop.example"},
        format_version=format_version,
    ) as writer:
        for index in range(sessions):
            begin = start + index * 60_000
            events = basic_events(begin)
            writer.add_session(
                SessionMeta(
                    session_id=f"s{index}",
                    user_id=f"u{index}",
                    browser="Chrome 131",
                    os="Windows 11",
                    country="Germany",
                    entry_url="https://shop.example/",
                ),
                events,
                basic_rum(begin),
            )
    return path


def scroll(ts: int, node_id: int = 1, y: int = 300) -> dict[str, Any]:
    return {"type": 3, "timestamp": ts, "data": {"source": 3, "id": node_id, "x": 0, "y": y}}


def bare_session_events(start: int = T0) -> list[dict[str, Any]]:
    """A bare rrweb session of about 10 s: a load, a click, typing into two fields (one
    field twice in a row), a scroll, a navigation to a second page and a click there —
    6 user actions (2 loads, 2 clicks, 2 field edits; the scroll is none)."""
    return [
        meta(start),
        full(start + 5),
        click(start + 1000, 11),
        typed(start + 2000, 12, "*"),
        typed(start + 2300, 12, "**"),
        scroll(start + 3000),
        typed(start + 4000, 13, "***"),
        meta(start + 6000, "https://shop.example/thanks"),
        full(start + 6100),
        click(start + 9000, 10),
        mutation(start + 10_000),
    ]


def write_recording(path: Path, events: list[dict[str, Any]]) -> Path:
    """A plain rrweb recording: a JSON array of events."""
    path.write_text(json.dumps(events), encoding="utf-8")
    return path


ERROR_WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
               "india", "juliett", "kilo", "lima", "mike", "november")  # fmt: skip


def write_error_groups_archive(path: Path, groups: int = 12, start: int = T0) -> Path:
    """An archive whose errors fall into ``groups`` groups (messages differ in words, not
    numbers: numbers are ignored when errors are grouped). Session ``s<k>`` has the errors of
    groups below ``k``: the last session has every group, so all are in the Top 10's analysis
    window (the archive's second half), and group ``g`` occurs ``groups - g`` times."""
    with ArchiveWriter(path) as writer:
        for index in range(groups + 1):
            begin = start + index * 60_000
            rum = [
                {
                    "kind": "error",
                    "ts": begin + 100 + g,
                    "message": f"TypeError: {ERROR_WORDS[g]} is undefined",
                    "stack": f"at {ERROR_WORDS[g]} (https://shop.example/app.js:1:{g + 1})",
                    "url": "https://shop.example/checkout",
                }
                for g in range(index)
            ]
            writer.add_session(
                SessionMeta(session_id=f"s{index}", user_id=f"u{index}", browser="Chrome 131"),
                basic_events(begin)[:3],
                rum,
            )
    return path
