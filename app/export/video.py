"""Encoding a clip's frames as MP4 (H.264), WebM (VP9) or an animated GIF, with PyAV.

Why PyAV: it bundles FFmpeg's encoders, so no ``ffmpeg`` program has to be installed next to
the app. Frames arrive as RGB arrays (``height × width × 3``, ``uint8``), one per call, and
are encoded as they come; the file is written under a temporary name beside the target and
renamed only by :meth:`VideoWriter.finish`, so a cancelled or failed export leaves nothing
under the target name (see :mod:`app.files`).

GIF: one palette made from the first frame (FFmpeg's ``palettegen``/``paletteuse``), so the
encoder stores only what changed from frame to frame (see :class:`_Palette`).
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
from av.filter import Graph

from app.files import partial_path


@dataclass(frozen=True)
class VideoFormat:
    container: str
    codec: str
    pixel_format: str
    options: dict[str, str]
    suffix: str


VIDEO_FORMATS: dict[str, VideoFormat] = {
    "mp4": VideoFormat(
        "mp4", "libx264", "yuv420p", {"crf": "23", "preset": "veryfast", "tune": "stillimage"},
        ".mp4",
    ),
    "webm": VideoFormat(
        "webm", "libvpx-vp9", "yuv420p",
        {"crf": "34", "b": "0", "deadline": "realtime", "cpu-used": "8", "row-mt": "1"}, ".webm",
    ),
    "gif": VideoFormat("gif", "gif", "pal8", {}, ".gif"),
}  # fmt: skip


def even_size(size: tuple[int, int]) -> tuple[int, int]:
    """H.264 and VP9 in 4:2:0 need even dimensions: the size rounded down to them."""
    width, height = size
    if width < 16 or height < 16:
        raise ValueError(f"{width}×{height} is too small for a video")
    return width - width % 2, height - height % 2


class VideoWriter:
    """One video being written; :meth:`add` each frame, then :meth:`finish` (or :meth:`abort`)."""

    def __init__(self, out: Path, fmt: str, fps: int, size: tuple[int, int]) -> None:
        if fmt not in VIDEO_FORMATS:
            raise ValueError(f"unknown video format {fmt!r} (mp4, webm or gif)")
        self.out, self.format = Path(out), VIDEO_FORMATS[fmt]
        self.size = even_size(size)
        self.frames = 0
        self.closed = False
        # add() runs on the encoder's thread, abort() on the GUI thread (Cancel): one at a time
        self.lock = threading.Lock()
        self.part = partial_path(self.out)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.container: Any = av.open(str(self.part), "w", format=self.format.container)
        stream: Any = self.container.add_stream(self.format.codec, rate=fps)
        stream.width, stream.height = self.size
        stream.pix_fmt = self.format.pixel_format
        stream.codec_context.time_base = Fraction(1, fps)
        stream.options = dict(self.format.options)
        self.stream = stream
        self.palette = _Palette(self.size, fps) if fmt == "gif" else None

    def add(self, rgb: np.ndarray) -> None:
        """Encode one frame (``height × width × 3`` RGB, cropped to the even size); nothing
        once aborted."""
        with self.lock:
            if not self.closed:
                self._encode(rgb)

    def _encode(self, rgb: np.ndarray) -> None:
        width, height = self.size
        frame = av.VideoFrame.from_ndarray(
            np.ascontiguousarray(rgb[:height, :width, :3]), format="rgb24"
        )
        frame.pts = self.frames
        if self.palette is not None:
            frame = self.palette.convert(frame)
            frame.pts = self.frames
        self.frames += 1
        for packet in self.stream.encode(frame):
            self.container.mux(packet)

    def finish(self) -> Path:
        """Flush the encoder, close the file and put it under the target name."""
        if self.frames == 0:
            self.abort()
            raise ValueError("the clip has no frames")
        with self.lock:
            if self.closed:
                raise InterruptedError("the clip was cancelled")
            for packet in self.stream.encode():
                self.container.mux(packet)
            self.container.close()
            self.closed = True
            os.replace(self.part, self.out)
        return self.out

    def abort(self) -> None:
        """Stop writing and remove what was written (the target keeps its previous content)."""
        with self.lock:
            if self.closed:
                return
            self.closed = True
            with contextlib.suppress(Exception):  # a failed encoder: the file goes anyway
                self.container.close()
            self.part.unlink(missing_ok=True)


class _Palette:
    """rgb24 → pal8 with one palette, made from the first frame, for the whole clip.

    Why one palette: with the same colours for the same pixels, the GIF encoder stores only
    the part of each frame that changed (a palette per frame dithered every frame anew: an
    8-second clip at 640×400 took 1.4 MB instead of 70 kB). A page that appears later with
    colours of its own is drawn with the nearest ones of the first.
    """

    def __init__(self, size: tuple[int, int], fps: int) -> None:
        self.size, self.time_base = size, Fraction(1, fps)
        self.graph: Graph | None = None
        self.source: Any = None
        self.sink: Any = None

    def _buffer(self, graph: Graph, size: tuple[int, int], fmt: str) -> Any:
        return graph.add_buffer(width=size[0], height=size[1], format=fmt,
                                time_base=self.time_base)  # fmt: skip

    def _build(self, first: av.VideoFrame) -> None:
        made = Graph()
        source = self._buffer(made, self.size, "rgb24")
        make = made.add("palettegen", "max_colors=256:stats_mode=full")
        sink = made.add("buffersink")
        source.link_to(make)
        make.link_to(sink)
        made.configure()
        source.push(first)
        source.push(None)
        palette = sink.pull()
        graph = Graph()
        self.source = self._buffer(graph, self.size, "rgb24")
        colours = self._buffer(graph, (palette.width, palette.height), palette.format.name)
        use = graph.add("paletteuse", "dither=none")
        self.sink = graph.add("buffersink")
        self.source.link_to(use, 0, 0)
        colours.link_to(use, 0, 1)
        use.link_to(self.sink)
        graph.configure()
        palette.pts = 0
        colours.push(palette)
        colours.push(None)  # the one palette: paletteuse keeps it for every frame
        self.graph = graph

    def convert(self, frame: av.VideoFrame) -> av.VideoFrame:
        if self.graph is None:
            self._build(frame)
        self.source.push(frame)
        converted: av.VideoFrame = self.sink.pull()
        return converted
