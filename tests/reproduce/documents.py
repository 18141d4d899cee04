"""Small rrweb recordings of one page built in code, for the generator's unit tests.

Why not :mod:`tests.builders`' checkout page: each rule of the generator (a test id beats a
role, a hover-only button, Enter after typing) needs a page shaped for it. Elements carry
the ids the test passes (the rrweb node ids), so a test clicks ``click(ts, 21)`` on the
element it built as ``el(21, …)``.
"""

from __future__ import annotations

from typing import Any

from tests.builders import T0, el, text

ORIGIN = "https://shop.example"


def document(body: list[dict[str, Any]], css: str = "") -> dict[str, Any]:
    """``<html><head><style>css</style></head><body>…body…</body></html>`` (ids 1–5)."""
    head = [el(5, "style", {}, [text(6, css)])] if css else []
    return {
        "type": 0,
        "id": 1,
        "childNodes": [el(2, "html", {}, [el(3, "head", {}, head), el(4, "body", {}, body)])],
    }


def page_load(ts: int, body: list[dict[str, Any]], path: str = "/", css: str = "") -> list[dict]:
    """A page load: Meta, FullSnapshot and the recorder's DomContentLoaded (a real load)."""
    return [
        {"type": 0, "timestamp": ts, "data": {}},
        {"type": 4, "timestamp": ts, "data": {"href": ORIGIN + path, "width": 1280, "height": 800}},
        {
            "type": 2,
            "timestamp": ts + 5,
            "data": {"node": document(body, css), "initialOffset": {"top": 0, "left": 0}},
        },
    ]


def mouse(ts: int, node_id: int, kind: int) -> dict[str, Any]:
    """A MouseInteraction: 2 click, 4 double click, 5 focus, 6 blur."""
    data = {"source": 2, "type": kind, "id": node_id, "x": 4, "y": 4}
    return {"type": 3, "timestamp": ts, "data": data}


def click(ts: int, node_id: int) -> dict[str, Any]:
    return mouse(ts, node_id, 2)


def focus(ts: int, node_id: int) -> dict[str, Any]:
    return mouse(ts, node_id, 5)


def typed(ts: int, node_id: int, value: str, checked: bool = False) -> dict[str, Any]:
    data = {"source": 5, "id": node_id, "text": value, "isChecked": checked}
    return {"type": 3, "timestamp": ts, "data": data}


def added(ts: int, parent: int, nodes: list[dict[str, Any]]) -> dict[str, Any]:
    """A Mutation adding ``nodes`` at the end of ``parent``, each descendant its own add with
    its parent's id (as rrweb writes them: no children inline)."""
    adds: list[dict[str, Any]] = []

    def flatten(node: dict[str, Any], parent_id: int) -> None:
        adds.append({"parentId": parent_id, "nextId": None, "node": {**node, "childNodes": []}})
        for child in node.get("childNodes") or []:
            flatten(child, node["id"])

    for node in nodes:
        flatten(node, parent)
    data = {"source": 0, "texts": [], "attributes": [], "removes": [], "adds": adds}
    return {"type": 3, "timestamp": ts, "data": data}


def key(ts: int, node_id: int, name: str = "Enter") -> dict[str, Any]:
    """Our recorder's key custom event."""
    payload = {"key": name, "id": node_id, "shift": False}
    return {"type": 5, "timestamp": ts, "data": {"tag": "key", "payload": payload}}


def todo_page() -> list[dict[str, Any]]:
    """A to-do form (input 21 "New task", button 22 "Add") over a list 30 of tasks whose
    delete buttons (class ``delete``) show only while their item is hovered."""
    return [
        el(20, "form", {"id": "add"}, [
            el(21, "input", {"type": "text", "placeholder": "New task", "name": "task"}),
            el(22, "button", {"type": "submit"}, [text(23, "Add")]),
        ]),
        el(30, "ul", {"id": "tasks"}, [
            el(31, "li", {"class": "task"}, [
                text(32, "Buy milk"),
                el(33, "button", {"class": "delete", "aria-label": "Delete Buy milk"}),
            ]),
        ]),
    ]  # fmt: skip


TODO_CSS = ".delete { display: none } li.task:hover .delete { display: inline }"


def new_task(node_id: int, words: str) -> dict[str, Any]:
    """A task item as the page adds it (3 elements with the delete button and its icon)."""
    delete = el(node_id + 2, "button", {"class": "delete", "aria-label": f"Delete {words}"})
    delete["childNodes"] = [el(node_id + 3, "svg")]
    return el(node_id, "li", {"class": "task"}, [text(node_id + 1, words), delete])


def typing_a_task(start: int = T0, *, keys: bool) -> list[dict[str, Any]]:
    """Type "Call mum" into the to-do field, submit it (with a recorded Enter when ``keys``),
    the page adds the item and clears the field."""
    events = [
        *page_load(start, todo_page(), css=TODO_CSS),
        focus(start + 500, 21),
        typed(start + 600, 21, "C"),
        typed(start + 700, 21, "Call"),
        typed(start + 900, 21, "Call mum"),
    ]
    if keys:
        events.append(key(start + 1200, 21))
    events += [added(start + 1250, 30, [new_task(40, "Call mum")]), typed(start + 1260, 21, "")]
    return events
