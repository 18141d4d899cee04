"""A finding made on the Maps tab carries the click map into the report (issue 21): the map
drawn again over a frame of the replay, with the hot spot's counts, in HTML and Markdown;
and a findings file from before click maps opens with the new column."""

from __future__ import annotations

import base64
import json
from dataclasses import asdict
from pathlib import Path

import duckdb
import pytest
from PySide6.QtGui import QImage

from app.export.click_map_document import click_map_snapshot
from app.main import main
from app.maps import click_map
from app.replay.engine import prepare_web_engine
from app.store.demo import demo_archive_path
from app.store.filters import SessionFilter
from app.store.findings import Finding, FindingsStore
from app.store.open import open_store

prepare_web_engine()
# the application the rest of the suite expects (tests/conftest.py's qapp_cls), made before the
# report's map renderer would make a plain QApplication of its own (app.replay.frames.start_qt)
pytestmark = [pytest.mark.webengine, pytest.mark.usefixtures("qapp")]
ASHLEY = "s0191"
PLACE_ORDER = "#btn_sell-421198"
DEMO = str(demo_archive_path())


def _map_finding() -> Finding:
    store, _ = open_store(demo_archive_path())
    with store:
        flt = SessionFilter(release="2.5.0")
        result = click_map(store, "/checkout", flt)
        place = result.elements[0]
        first = next(s for s in place.sessions if s.session_id == ASHLEY)
        snapshot = click_map_snapshot(result, asdict(flt), "elements", "trouble", place.selector)
        key = store.info()["content_key"]
    return FindingsStore().save(
        Finding(key, ASHLEY, first.first_ms, "Place order is the checkout's hot spot",
                click_map=json.dumps(snapshot))
    )  # fmt: skip


def test_html_and_markdown_reports_carry_the_click_map(tmp_path: Path) -> None:
    saved = _map_finding()
    reloaded = FindingsStore().get(saved.id)
    assert reloaded is not None and json.loads(reloaded.click_map)["chosen"] == PLACE_ORDER
    html_out = tmp_path / "map.html"
    assert main(["export", DEMO, "--format", "html", "--out", str(html_out)]) == 0
    html = html_out.read_text(encoding="utf-8")
    section = html.split("<h3 class='click-map'>")[1]
    assert "Click map of /checkout" in section and "release 2.5.0" in section
    table = section.split("<table class='click-map'>")[1].split("</table>")[0]
    first_row = table.split("<tr>")[2]
    assert PLACE_ORDER in first_row  # hottest first, with its error clicks …
    assert "Place order <code>" in first_row  # … and named as the button reads
    image_data = section.split("src='data:image/png;base64,")[1].split("'")[0]
    image = QImage.fromData(base64.b64decode(image_data))
    assert not image.isNull() and image.width() >= 1000  # a drawn frame, not an icon
    # the map is drawn: the hot spot's yellow appears over the replayed page
    hot = sum(
        1
        for x in range(0, image.width(), 8)
        for y in range(0, image.height(), 8)
        if (c := image.pixelColor(x, y)).red() > 200 and c.green() > 150 and c.blue() < 90
    )
    assert hot > 20, hot

    md = tmp_path / "map.md"
    assert main(["export", DEMO, "--format", "md", "--out", str(md)]) == 0
    text = md.read_text(encoding="utf-8")
    assert "### The click map" in text and f"| Place order `{PLACE_ORDER}` |" in text
    png = tmp_path / "map-frames" / "finding-1-click-map.png"
    assert png.read_bytes()[:4] == b"\x89PNG" and f"map-frames/{png.name}" in text


def test_a_findings_file_from_before_click_maps_takes_one(tmp_path: Path) -> None:
    path = tmp_path / "findings.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        """CREATE TABLE findings (id VARCHAR PRIMARY KEY, archive_key VARCHAR NOT NULL,
           archive_name VARCHAR, session_id VARCHAR NOT NULL, ts_ms BIGINT NOT NULL,
           title VARCHAR NOT NULL, note VARCHAR, severity VARCHAR, tags VARCHAR,
           created_ms BIGINT, updated_ms BIGINT, compared_with VARCHAR, funnel VARCHAR)"""
    )
    con.execute(
        "INSERT INTO findings VALUES ('old', 'k', '', 's1', 5, 'Old', '', 'minor', '[]',"
        " 1, 2, NULL, NULL)"
    )
    con.close()
    store = FindingsStore(path)
    old = store.get("old")
    assert old is not None and old.click_map == ""
    store.save(Finding("k", "s1", 9, "A map", click_map='{"page": "/checkout"}'))
    assert [f.click_map for f in store.for_archive("k")] == ["", '{"page": "/checkout"}']
