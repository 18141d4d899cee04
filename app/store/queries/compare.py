"""What comparing two sessions reads (issue 20): each session's steps, the shortlist of
converting sessions on the same path, and what each step of a session caused — requests,
errors, typed values, goals reached and text that appeared on the page.

Why the shortlist is ranked here, in SQL: over 10,000 sessions only a set overlap of steps
is cheap enough; the caller aligns the bounded shortlist it gets back in Python.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.rrweb.protocol import NodeType
from app.store.queries import Cursor
from app.store.queries.goals import converted_condition
from app.store.queries.replay import RequestRow
from app.store.sql_constants import EVENT_INCREMENTAL_SNAPSHOT, SOURCE_INPUT, SOURCE_MUTATION

PATH = "coalesce(nullif(regexp_extract({0}, '^[a-z]+://[^/]+([^?#]*)', 1), ''), '/')"
TOKENS = f"""SELECT session_id, coalesce(trigger, type) AS kind, coalesce(name, '') AS name,
                    {PATH.format("url")} AS path
             FROM actions"""
TEXT_WINDOW_MS = 5_000
"""How long after a step the text the page showed is read: long enough for a response to
arrive and be shown, short enough not to reach the next steps' pages."""


@dataclass(frozen=True)
class StepRow:
    ts_ms: int
    kind: str
    name: str
    url: str | None
    target: str | None
    action_id: str | None


@dataclass(frozen=True)
class SessionHead:
    session_id: str
    user_id: str | None
    release: str | None
    browser: str | None
    entry_path: str
    converted: bool
    errors: int


@dataclass(frozen=True)
class ShortlistRow:
    """A converting, error-free session sharing steps with the one compared, and its steps
    as alignment tokens ``(kind, name, path)`` in order."""

    head: SessionHead
    overlap: float
    tokens: list[tuple[str, str, str]]


@dataclass
class StepFacts:
    """What one step caused, gathered per ``action_id``."""

    requests: list[RequestRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    typed: str | None = None
    goals: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    # frustration signals in the step ("loading indicator visible for 34 s", "rage click")
    signals: list[str] = field(default_factory=list)


def steps(cur: Cursor, session_id: str) -> list[StepRow]:
    """The session's actions in order."""
    rows = cur.execute(
        """SELECT epoch_ms(ts), coalesce(trigger, type), coalesce(name, ''), url, target,
                  action_id
           FROM actions WHERE session_id = ? ORDER BY ts, rowid""",
        [session_id],
    ).fetchall()
    return [StepRow(int(t), k, n, u, tg, a) for t, k, n, u, tg, a in rows]


def _converted(cur: Cursor) -> tuple[str, list[Any]]:
    manifest = _manifest(cur)
    goals = manifest.get("conversion_goals") if isinstance(manifest, dict) else None
    goal_list = [g for g in goals if isinstance(g, Mapping)] if isinstance(goals, list) else []
    return converted_condition(goal_list)


def _manifest(cur: Cursor) -> Any:
    row = cur.execute("SELECT value FROM archive_info WHERE key = 'manifest'").fetchone()
    try:
        return json.loads(row[0]) if row and row[0] else {}
    except ValueError:
        return {}


_HEAD = """s.session_id, s.user_id, s.release, s.browser, {path} AS entry_path,
           {converted} AS converted,
           (SELECT count(*) FROM errors e WHERE e.session_id = s.session_id) AS errors"""


def heads(cur: Cursor, session_ids: Sequence[str]) -> dict[str, SessionHead]:
    """Facts about the given sessions (missing ones are left out)."""
    converted, params = _converted(cur)
    select = _HEAD.format(path=PATH.format("s.entry_url"), converted=converted)
    rows = cur.execute(
        f"SELECT {select} FROM sessions s WHERE s.session_id IN (SELECT unnest(?::VARCHAR[]))",
        [*params, list(session_ids)],
    ).fetchall()
    return {r[0]: SessionHead(r[0], r[1], r[2], r[3], r[4], bool(r[5]), int(r[6])) for r in rows}


def shortlist(cur: Cursor, session_id: str, size: int) -> list[ShortlistRow]:
    """Up to ``size`` sessions that converted without an error and share at least one step
    (kind, name and page) with ``session_id``, best overlap first (Jaccard of their sets of
    steps; the same entry page breaks ties), with their steps as tokens."""
    converted, params = _converted(cur)
    rows = cur.execute(
        f"""WITH mine AS (SELECT DISTINCT kind, name, path FROM ({TOKENS}) WHERE session_id = ?),
           entry AS (SELECT {PATH.format("entry_url")} AS path FROM sessions
                     WHERE session_id = ?),
           pool AS (SELECT s.session_id, {PATH.format("s.entry_url")} AS entry_path
                    FROM sessions s
                    WHERE s.session_id <> ? AND {converted}
                      AND NOT EXISTS (SELECT 1 FROM errors e WHERE e.session_id = s.session_id)),
           theirs AS (SELECT DISTINCT t.session_id, t.kind, t.name, t.path
                      FROM ({TOKENS}) t SEMI JOIN pool USING (session_id)),
           overlap AS (SELECT th.session_id, count(m.kind) AS shared, count(*) AS total
                       FROM theirs th LEFT JOIN mine m USING (kind, name, path)
                       GROUP BY th.session_id)
           SELECT o.session_id,
                  o.shared / (o.total + (SELECT count(*) FROM mine) - o.shared) AS jaccard
           FROM overlap o JOIN pool p USING (session_id)
           WHERE o.shared > 0
           ORDER BY jaccard DESC, p.entry_path = (SELECT path FROM entry) DESC, o.session_id
           LIMIT ?""",
        [session_id, session_id, session_id, *params, int(size)],
    ).fetchall()
    ids = [r[0] for r in rows]
    if not ids:
        return []
    facts = heads(cur, ids)
    tokens: dict[str, list[tuple[str, str, str]]] = {sid: [] for sid in ids}
    for sid, kind, name, path in cur.execute(
        f"""SELECT session_id, kind, name, path FROM ({TOKENS}
                WHERE session_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY ts, rowid)""",
        [ids],
    ).fetchall():
        tokens[sid].append((kind, name, path))
    return [ShortlistRow(facts[sid], float(j), tokens[sid]) for sid, j in rows if sid in facts]


def step_facts(cur: Cursor, session_id: str) -> dict[str, StepFacts]:
    """Per ``action_id``: the requests it started, the errors that came in it, the value the
    field it typed into ended with, the goals reached and the text that appeared within
    :data:`TEXT_WINDOW_MS` (or before the next step)."""
    rows = steps(cur, session_id)
    facts = {r.action_id: StepFacts() for r in rows if r.action_id}
    for t, method, url, status, duration, action in cur.execute(
        """SELECT epoch_ms(ts), method, url, status, coalesce(duration_ms, 0), action_id
           FROM requests WHERE session_id = ? AND url IS NOT NULL AND action_id IS NOT NULL
           ORDER BY ts, rowid""",
        [session_id],
    ).fetchall():
        if action in facts:
            facts[action].requests.append(RequestRow(int(t), method, url, status, int(duration)))
    for message, action in cur.execute(
        """SELECT message, action_id FROM errors
           WHERE session_id = ? AND action_id IS NOT NULL ORDER BY ts, rowid""",
        [session_id],
    ).fetchall():
        if action in facts:
            facts[action].errors.append(message or "(no message)")
    spans = _spans(rows)
    goals = cur.execute(
        "SELECT epoch_ms(ts), goal FROM goals WHERE session_id = ? ORDER BY ts", [session_id]
    ).fetchall()
    for t, goal in goals:
        action = _step_at(spans, int(t))
        if action in facts:
            facts[action].goals.append(str(goal))
    for t, kind, detail in cur.execute(
        """SELECT epoch_ms(ts), kind, detail FROM frustration_signals
           WHERE session_id = ? ORDER BY ts""",
        [session_id],
    ).fetchall():
        action = _step_at(spans, int(t))
        if action in facts:
            said = f"{kind} {detail}" if kind == "loading indicator" and detail else kind
            facts[action].signals.append(str(said))
    _typed(cur, session_id, rows, spans, facts)
    _text(cur, session_id, spans, facts)
    return facts


def _spans(rows: list[StepRow]) -> list[tuple[int, int, str | None]]:
    """(start, end, action_id) of each step: from its time to the next step's."""
    ends = [r.ts_ms for r in rows[1:]] + [2**62]
    return [(r.ts_ms, end, r.action_id) for r, end in zip(rows, ends, strict=True)]


def _step_at(spans: list[tuple[int, int, str | None]], ts: int) -> str | None:
    """The step in whose span ``ts`` falls (the last one that started at or before it)."""
    found = None
    for start, _, action in spans:
        if start > ts:
            break
        found = action
    return found


def _typed(
    cur: Cursor,
    session_id: str,
    rows: list[StepRow],
    spans: list[tuple[int, int, str | None]],
    facts: dict[str, StepFacts],
) -> None:
    """The value each typing step left in its field: the field is the one of the Input event
    at the step's time, the value its last Input event before the next step."""
    inputs = cur.execute(
        f"""SELECT epoch_ms(ts), data->>'id', data->>'text' FROM events
           WHERE session_id = ? AND type = {EVENT_INCREMENTAL_SNAPSHOT}
             AND source = {SOURCE_INPUT} AND data->>'text' IS NOT NULL
           ORDER BY ts, rowid""",
        [session_id],
    ).fetchall()
    kinds = {r.action_id: r.kind for r in rows}
    for start, end, action in spans:
        if action not in facts or kinds.get(action) != "input":
            continue
        field_id, value = None, None
        for t, node, text in inputs:
            if t < start:
                continue
            if t >= end:
                break
            field_id = field_id or node
            if node == field_id:
                value = text
        facts[action].typed = value


def _text(
    cur: Cursor,
    session_id: str,
    spans: list[tuple[int, int, str | None]],
    facts: dict[str, StepFacts],
) -> None:
    """Text nodes added, or text changed, within the window after each step."""
    mutations = cur.execute(
        f"""SELECT epoch_ms(ts), data FROM events
           WHERE session_id = ? AND type = {EVENT_INCREMENTAL_SNAPSHOT}
             AND source = {SOURCE_MUTATION} ORDER BY ts, rowid""",
        [session_id],
    ).fetchall()
    index = 0
    for start, end, action in spans:
        stop = min(end, start + TEXT_WINDOW_MS)
        while index < len(mutations) and mutations[index][0] < start:
            index += 1
        seen: list[str] = []
        probe = index
        while probe < len(mutations) and mutations[probe][0] < stop:
            seen += _mutation_text(mutations[probe][1])
            probe += 1
        if action in facts:
            facts[action].text = list(dict.fromkeys(t for t in seen if t))


def _mutation_text(raw: Any) -> list[str]:
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return []
    if not isinstance(data, dict):
        return []
    found = []
    for add in data.get("adds") or []:
        node = add.get("node") if isinstance(add, dict) else None
        if isinstance(node, dict) and node.get("type") == NodeType.TEXT and not node.get("isStyle"):
            found.append(" ".join(str(node.get("textContent") or "").split()))
    for change in data.get("texts") or []:
        if isinstance(change, dict):
            found.append(" ".join(str(change.get("value") or "").split()))
    return found
