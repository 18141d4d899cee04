"""How two aligned steps differ, in words, and whether the difference is a divergence.

A divergence is a difference that changes the course of the session: a step one side has and
the other not (a repeat of the step just before it excepted: a rage click is not a new
path), another step in the same place, or the same step with another outcome (an error after
it on one side, other requests or statuses, a goal reached on one side only). Typed values
and the text a page showed are reported but do not make a divergence by themselves: they
differ between any two customers.
"""

from __future__ import annotations

import re

from app.compare.model import AlignedStep, Step, page_path
from app.store.queries.compare import RequestRow, StepFacts

MAX_TEXTS = 5


def value_shape(value: str) -> str:
    """The shape of a typed value: its length and which kinds of characters it holds."""
    parts = []
    if any(c.isalpha() for c in value):
        parts.append("letters")
    if any(c.isdigit() for c in value):
        parts.append("digits")
    spaces = value.count(" ")
    if spaces:
        parts.append("a space" if spaces == 1 else f"{spaces} spaces")
    other = [c for c in value if not (c.isalnum() or c == " ")]
    if other and set(other) != {"*"}:
        parts.append("symbols")
    length = f"{len(value)} character{'s' if len(value) != 1 else ''}"
    if set(value) == {"*"}:
        return f"{length}, masked"
    if parts == ["a space"] or not parts:
        return length
    kinds = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return f"{length}: {kinds}" if "space" not in kinds else f"{length}, with {kinds}"


def typed_text(value: str, mask: bool) -> str:
    """A typed value as shown: quoted with its shape, or its shape alone when masked."""
    if mask or (value and set(value) == {"*"}):
        return f"({value_shape(value)})"
    return f"'{value}' ({value_shape(value)})"


def field_name(step: Step) -> str:
    match = re.match(r"^[a-z ]+ on '(.*)'$", step.name)
    return match[1] if match else step.name


def _request(r: RequestRow) -> str:
    status = "—" if r.status is None else str(r.status)
    duration = f" ({r.duration_ms} ms)" if r.duration_ms else ""
    return f"{r.method or 'GET'} {page_path(r.url)} {status}{duration}"


def _outline(facts: StepFacts) -> list[tuple[str, str, int | None]]:
    return [(r.method or "GET", page_path(r.url), r.status) for r in facts.requests]


def describe(
    a: Step, b: Step, fa: StepFacts | None, fb: StepFacts | None, mask: bool
) -> tuple[list[str], bool]:
    """The differences of two matched steps in words, and whether they make a divergence."""
    fa, fb = fa or StepFacts(), fb or StepFacts()
    found: list[str] = []
    diverges = a.token != b.token
    if a.name != b.name:
        found.append(f"different step: {a.name} vs {b.name}")
    elif a.path != b.path:
        found.append(f"on another page: {a.path} vs {b.path}")
    if fa.typed is not None or fb.typed is not None:
        va, vb = fa.typed or "", fb.typed or ""
        if va != vb and (not mask or value_shape(va) != value_shape(vb)):
            found.append(f"{field_name(a)}: {typed_text(va, mask)} vs {typed_text(vb, mask)}")
    if _outline(fa) != _outline(fb):
        diverges = True
        left = ", ".join(map(_request, fa.requests)) or "none"
        right = ", ".join(map(_request, fb.requests)) or "none"
        found.append(f"requests: {left} vs {right}")
    if bool(fa.errors) != bool(fb.errors) or set(fa.errors) != set(fb.errors):
        diverges = True
        for side, errors, others in (("A", fa.errors, fb.errors), ("B", fb.errors, fa.errors)):
            for message in dict.fromkeys(errors):
                if message not in others:
                    found.append(f"error only in {side}: {message}")
    if set(fa.goals) != set(fb.goals):
        diverges = True
        for side, goals, others in (("A", fa.goals, fb.goals), ("B", fb.goals, fa.goals)):
            for goal in dict.fromkeys(goals):
                if goal not in others:
                    found.append(f"goal '{goal}' reached only in {side}")
    for side, signals, others in (("A", fa.signals, fb.signals), ("B", fb.signals, fa.signals)):
        kinds = {o.split(" visible for")[0] for o in others}  # the kind, not its duration
        for signal in dict.fromkeys(signals):
            if signal.split(" visible for")[0] not in kinds:
                diverges = True  # the user got stuck or frustrated on one side only
                found.append(f"only in {side}: {signal}")
    for side, texts, others in (("A", fa.text, fb.text), ("B", fb.text, fa.text)):
        only = [t for t in texts if t not in set(others)]
        if only:
            shown = ", ".join(f"'{t}'" for t in only[:MAX_TEXTS])
            more = f" and {len(only) - MAX_TEXTS} more" if len(only) > MAX_TEXTS else ""
            found.append(f"page showed only in {side}: {shown}{more}")
    return found, diverges


def first_divergence(steps: list[AlignedStep], diverging: list[bool]) -> int | None:
    """The first aligned step that diverges: a flagged matched step, or a step only in one
    session that is not a repeat of that session's previous step."""
    last: dict[str, Step] = {}
    for index, (row, flagged) in enumerate(zip(steps, diverging, strict=True)):
        if row.matched:
            if flagged:
                return index
        else:
            side, step = ("a", row.a) if row.a is not None else ("b", row.b)
            assert step is not None
            previous = last.get(side)
            if previous is None or previous.token != step.token:
                return index
        for side, step in (("a", row.a), ("b", row.b)):
            if step is not None:
                last[side] = step
    return None


def afterwards(steps: list[AlignedStep], index: int, limit: int = 4) -> list[str]:
    """What each session did, on its own, right after step ``index`` (until the next matched
    step): the clicks on an indicator that never went away, a retry, a reload."""
    found = []
    for side in ("a", "b"):
        names: list[str] = []
        for row in steps[index + 1 :]:
            if row.matched:
                break
            step = getattr(row, side)
            if step is not None:
                names.append(step.name)
        runs: list[tuple[str, int]] = []
        for name in names:
            if runs and runs[-1][0] == name:
                runs[-1] = (name, runs[-1][1] + 1)
            else:
                runs.append((name, 1))
        if runs:
            shown = ", ".join(n if k == 1 else f"{n} ×{k}" for n, k in runs[:limit])
            more = f" and {len(runs) - limit} more" if len(runs) > limit else ""
            found.append(f"afterwards only in {side.upper()}: {shown}{more}")
    return found
