"""Clip benchmark (issue 22): time per second of clip at 1280×800, 10 fps.

Run: ``.venv/bin/python tests/benchmarks/bench_clips.py [--seconds 20] [--repeat 1]``

The clip is Ashley's stuck checkout in the demo archive, ``--seconds`` around her first
error. Figures: the whole export to MP4 (the replay seeked, grabbed and painted on the GUI
thread, H.264 on the encoder lane) per second of clip; then the encoding alone (the same
frames, decoded back, encoded again with :class:`app.export.video.VideoWriter`) as H.264
and as VP9. The goal is an export faster than the clip plays (< 1 s per second of clip).
The baseline is the encoding alone measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import av  # noqa: E402
from figures import Figure, report  # noqa: E402

from app.demo.plan import ASHLEY_ID, RELEASE_AFTER  # noqa: E402
from app.export.clip_plan import ClipRange  # noqa: E402
from app.export.video import VideoWriter  # noqa: E402
from app.replay.clips import export_clip_with_qt  # noqa: E402
from app.store.demo import demo_archive_path  # noqa: E402
from app.store.open import open_store  # noqa: E402

SIZE, FPS = (1280, 800), 10


def encode_alone(frames: list, fmt: str, out: Path) -> float:
    """Seconds to encode ``frames`` as ``fmt`` (writer opened and finished included)."""
    start = time.perf_counter()
    writer = VideoWriter(out, fmt, FPS, SIZE)
    for frame in frames:
        writer.add(frame)
    writer.finish()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    store, _ = open_store(demo_archive_path())
    with store, tempfile.TemporaryDirectory(prefix="ri-bench-clips-") as tmp:
        sid = str(store.query(
            f"SELECT session_id FROM sessions WHERE user_id = '{ASHLEY_ID}'"
            f" AND release = '{RELEASE_AFTER}'"
        ).rows[0][0])  # fmt: skip
        (error_ms,) = store.query(
            f"SELECT epoch_ms(min(ts)) FROM errors WHERE session_id = '{sid}'"
        ).rows[0]
        half = args.seconds * 500
        clip = ClipRange(sid, error_ms - half, error_ms + half, FPS, SIZE)
        exports = []
        out = Path(tmp) / "clip.mp4"
        for _ in range(args.repeat):
            start = time.perf_counter()
            export_clip_with_qt(store, clip, "mp4", out)
            exports.append(time.perf_counter() - start)
        with av.open(str(out)) as container:
            frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
        h264 = encode_alone(frames, "mp4", Path(tmp) / "again.mp4")
        vp9 = encode_alone(frames, "webm", Path(tmp) / "again.webm")
    seconds = len(frames) / FPS
    export = statistics.median(exports) / seconds
    print(f"{len(frames)} frames ({seconds:.1f} s of clip); exports: "
          f"{[round(t, 2) for t in exports]} s; H.264 alone {h264:.2f} s, "
          f"VP9 alone {vp9:.2f} s")  # fmt: skip
    baseline = h264 / seconds
    figures = [
        Figure(
            name="clips: export MP4 1280×800 10 fps, per second of clip",
            value=export, unit="s", goal="< 1 s", met=export < 1.0,
            baseline=f"H.264 encoding alone {baseline:.3f} s", ratio=export / baseline,
        ),
        Figure(
            name="clips: H.264 encoding alone, per second of clip",
            value=baseline, unit="s", goal="< 1 s", met=baseline < 1.0,
        ),
        Figure(
            name="clips: VP9 (WebM) encoding alone, per second of clip",
            value=vp9 / seconds, unit="s", goal="< 1 s", met=vp9 / seconds < 1.0,
            baseline=f"H.264 encoding alone {baseline:.3f} s", ratio=vp9 / h264,
        ),
    ]  # fmt: skip
    report(figures)
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
