"""Where the dashboard's numbers lead: every card, bar and point is a link.

Why apart from the dashboard: what a number *means* decides where it leads — the Apdex
card to the sessions worst first, a bar of the errors chart to the Errors screen for that
time bucket — and that mapping is read and tested on its own, without drawing a chart.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.state.navigation import Destination, ShowErrors, ShowProblems, ShowSessions
from app.store.queries.overview import Bucket


def card_destination(card: str, top_problem: str | None = None) -> Destination:
    """Where a click on the dashboard card named ``card`` leads."""
    return {
        "apdex": ShowSessions(sort="UX"),  # frustrating first
        "sessions": ShowSessions(),
        "actions": ShowSessions(sort="Actions"),
        "errors": ShowErrors(),
        "conversion": ShowProblems(),  # where conversion drops are explained
        "problems": ShowProblems(top_problem),
    }[card]


def chart_destination(chart: str) -> Destination:
    """Where a click on a bar or point of the chart named ``chart`` leads (its bucket is
    made the selection's range first)."""
    return {
        "errors": ShowErrors(),
        "apdex": ShowSessions(sort="UX"),
        "actions": ShowSessions(sort="Actions"),
    }.get(chart, ShowSessions())


def bucket_at(
    buckets: Sequence[Bucket] | Sequence[tuple[int, int, int]], width_ms: int, at_ms: float
) -> tuple[int, int] | None:
    """The (start, end) ms of the bucket drawn at ``at_ms`` when it holds anything: a
    :class:`Bucket` with sessions or errors, or a ``(start, sessions, done)`` of the daily
    conversion series with sessions."""
    for bucket in buckets:
        if isinstance(bucket, Bucket):
            start, filled = bucket.start_ms, bucket.sessions > 0 or bucket.errors > 0
        else:
            start, filled = bucket[0], bucket[1] > 0
        if start <= at_ms < start + width_ms:
            return (start, start + width_ms) if filled else None
    return None
