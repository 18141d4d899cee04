"""Enter, Escape and Tab in the recording: rrweb records no key presses, so the recorder adds
a ``key`` custom event naming the focused element by its rrweb id (issue 18 presses them
again in a generated test). Typed characters must never appear."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.recorder.conftest import RecordedPage

pytestmark = pytest.mark.webengine

FORM = (
    '<input id="todo" aria-label="New item">'
    '<input id="other" aria-label="Other">'
    '<ul id="items"></ul><script>'
    "document.getElementById('todo').addEventListener('keydown', function (e) {"
    "  if (e.key !== 'Enter' || !e.target.value) return;"
    "  var li = document.createElement('li'); li.textContent = e.target.value;"
    "  document.getElementById('items').appendChild(li); e.target.value = ''; });"
    "</script>"
)


def key_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e["data"]["payload"] for e in events if e["type"] == 5 and e["data"]["tag"] == "key"]


def snapshot_ids(events: list[dict[str, Any]]) -> dict[int, str]:
    """rrweb node id -> the element's ``id`` attribute, from the recorded full snapshot."""
    found: dict[int, str] = {}
    stack = [e["data"]["node"] for e in events if e["type"] == 2]
    while stack:
        node = stack.pop()
        if "id" in node.get("attributes", {}):
            found[node["id"]] = node["attributes"]["id"]
        stack.extend(node.get("childNodes", []))
    return found


def press(page: RecordedPage, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(page.view.focusProxy(), key, modifier)
    page.qtbot.wait(30)


def focus(page: RecordedPage, element_id: str) -> None:
    """Give the field focus and wait until key presses of the window reach the page.

    (Synthetic mouse clicks do not reach a QtWebEngine page shown offscreen, so the field
    is focused from the page; the first key presses after that are dropped while the view
    takes keyboard focus, so Shift — a key the recorder ignores — is pressed until the page
    sees it.)
    """
    page.view.activateWindow()
    page.qtbot.waitUntil(page.view.isActiveWindow)
    page.view.focusProxy().setFocus()
    page.js(f"document.getElementById({element_id!r}).focus()")
    page.js(
        "window.__shiftSeen = false, document.addEventListener('keydown', function (e) {"
        " if (e.key === 'Shift') window.__shiftSeen = true; }, true)"
    )

    def shift_seen() -> bool:
        press(page, Qt.Key.Key_Shift)
        return bool(page.js("window.__shiftSeen"))

    page.qtbot.waitUntil(shift_seen, timeout=10_000)
    assert page.js("document.activeElement.id") == element_id


def test_enter_escape_and_tab_are_recorded_on_the_focused_field(
    recorded_page: RecordedPage,
) -> None:
    recorded_page.load(FORM)
    focus(recorded_page, "todo")
    QTest.keyClicks(recorded_page.view.focusProxy(), "buy milk")
    press(recorded_page, Qt.Key.Key_Return)
    recorded_page.wait_for("document.querySelectorAll('#items li').length === 1")
    press(recorded_page, Qt.Key.Key_Escape)
    press(recorded_page, Qt.Key.Key_Tab)
    recorded_page.wait_for("document.activeElement.id === 'other'")
    press(recorded_page, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    recorded_page.wait_for("document.activeElement.id === 'todo'")
    events = recorded_page.events()
    keys = key_events(events)
    ids = snapshot_ids(events)

    assert [(k["key"], ids.get(k["id"]), k["shift"]) for k in keys] == [
        ("Enter", "todo", False),
        ("Escape", "todo", False),
        ("Tab", "todo", False),
        ("Tab", "other", True),
    ]
    text = str(keys)
    assert "buy" not in text and "milk" not in text  # only the three keys, no characters
    enter = next(e for e in events if e["type"] == 5 and e["data"]["tag"] == "key")
    added = next(
        e
        for e in events
        if e["type"] == 3
        and e["data"]["source"] == 0
        and e["data"].get("adds")
        and e["timestamp"] >= enter["timestamp"]
    )
    assert events.index(enter) < events.index(added)  # the key comes before what it caused


def test_held_keys_count_once_and_other_keys_not_at_all(recorded_page: RecordedPage) -> None:
    recorded_page.load(FORM)
    focus(recorded_page, "todo")
    widget = recorded_page.view.focusProxy()
    for autorepeat in (False, True, True):
        QApplication.sendEvent(
            widget,
            QKeyEvent(
                QEvent.Type.KeyPress,
                Qt.Key.Key_Escape,
                Qt.KeyboardModifier.NoModifier,
                "\x1b",
                autorepeat,
            ),
        )
    QApplication.sendEvent(
        widget,
        QKeyEvent(QEvent.Type.KeyRelease, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
    )
    QTest.keyClicks(widget, "a ")
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Backspace):
        press(recorded_page, key)
    assert recorded_page.js("document.getElementById('todo').value") == "a"
    recorded_page.js(  # a script's Enter: the page reacts, but the user pressed nothing
        "document.getElementById('todo').dispatchEvent("
        "new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}))"
    )
    recorded_page.wait_for("document.querySelectorAll('#items li').length === 1")
    assert [k["key"] for k in key_events(recorded_page.events())] == ["Escape"]
