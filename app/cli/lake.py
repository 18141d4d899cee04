"""The lake's commands: ``collect`` (the recorder's HTTP endpoint) and ``compact``, and
opening a lake directory where the other commands take a file.

Why a module of its own: the CLI's main module dispatches; what a lake needs (a server's
options, a token read from a file, the compaction report) lives here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.lake.batches import Limits
from app.lake.layout import is_lake
from app.store.lake import open_session_store
from app.store.lake_location import lake_url
from app.store.store import SessionStore


def add_parsers(commands: Any) -> None:
    collect = commands.add_parser(
        "collect", help="receive the recorder's batches over HTTP into a lake directory"
    )
    collect.add_argument("--listen", default="127.0.0.1:8787", metavar="HOST:PORT")
    collect.add_argument("--out", type=Path, required=True, metavar="LAKE")
    collect.add_argument("--token-file", type=Path, help="a file holding the ingest token")
    collect.add_argument(
        "--allow-origin", action="append", default=[], metavar="ORIGIN",
        help="a page origin allowed to post (repeatable; default: every origin)",
    )  # fmt: skip
    collect.add_argument("--max-batch-bytes", type=int, default=Limits.batch_bytes)
    collect.add_argument("--max-session-bytes", type=int, default=Limits.session_bytes)
    collect.add_argument(
        "--compact-every", type=float, default=300.0, metavar="SECONDS",
        help="compact closed hours this often (0: never; run `compact` elsewhere)",
    )  # fmt: skip
    compact = commands.add_parser(
        "compact", help="turn a lake's closed hourly files into Parquet tables by UTC day"
    )
    compact.add_argument("lake", type=Path)
    compact.add_argument(
        "--all", action="store_true",
        help="also the current hour, and end every session (no collector is writing)",
    )  # fmt: skip


def run_collect(args: argparse.Namespace, prog: str) -> int:
    from app.lake.server import CollectorConfig, serve

    token = None
    if args.token_file:
        try:
            token = args.token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            print(f"{prog}: {args.token_file}: {exc.strerror}", file=sys.stderr)
            return 2
        if not token:
            print(f"{prog}: {args.token_file}: the token file is empty", file=sys.stderr)
            return 2
    config = CollectorConfig(
        lake=args.out,
        token=token,
        allowed_origins=tuple(o.rstrip("/") for o in args.allow_origin),
        limits=Limits(args.max_batch_bytes, args.max_session_bytes),
    )
    return serve(config, args.listen, compact_every_s=args.compact_every)


def run_compact(args: argparse.Namespace) -> int:
    from app.lake.compaction import compact_lake

    report = compact_lake(args.lake, finish_all=args.all)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"compacted {args.lake}: {report.describe()}")
    return 0


def opens_lake(path: Path) -> bool:
    """Whether a command's FILE is a lake — a directory, or an ``s3://`` URL — opened in
    place, never ingested."""
    return is_lake(path) or lake_url(path) is not None


def open_lake(path: Path) -> SessionStore:
    """The lake FILE names, read in place (:class:`~app.archive.problems.UnreadableFile`,
    naming the URL and the problem, when a URL is not a lake or cannot be reached)."""
    return open_session_store(path)
