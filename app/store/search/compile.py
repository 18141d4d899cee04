"""A parsed query as SQL over the index's tables: the set of matching texts (their hash
``h``), or of matching sessions.

Why sets of texts: each term is one row of the ``postings`` table per kind of hit (the
hashes of the distinct texts that hold it: an inverted index); AND, OR and NOT are
INTERSECT, UNION and EXCEPT of those sets, all decided on distinct texts, which are far
fewer than hits (every session shows the same buttons). A phrase is the intersection of its
terms, then checked against the folded text of those texts only (the terms must follow each
other, separated by anything that is not a letter or digit). The hits are then the ``docs``
rows whose ``h`` is in the set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.store.search.fold import SPLIT_SQL
from app.store.search.model import FIELDS, KINDS
from app.store.search.query import And, Node, Not, Or, Status, Term

_KIND = {kind: index for index, kind in enumerate(KINDS)}
_EDGE_START = r"(^|[^\p{L}\p{N}])"
_EDGE_END = r"($|[^\p{L}\p{N}])"
_ALL_TEXTS = "SELECT h FROM texts"


@dataclass
class Compiled:
    """SQL text with its ``?`` parameters, in order."""

    sql: str
    params: list[Any] = field(default_factory=list)


def texts(node: Node) -> Compiled:
    """The hashes ``h`` of the texts that match ``node`` (one column, ``h``)."""
    out = Compiled("")
    out.sql = _texts(node, out.params)
    return out


def sessions(node: Node) -> Compiled:
    """The ``session_id``s where ``node`` holds, each term anywhere in the session (so
    ``error:TypeError page:checkout`` finds sessions that had both)."""
    out = Compiled("")
    out.sql = _sessions(node, out.params)
    return out


def _wrap(sql: str) -> str:
    return f"SELECT * FROM ({sql})"


def _combine(parts: list[str], operator: str) -> str:
    return f" {operator} ".join(_wrap(p) for p in parts)


def _texts(node: Node, params: list[Any]) -> str:
    if isinstance(node, Term):
        return _term(node, params)
    if isinstance(node, Status):
        params.extend([node.low, node.high])
        return "SELECT h FROM texts WHERE status BETWEEN ? AND ?"
    if isinstance(node, Not):
        return f"{_wrap(_ALL_TEXTS)} EXCEPT {_wrap(_texts(node.part, params))}"
    if isinstance(node, Or):
        return _combine([_texts(p, params) for p in node.parts], "UNION")
    positive = [p for p in node.parts if not isinstance(p, Not)]
    negative = [p.part for p in node.parts if isinstance(p, Not)]
    sql = _combine([_texts(p, params) for p in positive], "INTERSECT") if positive else _ALL_TEXTS
    for part in negative:
        sql = f"{_wrap(sql)} EXCEPT {_wrap(_texts(part, params))}"
    return sql


def _postings(term: str, prefix: bool, kind: int | None, params: list[Any]) -> str:
    if prefix:
        condition = "term >= ? AND term < ?"
        params.extend([term, term + "\U0010ffff"])
    else:
        condition = "term = ?"
        params.append(term)
    if kind is not None:
        condition += " AND kind = ?"
        params.append(kind)
    return f"SELECT unnest(hs) AS h FROM postings WHERE {condition}"


def _term(node: Term, params: list[Any]) -> str:
    kind = _KIND[FIELDS[node.field]] if node.field else None
    last = len(node.terms) - 1
    parts = [
        _postings(term, node.prefix and index == last, kind, params)
        for index, term in enumerate(node.terms)
    ]
    if len(parts) == 1:
        return parts[0]
    pattern = _EDGE_START + SPLIT_SQL.join(node.terms) + ("" if node.prefix else _EDGE_END)
    params.append(pattern)
    # The check names both sides of the join, so DuckDB cannot push it down into a scan of
    # every text: it runs on the candidates only.
    return (
        f"SELECT c.h FROM ({_combine(parts, 'INTERSECT')}) c JOIN texts t ON t.h = c.h "
        "WHERE regexp_matches(CASE WHEN c.h IS NOT NULL THEN lower(strip_accents(t.text)) END, ?)"
    )


def _sessions(node: Node, params: list[Any]) -> str:
    if isinstance(node, Not):
        return f"SELECT session_id FROM sessions EXCEPT {_wrap(_sessions(node.part, params))}"
    if isinstance(node, Or):
        return _combine([_sessions(p, params) for p in node.parts], "UNION")
    if isinstance(node, And):
        positive = [p for p in node.parts if not isinstance(p, Not)]
        negative = [p.part for p in node.parts if isinstance(p, Not)]
        sql = (
            _combine([_sessions(p, params) for p in positive], "INTERSECT")
            if positive
            else "SELECT session_id FROM sessions"
        )
        for part in negative:
            sql = f"{_wrap(sql)} EXCEPT {_wrap(_sessions(part, params))}"
        return sql
    return f"SELECT DISTINCT session_id FROM docs WHERE h IN ({_texts(node, params)})"
