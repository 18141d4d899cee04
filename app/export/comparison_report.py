"""What a report says about a finding's comparison: the two step lists aligned, and where
they part ways (issue 20, Deliver 5).

A finding made in the Compare tab remembers the session that went right
(``Finding.compared_with``); its report then shows both sessions' steps side by side, matched
steps on one row, steps only in one beside a blank, the differences under each row and the
first divergence marked, with a frame of each session just after the divergence (filled in
by :mod:`app.replay.exporting`, as the finding's own frames are).

Masked like the rest of the report: the comparison is made with ``mask`` (typed values by
their shape only), user ids go through the report's :class:`UserIds`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from app.compare import Comparison, Step, compare
from app.export.masking import HIDDEN, ReportMasking, UserIds, mask_query, typed_values
from app.store.queries import compare as compare_queries
from app.store.queries import replay as replay_queries
from app.store.store import SessionStore

AFTER_DIVERGENCE_MS = 2_000  # what the page showed once the diverging step had its effect
ADDRESS = re.compile(r"https?://[^\s'\"]+")


@dataclass(frozen=True)
class ComparedRow:
    """One aligned row: a step of each session as ``(ms into its session, name)`` or ``None``
    when only the other has it, and how the two differ."""

    a: tuple[int, str] | None
    b: tuple[int, str] | None
    differences: list[str]


@dataclass
class ComparedSection:
    other_id: str
    other_user: str
    other_release: str
    rows: list[ComparedRow]
    divergence: int | None  # index into ``rows``
    moment_a_ms: int | None  # epoch ms of each session's frame (after the divergence)
    moment_b_ms: int | None
    frames: list[tuple[str, int, bytes]] = field(default_factory=list)  # (side, ms, PNG)


def _side_moment(comparison: Comparison, side: str, end_ms: int) -> int | None:
    """When ``side`` (``a`` or ``b``) diverged: its step on the divergence row, else its last
    step before it (the other side has a step this one lacks), else its first after."""
    index = comparison.first_divergence
    if index is None:
        return None
    rows = comparison.steps
    ordered = [*reversed(rows[: index + 1]), *rows[index + 1 :]]
    step: Step | None = next((getattr(r, side) for r in ordered if getattr(r, side)), None)
    if step is None:
        return None
    return min(step.ts_ms + AFTER_DIVERGENCE_MS, end_ms)


def build_comparison(
    store: SessionStore, session_id: str, other_id: str, masking: ReportMasking, user: UserIds
) -> ComparedSection:
    """The comparison of ``session_id`` with ``other_id`` as the report shows it."""
    comparison = compare(store, session_id, other_id, mask=masking.personal_data)
    mine = replay_queries.detail(store.cursor(), session_id)
    theirs = replay_queries.detail(store.cursor(), other_id)
    if mine is None or theirs is None:
        raise ValueError(f"session {other_id} is not in this archive")
    mask = masking.personal_data
    # what either customer typed and the recording kept readable: the page may echo it
    # ("Ship to Paris, 75011"), and a masked report prints no typed value
    typed = _typed_values(store, (session_id, other_id)) if mask else []

    def shown(step: Step | None, start_ms: int) -> tuple[int, str] | None:
        return None if step is None else (step.ts_ms - start_ms, user.in_text(step.name))

    def said(text: str) -> str:
        if mask:
            text = ADDRESS.sub(lambda m: mask_query(m.group(0)), text)
            for value in typed:
                text = text.replace(value, HIDDEN)
        return user.in_text(text)

    rows = [
        ComparedRow(
            shown(r.a, mine.start_ms),
            shown(r.b, theirs.start_ms),
            [said(d) for d in r.differences],
        )
        for r in comparison.steps
    ]
    head = compare_queries.heads(store.cursor(), [other_id]).get(other_id)
    return ComparedSection(
        other_id=other_id,
        other_user=user(theirs.user_id) if theirs.user_id else "anonymous",
        other_release=(head.release if head else None) or "",
        rows=rows,
        divergence=comparison.first_divergence,
        moment_a_ms=_side_moment(comparison, "a", mine.end_ms),
        moment_b_ms=_side_moment(comparison, "b", theirs.end_ms),
    )


def _typed_values(store: SessionStore, sessions: tuple[str, ...]) -> list[str]:
    """The readable values ``sessions`` left in their fields, longest first (so that a value
    inside another is not replaced first).

    Only each edit's final value, of three characters or more: the keystrokes before it
    ("N", "NW", "NW1"…) would otherwise replace letters all over the report's text.
    """
    found: set[str] = set()
    for sid in sessions:
        events = json.loads(replay_queries.events_json(store.cursor(), sid))
        last: dict[object, str] = {}
        for event in events:
            value = next(iter(typed_values([event])), None)
            if value is None:
                continue
            field_id = event["data"].get("id")
            before = last.get(field_id)
            if before is not None and not (value.startswith(before) or before.startswith(value)):
                found.add(before)  # another edit of the field begins: the last one ended
            last[field_id] = value
        found.update(last.values())
    return sorted((v for v in found if len(v.strip()) >= 3), key=len, reverse=True)
