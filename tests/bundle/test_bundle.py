"""Smoke test of the standalone bundle: built, started headless, the demo replayed.

Part of the default run: building takes about 35 s (into ``build/bundle-test/``, about
700 MB, replaced each run). ``REPLAY_INVESTIGATOR_BUNDLE_TEST=0`` skips it;
``REPLAY_INVESTIGATOR_BUNDLE=DIR`` tests an existing bundle directory instead of building.
The bundle runs with ``--self-test``: the real window opens the bundled demo archive,
replays a session and saves a screenshot once the page has painted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    os.environ.get("REPLAY_INVESTIGATOR_BUNDLE_TEST") == "0",
    reason="REPLAY_INVESTIGATOR_BUNDLE_TEST=0 skips the bundle build",
)


@pytest.fixture(scope="module")
def bundle() -> Path:
    given = os.environ.get("REPLAY_INVESTIGATOR_BUNDLE")
    if given:
        return Path(given)
    dist = REPO / "build" / "bundle-test"
    if dist.exists():
        shutil.rmtree(dist)
    subprocess.run(
        [sys.executable, str(REPO / "packaging" / "build_bundle.py"), "--no-tarball",
         "--dist", str(dist)],
        check=True, timeout=1800,
    )  # fmt: skip
    (folder,) = dist.iterdir()
    return folder


def bundle_env(tmp_path: Path) -> dict[str, str]:
    """Headless, with private data and cache; nothing from this checkout on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env |= {
        "QT_QPA_PLATFORM": "offscreen",
        "REPLAY_INVESTIGATOR_DATA": str(tmp_path / "data"),
        "REPLAY_INVESTIGATOR_CACHE": str(tmp_path / "cache"),
    }
    return env


def test_the_bundle_opens_the_demo_and_renders_a_replay(bundle: Path, tmp_path: Path) -> None:
    shot = tmp_path / "window.png"
    result = subprocess.run(
        [str(bundle / "replay-investigator"), "--self-test", str(shot)],
        cwd=tmp_path, env=bundle_env(tmp_path), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Translations WILL NOT be correct" not in result.stderr  # Chromium's locales shipped
    timings = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(timings) == {"first_window_s", "archive_open_s", "frame_s"}
    assert 0 < timings["first_window_s"] <= timings["archive_open_s"] <= timings["frame_s"]

    image = QImage(str(shot))
    assert image.width() > 800 and image.height() > 500
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 50  # a real window with a replayed page, not a blank surface


def test_the_bundle_runs_the_command_line(bundle: Path, tmp_path: Path) -> None:
    demo = bundle / "_internal" / "app" / "_resources" / "demo" / "performancewear.webreplay"
    result = subprocess.run(
        [str(bundle / "replay-investigator"), "sql", str(demo),
         "SELECT count(*) AS n FROM sessions", "--format", "csv"],
        cwd=tmp_path, env=bundle_env(tmp_path), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["n", "300"]


def test_the_bundle_exports_a_video_clip(bundle: Path, tmp_path: Path) -> None:
    """PyAV and the FFmpeg libraries in its wheel travel with the bundle."""
    import av

    demo = bundle / "_internal" / "app" / "_resources" / "demo" / "performancewear.webreplay"
    out = tmp_path / "clip.mp4"
    result = subprocess.run(
        [str(bundle / "replay-investigator"), "export", str(demo), "--session", "s0191",
         "--format", "mp4", "--from", "70", "--to", "72", "--out", str(out)],
        cwd=tmp_path, env=bundle_env(tmp_path), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    with av.open(str(out)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 20
