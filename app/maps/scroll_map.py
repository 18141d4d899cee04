"""The scroll map of a page: the share of its visitors whose view reached each depth.

Why per session and not per visit: the question is "how many of our users saw the part of
the page below the fold", and a session that came back to the page has still seen what it
saw once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.maps.click_map import anchored_clicks
from app.store.filters import SessionFilter
from app.store.queries import maps as map_queries

if TYPE_CHECKING:
    from app.store.store import SessionStore


@dataclass(frozen=True)
class ScrollMap:
    page: str
    bottoms: list[int]
    """Per session, the lowest document pixel it showed, ascending."""

    @property
    def sessions(self) -> int:
        return len(self.bottoms)

    def share_reaching(self, depth_px: float) -> float:
        """Share (0..1) of the sessions whose view went down to ``depth_px`` or further."""
        if not self.bottoms:
            return 0.0
        return sum(1 for b in self.bottoms if b >= depth_px) / len(self.bottoms)


def scroll_map(store: SessionStore, pattern: str, flt: SessionFilter | None = None) -> ScrollMap:
    """The scroll depths of the page's visitors under ``flt``, read from the scrolls kept
    beside the store with the anchored clicks (:func:`app.maps.click_map.anchored_clicks`)."""
    flt = flt or SessionFilter()
    sessions = map_queries.chosen_sessions(store.cursor(), flt)
    depths = map_queries.scroll_depths(anchored_clicks(store).cursor(), sessions, flt, pattern)
    return ScrollMap(pattern, sorted(depths.values()))
