"""Video clips of Ashley's stuck checkout (the demo archive), decoded back with PyAV: the
duration and frame count asked for, the frame at her error as the ``frame`` command renders
it, a small GIF, the command line, and Cancel that leaves no file."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from app.export.clip_plan import ClipRange
from app.files import partial_path
from app.replay.engine import prepare_web_engine
from app.store.demo import demo_archive_path
from app.store.open import open_store
from app.store.store import SessionStore

prepare_web_engine()

from PySide6.QtGui import QImage  # noqa: E402

from app.replay.clips import export_clip, rgb_array  # noqa: E402
from tests.export.test_reports import ashley_session, first_error_ms  # noqa: E402

pytestmark = pytest.mark.webengine
DEMO = demo_archive_path()
MAX_MEAN_DIFFERENCE = 2.0
"""Mean absolute difference (0–255, over all pixels and channels) between the clip's frame
and the frame command's PNG: H.264 at crf 23 and the cursors (painted here, rrweb's there)
make up what differs — measured 0.95; the clip's frame one second earlier (before the click
on Place order) differs by 2.98."""
GIF_LIMIT = 300_000


@pytest.fixture(scope="module")
def ashley() -> Iterator[tuple[SessionStore, str, int]]:
    """The demo's store, Ashley's stuck session and the time of its first error."""
    store, _ = open_store(DEMO)
    with store:
        sid = ashley_session(store)
        yield store, sid, first_error_ms(store, sid)


def decoded(path: Path) -> tuple[list[np.ndarray], float, Any]:
    """Every frame (RGB), the duration in seconds and the stream."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(stream)]
        duration = float(container.duration or 0) / 1e6
        return frames, duration, stream


def test_ten_seconds_around_ashleys_error_match_the_frame_command(
    qapp: Any, ashley: tuple[SessionStore, str, int], tmp_path: Path
) -> None:
    store, sid, error_ms = ashley
    clip = ClipRange(sid, error_ms - 5_000, error_ms + 5_000, fps=10, caption=False)
    out = export_clip(store, clip, "mp4", tmp_path / "ashley.mp4", mask=False)
    frames, duration, stream = decoded(out)
    assert stream.codec_context.name == "h264" and stream.codec_context.pix_fmt == "yuv420p"
    assert len(frames) == 100
    assert duration == pytest.approx(10.0, abs=0.11)
    assert frames[0].shape == (800, 1280, 3)

    done = subprocess.run(
        [sys.executable, "-m", "app", "frame", str(DEMO), "--session", sid,
         "--at", str(error_ms), "--out", str(tmp_path / "frames")],
        capture_output=True, text=True, timeout=180, check=False,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    image = QImage(str(tmp_path / "frames" / "frame-1.png"))
    reference = rgb_array(image.convertToFormat(QImage.Format.Format_RGB888))
    at_error = frames[50]  # 5 s in at 10 fps
    difference = np.abs(at_error.astype(int) - reference.astype(int)).mean()
    assert difference < MAX_MEAN_DIFFERENCE, f"mean difference {difference:.2f}"
    before_click = np.abs(frames[40].astype(int) - reference.astype(int)).mean()
    assert before_click > MAX_MEAN_DIFFERENCE  # the comparison tells moments apart
    # Her click on Place order, 0.67 s before the error, ripples in blue for 0.6 s.
    assert _blue(frames[44]) > 100 and _blue(frames[45]) > 100  # measured 202, 242
    assert _blue(frames[40]) == 0 and _blue(frames[50]) == 0


def _blue(frame: np.ndarray) -> int:
    """Pixels of the ripple's blue (the demo shop has none of its own)."""
    r, g, b = (frame[:, :, i].astype(int) for i in range(3))
    return int(((b - r > 60) & (b - g > 60)).sum())


def test_webm_and_a_gif_under_the_size_limit(
    qapp: Any, ashley: tuple[SessionStore, str, int], tmp_path: Path
) -> None:
    store, sid, error_ms = ashley
    clip = ClipRange(sid, error_ms - 3_000, error_ms + 3_000, fps=10, size=(640, 400))
    webm, _, stream = decoded(export_clip(store, clip, "webm", tmp_path / "a.webm"))
    assert stream.codec_context.name == "vp9" and len(webm) == 60
    gif = export_clip(store, clip, "gif", tmp_path / "a.gif")
    frames, duration, _ = decoded(gif)
    assert len(frames) == 60 and duration == pytest.approx(6.0, abs=0.11)
    assert gif.stat().st_size < GIF_LIMIT, f"{gif.stat().st_size:,} bytes"
    orange = (frames[0][:, :, 0] > 200) & (frames[0][:, :, 1] < 140) & (frames[0][:, :, 2] < 90)
    assert orange.sum() > 500  # the Place order button keeps its colour in the palette


def test_a_cancelled_export_leaves_no_file(
    qapp: Any, ashley: tuple[SessionStore, str, int], tmp_path: Path
) -> None:
    store, sid, error_ms = ashley
    out = tmp_path / "cancelled.mp4"
    seen: list[float] = []
    clip = ClipRange(sid, error_ms - 10_000, error_ms + 10_000)
    with pytest.raises(InterruptedError):
        export_clip(store, clip, "mp4", out, progress=lambda f, _m: seen.append(f),
                    cancelled=lambda: bool(seen) and seen[-1] > 0.2)  # fmt: skip
    assert seen[-1] < 0.9  # it stopped part-way
    assert not out.exists() and not partial_path(out).exists()
    assert list(tmp_path.iterdir()) == []


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "export", str(DEMO), *args],
        capture_output=True, text=True, timeout=180, check=False,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )  # fmt: skip


def test_the_command_line_exports_a_range_in_seconds_from_the_start(
    ashley: tuple[SessionStore, str, int], tmp_path: Path
) -> None:
    _store, sid, _error_ms = ashley
    out = tmp_path / "clip.mp4"
    done = _cli("--session", sid, "--format", "mp4", "--from", "70", "--to", "1:14",
                "--fps", "5", "--size", "640x401", "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    frames, duration, _ = decoded(out)
    assert len(frames) == 20 and frames[0].shape == (400, 640, 3)  # even height for 4:2:0
    assert duration == pytest.approx(4.0, abs=0.21)
    refused = _cli("--session", sid, "--format", "gif", "--out", str(tmp_path / "long.gif"))
    assert refused.returncode == 2 and "a GIF is for clips up to 30 s" in refused.stderr
    assert not (tmp_path / "long.gif").exists()
