"""The recordings issue 18's end-to-end tests stand on: each ingests, its actions are named
from the page, page loads are there, and the todo session holds its Enter presses."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path
from typing import Any

from app.store.open import open_store


def actions(archive: Path) -> list[tuple[str, str]]:
    store, _ = open_store(archive)
    with store:
        rows = store.query("SELECT trigger, name FROM actions ORDER BY ts, name").rows
    return [(trigger, name) for trigger, name in rows]


def events(archive: Path) -> list[dict[str, Any]]:
    with zipfile.ZipFile(archive) as z:
        member = next(n for n in z.namelist() if n.endswith("events.ndjson.gz"))
        return [json.loads(line) for line in gzip.decompress(z.read(member)).splitlines()]


def test_multipage_session_has_its_page_loads_and_named_actions(multipage_archive: Path) -> None:
    recorded = actions(multipage_archive)
    loads = [name for trigger, name in recorded if trigger == "navigation"]
    assert loads == [
        "loading of page /",
        "loading of page /order.html",
        "loading of page /result.html",
    ]
    names = [name for trigger, name in recorded if trigger != "navigation"]
    assert names[0] == "click on 'Order this jacket'"
    assert names[-1] == "click on 'Place order'"
    assert any(name.startswith("change on") for name in names)  # the name typed
    assert any(name.startswith("change on") and "colour" in name for name in names)


def test_spa_session_is_one_page_load_with_route_changes(spa_archive: Path) -> None:
    recorded = actions(spa_archive)
    assert [n for t, n in recorded if t == "navigation"] == ["loading of page /"]
    assert [n for t, n in recorded if t == "click"] == [
        "click on 'Summit Scramble'",
        "click on 'Save trail'",
        "click on 'Back to the list'",
        "click on 'Lake Loop'",
    ]


def test_todo_session_holds_its_enter_presses_on_the_field(todo_archive: Path) -> None:
    recorded = events(todo_archive)
    keys = [e["data"]["payload"] for e in recorded if e["type"] == 5 and e["data"]["tag"] == "key"]
    assert [k["key"] for k in keys] == ["Enter", "Enter"]
    field_ids = {
        node["id"]
        for node in _nodes(recorded)
        if node.get("attributes", {}).get("id") == "new-item"
    }
    assert {k["id"] for k in keys} <= field_ids and field_ids
    names = [n for t, n in actions(todo_archive) if t == "click"]
    assert names[-1] == "click on 'Delete'"


def _nodes(recorded: list[dict[str, Any]]) -> list[dict[str, Any]]:
    stack = [e["data"]["node"] for e in recorded if e["type"] == 2]
    found = []
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.get("childNodes", []))
    return found
