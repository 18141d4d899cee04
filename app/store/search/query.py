"""The query language: words, "phrases", prefixes (``postal*``), fields (``text:``,
``typed:``, ``console:``, ``error:``, ``url:``, ``status:500``, ``action:``, ``user:``,
``page:``), ``AND``/``OR``/``NOT`` (and ``-word``) with parentheses.

Why a parser of our own: the engine's query is SQL over the index's tables, and the words
must be folded and split exactly as the index was (:mod:`app.store.search.fold`); a small
recursive-descent parser gives the user messages that say what to change. Adjacent terms
mean AND; NOT binds tighter than AND, AND tighter than OR. Operators are upper case only
(a lower-case "and" is a word to find).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.store.search.fold import tokens
from app.store.search.model import FIELDS, QuerySyntaxError


@dataclass(frozen=True)
class Term:
    """Terms in this order (one term, or a phrase), the last one a prefix when ``prefix``."""

    terms: tuple[str, ...]
    prefix: bool = False
    field: str | None = None


@dataclass(frozen=True)
class Status:
    """``status:500`` (``low == high``) or ``status:5*`` / ``status:5xx`` (a range)."""

    low: int
    high: int


@dataclass(frozen=True)
class And:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    part: Node


Node = Term | Status | And | Or | Not

_LEXEME = re.compile(r'\s+|\(|\)|"[^"]*"?|[^\s()"]+')
_STATUS = re.compile(r"([1-5])(\d\d|\d?\*|xx)", re.IGNORECASE)


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "AND", "OR", "NOT", "-", "field", "phrase", "word"
    text: str
    position: int


def _lex(query: str) -> list[_Token]:
    out: list[_Token] = []
    for match in _LEXEME.finditer(query):
        text, at = match.group(), match.start()
        if text.isspace():
            continue
        if text in "()":
            out.append(_Token(text, text, at))
        elif text.startswith('"'):
            if len(text) == 1 or not text.endswith('"'):
                raise QuerySyntaxError(
                    f'The quote at character {at + 1} is not closed: add a closing " '
                    "after the phrase."
                )
            out.append(_Token("phrase", text[1:-1], at))
        elif text in ("AND", "OR", "NOT"):
            out.append(_Token(text, text, at))
        else:
            out.extend(_lex_word(text, at))
    return out


def _lex_word(text: str, at: int) -> list[_Token]:
    out = []
    if text.startswith("-") and len(text) > 1:
        out.append(_Token("-", "-", at))
        text, at = text[1:], at + 1
    name, colon, rest = text.partition(":")
    if colon and name.lower() in FIELDS:
        out.append(_Token("field", name.lower(), at))
        if rest:
            out.append(_Token("word", rest, at + len(name) + 1))
        return out
    out.append(_Token("word", text, at))
    return out


class _Parser:
    def __init__(self, query: str) -> None:
        self.tokens = _lex(query)
        self.index = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Node | None:
        node = self.or_()
        token = self.peek()
        if token is not None:  # only a stray ")" stops or_() early
            raise QuerySyntaxError(
                f"The ')' at character {token.position + 1} closes nothing: remove it or add "
                "a '(' before it."
            )
        return node

    def or_(self) -> Node | None:
        parts = [self.and_()]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            if self.peek() is None or self.peek().kind in (")", "OR", "AND"):  # type: ignore[union-attr]
                raise QuerySyntaxError(
                    f"OR at character {token.position + 1} needs a term after it."
                )
            parts.append(self.and_())
        kept = tuple(p for p in parts if p is not None)
        return None if not kept else kept[0] if len(kept) == 1 else Or(kept)

    def and_(self) -> Node | None:
        parts: list[Node | None] = []
        while (token := self.peek()) is not None and token.kind not in (")", "OR"):
            if token.kind == "AND":
                self.take()
                following = self.peek()
                if not parts or following is None or following.kind in (")", "OR", "AND"):
                    raise QuerySyntaxError(
                        f"AND at character {token.position + 1} needs a term on each side."
                    )
                continue
            parts.append(self.unary())
        kept = tuple(p for p in parts if p is not None)
        return None if not kept else kept[0] if len(kept) == 1 else And(kept)

    def unary(self) -> Node | None:
        token = self.take()
        if token.kind in ("NOT", "-"):
            following = self.peek()
            if following is None or following.kind in (")", "OR", "AND"):
                what = "NOT" if token.kind == "NOT" else "'-'"
                raise QuerySyntaxError(
                    f"{what} at character {token.position + 1} needs a term after it."
                )
            part = self.unary()
            return None if part is None else Not(part)
        return self.primary(token, None)

    def primary(self, token: _Token, field: str | None) -> Node | None:
        if token.kind == "(":
            inner = self.or_()
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise QuerySyntaxError(
                    f"The '(' at character {token.position + 1} is not closed: add a ')'."
                )
            self.take()
            return _with_field(inner, field) if field else inner
        if token.kind == "field":
            following = self.peek()
            if following is None or following.kind not in ("word", "phrase", "("):
                raise QuerySyntaxError(
                    f"{token.text}: at character {token.position + 1} needs a word, a "
                    f'"phrase" or (…) after it, without a space.'
                )
            return self.primary(self.take(), token.text)
        if token.kind in ("word", "phrase"):
            return _leaf(token, field)
        raise QuerySyntaxError(
            f"{token.text} at character {token.position + 1} needs a term before it."
        )


def _leaf(token: _Token, field: str | None) -> Node | None:
    text = token.text.strip()
    if field == "status":
        match = _STATUS.fullmatch(text)
        if match is None:
            raise QuerySyntaxError(
                f"status: needs a status code such as status:500 or status:5* "
                f"(character {token.position + 1})."
            )
        digit, rest = match.groups()
        if rest.isdigit() and len(rest) == 2:
            code = int(digit + rest)
            return Status(code, code)
        if rest[:1].isdigit():  # "50*"
            base = int(digit + rest[0]) * 10
            return Status(base, base + 9)
        base = int(digit) * 100
        return Status(base, base + 99)
    prefix = text.endswith("*")
    terms = tuple(tokens(text.rstrip("*")))
    if not terms:
        return None  # punctuation only: nothing the index could hold
    return Term(terms, prefix, field)


def _with_field(node: Node | None, field: str) -> Node | None:
    """``field:(a OR b)``: the field applies to every term inside that names none."""
    if node is None or isinstance(node, Status):
        return node
    if isinstance(node, Term):
        if field == "status":
            raise QuerySyntaxError("status: needs a status code such as status:500.")
        return node if node.field else Term(node.terms, node.prefix, field)
    if isinstance(node, Not):
        return Not(_with_field(node.part, field))  # type: ignore[arg-type]
    parts = tuple(p for p in (_with_field(p, field) for p in node.parts) if p is not None)
    return type(node)(parts)


def parse(query: str) -> Node:
    """The query as a tree; raises :class:`QuerySyntaxError` with what to change."""
    node = _Parser(query).parse()
    if node is None:
        raise QuerySyntaxError("Type a word to search for (punctuation alone finds nothing).")
    if not _has_positive(node):
        raise QuerySyntaxError(
            "The query only says what to leave out: add a word to search for, e.g. "
            "'checkout -error'."
        )
    return node


def _has_positive(node: Node) -> bool:
    if isinstance(node, Term | Status):
        return True
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(_has_positive(p) for p in node.parts)
    return all(_has_positive(p) for p in node.parts)


def positive_terms(node: Node) -> tuple[set[str], set[str]]:
    """Exact terms and prefixes the query looks for (not under NOT): what to highlight."""
    exact: set[str] = set()
    prefixes: set[str] = set()
    if isinstance(node, Term):
        *whole, last = node.terms
        exact.update(whole)
        (prefixes if node.prefix else exact).add(last)
    elif isinstance(node, And | Or):
        for part in node.parts:
            more_exact, more_prefixes = positive_terms(part)
            exact |= more_exact
            prefixes |= more_prefixes
    return exact, prefixes
