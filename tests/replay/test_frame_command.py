"""``replay-investigator frame``: headless PNG + HTML frames of a replay, in one process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from app.archive.model import iso_from_ms
from app.store.open import open_store
from app.store.queries import replay as replay_queries
from app.store.queries import sessions as session_queries
from tests.replay.conftest import RECORDING

pytestmark = pytest.mark.webengine


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "app", "frame", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )


def test_frames_at_offset_iso_and_epoch_times(tmp_path: Path) -> None:
    store, _ = open_store(RECORDING)
    with store:
        detail = replay_queries.detail(
            store.cursor(), session_queries.summaries(store.cursor())[0].session_id
        )
    assert detail is not None
    navigation = next(a.ts_ms for a in detail.actions if a.name.endswith("thank-you"))
    out = tmp_path / "frames"
    done = _run(
        str(RECORDING),
        "--at",
        "+0.3",
        "--at",
        iso_from_ms(navigation + 300),
        "--at",
        str(detail.end_ms),
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for index in (1, 2, 3):
        image = QImage(str(out / f"frame-{index}.png"))
        assert image.width() > 600 and image.height() > 400
        colours = {
            image.pixel(x, y)
            for x in range(0, image.width(), 23)
            for y in range(0, image.height(), 23)
        }
        assert len(colours) > 5, "frame looks blank"
    first, second = (out / "frame-1.html").read_text(), (out / "frame-2.html").read_text()
    assert "Place order" in first and "Thank you for your order" not in first
    assert "Thank you for your order" in second


def test_a_time_outside_the_session_is_refused_clearly(tmp_path: Path) -> None:
    done = _run(str(RECORDING), "--at", "+3600", "--out", str(tmp_path))
    assert done.returncode == 2
    assert "+3600 is outside session" in done.stderr
    assert not list(tmp_path.glob("frame-*"))


def test_an_unknown_session_is_refused_clearly(tmp_path: Path) -> None:
    done = _run(str(RECORDING), "--session", "nope", "--at", "+1", "--out", str(tmp_path))
    assert done.returncode == 2 and "no session 'nope'" in done.stderr
