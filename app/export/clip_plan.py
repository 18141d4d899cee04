"""What each frame of a video clip shows: the replay time, the cursor, click ripples, a caption.

Why planned apart from rendering: the clip is rendered by seeking the replay to each frame's
time, and the cursor and ripples are painted over the grabbed page (the replay's own cursor
moves only while it plays). Everything a frame needs besides the page itself follows from
the recorded events and the user's choices, so it is computed here, without Qt, and tested
on its own.

Inactivity skipped: an idle period longer than :data:`IDLE_KEPT_MS` is played in
:data:`IDLE_KEPT_MS` of clip time (the replay time moves faster through it), so the clip
shows that the user paused without making the viewer wait.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

IDLE_KEPT_MS = 1_000
"""How long an idle period lasts in a clip that skips inactivity."""
RIPPLE_MS = 600
"""How long a click's ripple stays visible."""
GLIDE_MS = 400
"""The cursor glides towards its next recorded position for at most this long (when only
clicks were recorded, the pointer would otherwise jump from one click to the next)."""
MAX_FRAMES = 36_000  # an hour at 10 fps: a longer clip is a mistake in the range


class ClipError(Exception):
    """A clip that cannot be made (empty range, too many frames); the message says why."""


@dataclass(frozen=True)
class ClipRange:
    """What to export: the replay of ``session_id`` from ``start_ms`` to ``end_ms`` (epoch ms)."""

    session_id: str
    start_ms: int
    end_ms: int
    fps: int = 10
    size: tuple[int, int] = (1280, 800)
    caption: bool = True
    skip_inactive: bool = False


@dataclass(frozen=True)
class Ripple:
    x: float
    y: float
    age: float
    """0 when the click happens, 1 when its ripple is gone."""


@dataclass(frozen=True)
class PlannedFrame:
    index: int
    at_ms: int
    """The replay time shown (epoch ms)."""
    cursor: tuple[float, float] | None
    """The pointer in the recorded page's CSS pixels (None before any was recorded)."""
    ripples: list[Ripple] = field(default_factory=list)
    caption: str = ""


def replay_times(
    start_ms: int, end_ms: int, fps: int, idle: Sequence[tuple[int, int]] = (), skip: bool = False
) -> list[int]:
    """The replay time of every frame: real time, or idle periods shortened when ``skip``."""
    if end_ms <= start_ms:
        raise ClipError("the clip's end must come after its start")
    if not 1 <= fps <= 60:
        raise ClipError(f"{fps} fps: choose between 1 and 60")
    # Segments of (replay from, replay to, clip length): the clip's time line.
    segments: list[tuple[int, int, int]] = []
    cursor = start_ms
    for idle_from, idle_to in sorted(idle) if skip else []:
        a, b = max(idle_from, start_ms), min(idle_to, end_ms)
        if b - a <= IDLE_KEPT_MS or a < cursor:
            continue
        segments += [(cursor, a, a - cursor), (a, b, IDLE_KEPT_MS)]
        cursor = b
    segments.append((cursor, end_ms, end_ms - cursor))
    length = sum(s[2] for s in segments)
    count = math.ceil(length * fps / 1000)
    if count > MAX_FRAMES:
        raise ClipError(f"{count:,} frames is too long a clip (at most {MAX_FRAMES:,})")
    times, clip_at, index = [], 0.0, 0
    for frame in range(count):
        t = frame * 1000 / fps
        while index < len(segments) - 1 and t >= clip_at + segments[index][2]:
            clip_at += segments[index][2]
            index += 1
        a, b, span = segments[index]
        times.append(round(a + (b - a) * (t - clip_at) / span) if span else a)
    return times


def cursor_at(
    positions: Sequence[tuple[int, float, float]], at_ms: int
) -> tuple[float, float] | None:
    """The pointer at ``at_ms``: the last recorded position, gliding towards the next one."""
    index = bisect.bisect_right(positions, (at_ms, math.inf, math.inf))
    if index == 0:
        return None
    t0, x0, y0 = positions[index - 1]
    if index < len(positions):
        t1, x1, y1 = positions[index]
        glide = min(GLIDE_MS, t1 - t0)
        if glide > 0 and at_ms > t1 - glide:
            share = (at_ms - (t1 - glide)) / glide
            return x0 + (x1 - x0) * share, y0 + (y1 - y0) * share
    return x0, y0


def ripples_at(clicks: Sequence[tuple[int, float, float]], at_ms: int) -> list[Ripple]:
    """The clicks of the last :data:`RIPPLE_MS` with how far their ripple has grown."""
    return [
        Ripple(x, y, (at_ms - t) / RIPPLE_MS) for t, x, y in clicks if 0 <= at_ms - t < RIPPLE_MS
    ]


def caption_at(actions: Sequence[tuple[int, str]], session_start_ms: int, at_ms: int) -> str:
    """``+1:23.4 · click on 'Place order'``: the time in the session and the last action."""
    seconds = max(0, at_ms - session_start_ms) / 1000
    stamp = f"+{int(seconds // 60)}:{seconds % 60:04.1f}"
    index = bisect.bisect_right([t for t, _ in actions], at_ms)
    return f"{stamp} · {actions[index - 1][1]}" if index else stamp


def plan_frames(
    clip: ClipRange,
    *,
    session_start_ms: int,
    positions: Sequence[tuple[int, float, float]],
    clicks: Sequence[tuple[int, float, float]],
    actions: Sequence[tuple[int, str]],
    idle: Sequence[tuple[int, int]] = (),
) -> list[PlannedFrame]:
    """Every frame of ``clip``: its replay time and what is painted over the page."""
    times = replay_times(clip.start_ms, clip.end_ms, clip.fps, idle, clip.skip_inactive)
    return [
        PlannedFrame(
            index,
            at_ms,
            cursor_at(positions, at_ms),
            ripples_at(clicks, at_ms),
            caption_at(actions, session_start_ms, at_ms) if clip.caption else "",
        )
        for index, at_ms in enumerate(times)
    ]
