"""Funnels: how many selected sessions took given steps in order, and where the others left.

A step is ``page:PATTERN``, ``action:NAME`` or ``goal:ID`` (:func:`parse_step`). Its
*occurrences* in a session are moments:

- ``page:PATTERN`` — every action whose URL path matches PATTERN: with ``*`` a wildcard
  (``/product/*``) the whole path must match; without one, the path is it or lies under it
  (``/checkout`` also matches ``/checkout/payment``, not ``/checkouts``); case-insensitive.
- ``action:NAME`` — every action whose name contains NAME, case-insensitive
  (``action:click on 'Place order'``).
- ``goal:ID`` — every time the recorder reported goal ID, and, for a goal the archive
  defines (destination or user action), every action that matches its definition.

**The matching rule.** A session completes step *k* at the first occurrence of step *k*
strictly after the moment it completed step *k − 1* (one moment never completes two
steps; occurrences before it — out of order — are ignored, and a repeated step simply
takes the next occurrence after the previous one). The funnel starts at an occurrence of
step 1. Without a time limit it is the first one (from an earlier start the greedy match
reaches at least as far). With a limit, every step must happen within the limit after the
start; each occurrence of step 1 is tried as a start, and the session keeps the attempt
that reaches the most steps, the earliest start among equals.

The filter selects *sessions* (as everywhere, :mod:`app.store.filters`); a selected session's
steps count wherever they fall, even outside a dragged time range, so a session that
overlaps the range is followed to its end.

Per step: the sessions and the users reaching it (a session without a user id counts as
a user of its own), the conversion from the previous step (the first step: from all
selected sessions), the median time from the previous step. A session *dropped off after
step k* when it reached *k* and not *k + 1*; it *left* at its last action at or after it
completed step *k* (the moment to replay). All in one SQL statement: one ASOF join per
step over the occurrences (the nearest occurrence after the previous step's moment).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.store.filters import SessionFilter, like_match
from app.store.queries import Cursor

KINDS = ("page", "action", "goal")
PATH = "regexp_extract({}, '^[a-z]+://[^/]+([^?#]*)', 1)"


@dataclass(frozen=True)
class FunnelStep:
    """One step: ``kind`` (page, action or goal) and what it matches."""

    kind: str
    value: str

    @property
    def text(self) -> str:
        """As written on the command line: ``page:/cart``."""
        return f"{self.kind}:{self.value}"


def parse_step(text: str) -> FunnelStep:
    """``"page:/cart"`` → ``FunnelStep("page", "/cart")``; raises ``ValueError`` naming it."""
    kind, sep, value = text.partition(":")
    kind = kind.strip().lower()
    if not sep or kind not in KINDS or not value.strip():
        raise ValueError(f"not a funnel step: {text!r} (page:PATTERN, action:NAME or goal:ID)")
    return FunnelStep(kind, value.strip())


@dataclass(frozen=True)
class StepCount:
    """What the funnel shows for one step."""

    step: FunnelStep
    sessions: int
    users: int
    conversion_from_previous: float
    median_ms_from_previous: int | None
    dropped: int
    """Sessions that reached this step and not the next one (0 for the last step)."""


@dataclass(frozen=True)
class Funnel:
    selected: int
    """Selected sessions (under the filter), the base of the first step's conversion."""
    steps: list[StepCount]


@dataclass(frozen=True)
class DroppedSession:
    session_id: str
    user_id: str | None
    reached_ms: int
    """When it completed the step it dropped off after."""
    left_ms: int
    """Its last action at or after that moment: where the replay opens."""


def _page_condition(pattern: str) -> tuple[str, list[Any]]:
    path = PATH.format("a.url")
    if "*" in pattern:
        parts = [like_match("x", part, "equals")[1] for part in pattern.split("*")]
        return f"{path} ILIKE ? ESCAPE '\\'", ["%".join(parts)]
    base = pattern.rstrip("/") or "/"  # a path segment: /cart is not /cartography
    same, exact = like_match(path, base, "equals")
    under, prefix = like_match(path, base.rstrip("/") + "/", "begins")
    return f"({same} OR {under})", [exact, prefix]


def _goal_actions(goal: Mapping[str, Any]) -> tuple[str, list[Any]] | None:
    """A condition on action ``a`` matching ``goal``'s definition (None: it has no moment)."""
    case = bool(goal.get("case_sensitive", False))
    if goal.get("type", "destination") == "destination":
        target = str(goal.get("url_or_path", ""))
        column = "a.url" if "://" in target else PATH.format("a.url")
        condition, value = like_match(column, target, str(goal.get("match_type", "begins")), case)
        return condition, [value]
    if goal.get("type") == "user_action":
        column = "a.url" if goal.get("match_entity") == "page_url" else "a.name"
        condition, value = like_match(
            column, str(goal.get("value", "")), str(goal.get("match_type", "contains")), case
        )
        params: list[Any] = [value]
        if goal.get("action_type"):
            condition += " AND a.type = ?"
            params.append(str(goal["action_type"]).lower())
        return condition, params
    return None


def _occurrences(step: FunnelStep, goals: Sequence[Mapping[str, Any]]) -> tuple[str, list[Any]]:
    """SELECT session_id, ts of every occurrence of ``step`` in a selected session (``sel``)."""
    actions = "SELECT a.session_id, a.ts FROM actions a SEMI JOIN sel USING (session_id) WHERE "
    if step.kind == "page":
        condition, params = _page_condition(step.value)
        return actions + condition, params
    if step.kind == "action":
        condition, value = like_match("a.name", step.value)
        return actions + condition, [value]
    sql = "SELECT g.session_id, g.ts FROM goals g SEMI JOIN sel USING (session_id) WHERE g.goal = ?"
    params = [step.value]
    definition = next((g for g in goals if str(g.get("id")) == step.value), None)
    matched = _goal_actions(definition) if definition else None
    if matched:
        sql += f" UNION ALL {actions}{matched[0]}"
        params += matched[1]
    return sql, params


def _matched_sql(
    steps: Sequence[FunnelStep],
    f: SessionFilter,
    goals: Sequence[Mapping[str, Any]],
    limit_ms: int | None,
) -> tuple[str, list[Any]]:
    """CTEs ending in ``best``: one row per selected session with ``t0 … tN`` (epoch ms of
    each completed step, NULL from the first it did not complete), ``reached`` and its user."""
    if not steps:
        raise ValueError("a funnel needs at least one step")
    swhere, params = f.sessions_where("s")
    ctes = [f"sel AS (SELECT s.session_id, s.user_id FROM sessions s WHERE {swhere})"]
    for index, step in enumerate(steps):
        sql, step_params = _occurrences(step, goals)
        ctes.append(f"o{index} AS (SELECT session_id, epoch_ms(ts) AS t FROM ({sql}))")
        params += step_params
    first = "o0" if limit_ms is not None else "(SELECT session_id, min(t) AS t FROM o0 GROUP BY 1)"
    ctes.append(f"p0 AS (SELECT session_id, t AS t0 FROM {first})")
    within = "" if limit_ms is None else f" AND o.t <= p.t0 + {int(limit_ms)}"
    for k in range(1, len(steps)):
        ctes.append(
            f"p{k} AS (SELECT p.*, CASE WHEN p.t{k - 1} IS NOT NULL{within} THEN o.t END AS t{k}"
            f" FROM p{k - 1} p ASOF LEFT JOIN o{k} o"
            f" ON p.session_id = o.session_id AND o.t > p.t{k - 1})"
        )
    last = len(steps) - 1
    reached = " + ".join(f"(t{k} IS NOT NULL)::INT" for k in range(len(steps)))
    ctes.append(
        f"best AS (SELECT p.*, {reached} AS reached, sel.user_id FROM p{last} p JOIN sel"
        f" USING (session_id) QUALIFY row_number() OVER (PARTITION BY session_id"
        f" ORDER BY {reached} DESC, t0) = 1)"
    )
    return "WITH " + ",\n".join(ctes), params


def funnel(
    con: Cursor,
    steps: Sequence[FunnelStep],
    f: SessionFilter,
    goals: Sequence[Mapping[str, Any]] = (),
    limit_ms: int | None = None,
) -> Funnel:
    """The funnel of ``steps`` over the sessions ``f`` selects (see the module's rule)."""
    head, params = _matched_sql(steps, f, goals, limit_ms)
    columns = []
    for k in range(len(steps)):
        user = "coalesce(user_id, 'session:' || session_id)"
        gap = f"median(t{k} - t{k - 1}) FILTER (WHERE t{k} IS NOT NULL)" if k else "NULL"
        columns.append(
            f"count(*) FILTER (WHERE reached > {k}), "
            f"count(DISTINCT {user}) FILTER (WHERE reached > {k}), {gap}"
        )
    swhere, sparams = f.sessions_where("s")
    sql = (
        f"{head}\nSELECT (SELECT count(*) FROM sessions s WHERE {swhere}), {', '.join(columns)}"
        " FROM best"
    )
    row = con.execute(sql, params + sparams).fetchone()
    assert row is not None
    selected = int(row[0])
    counts: list[StepCount] = []
    previous = selected
    for k, step in enumerate(steps):
        sessions, users, gap = row[1 + 3 * k : 4 + 3 * k]
        following = int(row[1 + 3 * (k + 1)]) if k + 1 < len(steps) else int(sessions)
        counts.append(
            StepCount(
                step=step,
                sessions=int(sessions),
                users=int(users),
                conversion_from_previous=(int(sessions) / previous) if previous else 0.0,
                median_ms_from_previous=None if gap is None else round(float(gap)),
                dropped=int(sessions) - following,
            )
        )
        previous = int(sessions)
    return Funnel(selected, counts)


def dropped_after(
    con: Cursor,
    steps: Sequence[FunnelStep],
    f: SessionFilter,
    index: int,
    goals: Sequence[Mapping[str, Any]] = (),
    limit_ms: int | None = None,
) -> list[DroppedSession]:
    """The sessions that completed step ``index`` (0-based) and not the next one, each with
    the moment it left, the latest leavers first."""
    if not 0 <= index < len(steps) - 1:
        return []
    head, params = _matched_sql(steps, f, goals, limit_ms)
    rows = con.execute(
        f"""{head}
            SELECT b.session_id, b.user_id, b.t{index},
                   coalesce((SELECT max(epoch_ms(a.ts)) FROM actions a
                             WHERE a.session_id = b.session_id
                               AND epoch_ms(a.ts) >= b.t{index}), b.t{index}) AS left_ms
            FROM best b WHERE b.reached = {index + 1}
            ORDER BY left_ms DESC, b.session_id""",
        params,
    ).fetchall()
    return [DroppedSession(str(r[0]), r[1], int(r[2]), int(r[3])) for r in rows]


def step_choices(con: Cursor, f: SessionFilter, limit: int = 200) -> dict[str, list[str]]:
    """What the step editor offers: the selection's page paths and action names (most
    frequent first) and the ids of reported goals."""
    swhere, params = f.sessions_where("s")
    sel = f"SEMI JOIN (SELECT session_id FROM sessions s WHERE {swhere}) USING (session_id)"
    pages = con.execute(
        f"SELECT {PATH.format('a.url')} AS p FROM actions a {sel} WHERE p <> ''"
        f" GROUP BY p ORDER BY count(*) DESC, p LIMIT {int(limit)}",
        params,
    ).fetchall()
    names = con.execute(
        f"SELECT a.name FROM actions a {sel} WHERE a.name IS NOT NULL"
        f" GROUP BY a.name ORDER BY count(*) DESC, a.name LIMIT {int(limit)}",
        params,
    ).fetchall()
    goals = con.execute("SELECT DISTINCT goal FROM goals WHERE goal IS NOT NULL ORDER BY 1")
    return {
        "page": [str(r[0]) for r in pages],
        "action": [str(r[0]) for r in names],
        "goal": [str(r[0]) for r in goals.fetchall()],
    }
