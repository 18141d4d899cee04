"""``funnel FILE --step page:PATTERN|action:NAME|goal:ID … [--within S] [--json]`` (issue 21).

Kept apart from :mod:`app.cli.main` (which stays a dispatcher). Prints a table of the
steps, or the JSON document the issue specifies:
``{"steps": [{"step", "sessions", "users", "conversion_from_previous",
"median_ms_from_previous"}], "filter": {…}}`` — the first step's conversion is from every
selected session and its median time is null; the filter lists every option, null when
unset, times in epoch ms.

``--compare A B`` compares two sides of that selection (:mod:`app.analysis.funnel_sides`:
``release:2.4.3 release:2.5.0``, ``before:2.5.0 after:2.5.0``, ``browser:Safari all``), as
the Funnels tab does: each step's conversion on both sides, B − A in points, and ``*`` where
the two-proportion z-test says the difference is not chance (95 %). The JSON then has
``"compare": {"a", "b", "steps": [{"step", "a", "b", "difference", "z", "significant"}]}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.analysis.funnel_sides import Side, parse_side
from app.analysis.funnels import StepDifference, compare_funnels
from app.cli.filter_options import add_filter_options, filter_from_args
from app.store.filters import SessionFilter
from app.store.queries.funnels import Funnel, funnel, parse_step
from app.store.store import SessionStore


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "funnel", help="sessions and users taking pages, actions or goals in order"
    )
    parser.add_argument("file", type=Path)
    parser.add_argument(
        "--step", action="append", required=True, metavar="KIND:VALUE",
        help="page:PATTERN (path prefix, or * wildcards: /product/*), action:NAME (its name "
        "contains NAME) or goal:ID; repeat in order",
    )  # fmt: skip
    parser.add_argument(
        "--within", type=float, metavar="SECONDS",
        help="every step within this time of the first one",
    )  # fmt: skip
    parser.add_argument(
        "--compare", nargs=2, metavar=("A", "B"),
        help="compare two sides of the selection: release:V, browser:B, os:S, country:C, "
        "before:V|TIME, after:V|TIME or all (e.g. --compare release:2.4.3 release:2.5.0)",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--db", type=Path, help="store path (default: the user cache)")
    add_filter_options(parser)


def archive_goals(store: SessionStore) -> list[dict[str, Any]]:
    """The manifest's conversion goals (``goal:ID`` also matches goals the recorder reported)."""
    manifest = store.info().get("manifest")
    goals = manifest.get("conversion_goals") if isinstance(manifest, dict) else None
    return [g for g in goals or [] if isinstance(g, dict)]


def run_funnel(store: SessionStore, args: argparse.Namespace) -> int:
    """Compute and print; raises ``ValueError`` for a step or time it cannot read."""
    steps = [parse_step(text) for text in args.step]
    f = filter_from_args(args)
    limit = None if args.within is None else round(args.within * 1000)
    goals = archive_goals(store)
    if args.compare:
        manifest = store.info().get("manifest")
        side_a, side_b = (parse_side(text, manifest) for text in args.compare)
        a = funnel(store.cursor(), steps, side_a.narrow(f), goals, limit)
        b = funnel(store.cursor(), steps, side_b.narrow(f), goals, limit)
        differences = compare_funnels(a, b)
        if args.json:
            document = as_json(a, f) | {"compare": compared_json(side_a, side_b, differences)}
            json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
            print()
        else:
            print_compared(side_a, a.selected, side_b, b.selected, differences)
        return 0
    result = funnel(store.cursor(), steps, f, goals, limit)
    if args.json:
        json.dump(as_json(result, f), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print_table(result)
    return 0


def compared_json(a: Side, b: Side, differences: list[StepDifference]) -> dict[str, Any]:
    def side(count: Any) -> dict[str, Any]:
        return {"sessions": count.sessions, "conversion_from_previous":
                round(count.conversion_from_previous, 4)}  # fmt: skip

    return {
        "a": a.label,
        "b": b.label,
        "steps": [
            {
                "step": d.a.step.text,
                "a": side(d.a),
                "b": side(d.b),
                "difference": round(d.difference, 4),
                "z": None if d.z is None else round(d.z, 3),
                "significant": d.significant,
            }
            for d in differences
        ],
    }


def print_compared(
    a: Side, selected_a: int, b: Side, selected_b: int, differences: list[StepDifference]
) -> None:
    print(f"A: {a.label} ({selected_a} sessions)   B: {b.label} ({selected_b} sessions)")
    width = max(len(d.a.step.text) for d in differences)
    header = f"{'#':>2}  {'step':<{width}}  {'A':>6}  {'A conv.':>7}  {'B':>6}  {'B conv.':>7}"
    print(header + f"  {'B − A':>10}")
    print("-" * (len(header) + 12))
    for index, d in enumerate(differences, 1):
        mark = " *" if d.significant else ""
        print(
            f"{index:>2}  {d.a.step.text:<{width}}  {d.a.sessions:>6}  "
            f"{d.a.conversion_from_previous:>7.1%}  {d.b.sessions:>6}  "
            f"{d.b.conversion_from_previous:>7.1%}  {d.difference * 100:>+6.1f} pts{mark}"
        )
    print("* the difference is not chance (two-proportion z-test, 95 %)")


def filter_document(f: SessionFilter) -> dict[str, Any]:
    """Every filter option by its name, null when unset."""
    return {
        "release": f.release, "from": f.start_ms, "to": f.end_ms, "browser": f.browser,
        "os": f.os, "country": f.country, "user": f.user, "page_filter": f.page,
    }  # fmt: skip


def as_json(result: Funnel, f: SessionFilter) -> dict[str, Any]:
    """The document of issue 21's ``funnel --json``."""
    return {
        "steps": [
            {
                "step": s.step.text,
                "sessions": s.sessions,
                "users": s.users,
                "conversion_from_previous": round(s.conversion_from_previous, 4),
                "median_ms_from_previous": s.median_ms_from_previous,
            }
            for s in result.steps
        ],
        "filter": filter_document(f),
    }


def print_table(result: Funnel) -> None:
    print(f"{result.selected} selected sessions")
    width = max(len(s.step.text) for s in result.steps)
    header = f"{'#':>2}  {'step':<{width}}  {'sessions':>8}  {'users':>6}  {'conv.':>6}"
    print(header + f"  {'median time':>11}  {'dropped':>7}")
    print("-" * (len(header) + 22))
    for index, s in enumerate(result.steps, 1):
        gap = "" if s.median_ms_from_previous is None else _duration(s.median_ms_from_previous)
        print(
            f"{index:>2}  {s.step.text:<{width}}  {s.sessions:>8}  {s.users:>6}  "
            f"{s.conversion_from_previous:>6.1%}  {gap:>11}  {s.dropped or '':>7}".rstrip()
        )


def _duration(ms: int) -> str:
    seconds = ms / 1000
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"
