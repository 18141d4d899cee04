"""Opening a second archive while a session of the first replays.

Before the open-archive model, the Replay tab kept the previous archive's session: B added
a finding to it, "Export Session as rrweb" queried the new store with the old session id,
and toggling "Load site assets" reloaded the player, whose events request then raised
inside the ``replay:`` scheme handler (the old store was closed).
"""

from __future__ import annotations

from typing import Any

import pytest

from app.replay.engine import prepare_web_engine
from app.store.demo import demo_archive_path

prepare_web_engine()  # the replay: scheme is registered before the first web view, run alone too

pytestmark = pytest.mark.webengine

TIMEOUT_MS = 60_000


def test_a_second_archive_resets_the_replay_of_the_first(
    qtbot: Any, window: Any, archives: Any
) -> None:
    with qtbot.waitSignal(window.store_opened, timeout=TIMEOUT_MS):
        window.open_file(demo_archive_path())
    first_store = window.store
    session_id = window.sessions.model.summary(0).session_id
    assert window.replay_session(session_id)
    screen = window.replay_screen
    with qtbot.waitSignal(screen.view.session_loaded, timeout=TIMEOUT_MS):
        pass
    assert screen.findings.add_button.isEnabled()
    assert window.exports.rrweb_action.isEnabled()

    # The second archive has a session with the same id: nothing of the first may leak.
    second = archives.write("other.webreplay", [archives.Spec(session_id, "someone-else")])
    with qtbot.waitSignal(window.store_opened, timeout=TIMEOUT_MS):
        window.open_file(second)
    qtbot.waitUntil(lambda: first_store.closed, timeout=10_000)  # closed, never waited for

    assert screen.detail is None and screen.store is None
    assert screen.actions.model.total_rows() == 0
    assert not screen.controls.isEnabled() and "closed" in screen.title.text()
    assert not screen.findings.add_button.isEnabled()
    assert screen.findings.add_at_cursor(ask=False) is None  # B does nothing
    assert not window.exports.rrweb_action.isEnabled()
    assert window.exports.current_session() is None

    # Reloading the player (site assets) must not ask the closed store for events: an
    # exception raised in the scheme handler would fail this test (pytest-qt).
    screen.controls.site_assets_toggled.emit(True)
    with qtbot.waitSignal(screen.view.bridge.ready, timeout=TIMEOUT_MS):
        pass
    qtbot.wait(300)
    screen.controls.site_assets_toggled.emit(False)

    # The new archive's session replays, and exports from the new store.
    assert window.replay_session(session_id)
    assert screen.store is window.store
    assert screen.detail is not None and screen.detail.user_id == "someone-else"
    assert screen.controls.isEnabled()
    assert window.exports.rrweb_action.isEnabled()
