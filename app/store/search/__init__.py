"""Full-text search over a store: what the sessions showed, typed, logged and requested.

Use :func:`ensure_index` (builds the index beside the store once, with progress; reused
afterwards), then :func:`search` for hits (``order="time"`` or ``"relevance"``) and
:func:`sessions_matching` for the session list's filter. The query language is described in
:mod:`app.store.search.query`; a query it cannot read raises :class:`QuerySyntaxError`
whose message is meant for the user.

Why the index is DuckDB tables (an inverted index built in SQL) rather than tantivy or
SQLite FTS5: measured on the 10,000-session, 5-million-event benchmark archive, extracting
the searchable text from the events has to happen in DuckDB whatever engine follows (one
regular-expression scan of the snapshots and mutations, 1-3 s; decoding 5 M events' JSON in
Python takes longer than the whole ingest). Handing the 2.1 M extracted texts to FTS5 then
took 7.4 s more and to tantivy 7.7 s (their inserts go one document at a time through
Python), against 1.8 s for DuckDB's grouped postings of every hit, and 0.02 s once postings
are built from the distinct texts only (pages repeat the same texts in every session). The
whole build measured 0.25× the ingest (medians of 3, goal ≤ 0.3; single runs 0.16-0.43 on a
machine shared with other jobs); 50 mixed queries p95 27-57 ms (goal < 100 ms), an ``ILIKE``
scan of the same texts 97-155 ms. Figures from ``tests/benchmarks/bench_search.py``.

What counts as shown — text in the page and visible, ended by the removal of any ancestor,
hidden by the ``hidden`` attribute, inline ``display: none``/``visibility: hidden`` or a
hiding class of the page's own style sheet — is :mod:`app.store.search.visibility`; the
index of a folder is built incrementally from the folder's earlier index
(:mod:`app.store.search.reuse`).
"""

from __future__ import annotations

from app.store.search.build import IndexCancelled, build_index, index_path_for
from app.store.search.index import (
    Order,
    SearchIndex,
    ensure_index,
    search,
    sessions_matching,
)
from app.store.search.model import FIELDS, KINDS, Hit, Kind, QuerySyntaxError, SearchResult

__all__ = [
    "FIELDS",
    "KINDS",
    "Hit",
    "IndexCancelled",
    "Kind",
    "Order",
    "QuerySyntaxError",
    "SearchIndex",
    "SearchResult",
    "build_index",
    "ensure_index",
    "index_path_for",
    "search",
    "sessions_matching",
]
