"""JavaScript errors of the selection, grouped: the groups, their sessions and breakdowns, the
light per-key counts problem detection compares, and the source maps that resolve stacks.

A group is the normalised message plus the top stack frame: numbers, quoted strings and URLs
vary between occurrences of the same error; the rest of the text and the top frame identify
it. Its key is ``"<normalised message> @ <url:line:col>"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.store.filters import SessionFilter
from app.store.queries import Cursor

_NORMALISED_MESSAGE = (
    "regexp_replace(regexp_replace(regexp_replace(e.message,"
    r" '[a-z]+://[^\s)''\"]+', '<url>', 'g'),"
    r" '\b\d+(\.\d+)?\b', '<n>', 'g'), '^Uncaught (\(in promise\) )?', '')"
)
# The first stack frame "url:line:col" (V8 "at … (url:1:2)" or "url:1:2", Gecko "fn@url:1:2").
_TOP_FRAME = r"regexp_extract(e.stack, '([a-z]+://[^\s()@]+:\d+:\d+)', 1)"
_KEY = f"{_NORMALISED_MESSAGE} || ' @ ' || coalesce({_TOP_FRAME}, '')"


@dataclass(frozen=True)
class ErrorGroup:
    """Occurrences of one JavaScript error: normalised message plus top stack frame."""

    key: str
    message: str  # one representative original message
    top_frame: str  # "url:line:col" of the first frame, "" when the stack has none
    stack: str  # one representative stack
    occurrences: int
    users: int
    sessions: int
    first_ms: int
    last_ms: int


@dataclass(frozen=True)
class AffectedSession:
    session_id: str
    user_id: str | None
    first_error_ms: int
    occurrences: int
    converted: bool
    browser: str | None


def groups(con: Cursor, f: SessionFilter, limit: int | None = None) -> list[ErrorGroup]:
    """Errors grouped by normalised message and top frame, most frequent first."""
    swhere, sparams = f.sessions_where("s")
    ewhere, eparams = f.records_where("e")
    rows = con.execute(
        f"""SELECT {_KEY} AS key,
                   any_value(e.message), coalesce(any_value({_TOP_FRAME}), ''),
                   coalesce(any_value(e.stack), ''), count(*), count(DISTINCT s.user_id),
                   count(DISTINCT e.session_id), epoch_ms(min(e.ts)), epoch_ms(max(e.ts))
            FROM errors e JOIN sessions s USING (session_id)
            WHERE {swhere} AND {ewhere}
            GROUP BY key ORDER BY count(*) DESC, key
            {"LIMIT " + str(int(limit)) if limit else ""}""",
        sparams + eparams,
    ).fetchall()
    return [ErrorGroup(str(r[0]), str(r[1]), str(r[2]), str(r[3]), *map(int, r[4:])) for r in rows]


def _group_where(f: SessionFilter, key: str) -> tuple[str, list[Any]]:
    swhere, sparams = f.sessions_where("s")
    ewhere, eparams = f.records_where("e")
    return f"{swhere} AND {ewhere} AND {_KEY} = ?", [*sparams, *eparams, key]


def group_sessions(con: Cursor, f: SessionFilter, key: str) -> list[AffectedSession]:
    """The sessions in which an error group occurred, first occurrence first."""
    where, params = _group_where(f, key)
    rows = con.execute(
        f"""SELECT e.session_id, any_value(s.user_id), epoch_ms(min(e.ts)), count(*),
                   EXISTS (SELECT 1 FROM goals g WHERE g.session_id = e.session_id),
                   any_value(s.browser)
            FROM errors e JOIN sessions s USING (session_id)
            WHERE {where} GROUP BY e.session_id ORDER BY min(e.ts), e.session_id""",
        params,
    ).fetchall()
    return [AffectedSession(str(r[0]), r[1], int(r[2]), int(r[3]), bool(r[4]), r[5]) for r in rows]


def group_breakdown(
    con: Cursor, f: SessionFilter, key: str, dimension: str
) -> list[tuple[str, int]]:
    """Occurrences of an error group by ``page``, ``browser`` or the ``action`` it occurred in."""
    column = {
        "page": "e.url",
        "browser": "s.browser",
        "action": "a.name",
    }[dimension]
    where, params = _group_where(f, key)
    rows = con.execute(
        f"""SELECT coalesce({column}, '(none)') AS value, count(*) AS n
            FROM errors e JOIN sessions s USING (session_id)
            LEFT JOIN actions a ON a.session_id = e.session_id AND a.action_id = e.action_id
            WHERE {where} GROUP BY value ORDER BY n DESC, value""",
        params,
    ).fetchall()
    return [(str(value), int(n)) for value, n in rows]


def key_counts(con: Cursor, f: SessionFilter) -> dict[str, int]:
    """Occurrences per error-group key (the light form of :func:`groups`)."""
    swhere, sparams = f.sessions_where("s")
    ewhere, eparams = f.records_where("e")
    rows = con.execute(
        f"""SELECT {_KEY} AS key, count(*)
            FROM errors e JOIN sessions s USING (session_id)
            WHERE {swhere} AND {ewhere} GROUP BY key""",
        sparams + eparams,
    ).fetchall()
    return {str(key): int(n) for key, n in rows}


def source_maps(con: Cursor) -> list[tuple[str, str]]:
    """(script URL, source map text) carried by the archive."""
    return [
        (str(url), str(text))
        for url, text in con.execute("SELECT source_url, map FROM source_maps").fetchall()
    ]
