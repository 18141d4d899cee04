"""The dashboard on the demo archive: the error spike and conversion drop after the release,
and one selection (a dragged range, the filter bar) narrowing every card, chart and list."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.demo.plan import RELEASE_AFTER, RELEASE_AT_MS
from app.state.open_archive import OpenArchive
from app.state.selection import Selection
from app.state.tasks import TaskRunner
from app.store.demo import demo_archive_path
from app.store.queries import goals as goal_queries
from app.store.queries import overview as overview_queries
from app.store.queries import sessions as session_queries
from app.store.store import SessionStore
from app.ui.archive_screen import ScreenModels
from app.ui.charts import bucket_width
from app.ui.dashboard import Dashboard
from app.ui.filter_bar import FilterBar


@pytest.fixture
def dashboard(qtbot) -> Iterator[Dashboard]:
    """The dashboard alone, on the open-archive model with the demo archive opened."""
    archive = OpenArchive(TaskRunner())
    widget = Dashboard(ScreenModels(archive, archive.tasks, Selection()))
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    with qtbot.waitSignal(widget.refreshed, timeout=60_000):  # problems come last
        archive.open(demo_archive_path())
    yield widget
    archive.shutdown()


@pytest.fixture
def demo(dashboard: Dashboard) -> SessionStore:
    assert dashboard.store is not None
    return dashboard.store


@pytest.fixture
def filter_bar(qtbot, dashboard: Dashboard, demo: SessionStore) -> FilterBar:
    """The window's filter bar, on the dashboard's selection."""
    bar = FilterBar(dashboard.selection)
    qtbot.addWidget(bar)
    bar.set_values(session_queries.attribute_values(demo.cursor()))
    return bar


def rate(text: str) -> float:
    return float(text.rstrip("%"))


def test_cards_and_charts_show_the_spike_and_the_drop(dashboard: Dashboard) -> None:
    assert dashboard.cards["sessions"].value.text() == "300"
    assert dashboard.cards["sessions"].detail.text() == "150 users"
    overall = rate(dashboard.cards["conversion"].value.text())
    assert 20 <= overall <= 30
    buckets = dashboard.last_buckets
    before = [b for b in buckets if b.start_ms < RELEASE_AT_MS]
    after = [b for b in buckets if b.start_ms >= RELEASE_AT_MS]
    errors_per_hour_before = sum(b.errors for b in before) / len(before)
    errors_per_hour_after = sum(b.errors for b in after) / len(after)
    assert errors_per_hour_after > 3 * errors_per_hour_before
    assert "Excellent" in dashboard.cards["apdex"].value.text() or "Good" in (
        dashboard.cards["apdex"].value.text()
    )
    releases = [version for _at, version in dashboard.releases]
    assert releases[-1] == RELEASE_AFTER
    assert dashboard.cards["problems"].value.text() == "1"
    assert "reading 'groups'" in dashboard.cards["problems"].detail.text()


def test_dragging_a_range_on_a_chart_narrows_every_card(
    dashboard: Dashboard, filter_bar: FilterBar, qtbot
) -> None:
    box = dashboard.charts["errors"].box
    end = overview_queries.summary(dashboard.store.cursor(), dashboard.selection.filter).last_ms  # type: ignore[union-attr]
    with qtbot.waitSignal(dashboard.refreshed):
        box.range_dragged.emit(RELEASE_AT_MS / 1000, end / 1000 + 1, True)
    f = dashboard.selection.filter
    assert f.start_ms == RELEASE_AT_MS
    sessions_after = int(dashboard.cards["sessions"].value.text())
    assert 100 <= sessions_after < 300
    assert rate(dashboard.cards["conversion"].value.text()) < 20
    assert filter_bar.range_label.text().startswith("20 Nov 09:00")
    assert dashboard.charts["apdex"].region.isVisible()
    with qtbot.waitSignal(dashboard.refreshed):
        box.clicked.emit(0.0)  # a click where nothing is drawn clears the range
    assert dashboard.cards["sessions"].value.text() == "300"
    assert not dashboard.charts["apdex"].region.isVisible()


def test_the_filter_bar_selects_a_release(
    dashboard: Dashboard, filter_bar: FilterBar, qtbot
) -> None:
    combo = filter_bar.combos["release"]
    with qtbot.waitSignal(dashboard.refreshed):
        combo.setCurrentIndex(combo.findData("2.4.3"))
    before = rate(dashboard.cards["conversion"].value.text())
    with qtbot.waitSignal(dashboard.refreshed):
        combo.setCurrentIndex(combo.findData(RELEASE_AFTER))
    after = rate(dashboard.cards["conversion"].value.text())
    assert before > 27 and after < 20
    assert dashboard.selection.filter.release == RELEASE_AFTER
    with qtbot.waitSignal(dashboard.refreshed):
        filter_bar.reset.click()
    assert combo.currentIndex() == 0


def test_bucket_widths_are_round() -> None:
    assert bucket_width(7 * 86_400_000) == 2 * 3_600_000
    assert bucket_width(30 * 60_000) == 60_000


def test_a_selected_range_filters_the_session_list_too(qtbot, window) -> None:
    with qtbot.waitSignal(window.store_opened, timeout=60_000):
        window.open_file(demo_archive_path())
    assert window.tabs.currentWidget() is window.dashboard
    assert window.sessions.model.rowCount() == 300
    with qtbot.waitSignal(window.dashboard.refreshed):  # its figures are queried off-thread
        window.dashboard.charts["apdex"].box.range_dragged.emit(
            RELEASE_AT_MS / 1000, (RELEASE_AT_MS + 86_400_000) / 1000, True
        )
    shown = window.sessions.model.rowCount()
    assert 0 < shown < 300
    assert shown == int(window.dashboard.cards["sessions"].value.text())
    with qtbot.waitSignal(window.sessions.listed):  # the list is queried off-thread too
        window.selection.clear("test")
    assert window.sessions.model.rowCount() == 300


def test_apdex_thresholds_changed_in_the_app_rate_every_view_and_are_remembered(
    qtbot, window
) -> None:
    from app.ui.apdex_dialog import ApdexDialog

    with qtbot.waitSignal(window.store_opened, timeout=60_000):
        window.open_file(demo_archive_path())
    before = window.dashboard.cards["apdex"].value.text()
    strict = window.thresholds.with_type("xhr", 100, 400).with_type("load", 100, 400)
    with qtbot.waitSignal(window.dashboard.refreshed):
        window.archive.set_thresholds(strict)
    after = window.dashboard.cards["apdex"].value.text()
    assert float(after.split()[0]) < float(before.split()[0])
    frustrating = [s for s in window.sessions.model.sessions() if s.experience == "frustrating"]
    assert len(frustrating) > 12  # slower-than-0.4 s loads now frustrate many sessions

    window.close()
    with qtbot.waitSignal(window.store_opened, timeout=60_000):
        window.open_file(demo_archive_path())  # reopening brings the archive's choice back
    assert window.thresholds.by_type["xhr"] == (100, 400)

    dialog = ApdexDialog(window.thresholds, window.archive.current.manifest_thresholds)
    qtbot.addWidget(dialog)
    tolerated, frustrating_spin = dialog.spins["custom"]
    tolerated.setValue(20.0)
    frustrating_spin.setValue(5.0)
    dialog._accept()  # an inconsistent pair is refused with a message
    assert dialog.result() == 0 and "frustrating" in dialog.error.text().lower()


def test_goals_defined_in_the_app_are_counted_and_remembered(qtbot, window) -> None:
    from app.state.settings import saved_goals
    from app.ui.goals_dialog import GoalsDialog

    with qtbot.waitSignal(window.store_opened, timeout=60_000):
        window.open_file(demo_archive_path())
    dialog = GoalsDialog(window.archive.current.manifest_goals, [])
    qtbot.addWidget(dialog)
    dialog.name.setText("Reached checkout")
    dialog.kind.setCurrentIndex(dialog.kind.findData("destination"))
    dialog.value.setText("/checkout")
    dialog.add_button.click()
    dialog.name.setText("Long visit")
    dialog.kind.setCurrentIndex(dialog.kind.findData("visit_duration"))
    dialog.number.setValue(120)
    dialog.add_button.click()
    assert [g["id"] for g in dialog.goals()] == ["purchase", "reached-checkout", "long-visit"]
    key = str(window.store.info()["content_key"])
    with qtbot.waitSignal(window.dashboard.refreshed):
        window.archive.set_own_goals(dialog.own_goals)
    detail = window.dashboard.cards["conversion"].detail.text()
    assert "Reached checkout" in detail and "Long visit" in detail
    completions = goal_queries.completions(
        window.store.cursor(), window.selection.filter, dialog.goals()
    )
    assert completions["reached-checkout"] > completions["purchase"] > 0
    assert [g["id"] for g in saved_goals(key)] == ["reached-checkout", "long-visit"]
