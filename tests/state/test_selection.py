"""The shared selection: one filter, every observer told who changed it, no echo."""

from __future__ import annotations

import pytest

from app.state.selection import Selection
from app.store.filters import SessionFilter


def test_changes_reach_observers_with_their_source_and_equal_values_are_silent(qtbot) -> None:
    selection = Selection()
    heard: list[tuple[SessionFilter, str]] = []
    selection.changed.connect(lambda f, source: heard.append((f, source)))

    selection.set_range(2_000, 1_000, "chart")  # dragged right to left
    selection.set_range(1_000, 2_000, "chart")  # the same range again
    selection.set_attribute("browser", " Chrome 131 ", "filter-bar")
    selection.set_attribute("browser", "", "filter-bar")

    assert [(f.start_ms, f.end_ms, f.browser, source) for f, source in heard] == [
        (1_000, 2_000, None, "chart"),
        (1_000, 2_000, "Chrome 131", "filter-bar"),
        (1_000, 2_000, None, "filter-bar"),
    ]
    selection.clear("x")
    assert selection.filter.is_empty
    with pytest.raises(ValueError):
        selection.set_attribute("colour", "red")
