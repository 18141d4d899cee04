"""``clickmap FILE --page PATTERN [--out map.png] [--layer …] [--json]`` (issue 21).

Kept apart from :mod:`app.cli.main` (which stays a dispatcher). Counts the clicks on a page
per element (no Qt); drawing the PNG over a replayed frame needs Qt, so the entry point
passes the writer in (:attr:`app.cli.main.CliServices.map_writer`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.cli.filter_options import add_filter_options, filter_from_args
from app.maps import ClickMap, HeatMode, click_map, ranked, scroll_map
from app.store.store import SessionStore

MapWriter = Callable[..., dict[str, Any]]


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "clickmap", help="clicks per element of a page, drawn over a frame of its replay"
    )
    parser.add_argument("file", type=Path)
    parser.add_argument(
        "--page", required=True, help="URL pattern: a glob (*/checkout) or a substring"
    )
    parser.add_argument("--out", type=Path, help="write the map as a PNG here")
    parser.add_argument(
        "--layer",
        choices=("elements", "raw", "scroll"),
        default="elements",
        help="what the PNG shows: clicks per element (default), raw positions, scroll depth",
    )
    parser.add_argument(
        "--heat",
        choices=("trouble", "clicks"),
        default="trouble",
        help="what colours and ranks the elements: clicks + 4x the clicks that went wrong "
        "(error, rage, dead; default) or the raw click count",
    )
    parser.add_argument("--json", action="store_true", help="print the elements as JSON")
    parser.add_argument("--db", type=Path, help="store path (default: the user cache)")
    add_filter_options(parser)


def run_clickmap(store: SessionStore, args: argparse.Namespace, writer: MapWriter | None) -> int:
    flt = filter_from_args(args)
    result = click_map(store, args.page, flt)
    boxes: dict[str, Any] = {}
    if args.out is not None:
        if writer is None:
            print(
                "replay-investigator: drawing maps is not available in this build", file=sys.stderr
            )
            return 2
        if result.frame_session is None:
            print(
                f"replay-investigator: no click on a page matching '{args.page}'", file=sys.stderr
            )
            return 1
        scrolls = scroll_map(store, args.page, flt)
        boxes = writer(store, result, scrolls, args.out, args.layer, args.heat)
    if args.json:
        json.dump(as_json(result, boxes, args.heat), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print_table(result, args.out, args.heat)
    return 0


def as_json(result: ClickMap, boxes: dict[str, Any], heat: HeatMode = "trouble") -> dict[str, Any]:
    return {
        "page": result.page,
        "heat": heat,
        "clicks": result.total,
        "unanchored": result.unanchored,
        "frame": {"session": result.frame_session, "at": result.frame_ms},
        "elements": [
            {
                "selector": e.selector,
                "label": e.label,
                "count": e.clicks,
                "rage": e.rage,
                "dead": e.dead,
                "error": e.error,
                "trouble": e.trouble,
                "heat": e.heat(heat),
                "box": list(boxes[e.selector]) if e.selector in boxes else None,
                "sessions": [
                    {"session": s.session_id, "at": s.first_ms, "clicks": s.clicks}
                    for s in e.sessions
                ],
            }
            for e in ranked(result, heat)
        ],
    }


def print_table(result: ClickMap, out: Path | None, heat: HeatMode = "trouble") -> None:
    print(f"{result.total} clicks on pages matching '{result.page}' (hottest first: {heat})")
    print(
        f"{'heat':>6} {'clicks':>7} {'error':>6} {'rage':>5} {'dead':>5} {'sessions':>8}  element"
    )
    for e in ranked(result, heat):
        print(
            f"{e.heat(heat):>6} {e.clicks:>7} {e.error:>6} {e.rage:>5} {e.dead:>5}"
            f" {len(e.sessions):>8}  {e.title}"
        )
    if out is not None:
        print(f"map: {out} (frame of session {result.frame_session})")


def _fail(message: str, status: int) -> int:
    print(f"replay-investigator: {message}", file=sys.stderr)
    return status
