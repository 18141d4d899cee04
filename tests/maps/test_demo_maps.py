"""Issue 21's click map acceptance on the demo archive: the checkout page's Place order
button is hot with its error clicks, and its sessions include Ashley's stuck one; the
``clickmap`` command draws it over a replayed frame and lists it as JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from app.maps import click_map, ranked
from app.store.demo import demo_archive_path
from app.store.filters import SessionFilter
from app.store.open import open_store

ASHLEY = "s0191"  # the stuck checkout of app/demo/personas.py's ashley_stuck
PLACE_ORDER = "#btn_sell-421198"


def test_place_order_is_a_hot_spot_with_its_error_clicks_and_ashleys_session(
    tmp_path: Path,
) -> None:
    store, _ = open_store(demo_archive_path(), tmp_path / "demo.duckdb")
    with store:
        result = click_map(store, "/checkout", SessionFilter())
        after = click_map(store, "/checkout", SessionFilter(release="2.5.0"))
    elements = {e.selector: e for e in result.elements}
    place = elements[PLACE_ORDER]
    shown = [(e.selector, e.clicks, e.trouble) for e in result.elements]
    # the hot spot by the trouble-weighted heat (clicks + 4x the clicks that went wrong),
    # though the Full name field has more plain clicks: the raw count ranks it first
    assert result.elements[0] is place, shown
    assert place.heat() > 1.5 * max(e.heat() for e in result.elements[1:]), shown
    assert ranked(result, "clicks")[0].selector != PLACE_ORDER
    assert ranked(result, "clicks")[0].clicks > place.clicks
    assert place.error > 0 and place.error == max(e.error for e in result.elements)
    assert ASHLEY in [s.session_id for s in place.sessions]
    # the errors came with release 2.5.0: under that filter every error click stays
    assert {e.selector: e for e in after.elements}[PLACE_ORDER].error == place.error


@pytest.mark.webengine
def test_clickmap_command_writes_the_map_and_json(tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    args = ["clickmap", str(demo_archive_path()), "--page", "/checkout", "--out", str(out)]
    done = subprocess.run(
        [sys.executable, "-m", "app", *args, "--json", "--db", str(tmp_path / "demo.duckdb")],
        capture_output=True,
        text=True,
        timeout=180,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    place = document["elements"][0]  # hottest first
    assert place["selector"] == PLACE_ORDER and document["heat"] == "trouble"
    assert place["error"] > 0 and place["box"] is not None
    assert ASHLEY in [s["session"] for s in place["sessions"]]
    image = QImage(str(out))
    left, top, width, _height = (int(v) for v in place["box"])
    # the error outline is drawn in its red just outside the button's box
    edge = image.pixelColor(left + width // 2, top - 3)
    assert edge.red() > 180 and edge.green() < 80, edge.name()
    # and its fill is the hottest colour (yellow-orange: red and green high, blue low)
    inside = image.pixelColor(left + 4, top + _height // 2)
    assert inside.red() > 150 and inside.blue() < 120, inside.name()
