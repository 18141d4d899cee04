"""The Top-10 JavaScript errors and their flags: new, unknown, high frequency.

Dynatrace publishes no definition of these flags (see ``peers-and-formats.md`` §4.4), so
ours are written here and shown in the table's tooltips:

* the **analysis window** is the selected time range; without one, it starts at the latest
  release of the manifest inside the archive's time span, else halfway through that span.
  The **baseline** is everything before the window.
* **new**: the error (normalised message + top stack frame) never occurred in the baseline.
* **high frequency**: it occurred in at least ``HIGH_FREQUENCY_SESSION_SHARE`` of the
  sessions of the window.
* **unknown**: its origin cannot be told: no stack frame with a script location (e.g. the
  browser's cross-origin ``Script error.``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.archive.model import ms_from_iso
from app.store.filters import SessionFilter
from app.store.queries import errors as error_queries
from app.store.queries import overview as overview_queries
from app.store.queries import sessions as session_queries
from app.store.queries.errors import ErrorGroup
from app.store.store import SessionStore

HIGH_FREQUENCY_SESSION_SHARE = 0.10
TOP = 10

FLAG_DEFINITIONS = {
    "new": "Never seen before the analysis window (the selected range, else since the latest "
    "release, else the second half of the archive).",
    "high frequency": f"Occurs in at least {HIGH_FREQUENCY_SESSION_SHARE:.0%} of the sessions "
    "of the analysis window.",
    "unknown": "No stack frame with a script location: where it comes from cannot be told.",
}


@dataclass(frozen=True)
class RankedError:
    group: ErrorGroup
    session_share: float  # of the window's sessions
    new: bool
    high_frequency: bool
    unknown: bool

    @property
    def flags(self) -> list[str]:
        names = (
            ("new", self.new),
            ("high frequency", self.high_frequency),
            ("unknown", self.unknown),
        )
        return [name for name, on in names if on]


def analysis_window(
    first_ms: int, last_ms: int, releases: Sequence[Mapping[str, Any]], f: SessionFilter
) -> tuple[int, int]:
    """(start, end) of the analysis window, as defined in the module docstring."""
    if f.start_ms is not None:
        return f.start_ms, f.end_ms if f.end_ms is not None else last_ms + 1
    starts = []
    for release in releases:
        try:
            at = ms_from_iso(str(release["at"]))
        except (KeyError, ValueError):
            continue
        if first_ms < at <= last_ms:
            starts.append(at)
    return (max(starts) if starts else first_ms + (last_ms - first_ms) // 2), last_ms + 1


@dataclass(frozen=True)
class AnalysisWindow:
    """The window and its baseline as filters, with the counts every analysis needs."""

    window: SessionFilter
    baseline: SessionFilter
    window_sessions: tuple[int, int]  # (sessions, converted sessions)
    baseline_sessions: tuple[int, int]
    baseline_errors: dict[str, int]  # occurrences per error-group key in the baseline
    manifest: dict[str, Any]
    first_ms: int
    last_ms: int


def analyse_window(store: SessionStore, f: SessionFilter) -> AnalysisWindow | None:
    """Work out the analysis window of ``f`` once (None for an empty store)."""
    con = store.cursor()
    span = overview_queries.time_span(con)
    if span is None:
        return None
    manifest = store.info().get("manifest") or {}
    first, last = span
    start, end = analysis_window(first, last, manifest.get("releases") or [], f)
    window, baseline = f.with_range(start, end), f.with_range(first, start)
    return AnalysisWindow(
        window=window,
        baseline=baseline,
        window_sessions=session_queries.counts(con, window),
        baseline_sessions=session_queries.counts(con, baseline),
        baseline_errors=error_queries.key_counts(con, baseline),
        manifest=manifest,
        first_ms=first,
        last_ms=last,
    )


def top_errors(
    store: SessionStore, f: SessionFilter, limit: int = TOP, context: AnalysisWindow | None = None
) -> list[RankedError]:
    """The window's most frequent error groups with their flags."""
    context = context or analyse_window(store, f)
    if context is None:
        return []
    sessions = max(context.window_sessions[0], 1)
    ranked = []
    for group in error_queries.groups(store.cursor(), context.window, limit):
        share = group.sessions / sessions
        ranked.append(
            RankedError(
                group=group,
                session_share=share,
                new=group.key not in context.baseline_errors,
                high_frequency=share >= HIGH_FREQUENCY_SESSION_SHARE,
                unknown=not group.top_frame,
            )
        )
    return ranked
