"""Problems found automatically, with their business impact — the tutorial's step 2.

Definitions (each problem says which of them fired; the numbers are module constants):

* **New JavaScript error**: an error group (see :mod:`app.analysis.errors`) absent from the
  baseline that occurs at least ``NEW_ERROR_MIN`` times in the analysis window.
* **JavaScript error rate increase**: occurrences per session in the window at least
  ``SPIKE_FACTOR`` times the baseline's, with at least ``SPIKE_MIN`` occurrences.
* **Conversion rate drop**: the window's conversion rate below ``DROP_FACTOR`` times the
  baseline's, and the difference significant (two-proportion z ≥ ``Z_MIN``).
* **Apdex drop**: the window's Apdex more than ``APDEX_DROP`` below the baseline's.
* **Frustration signals surge**: frustration signals (``app/store/frustration.py``) per
  session in the window at least ``SURGE_FACTOR`` times the baseline's, at least
  ``SURGE_MIN`` of them.

A conversion or Apdex drop is attached to the error problem that explains most of it (the
error whose sessions did not convert) — as Dynatrace merges correlated events into one
problem — and stands alone otherwise. Impact: users and sessions affected, conversions lost
(the sessions' expected conversions at the baseline rate minus those that happened), the
pages and actions where the error occurred, and the affected / recovered / monitored table.
A problem is **open** while its last occurrence lies in the final ``OPEN_TAIL`` of the
archive's time span.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from app.analysis.apdex import ApdexThresholds, apdex_score
from app.analysis.errors import RankedError, analyse_window, top_errors
from app.store.filters import SessionFilter
from app.store.queries import apdex as apdex_queries
from app.store.queries import errors as error_queries
from app.store.queries import goals as goal_queries
from app.store.queries import overview as overview_queries
from app.store.store import SessionStore

NEW_ERROR_MIN = 3
SPIKE_FACTOR = 3.0
SPIKE_MIN = 5
DROP_FACTOR = 0.8
Z_MIN = 2.0
APDEX_DROP = 0.03
OPEN_TAIL = 0.1
SURGE_FACTOR = 2.0
SURGE_MIN = 5


@dataclass(frozen=True)
class StatusRow:
    item: str  # "Users", "Pages", "User actions"
    affected: int
    recovered: int | None
    monitored: int


@dataclass(frozen=True)
class Problem:
    title: str
    kinds: tuple[str, ...]
    start_ms: int
    end_ms: int
    is_open: bool
    root_cause: str
    error_key: str | None
    users: tuple[str, ...]
    sessions: tuple[str, ...]
    conversions_lost: float
    pages: tuple[tuple[str, int], ...]
    actions: tuple[tuple[str, int], ...]
    status: tuple[StatusRow, ...] = field(default=())
    first_error_ms: dict[str, int] = field(default_factory=dict)  # per session

    @property
    def users_affected(self) -> int:
        return len(self.users)


@dataclass(frozen=True)
class _Rates:
    sessions: int
    converted: int

    @property
    def rate(self) -> float:
        return self.converted / self.sessions if self.sessions else 0.0


def _significant_drop(base: _Rates, now: _Rates) -> bool:
    if base.sessions == 0 or now.sessions == 0 or now.rate >= DROP_FACTOR * base.rate:
        return False
    pooled = (base.converted + now.converted) / (base.sessions + now.sessions)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / base.sessions + 1 / now.sessions))
    return spread > 0 and (base.rate - now.rate) / spread >= Z_MIN


_RECENT: dict[tuple[str, int, str, str], list[Problem]] = {}
_RECENT_SIZE = 8


def detect_problems(
    store: SessionStore, f: SessionFilter, thresholds: ApdexThresholds | None = None
) -> list[Problem]:
    """:func:`find_problems`, remembered for the last few questions asked of a store.

    Why: the dashboard's card and the Problems screen ask the same question of the same
    selection; a store never changes once ingested, so the answer can be shared.
    """
    try:  # the store's file and its version: a store rebuilt in place is another question
        key = (str(store.db_path), store.db_path.stat().st_mtime_ns, repr(f), repr(thresholds))
    except OSError:
        return find_problems(store, f, thresholds)
    found = _RECENT.get(key)
    if found is None:
        found = find_problems(store, f, thresholds)
        if len(_RECENT) >= _RECENT_SIZE:
            _RECENT.pop(next(iter(_RECENT)))
        _RECENT[key] = found
    return list(found)


def find_problems(
    store: SessionStore, f: SessionFilter, thresholds: ApdexThresholds | None = None
) -> list[Problem]:
    """Problems of the analysis window (the selected range, else since the latest release).

    ``thresholds``: the Apdex thresholds in use (default: the manifest's).
    """
    context = analyse_window(store, f)
    if context is None:
        return []
    con = store.cursor()
    manifest = context.manifest
    window, baseline = context.window, context.baseline
    start, end = window.start_ms or context.first_ms, window.end_ms or context.last_ms
    open_after = context.last_ms - OPEN_TAIL * (context.last_ms - context.first_ms)
    base = _Rates(*context.baseline_sessions)
    now = _Rates(*context.window_sessions)
    base_errors = context.baseline_errors
    monitored = overview_queries.distinct_counts(con, window)

    problems: list[Problem] = []
    for ranked in top_errors(store, f, context=context):
        kinds = _error_kinds(ranked, base_errors, base.sessions, now.sessions)
        if kinds:
            problems.append(
                _error_problem(store, window, ranked, kinds, base, monitored, open_after)
            )
    problems.sort(key=lambda p: (-len(p.sessions), p.start_ms))

    if _significant_drop(base, now):
        lost = (base.rate - now.rate) * now.sessions
        problems = _attach(problems, "Conversion rate drop", lost, start, end, open_after)
    by_type = (thresholds or ApdexThresholds.from_manifest(manifest)).by_type
    both = f.with_range(baseline.start_ms, window.end_ms)
    before, after = apdex_queries.before_after(con, both, start, by_type)
    base_apdex, now_apdex = apdex_score(before), apdex_score(after)
    if base_apdex is not None and now_apdex is not None and now_apdex < base_apdex - APDEX_DROP:
        problems = _attach(problems, "Apdex drop", 0.0, start, end, open_after)
    base_signals, now_signals = (
        overview_queries.frustration_count(con, baseline),
        overview_queries.frustration_count(con, window),
    )
    base_rate = base_signals / base.sessions if base.sessions else 0.0
    now_rate = now_signals / now.sessions if now.sessions else 0.0
    if now_signals >= SURGE_MIN and now_rate >= SURGE_FACTOR * base_rate and now_rate > 0:
        problems = _attach(problems, "Frustration signals surge", 0.0, start, end, open_after)
    return problems


def _error_kinds(
    ranked: RankedError, base_errors: dict[str, int], base_sessions: int, now_sessions: int
) -> tuple[str, ...]:
    group = ranked.group
    kinds = []
    if ranked.new and group.occurrences >= NEW_ERROR_MIN:
        kinds.append("New JavaScript error")
    before = base_errors.get(group.key, 0)
    base_rate = before / base_sessions if base_sessions else 0.0
    now_rate = group.occurrences / now_sessions if now_sessions else 0.0
    if group.occurrences >= SPIKE_MIN and now_rate >= SPIKE_FACTOR * base_rate and now_rate > 0:
        kinds.append("JavaScript error rate increase")
    return tuple(kinds)


def _error_problem(
    store: SessionStore,
    window: SessionFilter,
    ranked: RankedError,
    kinds: tuple[str, ...],
    base: _Rates,
    monitored: dict[str, int],
    open_after: float,
) -> Problem:
    group = ranked.group
    con = store.cursor()
    affected = error_queries.group_sessions(con, window, group.key)
    first_by_user: dict[str, int] = {}
    for session in affected:
        if session.user_id:
            first_by_user.setdefault(session.user_id, session.first_error_ms)
    recovered = goal_queries.users_converting_after(con, first_by_user)
    expected = base.rate * len(affected)
    lost = max(0.0, expected - sum(1 for s in affected if s.converted))
    pages = tuple(error_queries.group_breakdown(con, window, group.key, "page"))
    actions = tuple(error_queries.group_breakdown(con, window, group.key, "action"))
    is_open = group.last_ms >= open_after
    cause = actions[0][0] if actions else "an unknown action"
    message = group.message.removeprefix("Uncaught ").removeprefix("(in promise) ")
    # pages and actions recover when the error stops; while it goes on, none has
    status = (
        StatusRow("Users", len(first_by_user), len(recovered), monitored["users"]),
        StatusRow("Pages", len(pages), 0 if is_open else len(pages), monitored["pages"]),
        StatusRow(
            "User actions", len(actions), 0 if is_open else len(actions), monitored["actions"]
        ),
    )
    return Problem(
        title=f"{kinds[0]}: {message}",
        kinds=kinds,
        start_ms=group.first_ms,
        end_ms=group.last_ms,
        is_open=is_open,
        root_cause=f"{message} — after {cause}",
        error_key=group.key,
        users=tuple(first_by_user),
        sessions=tuple(s.session_id for s in affected),
        conversions_lost=lost,
        pages=pages,
        actions=actions,
        status=status,
        first_error_ms={s.session_id: s.first_error_ms for s in affected},
    )


def _attach(
    problems: list[Problem], kind: str, lost: float, start: int, end: int, open_after: float
) -> list[Problem]:
    """Add ``kind`` to the error problem that explains it best, or stand it alone."""
    if problems:
        head = problems[0]
        merged = replace(
            head, kinds=(*head.kinds, kind), conversions_lost=max(head.conversions_lost, lost)
        )
        return [merged, *problems[1:]]
    alone = Problem(
        title=kind,
        kinds=(kind,),
        start_ms=start,
        end_ms=end,
        is_open=end >= open_after,
        root_cause="no JavaScript error explains it; compare the sessions of the window",
        error_key=None,
        users=(),
        sessions=(),
        conversions_lost=lost,
        pages=(),
        actions=(),
    )
    return [*problems, alone]
