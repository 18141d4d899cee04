"""A finding's funnel: the snapshot saved with it, and its section in the report's documents.

Why a snapshot and not the steps alone: a finding records what the investigator saw when
they made it (the counts under their filters, the difference they marked); the archive's
goals or the filter could change later. The snapshot is plain JSON (in
:attr:`app.store.findings.Finding.funnel`): per step its text and, per side, sessions, users,
conversion, median time and dropped; the sides' labels; which step's difference is
significant (two-proportion z-test at 95 %, :mod:`app.analysis.funnels`). The report shows it
as a table (HTML and Markdown), the significant differences marked ★.
"""

from __future__ import annotations

import html
from typing import Any

from app.analysis.funnels import StepDifference
from app.store.queries.funnels import Funnel, StepCount


def _side(step: StepCount) -> dict[str, Any]:
    return {
        "sessions": step.sessions,
        "users": step.users,
        "conversion": round(step.conversion_from_previous, 4),
        "median_ms": step.median_ms_from_previous,
        "dropped": step.dropped,
    }


def funnel_snapshot(
    a: Funnel,
    a_label: str,
    b: Funnel | None = None,
    b_label: str = "",
    differences: list[StepDifference] | None = None,
    dropped_after: str = "",
) -> dict[str, Any]:
    """What a finding keeps of the funnel shown (``dropped_after``: the step its session
    dropped off after, as the step's text)."""
    steps = []
    for index, step in enumerate(a.steps):
        row: dict[str, Any] = {"step": step.step.text, "a": _side(step)}
        if b is not None:
            row["b"] = _side(b.steps[index])
        if differences is not None:
            row["significant"] = differences[index].significant
        steps.append(row)
    return {
        "a": {"label": a_label, "sessions": a.selected},
        "b": None if b is None else {"label": b_label, "sessions": b.selected},
        "steps": steps,
        "dropped_after": dropped_after,
    }


def _e(text: object) -> str:
    return html.escape(str(text), quote=False)


def _time(ms: int | None) -> str:
    return "" if ms is None else f"{ms / 1000:.1f} s"


def _cells(side: dict[str, Any]) -> list[str]:
    return [
        str(side["sessions"]),
        f"{side['conversion']:.1%}",
        _time(side["median_ms"]),
        str(side["dropped"] or ""),
    ]


def _rows(snapshot: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    compared = snapshot.get("b") is not None
    header = ["Step", "A sessions", "A conversion", "A median time", "A dropped"]
    if compared:
        header += ["B sessions", "B conversion", "B median time", "B dropped", "Difference"]
    rows = []
    for index, step in enumerate(snapshot["steps"], 1):
        mark = " ◀ dropped off here" if step["step"] == snapshot.get("dropped_after") else ""
        cells = [f"{index}. {step['step']}{mark}", *_cells(step["a"])]
        if compared:
            points = (step["b"]["conversion"] - step["a"]["conversion"]) * 100
            star = " ★" if step.get("significant") else ""
            cells += [*_cells(step["b"]), f"{points:+.1f} pts{star}"]
        rows.append(cells)
    return header, rows


def _caption(snapshot: dict[str, Any]) -> str:
    a, b = snapshot["a"], snapshot.get("b")
    text = f"A: {a['label']} ({a['sessions']} sessions)"
    if b is not None:
        text += (
            f"; B: {b['label']} ({b['sessions']} sessions); ★ the conversions differ "
            "significantly (two-proportion z-test, 95 %)"
        )
    return text


def funnel_html(snapshot: dict[str, Any]) -> str:
    """The funnel's section of a finding's HTML card."""
    header, rows = _rows(snapshot)
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr" + (" class='significant'" if "★" in row[-1] else "") + ">"
        + "".join(f"<td>{_e(cell)}</td>" for cell in row) + "</tr>"
        for row in rows
    )  # fmt: skip
    return (
        f"<h3 class='funnel'>The funnel</h3><p>{_e(_caption(snapshot))}</p>"
        f"<table class='funnel'><tr>{head}</tr>{body}</table>"
    )


def funnel_markdown(snapshot: dict[str, Any]) -> list[str]:
    """The funnel's lines of a finding in the Markdown report."""
    header, rows = _rows(snapshot)
    lines = ["", "### The funnel", "", _caption(snapshot), ""]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines
