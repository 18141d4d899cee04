"""``compare FILE SESSION [OTHER] [--json]``: a session against a successful one (issue 20).

Kept apart from :mod:`app.cli.main` (which stays a dispatcher). Prints the candidates and
the aligned steps, two columns with the first divergence marked, or the JSON document the
issue specifies.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.compare import Comparison, Step, compare
from app.store.store import SessionStore

COLUMN = 44


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "compare", help="compare a session with a successful one on the same path"
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("session")
    parser.add_argument("other", nargs="?", help="the session to compare with (default: best)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--mask", action="store_true", help="typed values by their shape only (length, kinds)"
    )
    parser.add_argument("--db", type=Path, help="store path (default: the user cache)")


def run_compare(store: SessionStore, args: argparse.Namespace) -> int:
    """Compare and print; raises ``ValueError`` for an unknown session."""
    result = compare(store, args.session, args.other, mask=args.mask)
    if args.json:
        json.dump(as_json(result), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print_table(result)
    return 0


def _step(step: Step | None) -> dict[str, Any] | None:
    if step is None:
        return None
    return {"ts": step.ts_ms, "name": step.name, "page": step.page}


def as_json(result: Comparison) -> dict[str, Any]:
    """The document of issue 20's ``compare --json``."""
    return {
        "session": result.session,
        "other": result.other,
        "candidates": [
            {
                "session": c.session_id,
                "score": c.score,
                "converted": c.converted,
                "release": c.release,
            }
            for c in result.candidates
        ],
        "steps": [
            {"a": _step(s.a), "b": _step(s.b), "differences": list(s.differences)}
            for s in result.steps
        ],
        "first_divergence": result.first_divergence,
    }


def _cell(step: Step | None) -> str:
    if step is None:
        return ""
    text = f"{step.name} ({step.path})"
    return text if len(text) <= COLUMN else text[: COLUMN - 1] + "…"


def print_table(result: Comparison) -> None:
    print(f"Session {result.session} compared with {result.other or '(no counterpart found)'}")
    if result.candidates:
        print("Candidates:")
        for c in result.candidates:
            print(f"  {c.session_id}  {c.score:.2f}  {c.user_id or ''}  {c.why}")
    print()
    print(f"    {'#':>3}  {'A: ' + result.session:<{COLUMN}}  B: {result.other or ''}")
    print(f"    {'-' * 3}  {'-' * COLUMN}  {'-' * COLUMN}")
    for index, row in enumerate(result.steps):
        mark = ">>> " if index == result.first_divergence else "    "
        print(f"{mark}{index:>3}  {_cell(row.a):<{COLUMN}}  {_cell(row.b)}".rstrip())
        for difference in row.differences:
            if index == result.first_divergence or not difference.startswith("only in"):
                print(f"         · {difference}")
    if result.first_divergence is None:
        print("\nNo divergence: the two sessions took the same steps with the same outcomes.")
    else:
        print(f"\n>>> first divergence at step {result.first_divergence}")
