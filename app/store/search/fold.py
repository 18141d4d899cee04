"""Case and accent folding, tokenising and snippets, shared by the query and the hit list.

Why in Python as well as in SQL: the index folds text with DuckDB's ``lower(strip_accents())``
and splits it on anything that is not a letter or digit; a query must be folded and split
the same way to find those terms, and a snippet's highlights must point into the original
text (folding "É" to "e" keeps one character per character here, so spans map back).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

TOKEN = re.compile(r"[^\W_]+")
"""A term: a run of letters and digits (the index splits on ``[^\\p{L}\\p{N}]+`` alike)."""
SPLIT_SQL = r"[^\p{L}\p{N}]+"
"""The same split, as the RE2 pattern DuckDB tokenises the indexed text with."""


def fold_char(char: str) -> str:
    """One character without its accents, in lower case (may be empty or several)."""
    decomposed = unicodedata.normalize("NFD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def fold(text: str) -> str:
    """``text`` without accents, in lower case: what the index stores terms as."""
    return "".join(fold_char(c) for c in text)


def tokens(text: str) -> list[str]:
    """The folded terms of ``text``, in order."""
    return TOKEN.findall(fold(text))


def _folded_with_origin(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of its source character."""
    if text.isascii():  # most text: folding is lower case, one character for one
        return text.lower(), list(range(len(text)))
    parts, origin = [], []
    for index, char in enumerate(text):
        folded = fold_char(char)
        parts.append(folded)
        origin.extend([index] * len(folded))
    return "".join(parts), origin


def match_spans(text: str, terms: Iterable[str], prefixes: Iterable[str]) -> list[tuple[int, int]]:
    """Spans of ``text`` whose term equals one of ``terms`` or starts with a ``prefixes``."""
    exact, starts = set(terms), tuple(prefixes)
    folded, origin = _folded_with_origin(text)
    spans = []
    for match in TOKEN.finditer(folded):
        word = match.group()
        if word in exact or (starts and word.startswith(starts)):
            spans.append((origin[match.start()], origin[match.end() - 1] + 1))
    return spans


def snippet(
    text: str, spans: list[tuple[int, int]], width: int = 120
) -> tuple[str, list[tuple[int, int]]]:
    """At most ``width`` characters of ``text`` around its first match, on one line, and
    the match spans moved into it (an ellipsis marks what was cut)."""
    flat = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    if len(flat) <= width:
        return flat, spans
    first = spans[0][0] if spans else 0
    start = max(0, min(first - width // 3, len(flat) - width))
    end = start + width
    lead = "…" if start > 0 else ""
    tail = "…" if end < len(flat) else ""
    shift = len(lead) - start
    inside = [(a + shift, min(b, end) + shift) for a, b in spans if a >= start and a < end]
    return lead + flat[start:end] + tail, inside
