"""Comparing Ashley's failed checkout with a session that went right, in the window: the
candidates dialog, the Compare tab opened at the first divergence, steps that seek both
replays, and both playing together."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PySide6.QtWebEngineWidgets import QWebEngineView

from app.replay.engine import prepare_web_engine
from app.state.navigation import CompareWith, ShowComparison
from app.store.demo import demo_archive_path
from app.ui.main_window import MainWindow

prepare_web_engine()

pytestmark = pytest.mark.webengine

ASHLEY_STUCK = "s0191"
TOLERANCE_MS = 300  # a paused player is where it was sought; ticks are ~ every 50 ms


@pytest.fixture
def demo(qtbot: Any, window: MainWindow) -> MainWindow:
    window.resize(1500, 950)
    with qtbot.waitSignal(window.store_opened, timeout=120_000):
        window.open_file(demo_archive_path(), remember=False)
    return window


def page_value(qtbot: Any, view: QWebEngineView, code: str) -> Any:
    answer: list[Any] = []
    view.page().runJavaScript(code, 0, answer.append)
    qtbot.waitUntil(lambda: bool(answer), timeout=5_000)
    return answer[0]


def player_offset(qtbot: Any, view: QWebEngineView) -> float:
    """Where the player page's replayer really is (ms from the session's first event; the
    replayer's own time counts from its window's start)."""
    return float(page_value(qtbot, view, "window.replayTime()"))


def compared(qtbot: Any, demo: MainWindow, other: str | None = None) -> Any:
    with qtbot.waitSignal(demo.comparing.shown, timeout=60_000):
        demo.navigation.go(ShowComparison(ASHLEY_STUCK, other))
    screen = demo.comparing.screen
    assert screen is not None and demo.tabs.currentWidget() is screen
    qtbot.waitUntil(lambda: screen.left.loaded() and screen.right.loaded(), timeout=60_000)
    return screen


def at(qtbot: Any, screen: Any, a_ms: int, b_ms: int) -> None:
    """Both cursors and both players are at these moments."""
    assert (screen.cursor.time(), screen.right_cursor.time()) == (a_ms, b_ms)
    for side, t_ms in ((screen.left, a_ms), (screen.right, b_ms)):
        want = t_ms - side.controller.first_ms
        qtbot.waitUntil(
            lambda side=side, want=want: abs(player_offset(qtbot, side.view) - want) < TOLERANCE_MS,
            timeout=10_000,
        )


def test_ashleys_comparison_opens_at_the_first_divergence_on_both_sides(
    qtbot: Any, demo: MainWindow
) -> None:
    screen = compared(qtbot, demo)
    comparison = screen.pair.comparison
    first = comparison.first_divergence
    assert comparison.session == ASHLEY_STUCK and comparison.other is not None
    assert first is not None
    assert screen.steps.selected_step() == first  # selected on open
    row = comparison.steps[first]
    assert row.a is not None and row.b is not None
    at(qtbot, screen, row.a.ts_ms, row.b.ts_ms)
    # the divergence is marked on both timelines, at each session's own moment
    for side, step in ((screen.left, row.a), (screen.right, row.b)):
        marks = [m.ts_ms for m in side.timeline.data.markers if m.kind == "divergence"]
        assert marks == [step.ts_ms]
    # only-in-one rows are blank on the other side; differences sit under their row
    item = screen.steps.topLevelItem(first)
    assert item.childCount() == len(row.differences) > 0
    only_a = next(i for i, s in enumerate(comparison.steps) if s.b is None)
    assert screen.steps.topLevelItem(only_a).text(4) == ""
    assert "first divergence" in screen.heading.text()


def test_both_replays_hold_windows_of_the_archive(qtbot: Any, demo: MainWindow) -> None:
    """Issue 23: each player holds the window around its moment, from the one set of
    windows of the archive's store (the Replay tab's too), never the session whole."""
    screen = compared(qtbot, demo)
    row = screen.pair.comparison.steps[screen.pair.comparison.first_divergence]
    at(qtbot, screen, row.a.ts_ms, row.b.ts_ms)
    shared = screen.left.windows.current
    assert shared is not None and screen.right.windows.current is shared
    for side, t_ms in ((screen.left, row.a.ts_ms), (screen.right, row.b.ts_ms)):
        held = json.loads(page_value(qtbot, side.view, "JSON.stringify(window.playerWindow())"))
        assert held["windowed"] and held["loaded"] >= 1
        assert held["start"] <= t_ms <= held["end"]
    screen.close_pair()
    assert screen.left.windows.current is None and screen.right.windows.current is None


def test_selecting_another_step_seeks_both_replays_to_it(qtbot: Any, demo: MainWindow) -> None:
    screen = compared(qtbot, demo)
    steps = screen.pair.comparison.steps
    target = next(i for i, s in enumerate(steps) if s.matched and "Postal code" in s.a.name)
    screen.steps.setCurrentItem(screen.steps.topLevelItem(target))
    at(qtbot, screen, steps[target].a.ts_ms, steps[target].b.ts_ms)
    # a step only Ashley took: the other replay is where the alignment puts that moment
    only_a = next(i for i, s in enumerate(steps) if s.b is None)
    screen.steps.setCurrentItem(screen.steps.topLevelItem(only_a))
    a_ms = steps[only_a].a.ts_ms
    assert screen.cursor.time() == a_ms
    assert screen.right_cursor.time() == min(
        screen.paired.map.to_b(a_ms), screen.right_cursor.end()
    )


def test_playing_plays_both_each_at_its_own_pace(qtbot: Any, demo: MainWindow) -> None:
    screen = compared(qtbot, demo)
    steps = screen.pair.comparison.steps
    start = next(i for i, s in enumerate(steps) if s.matched)
    screen.steps.setCurrentItem(screen.steps.topLevelItem(start))
    a0, b0 = screen.cursor.time(), screen.right_cursor.time()
    screen.controls.play_button.click()
    qtbot.wait(2_500)
    screen.controls.play_button.click()
    assert not screen.cursor.is_playing() and not screen.right_cursor.is_playing()
    assert screen.cursor.time() > a0 + 1_000  # the left played
    assert screen.right_cursor.time() > b0 + 300  # and so did the right
    # …on the map: at the same step of the alignment
    drift = abs(screen.right_cursor.time() - screen.paired.map.to_b(screen.cursor.time()))
    assert drift < 1_000


def test_the_candidates_dialog_lists_five_with_why_they_match(qtbot: Any, demo: MainWindow) -> None:
    with qtbot.waitSignal(demo.comparing.dialog_opened, timeout=10_000) as opened:
        demo.navigation.go(CompareWith(ASHLEY_STUCK))
    dialog = opened.args[0]
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=30_000)
    assert dialog.table.rowCount() == 5
    for row in range(5):
        why = dialog.table.item(row, 5).text()
        assert "steps in common" in why and "release" in why and "browser" in why
        assert dialog.table.item(row, 2).text().endswith("%")
    scores = [c.score for c in dialog.candidates]
    assert scores == sorted(scores, reverse=True)
    second = dialog.candidates[1].session_id
    dialog.table.selectRow(1)
    with qtbot.waitSignal(demo.comparing.shown, timeout=60_000):
        dialog.ok.click()
    assert demo.comparing.screen.current_pair() == (ASHLEY_STUCK, second)


def test_a_session_can_be_picked_by_id(qtbot: Any, demo: MainWindow) -> None:
    with qtbot.waitSignal(demo.comparing.dialog_opened, timeout=10_000) as opened:
        demo.navigation.go(CompareWith(ASHLEY_STUCK))
    dialog = opened.args[0]
    dialog.by_id.setText("s0001")
    with qtbot.waitSignal(demo.comparing.shown, timeout=60_000):
        dialog.ok.click()
    assert demo.comparing.screen.current_pair() == (ASHLEY_STUCK, "s0001")


def test_every_entry_point_offers_the_comparison(qtbot: Any, demo: MainWindow) -> None:
    # the Sessions list's context menu
    demo.show_sessions()
    qtbot.waitUntil(lambda: demo.sessions.model.rowCount() > 0)
    menu = demo.sessions.row_menu(0)
    compare = next(a for a in menu.actions() if a.text().startswith("Compare"))
    sid = demo.sessions.model.summary(0).session_id
    with qtbot.waitSignal(demo.comparing.dialog_opened, timeout=10_000) as opened:
        compare.trigger()
    assert opened.args[0].session_id == sid
    opened.args[0].reject()
    # an impacted session of a problem (its button compares the most impacted one)
    demo.tabs.setCurrentWidget(demo.problems_screen)
    problems = demo.problems_screen
    qtbot.waitUntil(lambda: problems.compare_button.isEnabled(), timeout=30_000)
    with qtbot.waitSignal(demo.comparing.dialog_opened, timeout=10_000) as opened:
        problems.compare_button.click()
    assert opened.args[0].session_id == problems.impacted.shown()[0].session_id
    opened.args[0].reject()
    # the Replay menu, on the replayed session
    assert not demo.comparing.action.isEnabled()
    assert demo.replay_session(ASHLEY_STUCK)
    assert demo.comparing.action.isEnabled()
    with qtbot.waitSignal(demo.comparing.dialog_opened, timeout=10_000) as opened:
        demo.comparing.action.trigger()
    assert opened.args[0].session_id == ASHLEY_STUCK
