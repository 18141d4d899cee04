"""A finding's funnel: the snapshot saved with it, and its section in the report's documents.

Why a snapshot and not the steps alone: a finding records what the investigator saw when
they made it (the counts under their filters, the difference they marked); the archive's
goals or the filter could change later. The snapshot is plain JSON (in
:attr:`app.store.findings.Finding.funnel`): per step its text and, per side, sessions, users,
conversion, median time and dropped; the sides' labels; which step's difference is
significant (two-proportion z-test at 95 %, :mod:`app.analysis.funnels`). The report shows it
as a bar chart — an SVG drawn here, in plain Python, inline in the HTML and a file beside the
Markdown, as the Funnels tab draws it: each side's share of its sessions per step — and as a
table, the significant differences marked ★.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from app.analysis.funnels import StepDifference
from app.export.markdown_cells import table_cell
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


CHART_W, CHART_H, MARGIN, LABELS_H = 720, 260, 36, 40
SIDE_COLOURS = {"a": "#1f77d4", "b": "#f08c00"}  # the Funnels tab's A and B


def funnel_svg(snapshot: dict[str, Any]) -> str:
    """The funnel as an SVG bar chart: per step, each side's share of its selected sessions,
    its count and share over the bar, ★ over a significant difference."""
    steps = snapshot["steps"]
    sides = [k for k in ("a", "b") if snapshot.get(k) is not None]
    plot_h = CHART_H - MARGIN - LABELS_H
    slot = (CHART_W - 2 * MARGIN) / max(len(steps), 1)
    bar = slot * 0.8 / len(sides)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CHART_W}" height="{CHART_H}" '
        f'viewBox="0 0 {CHART_W} {CHART_H}" font-family="sans-serif" font-size="11" '
        'role="img" aria-label="The funnel">',
        f'<rect width="{CHART_W}" height="{CHART_H}" fill="#ffffff"/>',
        f'<line x1="{MARGIN}" y1="{MARGIN + plot_h}" x2="{CHART_W - MARGIN}" '
        f'y2="{MARGIN + plot_h}" stroke="#888"/>',
    ]
    for n, side in enumerate(sides):  # the legend: which colour is which side
        x = MARGIN + n * 240
        parts.append(f'<rect x="{x}" y="6" width="10" height="10" fill="{SIDE_COLOURS[side]}"/>')
        label = _e(f"{side.upper()}: {snapshot[side]['label']}"[:36])
        parts.append(f'<text x="{x + 14}" y="15" fill="#333">{label}</text>')
    for index, step in enumerate(steps):
        left = MARGIN + index * slot + slot * 0.1
        for n, side in enumerate(sides):
            total = max(int(snapshot[side]["sessions"]), 1)
            count = int(step[side]["sessions"])
            height = plot_h * min(count / total, 1.0)
            x, y = left + n * bar, MARGIN + plot_h - height
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{height:.1f}" '
                f'fill="{SIDE_COLOURS[side]}"/>'
            )
            parts.append(
                f'<text x="{x + bar / 2 - 1:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                f'fill="#333">{count} · {count / total:.0%}</text>'
            )
        if step.get("significant"):
            parts.append(
                f'<text x="{left + slot * 0.4:.1f}" y="{MARGIN - 10}" text-anchor="middle" '
                'fill="#c92a2a" font-size="16">★</text>'
            )
        label = _e(f"{index + 1}. {step['step']}"[:40])
        parts.append(
            f'<text x="{left + slot * 0.4:.1f}" y="{MARGIN + plot_h + 16}" '
            f'text-anchor="middle" fill="#333">{label}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


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
        f"<figure class='funnel'>{funnel_svg(snapshot)}</figure>"
        f"<table class='funnel'><tr>{head}</tr>{body}</table>"
    )


def funnel_markdown(snapshot: dict[str, Any], index: int, frames_dir: Path, link: str) -> list[str]:
    """The funnel's lines of a finding in the Markdown report (its chart written as
    ``finding-<index>-funnel.svg`` in ``frames_dir``, linked as ``link``/name)."""
    header, rows = _rows(snapshot)
    name = f"finding-{index}-funnel.svg"
    (frames_dir / name).write_text(funnel_svg(snapshot), encoding="utf-8")
    lines = ["", "### The funnel", "", _caption(snapshot), "", f"![The funnel]({link}/{name})", ""]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    lines += ["| " + " | ".join(table_cell(cell) for cell in row) + " |" for row in rows]
    return lines
