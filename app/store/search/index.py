"""Searching an index: the hits of a query, in time or relevance order, and the sessions
where a query holds.

Why a class with its own connection: the index is a DuckDB file of its own, opened
read-only; like :class:`~app.store.store.SessionStore` each thread queries through a cursor
of its own (the window searches on a worker while the user types).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Literal

from app.store.search import compile as compiler
from app.store.search.build import (
    Progress,
    build_index,
    index_is_current,
    index_path_for,
)
from app.store.search.fold import match_spans, snippet
from app.store.search.model import KINDS, Hit, SearchResult
from app.store.search.query import parse, positive_terms
from app.store.sidecar import OpenSidecars, SidecarFile
from app.store.store import SessionStore

Order = Literal["time", "relevance"]


class SearchIndex(SidecarFile):
    """A built index, open read-only."""

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def search(
        self,
        query: str,
        *,
        session_id: str | None = None,
        limit: int = 100,
        order: Order = "time",
    ) -> SearchResult:
        """The first ``limit`` hits of ``query`` and how many there are in all.

        ``order="time"``: by session, then time (what ``search --json`` prints);
        ``"relevance"``: best first — hits whose text is mostly the match (short texts)
        first, then by session and time. Raises :class:`QuerySyntaxError`.
        """
        node = parse(query)
        matched = compiler.texts(node)
        cur = self.cursor()
        rank = "r" if order == "time" else "text_length, r"
        if session_id is None:
            # Which hits show the matched texts comes from ``occurrences`` (each text's row
            # ids), so neither the count nor the choice of the shown hits scans every hit.
            found = """SELECT unnest(rows) AS r, text_length FROM (
                           SELECT o.rows, length(t.text) AS text_length
                           FROM occurrences o JOIN texts t USING (h)
                           WHERE o.h IN (SELECT h FROM m))"""
            count = "(SELECT sum(len(rows)) FROM occurrences WHERE h IN (SELECT h FROM m))"
            params = [*matched.params, limit]
        else:
            # One session's hits are a few neighbouring row groups of docs (written in
            # session order): reading them beats unnesting every hit of a common word.
            found = """SELECT d.rowid AS r, length(t.text) AS text_length
                       FROM docs d JOIN texts t USING (h)
                       WHERE d.session_id = ? AND d.h IN (SELECT h FROM m)"""
            count = "(SELECT count(*) FROM found)"
            params = [*matched.params, session_id, limit]
        ranked = cur.execute(
            f"""WITH m AS MATERIALIZED ({matched.sql}), found AS MATERIALIZED ({found})
                SELECT {count}, r FROM found ORDER BY {rank} LIMIT greatest(?, 1)""",
            params,
        ).fetchall()
        total = int(ranked[0][0]) if ranked else 0
        ranked = ranked[: max(limit, 0)]  # limit 0: the count alone
        place = {r: index for index, (_, r) in enumerate(ranked)}
        rows = cur.execute(
            """SELECT d.rowid, d.session_id, d.ts, d.end_ms, t.kind, t.text, d.node_id
               FROM docs d JOIN texts t USING (h)
               WHERE d.rowid BETWEEN ? AND ? AND d.rowid IN (SELECT unnest(?::BIGINT[]))""",
            [min(place, default=0), max(place, default=-1), list(place)],
        ).fetchall()
        rows.sort(key=lambda row: place[row[0]])
        rows = [row[1:] for row in rows]
        exact, prefixes = positive_terms(node)
        hits = []
        marks = functools.lru_cache(maxsize=None)(  # hits often show the same text
            lambda text: snippet(text, match_spans(text, exact, prefixes))
        )
        for session, ts, end, kind, text, node_id in rows:
            shown, spans = marks(text)
            hits.append(Hit(session, int(ts), end, KINDS[kind], shown, spans, node_id))
        return SearchResult(total, hits)

    def sessions_matching(self, query: str) -> list[str]:
        """Sessions where ``query`` holds, each term anywhere in the session (the session
        list's filter "sessions where …"), sorted. Raises :class:`QuerySyntaxError`."""
        compiled = compiler.sessions(parse(query))
        rows = self.cursor().execute(
            f"SELECT session_id FROM ({compiled.sql}) ORDER BY 1", compiled.params
        )
        return [row[0] for row in rows.fetchall()]


_open = OpenSidecars(SearchIndex)


def ensure_index(
    store: SessionStore,
    progress: Progress | None = None,
    check_cancel: Callable[[], None] | None = None,
) -> SearchIndex:
    """The store's index, built first when it is missing, damaged or of other content.

    Idempotent and cheap once built: an intact index with the store's content key is
    reused (and kept open for the store's lifetime). ``check_cancel`` raises to stop a
    build; nothing is kept then.
    """
    path = index_path_for(store)
    return _open.ensure(
        store,
        path,
        lambda: index_is_current(store, path),
        lambda: build_index(store, path, progress, check_cancel),
    )


def search(
    target: SessionStore | SearchIndex,
    query: str,
    *,
    session_id: str | None = None,
    limit: int = 100,
    order: Order = "time",
) -> SearchResult:
    """Search a store (building its index if needed) or an open index; see
    :meth:`SearchIndex.search`."""
    index = target if isinstance(target, SearchIndex) else ensure_index(target)
    return index.search(query, session_id=session_id, limit=limit, order=order)


def sessions_matching(target: SessionStore | SearchIndex, query: str) -> list[str]:
    """See :meth:`SearchIndex.sessions_matching`."""
    index = target if isinstance(target, SearchIndex) else ensure_index(target)
    return index.sessions_matching(query)
