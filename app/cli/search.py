"""``search FILE "QUERY" [--session ID] [--limit N] [--json]``: full-text search from the
command line.

Kept apart from :mod:`app.cli.main` (which stays a dispatcher): the index is built on first
use with its progress on stderr, and the hits print as a table or as the JSON the issue
fixes, ``{"total": N, "hits": [{"session", "ts", "kind", "snippet"}]}``, ordered by session
and time.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from app.store.search import QuerySyntaxError, SearchResult, ensure_index
from app.store.store import SessionStore


def add_parser(commands: argparse._SubParsersAction, file_type: type) -> None:
    """The ``search`` subcommand's arguments."""
    search = commands.add_parser(
        "search", help="full-text search: what the sessions showed, typed, logged, requested"
    )
    search.add_argument("file", type=file_type)
    search.add_argument(
        "query",
        help='words, "phrases", prefix*, fields (text: typed: console: error: url: status: '
        "action: user: page:), AND/OR/NOT, -word, (…)",
    )
    search.add_argument("--session", help="search this session only")
    search.add_argument("--limit", type=int, default=100, help="hits to print (default 100)")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.add_argument("--db", type=file_type, help="store path (default: the user cache)")


def run_search(store: SessionStore, args: argparse.Namespace, prog: str) -> int:
    """Build the index if needed (progress on stderr), search and print the hits."""
    shown: list[str] = []

    def progress(fraction: float, message: str) -> None:
        if message not in shown:
            shown.append(message)
            print(f"{prog}: {message} ({fraction:.0%})", file=sys.stderr)

    index = ensure_index(store, progress)
    try:
        result = index.search(
            args.query, session_id=args.session, limit=max(0, args.limit), order="time"
        )
    except QuerySyntaxError as exc:
        print(f"{prog}: {args.file}: {exc}", file=sys.stderr)
        return 1
    print(as_json(result) if args.json else as_table(result))
    return 0


def as_json(result: SearchResult) -> str:
    return json.dumps(
        {
            "total": result.total,
            "hits": [
                {"session": h.session_id, "ts": h.ts_ms, "kind": h.kind, "snippet": h.snippet}
                for h in result.hits
            ],
        },
        ensure_ascii=False,
    )


def as_table(result: SearchResult) -> str:
    rows = [
        (
            h.session_id,
            datetime.fromtimestamp(h.ts_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3],
            h.kind,
            h.snippet,
        )
        for h in result.hits
    ]
    headers = ("session", "time (UTC)", "kind", "snippet")
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(3)]
    lines = [
        "  ".join(str(cell).ljust(w) for cell, w in zip(row[:3], widths, strict=True))
        + "  "
        + row[3]
        for row in [headers, *rows]
    ]
    more = len(result.hits) < result.total
    lines.append(f"{result.total:,} hits" + (f", first {len(result.hits):,} shown" if more else ""))
    return "\n".join(lines)
