"""A finding's comparison in the report's documents: an HTML section and Markdown lines.

Two columns, the failed session (A) on the left and the one that went right (B) on the
right; a step only one of them has leaves the other cell blank; the differences are listed
under each row; the first divergence is marked (``class='divergence'`` in HTML, bold with
"◀ first divergence" in Markdown) and a frame of each session just after it comes first.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

from app.export.comparison_report import ComparedRow, ComparedSection
from app.export.markdown_cells import table_cell

SIDES = {"a": "this session (A)", "b": "the session that went right (B)"}


def _e(text: str) -> str:
    return html.escape(str(text), quote=False)


def _offset(ms: int) -> str:
    seconds = max(0, ms) / 1000
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def _cell(step: tuple[int, str] | None) -> str:
    return "" if step is None else f"+{_offset(step[0])} {step[1]}"


def heading(section: ComparedSection) -> str:
    release = f", release {section.other_release}" if section.other_release else ""
    return (
        f"Compared with a session that went right ({section.other_id}, "
        f"{section.other_user}{release})"
    )


def comparison_html(section: ComparedSection) -> str:
    """The comparison's section of a finding's HTML card."""
    parts = [f"<h3 class='compared'>{_e(heading(section))}</h3>"]
    if section.frames:
        figures = "".join(
            f"<figure><img alt='{_e(SIDES[side])} after the divergence' "
            f"src='data:image/png;base64,{base64.b64encode(png).decode()}'>"
            f"<figcaption>{_e(SIDES[side])}, just after the first divergence</figcaption>"
            "</figure>"
            for side, _ms, png in section.frames
        )
        parts.append(f"<div class='frames compared-frames'>{figures}</div>")
    body = "".join(_row_html(row, n == section.divergence) for n, row in enumerate(section.rows))
    parts.append(
        "<table class='aligned'><tr><th>A: this session</th>"
        f"<th>B: {_e(section.other_id)}</th></tr>{body}</table>"
    )
    return "".join(parts)


def _row_html(row: ComparedRow, divergence: bool) -> str:
    mark = " class='divergence'" if divergence else ""
    label = "<b>First divergence</b> " if divergence else ""
    cells = f"<tr{mark}><td>{_e(_cell(row.a))}</td><td>{_e(_cell(row.b))}</td></tr>"
    if not row.differences and not divergence:
        return cells
    listed = "".join(f"<li>{_e(d)}</li>" for d in row.differences)
    under = f"<td colspan='2' class='differences'>{label}<ul>{listed}</ul></td>"
    return f"{cells}<tr{mark}>{under}</tr>"


def comparison_markdown(
    section: ComparedSection, index: int, frames_dir: Path, link: str
) -> list[str]:
    """The comparison's Markdown lines; its frames are written into ``frames_dir``."""
    lines = ["", f"### {heading(section)}", ""]
    for side, _ms, png in section.frames:
        name = f"finding-{index}-compared-{side}.png"
        (frames_dir / name).write_bytes(png)
        lines.append(f"![{SIDES[side]}, just after the first divergence]({link}/{name})")
    lines += ["", f"| A: this session | B: {section.other_id} | Differences |", "|---|---|---|"]
    for n, row in enumerate(section.rows):
        a, b = table_cell(_cell(row.a)), table_cell(_cell(row.b))
        said = "; ".join(table_cell(d) for d in row.differences)
        if n == section.divergence:
            a, b = (f"**{a}**" if a else ""), (f"**{b}**" if b else "")
            said = f"◀ **first divergence** {said}".rstrip()
        lines.append(f"| {a} | {b} | {said} |")
    return lines
