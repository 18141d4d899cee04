"""The click map of a page: clicks counted per element, with their frustration signals, the
sessions behind each element, the raw click positions, and the frame to draw them on.

Why counted per element and not per pixel: issue 21's complaint about other tools is clicks
drawn over the wrong page state; an element named by its selector
(:mod:`app.maps.anchoring`) is found again in whatever frame is shown, at whatever width.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING, Literal

from app.maps.anchoring import anchor_clicks
from app.store.filters import SessionFilter
from app.store.maps_index import MapIndex, ensure_map_index
from app.store.queries import maps as map_queries
from app.store.queries.maps import ElementSession

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


HeatMode = Literal["trouble", "clicks"]
TROUBLE_WEIGHT = 4
"""In the ``trouble`` heat a click that went wrong (an error, rage or dead click) counts
this many times more than one that worked: the map is for finding where users got stuck,
and a button that fails a fifth of its presses matters more than a field typed into once
more. With 4, on the demo's checkout Place order (109 clicks, 25 error clicks: heat 209)
is the hot spot ahead of the Full name field (120 plain clicks: 120)."""


@dataclass
class ElementClicks:
    selector: str
    """Which element (the same in every session: :mod:`app.maps.anchoring`)."""
    clicks: int = 0
    rage: int = 0
    dead: int = 0
    error: int = 0
    trouble: int = 0
    """Clicks with any of the three signals."""
    sessions: list[ClickedBy] = field(default_factory=list)
    label: str | None = None
    """What the element reads as ("Place order"), as most of its clicks saw it."""

    @property
    def title(self) -> str:
        """The element for a person: its name and, in brackets, its selector."""
        return f"{self.label}  ({self.selector})" if self.label else self.selector

    def heat(self, mode: HeatMode = "trouble") -> int:
        """How hot the element is drawn: ``clicks`` (the raw count) or ``trouble``
        (clicks + :data:`TROUBLE_WEIGHT` × trouble clicks)."""
        return self.clicks + (TROUBLE_WEIGHT * self.trouble if mode == "trouble" else 0)


@dataclass(frozen=True)
class RawClick:
    """A click where it was recorded, as a share of its own viewport (0..1 each way), and
    its signal (``error``, ``rage``, ``dead`` or None)."""

    x: float
    y: float
    signal: str | None


@dataclass(frozen=True)
class RawClicks:
    """Every click of the map where it was recorded, kept as three lists (a busy page has
    100,000 clicks: no object each until they are drawn)."""

    xs: list[float] = field(default_factory=list)
    ys: list[float] = field(default_factory=list)
    signals: list[str | None] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.xs)

    def __iter__(self) -> Iterator[RawClick]:
        return map(RawClick, self.xs, self.ys, self.signals)


@dataclass(frozen=True)
class ClickMap:
    page: str
    elements: list[ElementClicks]
    """Hottest first by the ``trouble`` heat (:meth:`ElementClicks.heat`), then most
    clicked."""
    raw: RawClicks
    unanchored: int
    """Clicks on nodes the recording never serialized (counted only in ``raw``)."""
    frame_session: str | None
    frame_ms: int | None

    @property
    def total(self) -> int:
        return sum(e.clicks for e in self.elements) + self.unanchored


def click_map(store: SessionStore, pattern: str, flt: SessionFilter | None = None) -> ClickMap:
    """Count the clicks on pages matching ``pattern`` under ``flt`` per element.

    The clicks were anchored once per archive (:func:`anchored_clicks`, built here first if
    the window has not built it yet): a map is two group-bys over them."""
    flt = flt or SessionFilter()
    sessions = map_queries.chosen_sessions(store.cursor(), flt)
    cur = anchored_clicks(store).cursor()
    rows = map_queries.element_clicks(cur, sessions, flt, pattern)
    raw = RawClicks(*map_queries.raw_clicks(cur, sessions, flt, pattern))
    return _aggregate(pattern, rows, raw)


def anchored_clicks(
    store: SessionStore,
    progress: Callable[[float], None] | None = None,
    check_cancel: Callable[[], None] | None = None,
) -> MapIndex:
    """The store's clicks anchored to elements, kept beside it (built on first use)."""
    return ensure_map_index(store, anchor_clicks, progress, check_cancel)


def _aggregate(pattern: str, rows: list[ElementSession], raw: RawClicks) -> ClickMap:
    """Elements from their (selector, session) rows, each session's rows most clicks first."""
    elements: list[ElementClicks] = []
    unanchored = 0
    for selector, group in groupby(rows, key=lambda row: row.selector):
        visits = list(group)
        if selector is None:
            unanchored += sum(v.clicks for v in visits)
            continue
        elements.append(
            ElementClicks(
                selector,
                clicks=sum(v.clicks for v in visits),
                rage=sum(v.rage for v in visits),
                dead=sum(v.dead for v in visits),
                error=sum(v.error for v in visits),
                trouble=sum(v.trouble for v in visits),
                sessions=[ClickedBy(v.session_id, v.first_ms, v.clicks) for v in visits],
                label=_most_read(visits),
            )
        )
    elements.sort(key=lambda e: (-e.heat(), -e.clicks, e.selector))
    frame_session, frame_ms = _frame_moment(elements)
    return ClickMap(pattern, elements, raw, unanchored, frame_session, frame_ms)


def _most_read(visits: list[ElementSession]) -> str | None:
    """The name most clicks saw (a button reading "Place order" then "Placing…" is named
    by what users pressed)."""
    names: Counter[str] = Counter()
    for visit in visits:
        if visit.label:
            names[visit.label] += visit.clicks
    return names.most_common(1)[0][0] if names else None


def _frame_moment(elements: list[ElementClicks]) -> tuple[str | None, int | None]:
    """The state of the hot spot: the session that clicked the hottest element most (its
    first such click), just before that click — the page loaded, the element on screen."""
    if not elements or not elements[0].sessions:
        return None, None
    chosen = elements[0].sessions[0]
    return chosen.session_id, chosen.first_ms - FRAME_LEAD_MS


def ranked(result: ClickMap, mode: HeatMode) -> list[ElementClicks]:
    """The elements hottest first under ``mode``."""
    return sorted(result.elements, key=lambda e: (-e.heat(mode), -e.clicks, e.selector))


def signal_counts(result: ClickMap) -> Counter[str]:
    """How many clicks of each signal kind the map holds (for its legend)."""
    counts: Counter[str] = Counter()
    for element in result.elements:
        counts.update({"rage": element.rage, "dead": element.dead, "error": element.error})
    return counts
