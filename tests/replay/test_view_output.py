"""What the view shows of a replayed moment: a painted page, and the clicked element outlined.

Both use the real recording ``checkout-clicks.json`` and the live-page captures beside it.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtGui import QImage

from tests.replay.conftest import EXPECTED, Replay, state

pytestmark = pytest.mark.webengine


def grab_pixels(replay: Replay) -> np.ndarray:
    image = replay.view.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), dtype=np.uint32, count=width * height)
    return (data & 0xFFFFFF).reshape(height, width).copy()


def colour_share(pixels: np.ndarray, rgb: int, tolerance: int = 6) -> float:
    """The share of pixels within ``tolerance`` (per channel) of the colour ``rgb``."""
    channels = [(pixels >> shift) & 0xFF for shift in (16, 8, 0)]
    wanted = [(rgb >> shift) & 0xFF for shift in (16, 8, 0)]
    close = np.ones(pixels.shape, dtype=bool)
    for have, want in zip(channels, wanted, strict=True):
        close &= np.abs(have.astype(int) - want) <= tolerance
    return float(close.mean())


BRAND_GREEN = 0x1B7F3A  # the logo and the 'Place order' button
HELP_BLUE = 0x2A6DF4  # the round help icon
DIALOG_YELLOW = 0xFFF4D6  # the promo dialog, there until the first click


def test_the_screenshot_of_a_replayed_moment_is_the_page_not_a_blank(checkout: Replay, qtbot):
    checkout.seek_to_epoch(state("page 1 loaded")["timestamp"])
    shot: dict[str, np.ndarray] = {}

    def painted() -> bool:
        shot["pixels"] = grab_pixels(checkout)
        return (
            len(np.unique(shot["pixels"])) > 50
            and colour_share(shot["pixels"], BRAND_GREEN) > 0.002
        )

    qtbot.waitUntil(painted, timeout=10_000)
    pixels = shot["pixels"]
    _values, counts = np.unique(pixels, return_counts=True)
    assert counts.max() / pixels.size < 0.8  # no single colour (white, grey) fills the view
    assert colour_share(pixels, HELP_BLUE) > 0.0003
    assert colour_share(pixels, DIALOG_YELLOW) > 0.005
    # a later moment paints differently: the dialog is gone
    checkout.seek_to_epoch(state("dialog closed")["timestamp"])
    qtbot.waitUntil(
        lambda: colour_share(grab_pixels(checkout), DIALOG_YELLOW) < 0.0005, timeout=10_000
    )


HIGHLIGHT_JS = """
const frame = document.getElementById('frame');
const box = frame.querySelector('.ri-highlight');
const iframe = window.replayDocument().defaultView.frameElement;
const el = window.replayDocument().querySelector(%s);
const f = iframe.getBoundingClientRect();
const scale = f.width / iframe.offsetWidth;  // the player scales the page to fit
const r = el.getBoundingClientRect();  // in the replayed page's own pixels
const on = (x, y, w, h) => ({left: x, top: y, right: x + w, bottom: y + h});
return {
  box: box ? (b => on(b.left, b.top, b.width, b.height))(box.getBoundingClientRect()) : null,
  element: on(f.left + r.left * scale, f.top + r.top * scale, r.width * scale, r.height * scale),
  scale,
};
"""


def overlap(a: dict[str, float], b: dict[str, float]) -> float:
    """The share of ``b``'s area that ``a`` covers."""
    width = min(a["right"], b["right"]) - max(a["left"], b["left"])
    height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    area = (b["right"] - b["left"]) * (b["bottom"] - b["top"])
    return max(0.0, width) * max(0.0, height) / area if area else 0.0


def step_node(name: str) -> int:
    return next(s["nodeId"] for s in EXPECTED["steps"] if s["name"] == name)


def test_the_highlight_outlines_the_clicked_element(checkout: Replay, qtbot) -> None:
    checkout.seek_to_epoch(state("chip selected")["timestamp"])
    places = {}
    for name, selector in (("Place order", "button.btn.primary"), ("Company logo", "a.brand img")):
        checkout.bridge.highlight_requested.emit(step_node(name))

        def placed(selector: str = selector) -> bool:
            places[selector] = checkout.js_json(HIGHLIGHT_JS % json.dumps(selector))
            return (
                places[selector]["box"] is not None
                and overlap(places[selector]["box"], places[selector]["element"]) > 0.95
            )

        qtbot.waitUntil(placed, timeout=5_000)
        where = places[selector]
        assert where["scale"] < 1  # the 1024×768 page is scaled into the 1100×700 view
        box, element = where["box"], where["element"]
        # the outline hugs the element: the same few pixels on every side, not the page
        margins = [
            element["left"] - box["left"],
            element["top"] - box["top"],
            box["right"] - element["right"],
            box["bottom"] - element["bottom"],
        ]
        assert all(1 <= m <= 5 for m in margins), margins
        assert max(margins) - min(margins) < 1, margins
    # and it moved: the second box is not on the first element
    assert overlap(places["a.brand img"]["box"], places["button.btn.primary"]["element"]) == 0
    checkout.bridge.highlight_requested.emit(-1)
    qtbot.waitUntil(
        lambda: checkout.js("!document.querySelector('#frame .ri-highlight')"), timeout=5_000
    )
