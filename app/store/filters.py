"""The selection every investigation view shares: a time range and session attributes.

Why one object: dragging a range on any chart or typing in the filter bar must narrow
every view the same way, so each metric query takes a :class:`SessionFilter` and turns it
into SQL here, with parameters, never by pasting user text into a statement.

Meaning: a session is selected when its attributes match (browser, OS, country, release
exactly; user and page as case-insensitive literal substrings, the page against the URLs of its
actions) and it overlaps the time range. Records (actions, errors, goals, requests) are
selected when they belong to a selected session, lie in the range and, with a page filter,
happened on a matching page.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

_EXACT = ("browser", "os", "country", "release")


def like_match(
    column: str, value: str, match_type: str = "contains", case_sensitive: bool = False
) -> tuple[str, str]:
    r"""SQL testing ``column`` against ``value`` taken literally, and its one parameter.

    ``match_type`` is ``contains`` (the default), ``begins``, ``ends`` or ``equals``. Why the
    escaping: ``%`` and ``_`` are LIKE wildcards; a user filter ``a_b`` must not match
    ``axb``, nor ``50%`` match ``500``. They (and the escape character ``\`` itself) are
    escaped, so typed text means exactly itself in filters and goals alike.
    """
    pattern = {"begins": "{}%", "ends": "%{}", "equals": "{}"}.get(match_type, "%{}%")
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    op = "LIKE" if case_sensitive else "ILIKE"
    return f"{column} {op} ? ESCAPE '\\'", pattern.format(escaped)


@dataclass(frozen=True)
class SessionFilter:
    start_ms: int | None = None
    end_ms: int | None = None
    page: str | None = None
    browser: str | None = None
    os: str | None = None
    country: str | None = None
    release: str | None = None
    user: str | None = None

    def with_range(self, start_ms: int | None, end_ms: int | None) -> SessionFilter:
        return replace(self, start_ms=start_ms, end_ms=end_ms)

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, f.name) in (None, "") for f in fields(self))

    def _range(
        self, terms: list[str], params: list[Any], end_column: str, start_column: str
    ) -> None:
        """Overlap with [start_ms, end_ms): what ends after the start and starts before the end."""
        if self.start_ms is not None:
            terms.append(f"{end_column} >= epoch_ms(?::BIGINT)")
            params.append(self.start_ms)
        if self.end_ms is not None:
            terms.append(f"{start_column} < epoch_ms(?::BIGINT)")
            params.append(self.end_ms)

    def sessions_where(self, alias: str = "s") -> tuple[str, list[Any]]:
        """A condition on the ``sessions`` table (aliased ``alias``) and its parameters."""
        terms: list[str] = []
        params: list[Any] = []
        for name in _EXACT:
            value = getattr(self, name)
            if value:
                terms.append(f"{alias}.{name} = ?")
                params.append(value)
        if self.user:
            condition, pattern = like_match(f"{alias}.user_id", self.user)
            terms.append(condition)
            params.append(pattern)
        self._range(terms, params, f"{alias}.ended_at", f"{alias}.started_at")
        if self.page:
            condition, pattern = like_match("pa.url", self.page)
            terms.append(
                f"EXISTS (SELECT 1 FROM actions pa WHERE pa.session_id = {alias}.session_id"
                f" AND {condition})"
            )
            params.append(pattern)
        return (" AND ".join(terms) or "TRUE"), params

    def records_where(self, alias: str, *, has_url: bool = True) -> tuple[str, list[Any]]:
        """A condition on a record table with ``session_id``, ``ts`` (and ``url``)."""
        terms: list[str] = []
        params: list[Any] = []
        self._range(terms, params, f"{alias}.ts", f"{alias}.ts")
        if self.page and has_url:
            condition, pattern = like_match(f"{alias}.url", self.page)
            terms.append(condition)
            params.append(pattern)
        return (" AND ".join(terms) or "TRUE"), params
