"""A synthetic long recording with heavy DOM activity and no checkouts (rrweb-notes §3.1).

Why synthetic: no public multi-hour rrweb recording exists, and seek cost depends only on
how many events (and added nodes) lie between the last checkout and the target. The shape
follows the brief's "heavy" setup, where plain rrweb needs ~2.5 s per seek near the end:

* base page: the FullSnapshot of ``../shared/fixtures/real/rrweb-player-demo.json`` (a real
  page, ~220 elements, inlined CSS) when present, else a page built here with a few hundred
  elements and an inline stylesheet;
* ``rate`` events per second: every 5th event adds a ~100-node subtree under ``<body>`` (one
  add per node, parents first, as rrweb's recorder sends them) and the next removes it; the
  rest are text and attribute mutations (plain strings and rrweb's style objects), mouse
  moves, clicks, scrolls (of a real scroll container, within its range; the page itself
  fits the viewport), input into the page's own fields, and every few
  hundred events a CSS rule inserted into the page's stylesheet (StyleSheetRule).

Deterministic for a given ``seed``.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.conftest import SHARED

DEMO = SHARED / "fixtures" / "real" / "rrweb-player-demo.json"
T0 = 1_700_000_000_000
WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "theta",
    "kappa",
    "lambda",
    "sigma",
    "omega",
    "order",
    "cart",
]


def _built_page() -> dict[str, Any]:
    """A page of ~300 elements with an inline stylesheet (used without ../shared)."""
    next_id = iter(range(1, 100_000))

    def el(tag: str, attrs: dict[str, Any] | None = None, children: list | None = None):
        return {
            "type": 2,
            "tagName": tag,
            "attributes": attrs or {},
            "childNodes": children or [],
            "id": next(next_id),
        }

    def text(value: str, **extra: Any) -> dict[str, Any]:
        return {"type": 3, "textContent": value, "id": next(next_id), **extra}

    document = {"type": 0, "childNodes": [], "id": next(next_id)}
    doctype = {"type": 1, "name": "html", "publicId": "", "systemId": "", "id": next(next_id)}
    css = " ".join(
        f".c{i} {{ color: rgb({i * 7 % 255}, 40, 90); padding: {i % 7}px; }}" for i in range(120)
    )
    style = el("style", {"_cssText": css + " .row:hover { background: rgb(230, 230, 250); }"})
    head = el(
        "head", {}, [el("meta", {"charset": "utf-8"}), el("title", {}, [text("Shop")]), style]
    )
    rows = []
    for i in range(60):
        rows.append(
            el(
                "div",
                {"class": f"row c{i}", "data-row": str(i)},
                [
                    el("span", {"class": "label"}, [text(f"Item {i}")]),
                    el("span", {"class": "price"}, [text(f"{i * 3}.99")]),
                    el("button", {"type": "button"}, [text("Add")]),
                    el("input", {"type": "text", "name": f"q{i}", "value": "1"}),
                ],
            )
        )
    scroller = el("div", {"id": "list", "style": "height: 300px; overflow: auto;"}, rows)
    body = el("body", {}, [el("h1", {}, [text("Catalogue")]), scroller])
    html = el("html", {"lang": "en"}, [head, body])
    document["childNodes"] = [doctype, html]
    return document


def base_page() -> tuple[dict[str, Any], str]:
    """(FullSnapshot node, where it came from)."""
    if DEMO.is_file():
        events = json.loads(DEMO.read_text(encoding="utf-8"))
        snapshot = next(e for e in events if e["type"] == 2)
        return snapshot["data"]["node"], "rrweb-player-demo.json FullSnapshot"
    return _built_page(), "built in code"


def _walk(node: dict[str, Any], parent: dict[str, Any] | None = None):
    yield node, parent
    for child in node.get("childNodes") or []:
        yield from _walk(child, node)


def heavy_session(
    minutes: float = 60, rate: float = 10, seed: int = 7, subtree: int = 100
) -> list[dict[str, Any]]:
    """A Meta + FullSnapshot and ``minutes × 60 × rate`` incremental events (no checkouts)."""
    return list(iter_heavy_session(minutes, rate, seed, subtree))


def write_heavy_ndjson(path: Path, minutes: float, rate: float = 10, seed: int = 7) -> int:
    """The heavy session as an rrweb NDJSON file (one event a line), written as generated:
    six hours are ~0.5 GB of JSON, which must not be held as Python objects. Bytes written."""
    size = 0
    with path.open("w", encoding="utf-8") as out:
        for event in iter_heavy_session(minutes, rate, seed):
            line = json.dumps(event, separators=(",", ":")) + "\n"
            out.write(line)
            size += len(line)
    return size


def heavy_ndjson(folder: Path, minutes: float, rate: float = 10) -> Path:
    """The heavy session's NDJSON file in ``folder``: written once (minutes for six hours),
    then reused by every benchmark that asks for the same length."""
    path = folder / f"heavy-{minutes:g}min.ndjson"
    if not path.exists():
        print(f"Writing a {minutes:g}-minute heavy session …", flush=True)
        started = time.perf_counter()
        write_heavy_ndjson(path, minutes, rate)
        print(f"  {path.stat().st_size / 1e6:,.0f} MB in {time.perf_counter() - started:.0f} s")
    return path


def iter_heavy_session(
    minutes: float = 60, rate: float = 10, seed: int = 7, subtree: int = 100
) -> Iterator[dict[str, Any]]:
    """:func:`heavy_session` one event at a time, in time order."""
    rng = random.Random(seed)
    page, _ = base_page()
    body = next(n for n, _ in _walk(page) if n.get("tagName") == "body")
    elements, texts, styles, inputs = [], [], [], []
    for node, parent in _walk(body):
        if node.get("type") == 2 and node.get("tagName") not in ("script", "style", "noscript"):
            elements.append(node["id"])
            if node.get("tagName") in ("input", "textarea"):
                inputs.append(node["id"])
        elif (
            node.get("type") == 3
            and parent
            and parent.get("tagName") not in ("script", "style")
            and (node.get("textContent") or "").strip()
        ):
            texts.append(node["id"])
    for node, _ in _walk(page):
        if node.get("tagName") in ("style", "link") and "_cssText" in node.get("attributes", {}):
            styles.append(node["id"])
    # a real scroll container with at least 120 px to scroll (CodeMirror's, or the list)
    scroller = next(
        n["id"]
        for n, _ in _walk(page)
        if "CodeMirror-scroll" in str((n.get("attributes") or {}).get("class", "")).split()
        or (n.get("attributes") or {}).get("id") == "list"
    )
    max_id = max(n["id"] for n, _ in _walk(page))
    next_id = max_id + 1
    start = T0
    events: list[dict[str, Any]] = [
        {"type": 4, "data": {"href": "https://shop.example/", "width": 1280, "height": 800}},
        {"type": 2, "data": {"node": page, "initialOffset": {"left": 0, "top": 0}}},
    ]
    events[0]["timestamp"] = start
    events[1]["timestamp"] = start + 5
    yield from events
    total = int(minutes * 60 * rate)
    step = 1000 / rate
    live_root: int | None = None

    def mutation(**parts: Any) -> dict[str, Any]:
        data = {"source": 0, "texts": [], "attributes": [], "removes": [], "adds": []}
        data.update(parts)
        return data

    for i in range(total):
        ts = start + 100 + int(i * step) + rng.randrange(0, max(1, int(step) // 2))
        if i % 5 == 0:
            # add a subtree: div > (section > (p > text, span > text)) ... ~subtree nodes
            root = next_id
            next_id += 1
            adds = [
                {
                    "parentId": body["id"],
                    "nextId": None,
                    "node": {
                        "type": 2,
                        "tagName": "div",
                        "attributes": {"class": f"panel c{i % 100}", "data-i": str(i)},
                        "childNodes": [],
                        "id": root,
                    },
                }
            ]
            made = 1
            while made < subtree:
                section = next_id
                next_id += 1
                adds.append(
                    {
                        "parentId": root,
                        "nextId": None,
                        "node": {
                            "type": 2,
                            "tagName": "section",
                            "attributes": {"class": "card", "style": "margin: 2px;"},
                            "childNodes": [],
                            "id": section,
                        },
                    }
                )
                made += 1
                for tag in ("p", "span"):
                    if made >= subtree:
                        break
                    child = next_id
                    next_id += 1
                    attrs = {"class": tag + "-x"} if tag == "p" else {"title": rng.choice(WORDS)}
                    adds.append(
                        {
                            "parentId": section,
                            "nextId": None,
                            "node": {
                                "type": 2,
                                "tagName": tag,
                                "attributes": attrs,
                                "childNodes": [],
                                "id": child,
                            },
                        }
                    )
                    made += 1
                    if made < subtree:
                        adds.append(
                            {
                                "parentId": child,
                                "nextId": None,
                                "node": {
                                    "type": 3,
                                    "textContent": " ".join(rng.sample(WORDS, 3)),
                                    "id": next_id,
                                },
                            }
                        )
                        next_id += 1
                        made += 1
                if made < subtree and rng.random() < 0.1:
                    adds.append(
                        {
                            "parentId": section,
                            "nextId": None,
                            "node": {
                                "type": 2,
                                "tagName": "input",
                                "attributes": {"type": "text", "value": ""},
                                "childNodes": [],
                                "id": next_id,
                            },
                        }
                    )
                    next_id += 1
                    made += 1
            live_root = root
            data = mutation(adds=adds)
        elif i % 5 == 1 and live_root is not None:
            data = mutation(removes=[{"parentId": body["id"], "id": live_root}])
            live_root = None
        elif i % 500 == 252 and styles:
            rule = f".synthetic-{i} {{ outline: 1px solid rgb({i % 255}, 0, 0); }}"
            data = {"source": 8, "id": rng.choice(styles), "adds": [{"rule": rule, "index": 0}]}
        else:
            kind = rng.random()
            if kind < 0.25 and texts:
                data = mutation(
                    texts=[{"id": rng.choice(texts), "value": " ".join(rng.sample(WORDS, 2))}]
                )
            elif kind < 0.45:
                target = rng.choice(elements)
                if rng.random() < 0.5:
                    change: dict[str, Any] = {"class": f"state-{rng.randrange(5)}"}
                else:
                    change = {
                        "style": {
                            "color": f"rgb({rng.randrange(255)}, 0, 0)",
                            "opacity": [str(rng.randrange(5, 10) / 10), "important"]
                            if rng.random() < 0.3
                            else False,
                        }
                    }
                data = mutation(attributes=[{"id": target, "attributes": change}])
            elif kind < 0.7:
                positions = [
                    {
                        "x": rng.randrange(1200),
                        "y": rng.randrange(780),
                        "id": rng.choice(elements),
                        "timeOffset": -k * 20,
                    }
                    for k in range(3, -1, -1)
                ]
                data = {"source": 1, "positions": positions}
            elif kind < 0.82:
                data = {
                    "source": 2,
                    "type": 2,
                    "id": rng.choice(elements),
                    "x": rng.randrange(1200),
                    "y": rng.randrange(780),
                }
            elif kind < 0.9 and inputs:
                data = {
                    "source": 5,
                    "id": rng.choice(inputs),
                    "text": "*" * rng.randrange(1, 9),
                    "isChecked": False,
                }
            elif rng.random() < 0.8:
                data = {"source": 3, "id": scroller, "x": 0, "y": rng.randrange(0, 121)}
            else:  # the page itself does not scroll (it fits the viewport): offsets stay 0
                data = {"source": 3, "id": page["id"], "x": 0, "y": 0}
        yield {"type": 3, "data": data, "timestamp": ts}
