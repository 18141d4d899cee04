"""The Maps tab's own controls: the layers and heats it offers, and the clickable map image.

Why apart from the screen: they are the tab's vocabulary (what a layer or a heat is called)
and its one custom widget; the screen wires them to the counts and the frame.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel

from app.maps import HeatMode
from app.replay.map_image import Layer

LAYERS: tuple[tuple[str, Layer], ...] = (
    ("Clicks per element", "elements"),
    ("Raw click positions", "raw"),
    ("Scroll depth", "scroll"),
)
HEATS: tuple[tuple[str, HeatMode], ...] = (
    ("Heat: clicks + trouble", "trouble"),
    ("Heat: clicks only", "clicks"),
)


class MapImage(QLabel):
    """The drawn map; a press on it asks ``on_press`` for the element under the pointer."""

    def __init__(self, on_press: Callable[[QPoint], None]) -> None:
        super().__init__()
        self._on_press = on_press
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._on_press(event.position().toPoint())
