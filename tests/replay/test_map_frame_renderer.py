"""The map's frame renderer (issue 21): driven by the event loop, the latest render wins —
a second render asked while the first loads replaces it, and only its frame arrives, with
the boxes of the elements asked for."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from app.maps import click_map
from app.replay.engine import prepare_web_engine
from app.replay.map_frame_renderer import MapFrameRenderer
from app.replay.map_image import MapFrame
from app.state.tasks import TaskRunner
from app.store.demo import demo_archive_path
from app.store.open import open_store

prepare_web_engine()
pytestmark = pytest.mark.webengine
PLACE_ORDER = "#btn_sell-421198"


@pytest.fixture
def tasks(qapp: Any) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


def test_the_latest_render_wins(qtbot: Any, tasks: TaskRunner, tmp_path: Path) -> None:
    store, _ = open_store(demo_archive_path(), tmp_path / "demo.duckdb")
    renderer = MapFrameRenderer(tasks)
    try:
        result = click_map(store, "/checkout")
        place = result.elements[0]
        first, second = place.sessions[0], place.sessions[1]
        frames: list[MapFrame] = []
        steps: list[str] = []
        renderer.rendered.connect(frames.append)
        renderer.progressed.connect(steps.append)
        renderer.render(store, first.session_id, first.first_ms - 200, [PLACE_ORDER])
        renderer.render(store, second.session_id, second.first_ms - 200, [PLACE_ORDER, "#name"])
        qtbot.waitUntil(lambda: not renderer.busy, timeout=60_000)
        qtbot.wait(500)  # a late answer of the first render would arrive by now
        assert len(frames) == 1, steps
        (frame,) = frames
        assert {PLACE_ORDER, "#name"} <= set(frame.boxes)  # the second render's selectors
        assert frame.image.width() >= 1000
        assert any(second.session_id in step for step in steps)
    finally:
        renderer.shutdown()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        store.close()
