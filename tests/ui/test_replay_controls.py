"""The replay's transport controls: readable in dark appearance, and narrow enough for a
1,024 px window (the options wrap under the transport instead of widening the window)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QPalette

from app.state.time_cursor import TimeCursor
from app.ui.replay_controls import ReplayControls
from app.ui.theme import Appearance, apply_appearance, is_dark
from tests.contrast import contrast_ratio, main_ink


@pytest.fixture
def controls(qtbot: Any) -> ReplayControls:
    cursor = TimeCursor()
    cursor.set_range(1_000_000, 1_060_000)
    widget = ReplayControls(cursor)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _icon_contrasts(controls: ReplayControls) -> dict[str, float]:
    """Contrast of each transport button's glyph against the button's own background."""
    background = controls.palette().color(QPalette.ColorRole.Window)
    found = {}
    for button in controls.transport_buttons:
        image = button.grab().toImage()
        corner = image.pixelColor(1, 1)  # an auto-raised button shows the window behind it
        assert contrast_ratio(corner, background) < 1.1
        found[button.toolTip()] = contrast_ratio(main_ink(image, corner), corner)
    return found


def test_transport_icons_are_readable_in_dark_appearance(controls, dark_appearance, qtbot) -> None:
    """⏮ ⏪ ▶ ⏩ ⏭ were the style's dark-grey pixmaps: invisible on a dark window."""
    qtbot.waitUntil(lambda: is_dark(controls.palette()), timeout=5_000)
    contrasts = _icon_contrasts(controls)
    assert len(contrasts) == 5
    assert min(contrasts.values()) >= 3.0, contrasts
    controls.cursor.set_playing(True)  # the pause glyph too
    assert min(_icon_contrasts(controls).values()) >= 3.0


def test_transport_icons_are_readable_in_light_appearance(controls, qtbot) -> None:
    apply_appearance(Appearance.LIGHT, remember=False)
    try:
        assert min(_icon_contrasts(controls).values()) >= 3.0
    finally:
        apply_appearance(Appearance.SYSTEM, remember=False)


def _same_line(controls: ReplayControls) -> bool:
    middle = controls.transport.geometry().center().y()
    return abs(controls.options.geometry().center().y() - middle) <= 3


def test_the_options_wrap_under_the_transport_when_narrow(controls, qtbot) -> None:
    wide = controls.one_row_width()
    controls.resize(wide + 20, controls.height())
    qtbot.waitUntil(lambda: not controls.wrapped() and _same_line(controls), timeout=2_000)

    controls.resize(controls.minimumSizeHint().width(), controls.height())
    qtbot.waitUntil(lambda: controls.wrapped() and not _same_line(controls), timeout=2_000)
    assert controls.options.y() > controls.transport.y()
    assert controls.minimumSizeHint().width() < wide - 200
    for widget in (controls.next_error, controls.time_label, controls.speed, controls.skip):
        right = widget.mapTo(controls, widget.rect().topRight()).x()
        assert 0 <= right <= controls.width(), widget  # nothing cut off
