"""``export --format playwright|playwright-ts|devtools-recorder``: a session as a test.

Kept apart from :mod:`app.cli.main` (which stays a dispatcher): the time arguments
(``--from``/``--to`` as ``m:ss(.s)`` from the session start, seconds, or epoch ms), the
session choice and the report of unlocated steps on stderr.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from app.reproduce import FORMATS, TestOptions, write_test
from app.store.queries import reproduce as queries
from app.store.store import SessionStore

TEST_FORMATS = FORMATS
_EPOCH_MS = 10**11  # larger than any offset in seconds, smaller than any epoch ms


def add_arguments(export: argparse.ArgumentParser) -> None:
    export.add_argument("--base-url", help="tests: replace the recorded origin, keep paths")
    export.add_argument(
        "--from",
        dest="start",
        metavar="T",
        help="tests and clips: from T (m:ss(.s) or seconds from the session start, or epoch ms)",
    )
    export.add_argument(
        "--to", dest="end", metavar="T", help="tests and clips: up to T (as --from)"
    )
    export.add_argument(
        "--expect-errors",
        action="store_true",
        help="tests: assert the recorded errors occur (default: fail if they do)",
    )


def parse_time(text: str, session_start_ms: int) -> int:
    """Epoch ms of ``m:ss(.s)``/seconds from the session start, or of an epoch ms value."""
    match = re.fullmatch(r"(\d+):(\d{1,2}(?:\.\d+)?)", text.strip())
    if match:
        return session_start_ms + round((int(match[1]) * 60 + float(match[2])) * 1000)
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"not a time: {text!r} (m:ss, seconds or epoch ms)") from None
    return int(value) if value >= _EPOCH_MS else session_start_ms + round(value * 1000)


def chosen_session(store: SessionStore, asked: str | None) -> str:
    """The session ``--session`` names, or the file's only one; ValueError otherwise."""
    if asked:
        return asked
    sessions = queries.session_ids(store.cursor())
    if len(sessions) != 1:
        raise ValueError(f"holds {len(sessions)} sessions; choose one with --session")
    return sessions[0]


def export_test(store: SessionStore, args: argparse.Namespace, prog: str) -> int:
    """Write the test; print what was written and one line per unlocated step on stderr."""
    file: Path = args.file
    session_id = chosen_session(store, args.session)
    record = queries.session_record(store.cursor(), session_id)
    if record is None:
        raise ValueError(f"no session {session_id!r}")
    options = TestOptions(
        format=args.format,
        base_url=args.base_url,
        mask=not args.no_mask,
        start_ms=parse_time(args.start, record.start_ms) if args.start else None,
        end_ms=parse_time(args.end, record.start_ms) if args.end else None,
        expect_errors=args.expect_errors,
    )
    generated = write_test(store, session_id, args.out, options)
    extra = (
        f", {len(generated.parameters)} masked value(s) as parameters"
        if generated.parameters
        else ""
    )
    what = f"session {session_id} as a {args.format} test, {generated.steps} steps"
    print(f"Wrote {args.out}: {what}{extra}")
    for line in generated.unlocated:
        print(f"{prog}: {file}: {line}", file=sys.stderr)
    return 0
