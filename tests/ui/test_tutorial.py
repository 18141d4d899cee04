"""The tutorial, end to end, on the demo archive: dashboard → problem → new error → its
details → the impacted users → Ashley's replay at the error, spinner on screen."""

from __future__ import annotations

from typing import Any

import pytest

from app.demo.plan import ASHLEY_ID, RELEASE_AT_MS
from app.replay.engine import prepare_web_engine
from app.store.demo import demo_archive_path
from app.ui.main_window import MainWindow

prepare_web_engine()

pytestmark = pytest.mark.webengine

SPINNER = (
    "(() => { const d = window.replayDocument && window.replayDocument();"
    " const o = d && d.getElementById('loading_overlay');"
    " return o ? o.classList.contains('is-visible') : null; })()"
)


def page_value(qtbot: Any, window: MainWindow, script: str) -> Any:
    assert window.replay_screen is not None
    with qtbot.waitCallback(timeout=10_000) as callback:
        window.replay_screen.view.page().runJavaScript(script, 0, callback)
    return callback.args[0] if callback.args else None


def test_the_tutorial_from_the_dashboard_to_ashleys_replay(qtbot: Any, window: MainWindow) -> None:
    window.resize(1600, 1000)
    with qtbot.waitSignal(window.store_opened, timeout=60_000):
        window.open_file(demo_archive_path())

    # Step 1: the dashboard shows the error spike and the conversion drop after the release.
    buckets = window.dashboard.last_buckets
    before = [b for b in buckets if b.start_ms < RELEASE_AT_MS]
    after = [b for b in buckets if b.start_ms >= RELEASE_AT_MS]
    assert sum(b.errors for b in after) / len(after) > 3 * sum(b.errors for b in before) / len(
        before
    )
    converted = [b.conversions / b.sessions for b in after if b.sessions]
    assert sum(converted) / len(converted) < 0.25

    # Step 2: Problems lists the postal-code problem with its affected users.
    window.tabs.setCurrentWidget(window.problems_screen)
    problem = window.problems_screen.current
    assert problem is not None and "reading 'groups'" in problem.title
    assert ASHLEY_ID in problem.users and "Conversion rate drop" in problem.kinds
    assert "users" in window.problems_screen.heading.text()

    # Step 3: the Top-10 table flags the error new and high-frequency.
    window.problems_screen.error_button.click()
    errors = window.errors_screen
    assert window.tabs.currentWidget() is errors
    current = errors.current
    assert current is not None and current.group.key == problem.error_key
    assert current.flags == ["new", "high frequency"]

    # Step 4: its details show the resolved stack and the exact user action.
    assert "click on 'btn_sell-421198'" in errors.details.text()
    assert "src/shop.js" in errors.stack.toPlainText()
    assert "parts.groups.outward" in errors.stack.toPlainText()

    # Step 5: the impacted users include Ashley; her session replays at the error.
    window.problems_screen.users_button.click()
    assert errors.lower.currentIndex() == 1
    errors.user_search.setText("ashley")
    visible = [
        errors.users.item(r, 0).text()
        for r in range(errors.users.rowCount())
        if not errors.users.isRowHidden(r)
    ]
    assert visible == [ASHLEY_ID]
    assert errors.select_user(ASHLEY_ID)
    session_id, first_error_ms = errors.sessions.item(0, 0).data(256)

    errors.replay_button.click()
    screen = window.replay_screen
    assert screen is not None and window.tabs.currentWidget() is screen
    qtbot.waitUntil(lambda: screen.controller.first_ms is not None, timeout=30_000)
    assert screen.detail is not None and screen.detail.session_id == session_id
    assert abs(screen.cursor.time() - (first_error_ms - 3_000)) < 1_000

    # Step 6: a moment later the loading indicator is up — and it stays.
    screen.cursor.set_time(first_error_ms + 8_000, "test")
    qtbot.waitUntil(lambda: page_value(qtbot, window, SPINNER) is True, timeout=15_000)


def test_a_finding_from_an_errors_details(qtbot: Any, window: MainWindow, monkeypatch) -> None:
    from app.store.findings import FindingsStore
    from app.ui.findings_panel import FindingDialog

    with qtbot.waitSignal(window.store_opened, timeout=60_000):
        window.open_file(demo_archive_path())
    window.show_error_group(window.errors_screen.ranked[0].group.key, users=True)
    errors = window.errors_screen
    assert errors.select_user(ASHLEY_ID)
    session_id, first_error_ms = errors.sessions.item(0, 0).data(256)
    monkeypatch.setattr(FindingDialog, "exec", lambda dialog: 1)
    errors.finding_button.click()
    key = str(window.store.info()["content_key"])  # type: ignore[union-attr]
    saved = FindingsStore().for_archive(key, session_id)
    assert [(f.ts_ms, f.severity) for f in saved] == [(first_error_ms, "major")]
    assert "reading 'groups'" in saved[0].title
    assert saved[0].title.startswith("Uncaught (in promise) TypeError")  # not "(in promise) …"


def test_a_finding_in_the_replay_at_the_error_is_titled_with_the_whole_message(
    qtbot: Any, window: MainWindow
) -> None:
    with qtbot.waitSignal(window.store_opened, timeout=60_000):
        window.open_file(demo_archive_path())
    window.show_error_group(window.errors_screen.ranked[0].group.key, users=True)
    assert window.errors_screen.select_user(ASHLEY_ID)
    session_id, first_error_ms = window.errors_screen.sessions.item(0, 0).data(256)
    assert window.replay_session(session_id, first_error_ms + 1_000)
    screen = window.replay_screen
    assert screen is not None
    qtbot.waitUntil(lambda: screen.detail is not None, timeout=30_000)
    finding = screen.findings.add_at_cursor(ask=False)
    assert finding is not None
    assert finding.title.startswith("Uncaught (in promise) TypeError: Cannot read properties")
