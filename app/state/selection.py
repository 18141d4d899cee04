"""The investigation's one selection: time range and filter-bar attributes.

Why a model: dragging a range on any chart, typing in the filter bar, or a screen asking for
"only this release" must narrow *every* view the same way, and no view may drive another.
Views call the setters with their own ``source`` name and all of them hear
``changed(filter, source)``; the value is a frozen
:class:`~app.store.filters.SessionFilter` that the store turns into SQL. Setting an equal
filter emits nothing, which ends any loop.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.store.filters import SessionFilter

ATTRIBUTES = ("page", "browser", "os", "country", "release", "user")


class Selection(QObject):
    changed = Signal(object, str)
    """(SessionFilter, source) — the selection changed; ``source`` names who changed it."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._filter = SessionFilter()

    @property
    def filter(self) -> SessionFilter:
        return self._filter

    def set_filter(self, value: SessionFilter, source: str = "") -> None:
        if value != self._filter:
            self._filter = value
            self.changed.emit(value, source)

    def set_range(self, start_ms: int | None, end_ms: int | None, source: str = "") -> None:
        if start_ms is not None and end_ms is not None and end_ms < start_ms:
            start_ms, end_ms = end_ms, start_ms
        self.set_filter(self._filter.with_range(start_ms, end_ms), source)

    def clear_range(self, source: str = "") -> None:
        self.set_range(None, None, source)

    def set_attribute(self, name: str, value: Any, source: str = "") -> None:
        if name not in ATTRIBUTES:
            raise ValueError(f"unknown filter attribute {name!r}")
        text = str(value).strip() if value not in (None, "") else None
        self.set_filter(replace(self._filter, **{name: text or None}), source)

    def clear(self, source: str = "") -> None:
        self.set_filter(SessionFilter(), source)
