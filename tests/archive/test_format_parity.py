"""The same recording wrapped in every format reads the same as the plain rrweb recording.

The recording is a real one (``tests/data/recordings/checkout-clicks.json``: two pages,
clicks, typing, a double click, console output). Each wrapper writes it the way a product
hands it out (see ``tests/archive/formats.py``); whatever the wrapping, a user must see the
same click actions at the same moments, the same errors and the same duration.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from app.store.ingest import ingest_file
from tests.archive.formats import WRAPPERS

RECORDING = Path(__file__).resolve().parents[1] / "data" / "recordings" / "checkout-clicks.json"


def _read(path: Path, db: Path) -> dict[str, object]:
    result = ingest_file(path, db)
    with duckdb.connect(str(result.db_path), read_only=True) as con:
        [(sessions, duration)] = con.execute(
            "SELECT count(*), max(duration_ms) FROM sessions"
        ).fetchall()
        clicks = con.execute(
            "SELECT epoch_ms(ts), name FROM actions WHERE trigger IN ('click', 'dblclick') "
            "ORDER BY ts"
        ).fetchall()
        errors = con.execute("SELECT epoch_ms(ts), message FROM errors ORDER BY ts").fetchall()
        events = con.execute("SELECT count(*) FROM events").fetchone()[0]
    return {
        "sessions": sessions,
        "duration_ms": duration,
        "clicks": clicks,
        "errors": errors,
        "events": events,
    }


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("plain")
    return _read(WRAPPERS["rrweb array"](json.loads(RECORDING.read_text()), folder), folder / "db")


def test_the_plain_recording_is_what_the_scenario_says(plain: dict[str, object]) -> None:
    assert plain["sessions"] == 1 and plain["events"] == 105
    assert plain["duration_ms"] == 4158
    assert [name for _, name in plain["clicks"]] == [
        "click on 'Close dialog'",
        "click on 'Show help'",
        "click on 'email_field'",
        "click on 'Postal code'",
        "double click on 'Order summary'",
        "click on 'span.chip.promo'",
        "click on 'btn_sell-421198'",
        "click on 'Company logo'",
        "click on 'Place order'",
        "click on 'Download invoice'",
        "click on 'Continue shopping'",
    ]
    assert [message for _, message in plain["errors"]] == [
        "Postal code check failed",
        "Uncaught TypeError: Cannot read properties of null (reading 'total')",
    ]


@pytest.mark.parametrize("wrapper", sorted(set(WRAPPERS) - {"rrweb array"}))
def test_every_format_gives_the_same_clicks_errors_and_duration(
    wrapper: str, plain: dict[str, object], tmp_path: Path
) -> None:
    path = WRAPPERS[wrapper](json.loads(RECORDING.read_text()), tmp_path)
    assert _read(path, tmp_path / "store.duckdb") == plain
