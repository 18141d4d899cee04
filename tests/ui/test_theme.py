"""Light and dark appearance: what the palette alone does not make readable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableWidget

from app.ui.theme import Appearance, apply_appearance


def luminance(colour: QColor) -> float:
    """Relative luminance (WCAG 2)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.red())
        + 0.7152 * channel(colour.green())
        + 0.0722 * (channel(colour.blue()))
    )


def contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture
def dark() -> Iterator[None]:
    apply_appearance(Appearance.DARK, remember=False)
    yield
    apply_appearance(Appearance.SYSTEM, remember=False)


def test_scroll_bars_can_be_seen_in_dark_appearance(qtbot: Any, dark: None) -> None:
    table = QTableWidget(200, 2)  # far more rows than fit: a small handle at the top
    qtbot.addWidget(table)
    table.resize(300, 300)
    table.show()
    qtbot.waitExposed(table)
    bar = table.verticalScrollBar()
    assert bar.isVisible()
    image = bar.grab().toImage()
    x = image.width() // 2
    column = [image.pixelColor(x, y) for y in range(image.height())]
    arrow = bar.width()  # the step buttons at both ends are about as tall as the bar is wide
    groove = column[image.height() - arrow - 4]  # well below the handle
    handle = max(column[arrow : image.height() - arrow], key=luminance)
    assert contrast(handle, groove) >= 3.0  # WCAG's minimum for parts of a control
