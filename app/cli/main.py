"""The command line: ``info``, ``ingest``, ``sql``, ``search``, ``frame`` and ``export`` over any
supported recording file or folder of recordings.

Output goes to stdout; every problem goes to stderr as ``replay-investigator: FILE: problem``
with a non-zero exit status (2 for a file that cannot be read, 1 for a failed query).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from app import __version__
from app.archive.problems import UnreadableFile
from app.cli import clickmap
from app.cli import funnel as funnel_command
from app.cli import lake as lake_commands
from app.cli import search as search_command
from app.cli.compare import add_parser as add_compare_parser
from app.cli.compare import run_compare
from app.cli.export_clip import CLIP_FORMATS, ClipRunner, add_clip_arguments, export_clip_command
from app.cli.export_test import TEST_FORMATS, add_arguments, export_test
from app.export.session_recording import write_rrweb
from app.export.tables import write_csv
from app.logs import configure_logging
from app.store.findings import FindingsError, FindingsStore
from app.store.ingest import ingest_file
from app.store.open import open_store
from app.store.queries import replay as replay_queries
from app.store.queries import sessions as session_queries
from app.store.queries import tables as table_queries
from app.store.store import QueryError, SessionStore

COMMANDS = {
    "info",
    "ingest",
    "sql",
    "search",
    "frame",
    "demo",
    "export",
    "compare",
    "funnel",
    "clickmap",
    "collect",
    "compact",
}
PROG = "replay-investigator"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Investigate exported web sessions. Without a command, opens the window "
        "(on FILE, or on the bundled demo archive).",
        epilog="Window: replay-investigator [FILE …] [--new-instance] opens FILE in the running "
        "window (or a new one); --install-desktop / --uninstall-desktop register the app and "
        ".webreplay archives with this user's Linux desktop.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    info = commands.add_parser("info", help="list the sessions of a recording file or folder")
    info.add_argument("file", type=Path)
    info.add_argument("--json", action="store_true", help="print JSON")
    info.add_argument("--db", type=Path, help="store path (default: the user cache)")

    ingest = commands.add_parser(
        "ingest", help="load a recording file or folder into its DuckDB store"
    )
    ingest.add_argument("file", type=Path)
    ingest.add_argument("--db", type=Path, help="store path (default: the user cache)")
    ingest.add_argument("--force", action="store_true", help="ingest again even if cached")

    sql = commands.add_parser("sql", help="run a read-only SQL query over the store")
    sql.add_argument("file", type=Path)
    sql.add_argument("query")
    sql.add_argument("--format", choices=("table", "csv", "json"), default="table")
    sql.add_argument("--db", type=Path, help="store path (default: the user cache)")
    search_command.add_parser(commands, Path)
    frame = commands.add_parser(
        "frame", help="render the replay at chosen moments to PNG and HTML files"
    )
    frame.add_argument("file", type=Path)
    frame.add_argument("--session", help="session id (optional when the file holds one)")
    frame.add_argument(
        "--at",
        action="append",
        required=True,
        metavar="T",
        help="epoch ms, an ISO-8601 time, or +SECONDS from the session start (repeatable)",
    )
    frame.add_argument("--out", type=Path, required=True, help="folder for frame-N.png/html")
    frame.add_argument("--db", type=Path, help="store path (default: the user cache)")

    export = commands.add_parser(
        "export",
        help="findings as an HTML/Markdown/PDF report, a table as CSV, a session as rrweb, "
        "as a Playwright test or as a video clip, all tables as Parquet partitioned by day",
    )
    export.add_argument("file", type=Path)
    export.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    export.add_argument("--out", type=Path, required=True, help="the file to write")
    export.add_argument(
        "--finding",
        action="append",
        default=[],
        metavar="ID",
        help="a finding to report (repeatable; default: all of the archive's)",
    )
    export.add_argument(
        "--session", help="the session (rrweb, tests, clips; optional when the file holds one)"
    )
    export.add_argument(
        "--table",
        choices=sorted(table_queries.NAMES),
        default="sessions",
        help="the table for CSV (default: sessions)",
    )
    export.add_argument("--query", help="CSV of a read-only SQL query instead of a table")
    export.add_argument(
        "--no-mask", action="store_true", help="keep typed values, marked text and user ids"
    )
    export.add_argument(
        "--keep-user-ids", action="store_true",
        help="reports: keep user ids as recorded (masked as pseudonyms by default)",
    )  # fmt: skip
    export.add_argument("--progress", action="store_true",
                        help="print 'progress FRACTION MESSAGE' lines to stderr")  # fmt: skip
    export.add_argument("--db", type=Path, help="store path (default: the user cache)")
    add_arguments(export)
    add_clip_arguments(export)

    add_compare_parser(commands)
    funnel_command.add_parser(commands)
    clickmap.add_parser(commands)
    lake_commands.add_parsers(commands)

    demo = commands.add_parser("demo", help="the demo shop: record its archive again")
    demo_commands = demo.add_subparsers(dest="demo_command", required=True)
    build = demo_commands.add_parser(
        "build", help="record scripted visits to the demo shop in a real browser engine"
    )
    build.add_argument("--sessions", type=int, default=300, help="number of visits (default 300)")
    build.add_argument("--seed", type=int, default=7, help="seed of the plan (default 7)")
    build.add_argument("--workers", type=int, help="browser processes in parallel (default: cores)")
    build.add_argument("--out", type=Path, required=True, help="the .webreplay file to write")
    return parser


EXPORT_FORMATS = ("html", "md", "pdf", "csv", "rrweb", "parquet", *TEST_FORMATS, *CLIP_FORMATS)
ExportRunner = Callable[..., Path]
FrameRunner = Callable[[SessionStore, "str | None", list[str], Path], int]


@dataclass(frozen=True)
class CliServices:
    """What the commands need from the layers above the CLI, built once by the entry point.

    Why passed in: rendering frames and reports needs Qt, which the CLI layer must not
    import; the entry point (``app.main``) provides them for the commands that need them.
    Without one, the command says it is not available in this build.
    """

    export_runner: ExportRunner | None = None
    """Writes HTML/Markdown/PDF reports."""
    frame_runner: FrameRunner | None = None
    """Renders frames of the replay."""
    map_writer: clickmap.MapWriter | None = None
    """Draws click and scroll maps over a replayed frame."""
    clip_runner: ClipRunner | None = None
    """Renders video clips of the replay."""


def run_cli(argv: Sequence[str], services: CliServices | None = None) -> int:
    services = services or CliServices()
    args = _parser().parse_args(list(argv))
    # The window runs export and demo builds through here in child processes: their log
    # records belong in the same file the user attaches to a bug report.
    configure_logging()
    try:
        if args.command == "ingest":
            return _ingest(args)
        if args.command == "demo":
            return _demo_build(args)
        if args.command == "collect":
            return lake_commands.run_collect(args, PROG)
        if args.command == "compact":
            return lake_commands.run_compact(args)
        if lake_commands.opens_lake(args.file):
            store: SessionStore = lake_commands.open_lake(args.file)
            source_format = "lake"
        else:
            store, result = open_store(args.file, args.db)
            source_format = result.format
        with store:
            if args.command == "info":
                return _info(store, source_format, args.json)
            if args.command == "export":
                if args.format in CLIP_FORMATS:
                    return export_clip_command(store, args, services.clip_runner, PROG)
                return _export(store, args, services.export_runner)
            if args.command == "search":
                return search_command.run_search(store, args, PROG)
            if args.command == "compare":
                try:
                    return run_compare(store, args)
                except ValueError as exc:
                    return _fail(f"{args.file}: {exc}", 2)
            if args.command == "funnel":
                try:
                    return funnel_command.run_funnel(store, args)
                except ValueError as exc:
                    return _fail(f"{args.file}: {exc}", 2)
            if args.command == "clickmap":
                return clickmap.run_clickmap(store, args, services.map_writer)
            if args.command == "frame":
                frame_runner = services.frame_runner
                if frame_runner is None:
                    return _fail("frame rendering is not available in this build", 2)
                return frame_runner(store, args.session, args.at, args.out)
            return _sql(store, args.query, args.format)
    except UnreadableFile as exc:
        return _fail(f"{exc.path}: {exc.problem}", 2)
    except QueryError as exc:
        return _fail(f"query failed: {exc}", 1)
    except BrokenPipeError:
        return 0
    except OSError as exc:
        return _fail(f"{getattr(exc, 'filename', None) or args.file}: {exc.strerror or exc}", 2)


def _export(
    store: SessionStore, args: argparse.Namespace, export_runner: ExportRunner | None
) -> int:
    mask = not args.no_mask
    try:
        if args.format in TEST_FORMATS:
            return export_test(store, args, PROG)
        if args.format == "csv":
            result = (
                store.query(args.query)
                if args.query
                else table_queries.rows(store.cursor(), args.table)
            )
            count = write_csv(args.out, result.columns, result.rows)
            print(f"Wrote {args.out}: {count:,} rows")
            return 0
        if args.format == "parquet":
            written = store.export_parquet(args.out)
            total = sum(written.values())
            print(f"Wrote {args.out}: {total:,} rows in {len(written)} tables, by UTC day")
            return 0
        if args.format == "rrweb":
            sessions = [s.session_id for s in session_queries.summaries(store.cursor())]
            session_id = args.session or (sessions[0] if len(sessions) == 1 else None)
            if session_id is None:
                return _fail(
                    f"{args.file}: holds {len(sessions)} sessions; choose one with --session", 2
                )
            count = write_rrweb(store, session_id, args.out, mask=mask)
            print(f"Wrote {args.out}: session {session_id}, {count:,} events")
            return 0
        key = str(store.info().get("content_key", ""))
        chosen = set(args.finding)
        findings = [f for f in FindingsStore().for_archive(key) if not chosen or f.id in chosen]
        missing = chosen - {f.id for f in findings}
        if missing:
            return _fail(f"{args.file}: no such finding: {', '.join(sorted(missing))}", 2)
        if not findings:
            return _fail(f"{args.file}: this archive has no findings to report", 2)
        if export_runner is None:
            return _fail("reports are not available in this build", 2)
        title = f"Findings — {store.info().get('source_name', args.file.name)}"

        def report(fraction: float, message: str) -> None:
            if args.progress:
                print(f"progress {fraction:.3f} {message}", file=sys.stderr, flush=True)

        out = export_runner(
            store, findings, args.format, args.out,
            mask=mask, keep_user_ids=args.keep_user_ids, title=title, progress=report,
        )  # fmt: skip
        print(f"Wrote {out}: {len(findings)} finding(s)")
        return 0
    except (ValueError, FindingsError) as exc:
        return _fail(f"{args.file}: {exc}", 2)


def _demo_build(args: argparse.Namespace) -> int:
    from app.demo.build import DemoBuildError, build_demo
    from app.demo.site import SiteError

    def report(message: str) -> None:
        if sys.stderr.isatty():
            print(f"\r{message:<70}", end="", file=sys.stderr, flush=True)
        elif message.startswith("warning"):
            print(f"{PROG}: {message}", file=sys.stderr)

    try:
        summary = build_demo(
            args.out, sessions=args.sessions, seed=args.seed, workers=args.workers, progress=report
        )
    except (DemoBuildError, SiteError, ValueError) as exc:
        return _fail(f"demo build: {exc}", 2)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(
        f"Wrote {args.out}: {summary['sessions']} sessions of {summary['users']} users, "
        f"{summary['converted']} converted, {summary['stuck']} stuck at checkout, "
        f"{int(summary['bytes']) / 1e6:.1f} MB in {summary['seconds']} s"
    )
    return 0 if not summary["missing"] else 1


def _fail(message: str, status: int) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return status


def _warn_all(warnings: list[str]) -> None:
    for line in warnings:
        print(f"{PROG}: warning: {line}", file=sys.stderr)


def _stored_warnings(store: SessionStore) -> list[str]:
    name = store.info().get("source_name", "")
    return [f"{name}{f' (session {sid})' if sid else ''}: {msg}" for sid, msg in store.warnings()]


def _ingest(args: argparse.Namespace) -> int:
    def report(fraction: float, message: str) -> None:
        if sys.stderr.isatty():
            print(f"\r{fraction:6.1%} {message:<50}", end="", file=sys.stderr, flush=True)

    result = ingest_file(args.file, args.db, progress=report, force=args.force)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    with SessionStore(result.db_path) as store:
        counts = table_queries.row_counts(store.cursor())
        _warn_all(_stored_warnings(store))
    verb = "Reused the store of" if result.reused else "Ingested"
    print(
        f"{verb} {args.file} ({result.format}): {counts['sessions']} sessions, "
        f"{counts['events']:,} events, {counts['actions']:,} actions, {counts['errors']:,} errors"
        + ("" if result.reused else f" in {result.seconds:.2f} s")
    )
    print(f"Store: {result.db_path}")
    return 0


def _info(store: SessionStore, fmt: str, as_json: bool) -> int:
    warnings = _stored_warnings(store)
    info = store.info()
    fmt = info.get("format", fmt)
    sessions = []
    for s in session_queries.summaries(store.cursor()):
        clicks = [
            a["name"]
            for a in replay_queries.action_records(store.cursor(), s.session_id)
            if a["trigger"] in ("click", "dblclick")
        ]
        sessions.append(
            {
                "id": s.session_id,
                "user": s.user_id,
                "start": _iso(s.started_at),
                "duration_ms": s.duration_ms,
                "events": s.events,
                "actions": s.actions,
                "errors": s.errors,
                "pages": s.pages,
                "clicks": s.clicks,
                "click_names": clicks[:50],
            }
        )
    document = {
        "format": fmt,
        "sessions": sessions,
        "skipped_sessions": info.get("skipped_sessions", []),
        "warnings": warnings,
    }
    if as_json:
        json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    _warn_all(warnings)
    print(f"{info.get('source_name')}: {fmt}, {len(sessions)} session(s)")
    rows = [
        (
            s["id"],
            s["user"] or "",
            s["start"] or "",
            _duration(s["duration_ms"]),
            str(s["events"]),
            str(s["actions"]),
            str(s["clicks"]),
            str(s["errors"]),
        )
        for s in sessions
    ]
    _print_table(
        ["session", "user", "start (UTC)", "duration", "events", "actions", "clicks", "errors"],
        rows,
    )
    return 0


def _sql(store: SessionStore, query: str, fmt: str) -> int:
    result = store.query(query)
    if fmt == "json":
        records = [
            {c: _plain(v) for c, v in zip(result.columns, row, strict=True)} for row in result.rows
        ]
        json.dump(records, sys.stdout, indent=2, ensure_ascii=False)
        print()
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([[_text(v) for v in row] for row in result.rows])
    else:
        _print_table(result.columns, [[_text(v) for v in row] for row in result.rows])
        print(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return 0


def _print_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [len(c) for c in columns]
    for row in rows:
        widths = [max(w, min(len(cell), 60)) for w, cell in zip(widths, row, strict=True)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))
    print(line.rstrip())
    print("  ".join("-" * w for w in widths))
    for row in rows:
        cells = [
            (c if len(c) <= 60 else c[:59] + "…").ljust(w) for c, w in zip(row, widths, strict=True)
        ]
        print("  ".join(cells).rstrip())


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _duration(ms: int | None) -> str:
    if ms is None:
        return ""
    seconds = ms // 1000
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    plain = _plain(value)
    return (
        plain
        if isinstance(plain, str)
        else json.dumps(plain)
        if isinstance(plain, list | dict)
        else str(plain)
    )
