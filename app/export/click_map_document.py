"""A finding's click map: the snapshot saved with it, and its section in the reports.

Why a snapshot and not only the page: a finding is read later, maybe after more sessions
came in or the filter bar changed; it keeps what the investigator saw — the page pattern,
the filter, the layer and heat, the element they chose and the hottest elements with their
counts — in :attr:`app.store.findings.Finding.click_map`. The report draws the map again
from the snapshot's page and filter over a frame of the same session and moment, rendered
from masked events when masking is on (:mod:`app.replay.exporting`), and lists the counts
the finding was made on.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

from app.export.markdown_cells import table_cell
from app.maps import ClickMap, ranked

TOP_ELEMENTS = 10


def click_map_snapshot(
    result: ClickMap, flt: dict[str, Any], layer: str, heat: str, chosen: str
) -> dict[str, Any]:
    """What a finding keeps of the map shown (``flt``: the filter bar's fields)."""
    return {
        "page": result.page,
        "filter": {k: v for k, v in flt.items() if v not in (None, "")},
        "layer": layer,
        "heat": heat,
        "chosen": chosen,
        "clicks": result.total,
        "frame": {"session": result.frame_session, "at": result.frame_ms},
        "elements": [
            {
                "selector": e.selector,
                "label": e.label,
                "heat": e.heat(heat),  # type: ignore[arg-type]
                "clicks": e.clicks,
                "error": e.error,
                "rage": e.rage,
                "dead": e.dead,
                "sessions": len(e.sessions),
            }
            for e in ranked(result, heat)[:TOP_ELEMENTS]  # type: ignore[arg-type]
        ],
    }


def _caption(snapshot: dict[str, Any]) -> str:
    shown = ", ".join(f"{k} {v}" for k, v in snapshot.get("filter", {}).items()) or "no filter"
    heat = "clicks + 4× trouble clicks" if snapshot.get("heat") == "trouble" else "clicks"
    return (
        f"Click map of {snapshot['page']} ({snapshot.get('clicks', 0)} clicks; {shown}; "
        f"layer {snapshot.get('layer')}, heat: {heat}); chosen element {snapshot.get('chosen')}."
    )


_COLUMNS = ("heat", "clicks", "error", "rage", "dead", "sessions")


def _named_html(element: dict[str, Any]) -> str:
    """An element's cell: its name (when it has one, from maps of this version on) and its
    selector."""
    name = f"{html.escape(element['label'])} " if element.get("label") else ""
    return f"{name}<code>{html.escape(element['selector'])}</code>"


def click_map_html(snapshot: dict[str, Any], png: bytes | None) -> str:
    """The map's section of a finding's HTML card: the drawn map and its top elements."""
    image = (
        f"<figure><img alt='click map' src='data:image/png;base64,"
        f"{base64.b64encode(png).decode()}'></figure>"
        if png
        else ""
    )
    head = "<th>element</th>" + "".join(f"<th>{c}</th>" for c in _COLUMNS)
    body = "".join(
        "<tr>"
        + f"<td>{_named_html(e)}</td>"
        + "".join(f"<td>{e.get(c, '')}</td>" for c in _COLUMNS)
        + "</tr>"
        for e in snapshot.get("elements", [])
    )
    return (
        f"<h3 class='click-map'>The click map</h3><p>{html.escape(_caption(snapshot))}</p>"
        f"{image}<table class='click-map'><tr>{head}</tr>{body}</table>"
    )


def click_map_markdown(
    snapshot: dict[str, Any], png: bytes | None, index: int, frames_dir: Path, link: str
) -> list[str]:
    """The map's lines of a finding in the Markdown report (its image written beside it)."""
    lines = ["", "### The click map", "", _caption(snapshot), ""]
    if png:
        name = f"finding-{index}-click-map.png"
        (frames_dir / name).write_bytes(png)
        lines += [f"![click map]({link}/{name})", ""]
    lines.append("| element | " + " | ".join(_COLUMNS) + " |")
    lines.append("|---" * (len(_COLUMNS) + 1) + "|")
    for e in snapshot.get("elements", []):
        values = " | ".join(str(e.get(c, "")) for c in _COLUMNS)
        name = f"{table_cell(e['label'])} " if e.get("label") else ""
        lines.append(f"| {name}`{e['selector']}` | {values} |")
    return lines
