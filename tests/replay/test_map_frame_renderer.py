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


def test_the_same_session_asked_again_is_not_loaded_again(
    qtbot: Any, tasks: TaskRunner, tmp_path: Path
) -> None:
    """Draw map clicked twice quickly asks for the same session while it loads; the player
    says ``loaded`` once, so the second ask must not wait for a second load (it waited for
    the load timeout and failed). Asked once more after it loaded, it only seeks."""
    store, _ = open_store(demo_archive_path(), tmp_path / "demo.duckdb")
    renderer = MapFrameRenderer(tasks)
    try:
        place = click_map(store, "/checkout").elements[0]
        first = place.sessions[0]
        frames: list[MapFrame] = []
        steps: list[str] = []
        renderer.rendered.connect(frames.append)
        renderer.progressed.connect(steps.append)
        renderer.render(store, first.session_id, first.first_ms - 200, [PLACE_ORDER])
        renderer.render(store, first.session_id, first.first_ms - 200, [PLACE_ORDER, "#name"])
        qtbot.waitUntil(lambda: len(frames) == 1, timeout=60_000)
        assert {PLACE_ORDER, "#name"} <= set(frames[0].boxes)
        loads = sum("Loading session" in step for step in steps)
        renderer.render(store, first.session_id, first.first_ms - 5_000, [PLACE_ORDER])
        qtbot.waitUntil(lambda: len(frames) == 2, timeout=60_000)
        assert loads == 1 and sum("Loading session" in step for step in steps) == 1  # seeks
    finally:
        renderer.shutdown()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        store.close()
