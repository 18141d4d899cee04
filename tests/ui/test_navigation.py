"""Every number is a link: cards, chart bars, problems and users lead to the view that
explains them, already narrowed; the tab bar stays put whichever tab is shown."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from app.demo.plan import ASHLEY_ID
from app.state.navigation import ShowErrors, ShowProblems, ShowSessions
from app.store.demo import demo_archive_path
from app.ui.dashboard_links import bucket_at
from app.ui.main_window import MainWindow


@pytest.fixture
def demo(qtbot: Any, window: MainWindow) -> MainWindow:
    window.resize(1280, 800)
    with qtbot.waitSignal(window.store_opened, timeout=120_000):
        window.open_file(demo_archive_path(), remember=False)
    return window


def click(qtbot: Any, widget: Any, pos: QPoint | None = None) -> None:
    if pos is None:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    else:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)


def test_each_dashboard_card_opens_the_view_that_explains_it(qtbot: Any, demo: MainWindow) -> None:
    expected = {
        "apdex": demo.sessions,
        "sessions": demo.sessions,
        "actions": demo.sessions,
        "errors": demo.errors_screen,
        "conversion": demo.problems_screen,
        "problems": demo.problems_screen,
    }
    for name, screen in expected.items():
        demo.tabs.setCurrentWidget(demo.dashboard)
        card = demo.dashboard.cards[name]
        assert card.cursor().shape() == Qt.CursorShape.PointingHandCursor
        click(qtbot, card)
        assert demo.tabs.currentWidget() is screen, name


def test_the_apdex_card_lists_the_most_frustrating_sessions_first(
    qtbot: Any, demo: MainWindow
) -> None:
    click(qtbot, demo.dashboard.cards["apdex"])
    qtbot.waitUntil(lambda: demo.sessions.model.rowCount() > 0)
    qtbot.waitUntil(lambda: demo.sessions.model.summary(0).experience is not None, timeout=20_000)
    ratings = [demo.sessions.model.summary(r).experience for r in range(20)]
    assert ratings[0] == "frustrating"
    assert ratings == sorted(ratings, key=["frustrating", "tolerable", "satisfying"].index)


def test_a_bar_of_the_errors_chart_opens_the_errors_of_its_time_bucket(
    qtbot: Any, demo: MainWindow
) -> None:
    dashboard = demo.dashboard
    bucket = max(dashboard.last_buckets, key=lambda b: b.errors)
    width = dashboard._bucket_ms
    chart = dashboard.charts["errors"]
    qtbot.waitUntil(lambda: chart.plot.isVisible() and chart.plot.updatesEnabled())
    low, high = chart.box.viewRange()[1]
    centre = QPointF((bucket.start_ms + width / 2) / 1000, low + (high - low) / 4)
    scene = chart.box.mapViewToScene(centre)
    at = chart.plot.mapFromScene(scene)
    assert chart.plot.rect().contains(at)
    click(qtbot, chart.plot.viewport(), at)

    assert demo.tabs.currentWidget() is demo.errors_screen
    f = demo.selection.filter
    assert (f.start_ms, f.end_ms) == (bucket.start_ms, bucket.start_ms + width)
    assert "Clear range" in demo.filter_bar.clear_range.text()
    assert demo.filter_bar.range_label.text() != "All time"

    # the Errors screen lists only that bucket's errors
    def listed() -> int:
        return sum(r.group.occurrences for r in demo.errors_screen.ranked)

    qtbot.waitUntil(lambda: 0 < listed() <= bucket.errors, timeout=20_000)


def test_a_click_where_nothing_is_drawn_leads_nowhere(demo: MainWindow) -> None:
    width = demo.dashboard._bucket_ms
    busy = next(b for b in demo.dashboard.last_buckets if b.sessions)
    empty = replace(busy, start_ms=busy.start_ms + width, sessions=0, errors=0)
    buckets = [busy, empty]
    assert bucket_at(buckets, width, busy.start_ms + 1) == (busy.start_ms, busy.start_ms + width)
    assert bucket_at(buckets, width, empty.start_ms + 1) is None
    assert bucket_at(buckets, width, empty.start_ms + width + 1) is None


def test_a_problem_replays_its_most_impacted_session_in_one_click(
    qtbot: Any, demo: MainWindow
) -> None:
    demo.navigation.go(ShowProblems())
    problems = demo.problems_screen
    qtbot.waitUntil(lambda: problems.replay_button.isEnabled(), timeout=30_000)
    click(qtbot, problems.replay_button)
    screen = demo.replay_screen
    assert screen is not None and demo.tabs.currentWidget() is screen
    qtbot.waitUntil(lambda: screen.detail is not None, timeout=30_000)
    assert screen.detail.user_id == ASHLEY_ID  # type: ignore[union-attr]


def test_impacted_sessions_are_found_by_any_part_of_the_id(qtbot: Any, demo: MainWindow) -> None:
    demo.navigation.go(ShowProblems())
    impacted = demo.problems_screen.impacted
    qtbot.waitUntil(lambda: impacted.table.rowCount() > 1, timeout=30_000)
    qtbot.keyClicks(impacted.search, "PARKER@")
    assert [impacted.table.item(r, 0).text() for r in range(impacted.table.rowCount())] == [
        ASHLEY_ID
    ]


def test_the_sessions_list_is_searched_by_any_part_of_a_user_or_session_id(
    qtbot: Any, demo: MainWindow
) -> None:
    demo.navigation.go(ShowSessions(search="ashley.park"))
    model = demo.sessions.model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=20_000)
    assert {model.summary(r).user_id for r in range(2)} == {ASHLEY_ID}
    demo.sessions.search.setText("s0191")
    assert [model.summary(r).session_id for r in range(model.rowCount())] == ["s0191"]
    qtbot.keyClick(demo.sessions.search, Qt.Key.Key_Return)  # Enter: the one found, replayed
    assert demo.replay_screen is not None and demo.tabs.currentWidget() is demo.replay_screen
    assert demo.replay_screen.current_session()[1] == "s0191"  # type: ignore[index]
    demo.sessions.search.clear()
    assert model.rowCount() == len(model.sessions()) > 100


def test_an_error_row_leads_to_its_impacted_users_most_recent_first(
    qtbot: Any, demo: MainWindow
) -> None:
    key = demo.problems_screen.problems[0].error_key
    demo.navigation.go(ShowErrors(key, users=True))
    errors = demo.errors_screen
    qtbot.waitUntil(lambda: errors.users.rowCount() > 1, timeout=30_000)
    shown = [errors.users.item(r, 2).text() for r in range(errors.users.rowCount())]
    assert shown == sorted(shown, reverse=True)  # ISO times: most recent first, not Z→A
    names = [errors.users.item(r, 0).text() for r in range(errors.users.rowCount())]
    assert names != sorted(names, reverse=True)
    errors.lower.setCurrentIndex(0)
    row = errors.top.visualItemRect(errors.top.item(0, 0)).center()
    qtbot.mouseClick(errors.top.viewport(), Qt.MouseButton.LeftButton, pos=row)
    qtbot.mouseDClick(errors.top.viewport(), Qt.MouseButton.LeftButton, pos=row)
    assert errors.lower.currentIndex() == 1  # a double-clicked error row: its users


def test_the_tab_bar_stays_put_on_every_tab(qtbot: Any, demo: MainWindow) -> None:
    demo.replay_session("s0191")
    positions = set()
    for index in range(demo.tabs.count()):
        demo.tabs.setCurrentIndex(index)
        qtbot.wait(10)
        positions.add(demo.tabs.bar.mapTo(demo, QPoint(0, 0)).y())
    assert len(positions) == 1
    demo.tabs.setCurrentWidget(demo.dashboard)
    assert demo.filter_bar.isVisible()
    top = demo.tabs.bar.mapTo(demo, QPoint(0, 0)).y()
    assert demo.filter_bar.mapTo(demo, QPoint(0, 0)).y() > top  # under the tabs
