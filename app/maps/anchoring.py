"""Which element a recorded click landed on, named by a selector that holds across sessions.

Why a selector from the recorded DOM rather than the click's position: the same page at
390 and 1280 pixels wide, or scrolled, puts the same button at different coordinates, and
rrweb's node ids differ between sessions. The DOM at the moment of the click (rebuilt with
the replay-exact mirror, :class:`~app.rrweb.replay_dom.ReplayDom`) names the element the
same way in every session: a stable id, ``data-testid``, then the unique attribute/class
selector or the positional path the test generator already chooses
(:mod:`app.reproduce.locators`). A click on a node the page removed later is anchored at
the moment of the click, when the node was there.

A click inside a button or link (its text, an icon) is counted on that button or link: the
element a user means to press. Beside the selector each click keeps the element's name as
it read then (:mod:`app.maps.element_names`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable

from app.maps.element_names import GeneratedContent, generated_content, label_for
from app.reproduce import dom as page
from app.reproduce.locators import css_path, generated_id, stable_css
from app.rrweb.protocol import EventType
from app.rrweb.replay_dom import ReplayDom
from app.rrweb.replay_node import ELEMENT, Node

_PRESSABLE = frozenset({"a", "button", "input", "select", "textarea", "label", "summary"})
_PRESSABLE_ROLES = frozenset({"button", "link", "checkbox", "radio", "tab", "menuitem", "switch"})
_CLIMB = 6
INCREMENTAL = int(EventType.INCREMENTAL_SNAPSHOT)
_CSS_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
Anchor = tuple[str | None, str | None]
"""A click's element: its selector and its name (None: not in the recorded DOM / no name)."""


def pressed_element(node: Node) -> Node | None:
    """The element the user meant: the nearest pressable ancestor-or-self, else the element
    itself (a text node's parent)."""
    element = node if node.type == ELEMENT else node.parent
    current = element
    for _ in range(_CLIMB):
        if current is None or current.type != ELEMENT or current.tag in ("body", "html"):
            break
        if current.tag in _PRESSABLE or page.attr(current, "role") in _PRESSABLE_ROLES:
            return current
        current = current.parent
    return element if element is not None and element.type == ELEMENT else None


def selector_for(dom: ReplayDom, element: Node, ids: Counter[str] | None = None) -> str:
    """A selector naming ``element`` the same way in every session of the page (``ids``:
    how often each id occurs in ``dom``, when the caller keeps it)."""
    element_id = page.attr(element, "id")
    if element_id and not generated_id(element_id):
        counts = ids if ids is not None else id_counts(dom)
        if counts[element_id] == 1:
            if _CSS_IDENT.match(element_id):
                return f"#{element_id}"
            return f"[id={json.dumps(element_id)}]"
    test_id = page.attr(element, "data-testid")
    if test_id:
        return f"[data-testid={json.dumps(test_id)}]"
    return stable_css(dom, element) or css_path(dom, element)


def id_counts(dom: ReplayDom) -> Counter[str]:
    return Counter(value for n in page.elements(dom) if (value := page.attr(n, "id")))


class _Anchorer:
    """Selectors at one DOM state, remembered until the DOM changes (a session clicks the
    same few elements between mutations)."""

    def __init__(self, dom: ReplayDom) -> None:
        self.dom = dom
        self.changed()

    def changed(self, data: str | None = None) -> None:
        """The DOM changed by ``data`` (a mutation's JSON text; None: anything). The id
        counts stay unless it names an id attribute or removes nodes (most mutations add
        text or nodes without ids); the selectors are chosen again."""
        if data is None or '"id":"' in data or '"removes":[{' in data:
            self._ids: Counter[str] | None = None
        if data is None:  # a new page: its style sheets are read again when a name needs them
            self._rules: GeneratedContent | None = None
        self._known: dict[int, Anchor] = {}

    def anchor(self, node_id: int) -> Anchor:
        if node_id not in self._known:
            node = self.dom.nodes.get(node_id)
            element = pressed_element(node) if node is not None else None
            if element is None:
                self._known[node_id] = (None, None)
            else:
                if self._ids is None:
                    self._ids = id_counts(self.dom)
                if self._rules is None:
                    self._rules = generated_content(self.dom)
                self._known[node_id] = (
                    selector_for(self.dom, element, self._ids),
                    label_for(self.dom, element, self._rules),
                )
        return self._known[node_id]


def anchor_clicks(
    events: Iterable[tuple[int, int, str]], clicks: list[tuple[int, int]]
) -> list[Anchor]:
    """The selector and name of each click ``(ts_ms, node_id)`` of one session (in time
    order), from its DOM events ``(ts_ms, type, data)`` in time order; ``(None, None)`` when
    the node is not in the recorded DOM at that moment (a click on a node rrweb never
    serialized). Events at the click's own millisecond are applied after it: they are what
    the click did."""
    dom = ReplayDom()
    anchorer = _Anchorer(dom)
    selectors: list[Anchor] = []
    pending = iter(clicks)
    click = next(pending, None)
    for ts, kind, data in events:
        while click is not None and click[0] <= ts:
            selectors.append(anchorer.anchor(click[1]))
            click = next(pending, None)
        if click is None:
            break
        dom.apply({"timestamp": ts, "type": kind, "data": json.loads(data)})
        anchorer.changed(data if kind == INCREMENTAL else None)
    while click is not None:
        selectors.append(anchorer.anchor(click[1]))
        click = next(pending, None)
    return selectors
