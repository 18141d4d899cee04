"""Click and scroll maps of a page (issue 21), with no Qt: the counts, the selectors they are
anchored to and the frame moment; :mod:`app.replay.map_image` draws them over the replay."""

from app.maps.click_map import ClickMap, ElementClicks, HeatMode, click_map, ranked
from app.maps.scroll_map import ScrollMap, scroll_map

__all__ = [
    "ClickMap",
    "ElementClicks",
    "HeatMode",
    "ScrollMap",
    "click_map",
    "ranked",
    "scroll_map",
]
