"""Ashley's session of the bundled demo, in the real player: the form, her typing, the
loading indicator that never goes away after the error, and her second attempt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.demo.plan import ASHLEY_ID, RELEASE_AFTER
from app.store.demo import demo_archive_path
from app.store.open import open_store
from tests.replay.conftest import Replay

pytestmark = pytest.mark.webengine

OVERLAY_VISIBLE = (
    "(() => { const o = window.replayDocument().getElementById('loading_overlay');"
    " return o ? o.classList.contains('is-visible') : null; })()"
)


def ashley_session() -> tuple[str, list[int], int]:
    """Her stuck session's id, its error times and when she reloaded the checkout page."""
    store, _ = open_store(demo_archive_path())
    with store:
        sid = store.query(
            f"SELECT session_id FROM sessions WHERE user_id = '{ASHLEY_ID}'"
            f" AND release = '{RELEASE_AFTER}'"
        ).rows[0][0]
        errors = [
            row[0]
            for row in store.query(
                f"SELECT epoch_ms(ts) FROM errors WHERE session_id = '{sid}' ORDER BY ts"
            ).rows
        ]
        reload_at = store.query(
            f"SELECT epoch_ms(ts) FROM actions WHERE session_id = '{sid}'"
            " AND name = 'loading of page /checkout'"
        ).rows[0][0]
    return sid, errors, reload_at


def test_the_spinner_never_goes_away_after_the_error(replay: Replay, tmp_path: Path) -> None:
    sid, errors, reload_at = ashley_session()
    replay.open(demo_archive_path(), sid)

    replay.seek_to_epoch(errors[0] - 3_000)  # she has typed the form, not yet ordered
    assert replay.js(OVERLAY_VISIBLE) is False
    form: Any = replay.js_json(
        "const d = window.replayDocument();"
        " return ['postal_code', 'name', 'country'].map(id => d.getElementById(id).value);"
    )
    assert form[0] == "NW1 6XE"  # the unmasked postal-code field shows the format she used
    assert set(form[1]) == {"*"}  # her name is masked
    assert form[2] == "GB"

    for after in (2_000, 10_000, 20_000):  # the loading indicator stays…
        replay.seek_to_epoch(errors[0] + after)
        assert replay.js(OVERLAY_VISIBLE) is True
    replay.seek_to_epoch(reload_at + 3_000)  # …until she reloads the page
    assert replay.js(OVERLAY_VISIBLE) is False
    replay.seek_to_epoch(errors[1] + 5_000)  # and it is back after her second attempt
    assert replay.js(OVERLAY_VISIBLE) is True
