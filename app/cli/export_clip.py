"""``export --format mp4|webm|gif``: a range of one session's replay as a video clip.

Why here and not in :mod:`app.cli.main`: the command's own arguments (``--fps``,
``--size``, ``--no-caption``, ``--skip-inactive``) and checks. Rendering needs Qt, which the
CLI must not import: the entry point passes the renderer in (:class:`CliServices`).
``--from``/``--to`` are shared with the test exports: ``m:ss(.s)`` or seconds from the
session start, or epoch milliseconds; without them the whole session is exported.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

from app.cli.export_test import chosen_session, parse_time
from app.export.clip_plan import ClipError, ClipRange
from app.store.queries import replay as replay_queries
from app.store.store import SessionStore

CLIP_FORMATS = ("mp4", "webm", "gif")
GIF_MAX_MS = 30_000  # a GIF has no inter-frame compression: longer clips belong in a video
GIF_SIZE = (640, 400)
ClipRunner = Callable[..., Path]


def add_clip_arguments(export: argparse.ArgumentParser) -> None:
    export.add_argument("--fps", type=int, default=10, help="clips: frames per second (10)")
    export.add_argument(
        "--size", metavar="WxH", help="clips: frame size (default 1280x800; GIF 640x400)"
    )
    export.add_argument("--no-caption", action="store_true",
                        help="clips: no caption of the current action and time")  # fmt: skip
    export.add_argument("--skip-inactive", action="store_true",
                        help="clips: shorten idle periods to a second each")  # fmt: skip


def parse_size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*[x×]\s*(\d+)\s*", text)
    if not match or not (16 <= int(match[1]) <= 3840 and 16 <= int(match[2]) <= 2160):
        raise ValueError(f"not a size: {text!r} (WxH, from 16x16 to 3840x2160)")
    return int(match[1]), int(match[2])


def clip_range(store: SessionStore, args: argparse.Namespace) -> ClipRange:
    """The clip the arguments ask for; ValueError says what is wrong with them."""
    session_id = chosen_session(store, args.session)
    detail = replay_queries.detail(store.cursor(), session_id)
    if detail is None:
        raise ValueError(f"there is no session '{session_id}' in this file")
    start = parse_time(args.start, detail.start_ms) if args.start else detail.start_ms
    end = parse_time(args.end, detail.start_ms) if args.end else detail.end_ms
    start, end = max(start, detail.start_ms), min(end, detail.end_ms)
    if end <= start:
        raise ValueError(f"the range is empty within session {session_id}")
    if args.format == "gif" and end - start > GIF_MAX_MS:
        raise ValueError(f"a GIF is for clips up to {GIF_MAX_MS // 1000} s: use mp4 or webm")
    default = GIF_SIZE if args.format == "gif" else (1280, 800)
    size = parse_size(args.size) if args.size else default
    return ClipRange(session_id, start, end, args.fps, size,
                     caption=not args.no_caption, skip_inactive=args.skip_inactive)  # fmt: skip


def export_clip_command(
    store: SessionStore, args: argparse.Namespace, runner: ClipRunner | None, prog: str
) -> int:
    """Write the clip; print what was written."""
    try:
        clip = clip_range(store, args)
    except (ValueError, ClipError) as exc:
        print(f"{prog}: {args.file}: {exc}", file=sys.stderr)
        return 2
    if runner is None:
        print(f"{prog}: video clips are not available in this build", file=sys.stderr)
        return 2

    def report(fraction: float, message: str) -> None:
        if args.progress:
            print(f"progress {fraction:.3f} {message}", file=sys.stderr, flush=True)

    try:
        out = runner(store, clip, args.format, args.out, mask=not args.no_mask, progress=report)
    except (ValueError, ClipError) as exc:
        print(f"{prog}: {args.out}: {exc}", file=sys.stderr)
        return 1
    seconds = (clip.end_ms - clip.start_ms) / 1000
    print(f"Wrote {out}: session {clip.session_id}, {seconds:.1f} s of replay "
          f"at {clip.fps} fps, {clip.size[0]}x{clip.size[1]}")  # fmt: skip
    return 0
