"""The Funnels tab on the demo: the default checkout funnel, release 2.4.3 against 2.5.0 with
the last step marked, and a session that dropped off one click from its replay."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer

from app.store.demo import demo_archive_path
from app.store.findings import FindingsStore
from app.ui.funnel_screen import DROPPED_B, FunnelScreen
from app.ui.main_window import MainWindow


@pytest.fixture
def funnels(qtbot: Any, window: MainWindow) -> FunnelScreen:
    window.resize(1400, 900)
    with qtbot.waitSignal(window.store_opened, timeout=120_000):
        window.open_file(demo_archive_path(), remember=False)
    screen = next(s for s in window.screens if isinstance(s, FunnelScreen))
    window.tabs.setCurrentWidget(screen)
    qtbot.waitUntil(lambda: screen.computed is not None, timeout=20_000)
    return screen


def _choose(combo: Any, label: str) -> None:
    index = combo.findText(label)
    assert index >= 0, label
    combo.setCurrentIndex(index)


def test_the_demo_opens_on_the_checkout_funnel(funnels: FunnelScreen, window: MainWindow) -> None:
    assert window.tabs.tabText(window.tabs.indexOf(funnels)) == "Funnels"
    steps = [step.text for step in funnels.editor.steps()]
    assert steps == ["page:/product/", "page:/cart", "page:/checkout", "goal:purchase"]
    computed = funnels.computed
    assert computed is not None and computed.a.selected == 300 and computed.b is None
    assert [funnels.table.item(r, 1).text() for r in range(4)] == ["199", "114", "114", "75"]
    assert funnels.table.isColumnHidden(6)  # no comparison: no B columns
    # the editor offers the archive's pages, actions and goals
    assert "/checkout" in funnels.editor.choices["page"]
    assert "click on 'Go to checkout'" in funnels.editor.choices["action"]
    assert funnels.editor.choices["goal"] == ["purchase"]


def test_release_2_5_0_drops_at_the_last_step_and_its_sessions_lead_to_the_replay(
    qtbot: Any, funnels: FunnelScreen, window: MainWindow
) -> None:
    _choose(funnels.side_a, "release 2.4.3")
    _choose(funnels.side_b, "release 2.5.0")
    qtbot.waitUntil(
        lambda: funnels.computed is not None and funnels.computed.b is not None, timeout=20_000
    )
    computed = funnels.computed
    assert computed is not None and computed.differences is not None
    assert [d.significant for d in computed.differences] == [False, False, False, True]
    assert "★" in funnels.table.item(3, 8).text() and "★" not in funnels.table.item(2, 8).text()
    assert not funnels.table.isColumnHidden(6)
    assert "★ step 4" in funnels.chart.labels

    # B's sessions that reached checkout and never ordered, Ashley's among them
    checkout = funnels.table.visualItemRect(funnels.table.item(2, DROPPED_B)).center()
    qtbot.mouseClick(funnels.table.viewport(), Qt.MouseButton.LeftButton, pos=checkout)
    qtbot.waitUntil(lambda: len(funnels.dropped.sessions) == 31, timeout=20_000)
    assert "B: dropped off after 3. page:/checkout" in funnels.dropped.title.text()
    row = [s.session_id for s in funnels.dropped.sessions].index("s0191")
    ashley = funnels.dropped.sessions[row]

    # a finding at her exit carries the funnel both sides showed
    funnels.dropped.table.selectRow(row)
    assert funnels.finding_button.isEnabled()
    funnels.finding_dialog_opened.connect(lambda dialog: QTimer.singleShot(0, dialog.accept))
    funnels.finding_button.click()
    assert window.archive.current is not None
    (saved,) = FindingsStore().for_archive(window.archive.current.content_key, "s0191")
    assert saved.ts_ms == ashley.left_ms
    assert saved.title == "Dropped off after page:/checkout (release 2.5.0)"
    snapshot = json.loads(saved.funnel)
    assert (snapshot["a"]["label"], snapshot["b"]["label"]) == ("release 2.4.3", "release 2.5.0")
    assert [step.get("significant") for step in snapshot["steps"]] == [False, False, False, True]
    qtbot.mouseClick(funnels.dropped.replay_button(row), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.replay_screen is not None, timeout=20_000)
    replay = window.replay_screen
    assert replay is not None and window.tabs.currentWidget() is replay
    shown = replay.current_session()
    assert shown is not None and shown[1] == "s0191"
    assert ashley.left_ms > ashley.reached_ms


def test_steps_edited_are_matched_again(qtbot: Any, funnels: FunnelScreen) -> None:
    editor = funnels.editor
    editor.list.setCurrentRow(3)
    editor.remove.click()
    editor.kind.setCurrentText("action")
    editor.value.setEditText("click on 'btn_sell-421198'")
    editor.add.click()
    qtbot.waitUntil(
        lambda: (
            funnels.computed is not None
            and funnels.computed.steps[-1].text == "action:click on 'btn_sell-421198'"
        ),
        timeout=20_000,
    )
    assert funnels.table.item(3, 0).text() == "action:click on 'btn_sell-421198'"
    # the Place order button (named by its id): 94 sessions clicked it, all after checkout
    assert funnels.table.item(3, 1).text() == "94"


def test_the_filter_bar_narrows_the_funnel_when_the_tab_is_shown(
    qtbot: Any, funnels: FunnelScreen, window: MainWindow
) -> None:
    window.tabs.setCurrentWidget(window.dashboard)
    window.selection.set_attribute("release", "2.5.0")
    qtbot.wait(300)
    assert funnels.computed is not None and funnels.computed.a.selected == 300  # not yet
    window.tabs.setCurrentWidget(funnels)
    qtbot.waitUntil(
        lambda: funnels.computed is not None and funnels.computed.a.selected == 122,
        timeout=20_000,
    )
    assert funnels.table.item(3, 1).text() == "20"
