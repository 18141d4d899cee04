"""A finding made in the Compare tab carries its comparison: it is saved at the failed
session's divergence step, remembering the other session; the Findings tab says so and opens
the comparison again."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QTimer

from app.replay.engine import prepare_web_engine
from app.state.navigation import ShowComparison
from app.store.demo import demo_archive_path
from app.store.findings import FindingsStore
from app.ui.main_window import MainWindow

prepare_web_engine()

pytestmark = pytest.mark.webengine
ASHLEY_STUCK = "s0191"


def test_a_finding_with_its_comparison_is_saved_listed_and_reopens_it(
    qtbot: Any, window: MainWindow
) -> None:
    window.resize(1500, 950)
    with qtbot.waitSignal(window.store_opened, timeout=120_000):
        window.open_file(demo_archive_path(), remember=False)
    with qtbot.waitSignal(window.comparing.shown, timeout=60_000):
        window.navigation.go(ShowComparison(ASHLEY_STUCK, None))
    screen = window.comparing.screen
    assert screen is not None and screen.pair is not None
    comparison = screen.pair.comparison
    other = comparison.other
    divergence = comparison.steps[comparison.first_divergence]
    assert other is not None and divergence.a is not None

    window.comparing.finding_dialog_opened.connect(
        lambda dialog: QTimer.singleShot(0, dialog.accept)
    )
    with qtbot.waitSignal(window.comparing.status, timeout=10_000):
        screen.finding_button.click()
    key = window.archive.current.content_key
    (saved,) = FindingsStore().for_archive(key, ASHLEY_STUCK)
    assert saved.compared_with == other and saved.ts_ms == divergence.a.ts_ms
    assert saved.title.startswith("click on 'btn_sell-421198' diverges: requests:")

    findings = window.findings_screen
    window.tabs.setCurrentWidget(findings)
    qtbot.waitUntil(lambda: findings.table.rowCount() == 1, timeout=10_000)
    assert findings.table.item(0, 5).text() == f"compared with {other}"
    findings.table.setCurrentCell(0, 1)
    assert findings.compare_button.isEnabled()
    with qtbot.waitSignal(window.comparing.shown, timeout=60_000):
        findings.compare_button.click()
    assert screen.current_pair() == (ASHLEY_STUCK, other)
    assert window.tabs.currentWidget() is screen
