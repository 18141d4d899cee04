"""The replay timeline's view box: what a click and a drag on its background do.

Why apart from the timeline widget: the mouse's meanings grow (seek, pan, mark a range), and
each is one override of pyqtgraph's ViewBox.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt


class TimelineViewBox(pg.ViewBox):
    """A ViewBox whose left click on the background seeks.

    Wheel zoom and background drag (pan) stay pyqtgraph's, limited to x by the widget.
    Double clicks are handled by the widget on the viewport (see ``eventFilter``)."""

    def __init__(self, on_click: Callable[[float], None]) -> None:
        super().__init__(enableMenu=False)
        self._on_click = on_click
        self.on_shift_drag: Callable[[float, float, bool], None] | None = None

    def mouseDragEvent(self, ev: Any, axis: Any = None) -> None:
        """Shift+drag marks a range (:mod:`app.ui.timeline_mark`); a plain drag pans."""
        shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if not shift or ev.button() != Qt.MouseButton.LeftButton or self.on_shift_drag is None:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        x = self.mapSceneToView
        self.on_shift_drag(x(ev.buttonDownScenePos()).x(), x(ev.scenePos()).x(), ev.isFinish())

    def mouseClickEvent(self, ev: Any) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        if not ev.double():
            self._on_click(self.mapSceneToView(ev.scenePos()).x())
