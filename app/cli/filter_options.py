"""The filter bar's filters as command-line options, shared by ``funnel`` and ``clickmap``.

Why one module: the window narrows every view with one :class:`SessionFilter`; the commands
that answer the same questions from a terminal must take the same filters with the same
meaning (exact browser/OS/country/release, user and page as case-insensitive substrings,
a time range that sessions overlap), spelled the same way in every command.
"""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime, timedelta

from app.archive.model import ms_from_iso
from app.store.filters import SessionFilter

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME_HELP = (
    "epoch ms (1700000000000) or an ISO-8601 date or time (2026-11-20, 2026-11-20T08:00Z; "
    "without a zone, UTC)"
)


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--release --from --to --browser --os --country --user --page-filter``."""
    group = parser.add_argument_group("filters (as the window's filter bar)")
    group.add_argument("--release", help="sessions of this release (exact)")
    group.add_argument(
        "--from", dest="from_", metavar="TIME",
        help=f"sessions that end at or after TIME: {_TIME_HELP}",
    )  # fmt: skip
    group.add_argument(
        "--to", metavar="TIME",
        help=f"sessions that start before TIME: {_TIME_HELP}; a date alone includes that day",
    )  # fmt: skip
    group.add_argument("--browser", help="sessions in this browser (exact, e.g. Chrome)")
    group.add_argument("--os", help="sessions on this operating system (exact)")
    group.add_argument("--country", help="sessions from this country (exact)")
    group.add_argument("--user", help="sessions whose user id contains this text")
    group.add_argument(
        "--page-filter", metavar="TEXT", help="sessions that visited a URL containing TEXT"
    )


def parse_time(text: str, *, end: bool = False) -> int:
    """``text`` as epoch ms: digits are epoch ms, anything else ISO-8601 (naive means UTC).

    With ``end``, a date alone means the end of that day (the next midnight), so
    ``--to 2026-11-20`` keeps the sessions of the 20th. Raises ``ValueError`` with the text.
    """
    value = text.strip()
    if value.isdigit():
        return int(value)
    try:
        if end and _DATE_ONLY.match(value):
            day = datetime.fromisoformat(value).replace(tzinfo=UTC) + timedelta(days=1)
            return round(day.timestamp() * 1000)
        return ms_from_iso(value)
    except ValueError:
        raise ValueError(f"not a time: {text!r} (epoch ms or ISO-8601)") from None


def filter_from_args(args: argparse.Namespace) -> SessionFilter:
    """The :class:`SessionFilter` the options describe (empty options mean no filter)."""
    start = getattr(args, "from_", None)
    end = getattr(args, "to", None)
    return SessionFilter(
        start_ms=parse_time(start) if start else None,
        end_ms=parse_time(end, end=True) if end else None,
        page=getattr(args, "page_filter", None) or None,
        browser=getattr(args, "browser", None) or None,
        os=getattr(args, "os", None) or None,
        country=getattr(args, "country", None) or None,
        release=getattr(args, "release", None) or None,
        user=getattr(args, "user", None) or None,
    )
