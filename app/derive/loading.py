"""When a loading indicator was on screen, from the recorded DOM alone.

Stylesheets decide what is visible, and the mirror keeps none, so "on screen" is read from
the markup that pages use for it (the rule, written down because it is a choice):

* an element whose class has a spinner-like token (``spin``, ``load``, ``busy``,
  ``progress`` in it) *and* a state token (``is-visible``, ``visible``, ``active``, ``show``,
  ``shown``, ``open``, ``is-active``, ``is-open``, ``is-loading``): an overlay switched on;
* an element with ``aria-busy="true"`` or ``role="progressbar"``;
* an element added after the page was loaded whose class names an indicator outright
  (``spinner``, ``loader``, ``loading``, ``progress-bar``, …), unless an ancestor is
  spinner-like (then that container's state decides: a spinner inside a hidden overlay is
  hidden). A container such as ``loading-overlay`` only counts with a state token.

An indicator is visible while such an element is attached; a full snapshot (a page load)
starts over. :func:`indicator_spans` returns the spans when at least one was visible.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from app.rrweb.mirror import DomMirror, MirrorNode
from app.rrweb.protocol import EventType, IncrementalSource

SPINNER = re.compile(r"spin|load|busy|progress", re.IGNORECASE)
STATES = {"is-visible", "visible", "active", "show", "shown", "open", "is-active", "is-open",
          "is-loading"}  # fmt: skip
INDICATORS = {"spinner", "loader", "loading", "spin", "busy", "progress", "progress-bar",
              "progressbar", "is-loading", "loading-spinner", "spinner-border"}  # fmt: skip
FULL, INCREMENTAL = EventType.FULL_SNAPSHOT, EventType.INCREMENTAL_SNAPSHOT
MUTATION = IncrementalSource.MUTATION


def _tokens(node: MirrorNode) -> list[str]:
    return str(node.attributes.get("class", "")).split()


def _spinner_like(node: MirrorNode) -> bool:
    return any(SPINNER.search(token) for token in _tokens(node))


class IndicatorTracker:
    """Follows one window's DOM and knows which indicator elements are attached."""

    def __init__(self) -> None:
        self.mirror = DomMirror()
        self.added: set[int] = set()  # spinner-like elements added after the page loaded
        self.shown: set[int] = set()

    def _is_indicator(self, node_id: int) -> bool:
        node = self.mirror.nodes.get(node_id)
        if node is None or node.tag is None:
            return False
        attrs = node.attributes
        if attrs.get("aria-busy") == "true" or attrs.get("role") == "progressbar":
            return True
        if not _spinner_like(node):
            return False
        if any(token in STATES for token in _tokens(node)):
            return True
        if node_id not in self.added or not INDICATORS.intersection(_tokens(node)):
            return False
        parent = self.mirror.parent(node)
        while parent is not None:  # a spinner inside a spinner-like container follows it
            if _spinner_like(parent):
                return False
            parent = self.mirror.parent(parent)
        return True

    def _recheck(self, node_ids: Iterable[int]) -> None:
        for node_id in node_ids:
            if self._is_indicator(node_id):
                self.shown.add(node_id)
            else:
                self.shown.discard(node_id)

    def apply(self, event: dict[str, Any]) -> None:
        data = event.get("data")
        if not isinstance(data, dict):
            return
        if event.get("type") == FULL and isinstance(data.get("node"), dict):
            self.mirror.reset(data["node"])
            self.added.clear()
            self.shown.clear()
            self._recheck(list(self.mirror.nodes))
            return
        if event.get("type") != INCREMENTAL or data.get("source") != MUTATION:
            return
        before = set(self.mirror.nodes)
        self.mirror.apply_mutation(data)
        new = set(self.mirror.nodes) - before
        self.added |= {n for n in new if _spinner_like(self.mirror.nodes[n])}
        touched = set(new)
        for change in data.get("attributes") or []:
            if isinstance(change, dict) and isinstance(change.get("id"), int):
                touched.add(change["id"])
        self.shown = {n for n in self.shown if n in self.mirror.nodes}
        self.added &= set(self.mirror.nodes)
        self._recheck(touched | {c for n in touched for c in self._children(n)})

    def _children(self, node_id: int) -> list[int]:
        # a container's state change re-decides the spinners inside it
        out, stack = [], list(getattr(self.mirror.nodes.get(node_id), "children", []))
        while stack:
            child = stack.pop()
            out.append(child)
            stack.extend(getattr(self.mirror.nodes.get(child), "children", []))
        return out


def indicator_spans(events: Iterable[dict[str, Any]], end_ms: int) -> list[tuple[int, int]]:
    """(start ms, end ms) of the spans when a loading indicator was visible in any window."""
    trackers: dict[Any, IndicatorTracker] = {}
    spans: list[tuple[int, int]] = []
    since: int | None = None
    for event in events:
        tracker = trackers.setdefault(event.get("windowId"), IndicatorTracker())
        tracker.apply(event)
        visible = any(t.shown for t in trackers.values())
        ts = int(event.get("timestamp", 0))
        if visible and since is None:
            since = ts
        elif not visible and since is not None:
            spans.append((since, ts))
            since = None
    if since is not None:
        spans.append((since, max(end_ms, since)))
    return spans
