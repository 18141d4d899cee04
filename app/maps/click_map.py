"""The click map of a page: clicks counted per element, with their frustration signals, the
sessions behind each element, the raw click positions, and the frame to draw them on.

Why counted per element and not per pixel: issue 21's complaint about other tools is clicks
drawn over the wrong page state; an element named by its selector
(:mod:`app.maps.anchoring`) is found again in whatever frame is shown, at whatever width.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING

from app.maps.anchoring import anchor_clicks
from app.store.filters import SessionFilter
from app.store.queries import maps as map_queries
from app.store.queries.maps import ClickedNode

if TYPE_CHECKING:
    from app.store.store import SessionStore

FRAME_LEAD_MS = 200
"""The frame is taken this long before the chosen click: the page as the user saw it, before
the click changed it."""


@dataclass(frozen=True)
class ClickedBy:
    """One session's clicks on an element: the first one is where its replay opens."""

    session_id: str
    first_ms: int
    clicks: int


@dataclass
class ElementClicks:
    selector: str
    clicks: int = 0
    rage: int = 0
    dead: int = 0
    error: int = 0
    sessions: list[ClickedBy] = field(default_factory=list)


@dataclass(frozen=True)
class RawClick:
    """A click where it was recorded, as a share of its own viewport (0..1 each way), and
    its signal (``error``, ``rage``, ``dead`` or None)."""

    x: float
    y: float
    signal: str | None


@dataclass(frozen=True)
class ClickMap:
    page: str
    elements: list[ElementClicks]
    """Most clicked first."""
    raw: list[RawClick]
    unanchored: int
    """Clicks on nodes the recording never serialized (counted only in ``raw``)."""
    frame_session: str | None
    frame_ms: int | None

    @property
    def total(self) -> int:
        return sum(e.clicks for e in self.elements) + self.unanchored


def click_map(store: SessionStore, pattern: str, flt: SessionFilter | None = None) -> ClickMap:
    """Count the clicks on pages matching ``pattern`` under ``flt`` per element."""
    cur = store.cursor()
    nodes = map_queries.clicks_on_page(cur, flt or SessionFilter(), pattern)
    # A node is named once per session and page load, at its first click: rrweb keeps a
    # node's id for its life, so later clicks on it are on the same element. The DOM is then
    # rebuilt only up to the last first click (early in most visits), not the last click.
    by_session = {
        session_id: list(group) for session_id, group in groupby(nodes, key=lambda n: n.session_id)
    }
    events = map_queries.dom_events(
        cur, {s: max(n.first_ms for n in group) for s, group in by_session.items()}
    )
    anchored: list[tuple[ClickedNode, str | None]] = []
    for session_id, group in by_session.items():
        selectors = anchor_clicks(events[session_id], [(n.first_ms, n.node_id) for n in group])
        anchored.extend(zip(group, selectors, strict=True))
    return _aggregate(pattern, anchored)


def _aggregate(pattern: str, anchored: list[tuple[ClickedNode, str | None]]) -> ClickMap:
    by_selector: dict[str, ElementClicks] = {}
    per_session: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    raw: list[RawClick] = []
    unanchored = 0
    for node, selector in anchored:
        raw.extend(
            RawClick(x, y, signal)
            for x, y, signal in zip(node.xs, node.ys, node.signals, strict=True)
            if x is not None and y is not None
        )
        if selector is None:
            unanchored += node.clicks
            continue
        element = by_selector.setdefault(selector, ElementClicks(selector))
        element.clicks += node.clicks
        element.rage += node.rage
        element.dead += node.dead
        element.error += node.error
        per_session[selector][node.session_id].append((node.first_ms, node.clicks))
    for selector, element in by_selector.items():
        element.sessions = sorted(
            (
                ClickedBy(s, min(t for t, _ in visits), sum(n for _, n in visits))
                for s, visits in per_session[selector].items()
            ),
            key=lambda c: (-c.clicks, c.first_ms),
        )
    elements = sorted(by_selector.values(), key=lambda e: (-e.clicks, e.selector))
    frame_session, frame_ms = _frame_moment(elements)
    return ClickMap(pattern, elements, raw, unanchored, frame_session, frame_ms)


def _frame_moment(elements: list[ElementClicks]) -> tuple[str | None, int | None]:
    """The most common state: the session that clicked the top element most (its first such
    click), just before that click — the page loaded, the element on screen."""
    if not elements or not elements[0].sessions:
        return None, None
    chosen = elements[0].sessions[0]
    return chosen.session_id, chosen.first_ms - FRAME_LEAD_MS


def signal_counts(result: ClickMap) -> Counter[str]:
    """How many clicks of each signal kind the map holds (for its legend)."""
    counts: Counter[str] = Counter()
    for element in result.elements:
        counts.update({"rage": element.rage, "dead": element.dead, "error": element.error})
    return counts
