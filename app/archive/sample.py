"""A synthetic session archive: a small shop, many sessions, some JavaScript errors.

Why: the benchmarks need millions of realistic events, reproducible from a seed, without
a browser engine. Every session is a real rrweb stream (Meta, FullSnapshot, mutations,
mouse, input, console-plugin errors) and a RUM stream in the archive format. The demo the
app opens is not this: it is the shop recorded for real (``app/demo/``, ``resources/demo``).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.archive.model import SessionMeta
from app.archive.writer import ArchiveWriter
from app.rrweb.protocol import EventType, IncrementalSource, MouseInteraction, NodeType

ORIGIN = "https://www.performancewear.example"
DAY_MS = 86_400_000
BROWSERS = ["Chrome 131", "Firefox 133", "Safari 18", "Edge 131"]
SYSTEMS = ["Windows 11", "macOS 15", "Android 14", "iOS 18", "Ubuntu 24.04"]
PLACES = [
    ("United Kingdom", "London"),
    ("Germany", "Berlin"),
    ("France", "Paris"),
    ("Poland", "Warsaw"),
    ("United States", "Austin"),
    ("Canada", "Toronto"),
    ("Netherlands", "Amsterdam"),
]
PRODUCTS = ["Trail runner jacket", "Merino base layer", "Aero cycling cap", "Storm shell pants"]


def _el(node_id: int, tag: str, attrs: dict[str, str], children: list[dict]) -> dict[str, Any]:
    return {
        "type": NodeType.ELEMENT,
        "tagName": tag,
        "attributes": attrs,
        "childNodes": children,
        "id": node_id,
    }


def _text(node_id: int, text: str) -> dict[str, Any]:
    return {"type": NodeType.TEXT, "textContent": text, "id": node_id}


def shop_snapshot() -> dict[str, Any]:
    """The serialized DOM of the shop's product list (ids are stable: 1…60)."""
    cards = []
    for index, product in enumerate(PRODUCTS):
        base = 20 + index * 6
        cards.append(
            _el(
                base,
                "div",
                {"class": "card"},
                [
                    _el(base + 1, "h3", {}, [_text(base + 2, product)]),
                    _el(
                        base + 3,
                        "button",
                        {"id": f"btn_sell-42119{index + 5}", "class": "buy"},
                        [_text(base + 4, "Add to cart")],
                    ),
                ],
            )
        )
    css = (
        "body{font-family:sans-serif;margin:0}header{background:#123;color:#fff;padding:12px}"
        ".card{display:inline-block;margin:12px;padding:12px;border:1px solid #ccc}"
        ".buy{background:#0a7;color:#fff;border:0;padding:8px}"
    )
    return {
        "type": NodeType.DOCUMENT,
        "id": 1,
        "childNodes": [
            {
                "type": NodeType.DOCUMENT_TYPE,
                "name": "html",
                "publicId": "",
                "systemId": "",
                "id": 2,
            },
            _el(
                3,
                "html",
                {"lang": "en"},
                [
                    _el(4, "head", {}, [_el(5, "style", {}, [_text(6, css)])]),
                    _el(
                        7,
                        "body",
                        {},
                        [
                            _el(8, "header", {}, [_text(9, "performancewear")]),
                            _el(
                                10, "input", {"name": "postcode", "placeholder": "Postal code"}, []
                            ),
                            _el(11, "button", {"id": "place-order"}, [_text(12, "Place order")]),
                            _el(13, "main", {"class": "catalogue"}, cards),
                        ],
                    ),
                ],
            ),
        ],
    }


def session_events(
    rng: random.Random, start: int, count: int, page: str, fails: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``count`` rrweb events of one shop visit and the matching RUM records."""
    events: list[dict[str, Any]] = [
        {
            "type": EventType.META,
            "data": {"href": ORIGIN + page, "width": 1280, "height": 800},
            "timestamp": start,
        },
        {
            "type": EventType.FULL_SNAPSHOT,
            "data": {"node": shop_snapshot(), "initialOffset": {"top": 0, "left": 0}},
            "timestamp": start + 5,
        },
    ]
    rum: list[dict[str, Any]] = [
        {
            "kind": "action",
            "id": "a1",
            "ts": start,
            "type": "load",
            "trigger": "navigation",
            "name": f"loading of page {page}",
            "target": None,
            "url": ORIGIN + page,
            "duration_ms": rng.randint(400, 4000),
        }
    ]
    ts = start + 5
    next_node = 1000
    while len(events) < count:
        ts += rng.randint(20, 400)
        roll = rng.random()
        if roll < 0.55:
            positions = [
                {
                    "x": rng.randint(0, 1279),
                    "y": rng.randint(0, 799),
                    "id": 7,
                    "timeOffset": -k * 50,
                }
                for k in range(3)
            ]
            events.append(
                {
                    "type": EventType.INCREMENTAL_SNAPSHOT,
                    "data": {"source": IncrementalSource.MOUSE_MOVE, "positions": positions},
                    "timestamp": ts,
                }
            )
        elif roll < 0.75:
            next_node += 2
            events.append(
                {
                    "type": EventType.INCREMENTAL_SNAPSHOT,
                    "timestamp": ts,
                    "data": {
                        "source": IncrementalSource.MUTATION,
                        "texts": [],
                        "attributes": [],
                        "removes": [],
                        "adds": [
                            {
                                "parentId": 13,
                                "nextId": None,
                                "node": _el(
                                    next_node,
                                    "div",
                                    {"class": "toast"},
                                    [_text(next_node + 1, "Added to cart")],
                                ),
                            }
                        ],
                    },
                }
            )
        elif roll < 0.85:
            card = rng.randrange(len(PRODUCTS))
            button = 20 + card * 6 + 3
            events.append(
                {
                    "type": EventType.INCREMENTAL_SNAPSHOT,
                    "timestamp": ts,
                    "data": {
                        "source": IncrementalSource.MOUSE_INTERACTION,
                        "type": MouseInteraction.CLICK,
                        "id": button,
                        "x": 200,
                        "y": 300,
                    },
                }
            )
            action_id = f"a{len(rum) + 1}"
            duration = rng.randint(80, 2500)
            rum.append(
                {
                    "kind": "action",
                    "id": action_id,
                    "ts": ts,
                    "type": "xhr",
                    "trigger": "click",
                    "name": "click on 'Add to cart'",
                    "target": f"button#btn_sell-42119{card + 5}.buy",
                    "url": ORIGIN + page,
                    "duration_ms": duration,
                }
            )
            rum.append(
                {
                    "kind": "request",
                    "ts": ts + 5,
                    "method": "POST",
                    "url": ORIGIN + "/api/cart",
                    "status": 200,
                    "duration_ms": duration - 10,
                    "action_id": action_id,
                }
            )
        elif roll < 0.95:
            events.append(
                {
                    "type": EventType.INCREMENTAL_SNAPSHOT,
                    "timestamp": ts,
                    "data": {
                        "source": IncrementalSource.INPUT,
                        "id": 10,
                        "text": "*" * rng.randint(1, 8),
                        "isChecked": False,
                        "userTriggered": True,
                    },
                }
            )
        else:
            events.append(
                {
                    "type": EventType.INCREMENTAL_SNAPSHOT,
                    "timestamp": ts,
                    "data": {
                        "source": IncrementalSource.SCROLL,
                        "id": 1,
                        "x": 0,
                        "y": rng.randint(0, 2000),
                    },
                }
            )
    if fails:
        ts += 300
        message = "TypeError: Cannot read properties of undefined (reading 'match')"
        trace = [
            f"validatePostcode ({ORIGIN}/static/app.min.js:1:48213)",
            f"HTMLButtonElement.onClick ({ORIGIN}/static/app.min.js:1:51002)",
        ]
        events[-1] = {
            "type": EventType.PLUGIN,
            "timestamp": ts,
            "data": {
                "plugin": "rrweb/console@1",
                "payload": {"level": "error", "trace": trace, "payload": [f'"Uncaught {message}"']},
            },
        }
        rum.append(
            {
                "kind": "action",
                "id": f"a{len(rum) + 1}",
                "ts": ts - 50,
                "type": "xhr",
                "trigger": "click",
                "name": "click on 'Place order'",
                "target": "button#place-order",
                "url": ORIGIN + page,
                "duration_ms": 180000,
            }
        )
        rum.append(
            {
                "kind": "error",
                "ts": ts,
                "message": message,
                "stack": "\n".join(trace),
                "source": f"{ORIGIN}/static/app.min.js",
                "line": 1,
                "col": 48213,
                "url": ORIGIN + page,
                "action_id": rum[-1]["id"],
            }
        )
    return events, rum


def iter_sample_sessions(
    sessions: int, events_per_session: int, seed: int, start_ms: int
) -> Iterator[tuple[SessionMeta, list[dict[str, Any]], list[dict[str, Any]]]]:
    rng = random.Random(seed)
    users = max(1, sessions // 2)
    for index in range(sessions):
        begin = start_ms + rng.randrange(7 * DAY_MS)
        page = rng.choice(["/", "/catalogue", "/product/trail-runner-jacket", "/checkout"])
        fails = page == "/checkout" and rng.random() < 0.6
        events, rum = session_events(rng, begin, events_per_session, page, fails)
        country, city = rng.choice(PLACES)
        meta = SessionMeta(
            session_id=f"s{index:05d}",
            user_id=f"user{rng.randrange(users):04d}@example.com",
            started_at_ms=begin,
            ended_at_ms=events[-1]["timestamp"],
            browser=rng.choice(BROWSERS),
            os=rng.choice(SYSTEMS),
            device=rng.choice(["desktop", "desktop", "mobile"]),
            screen_width=1280,
            screen_height=800,
            country=country,
            city=city,
            entry_url=ORIGIN + page,
            release="2.4.0" if begin < start_ms + 4 * DAY_MS else "2.5.0",
        )
        yield meta, events, rum


def write_sample_archive(
    path: str | Path,
    sessions: int = 24,
    events_per_session: int = 120,
    seed: int = 7,
    start_ms: int = 1_763_337_600_000,  # 2025-11-17T00:00:00Z
) -> Path:
    """Write a reproducible synthetic archive and return its path."""
    path = Path(path)
    with ArchiveWriter(
        path,
        application={"name": "performancewear (synthetic sample)", "url": ORIGIN},
        conversion_goals=[
            {
                "id": "purchase",
                "name": "Purchase",
                "type": "destination",
                "url_or_path": "/checkout/thank-you",
                "match_type": "begins",
            }
        ],
        releases=[
            {
                "version": "2.5.0",
                "at": "2025-11-21T00:00:00.000Z",
                "note": "New postal-code validation",
            }
        ],
    ) as writer:
        for meta, events, rum in iter_sample_sessions(sessions, events_per_session, seed, start_ms):
            writer.add_session(meta, events, rum)
    return path
