"""Findings reports as documents: one self-contained HTML file, or Markdown with PNG files.

The HTML report makes no request of its own: styles are inline, frames are ``data:`` PNGs,
the clip's player is the rrweb build the app ships, inlined, with the clip's events, and a
Content-Security-Policy forbids anything remote (the recorded page's own images and fonts
included, so the clip shows the page's structure and styles as recorded). The clip's events
pass through the player's ``defuse.js`` first: connection hints (``<link rel=preconnect>``)
are beyond any CSP.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from app.export.click_map_document import click_map_html, click_map_markdown
from app.export.comparison_document import comparison_html, comparison_markdown
from app.export.funnel_document import funnel_html, funnel_markdown
from app.export.masking import ReportMasking
from app.export.report import ErrorContext, FindingReport
from app.export.reproduction import ReportTest, summary_of
from app.resources import resource_path, vendor_path

SEVERITY_COLOURS = {
    "critical": "#c92a2a",
    "major": "#e8590c",
    "minor": "#e0a800",
    "info": "#1c7ed6",
}
CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "script-src 'unsafe-inline'; font-src data:; frame-src 'self' about:"
)


def _when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _offset(ms: int) -> str:
    seconds = max(0, ms) / 1000
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def _e(text: str) -> str:
    return html.escape(str(text), quote=False)


def _stack_lines(err: ErrorContext) -> list[str]:
    lines = []
    for frame in err.frames:
        lines.append(f"    at {frame.describe()}")
        if frame.original and frame.original.code:
            lines.append(f"         {frame.original.code.strip()}")
    return lines


def _user_list(users: list[str]) -> str:
    if not users:
        return ""
    more = "…" if len(users) > 12 else ""
    return ": " + _e(", ".join(users[:12])) + more


def _script_json(value: object) -> str:
    """``value`` as JSON that is safe as the text of a ``<script type=application/json>``.

    Why every ``<`` is escaped (``\\u003c``, the same string to ``JSON.parse``), not only
    ``</``: recorded text such as ``<!--<script>`` sends the HTML tokenizer into its
    "double-escaped" script state, where the element's own ``</script>`` no longer ends it —
    the rest of the report, rrweb and the clip player included, became that element's text
    and no clip played (found by the hostile-page corpus, ``script-breakout-text``).
    """
    return json.dumps(value, separators=(",", ":")).replace("<", "\\u003c")


def _test_html(test: ReportTest) -> str:
    """The finding's generated test under the steps, or the one line saying why there is none."""
    heading = "<h3>Reproduce it: a pytest-playwright test</h3>"
    if test.problem:
        return f"{heading}<p class='no-test'>{_e(test.problem)}</p>"
    return (
        f"{heading}<p>Save as <code>{_e(test.file_name)}</code> and run "
        f"<code>{_e(test.how_to)}</code><br>{_e(summary_of(test))}.</p>"
        f"<pre class='test'><code>{_e(test.text)}</code></pre>"
    )


def _fence(text: str) -> str:
    """A Markdown code fence longer than any run of backticks in ``text`` (so a recorded
    value cannot end the block early)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _test_markdown(test: ReportTest) -> list[str]:
    lines = ["", "### Reproduce it: a pytest-playwright test", ""]
    if test.problem:
        return [*lines, test.problem]
    fence = _fence(test.text)
    lines += [
        f"Save as `{test.file_name}` and run `{test.how_to}`",
        "",
        f"{summary_of(test)}.",
        "",
        f"{fence}python",
        test.text.rstrip("\n"),
        fence,
    ]
    return lines


def _link_html(link: str) -> str:
    """The moment's link: a click opens it in Replay Investigator (when installed)."""
    if not link:
        return ""
    return (
        f"<p class='moment-link'><a href='{html.escape(link)}'>Open this moment in Replay "
        f"Investigator</a> <code>{_e(link)}</code></p>"
    )


def _finding_html(report: FindingReport, index: int) -> str:
    f = report.finding
    colour = SEVERITY_COLOURS.get(f.severity, "#495057")
    rows = [
        (
            "Moment",
            f"{_when(f.ts_ms)} (+{_offset(f.ts_ms - report.session_start_ms)} into the session)",
        ),
        ("User", report.user_id),
        ("Session", f"{f.session_id} · release {report.release or '—'}"),
        ("Browser", f"{report.browser} on {report.os} · {report.country}"),
        ("Page", report.page or "—"),
    ]
    facts = "".join(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in rows)
    steps = "".join(
        f"<tr><td>{_offset(ts - report.session_start_ms)}</td><td>{_e(kind)}</td>"
        f"<td>{_e(name)}</td></tr>"
        for ts, kind, name in report.steps
    )
    parts = [
        f"<section class='card' id='finding-{index}'>",
        f"<h2><span class='sev' style='background:{colour}'>{_e(f.severity)}</span>"
        f"{_e(f.title)}</h2>",
        "".join(f"<span class='tag'>{_e(t)}</span>" for t in f.tags),
        f"<p>{_e(f.note)}</p>" if f.note else "",
        f"<table class='facts'>{facts}</table>",
        _link_html(report.link),
    ]
    if report.frames:
        figures = "".join(
            f"<figure><img alt='frame at +{_offset(ts - report.session_start_ms)}' "
            f"src='data:image/png;base64,{base64.b64encode(png).decode()}'>"
            f"<figcaption>+{_offset(ts - report.session_start_ms)}"
            f"{' — the moment' if ts == f.ts_ms else ''}</figcaption></figure>"
            for ts, png in report.frames
        )
        parts.append(
            f"<h3>The replay at and around the moment</h3><div class='frames'>{figures}</div>"
        )
    if report.comparison is not None:
        parts.append(comparison_html(report.comparison))
    if report.funnel is not None:
        parts.append(funnel_html(report.funnel))
    if report.click_map is not None:
        parts.append(click_map_html(report.click_map, report.click_map_png))
    parts.append(
        "<h3>Steps to reproduce</h3><table><tr><th>Time</th><th>Type</th><th>User action</th></tr>"
        f"{steps}</table>"
    )
    if report.test is not None:
        parts.append(_test_html(report.test))
    if report.error:
        err = report.error
        stack = "\n".join(_stack_lines(err))
        parts.append(
            f"<h3>JavaScript error</h3><p><b>{_e(err.message)}</b><br>"
            f"at +{_offset(err.ts_ms - report.session_start_ms)}, in the user action "
            f"<code>{_e(err.caused_by)}</code></p><pre>{_e(stack or err.message)}</pre>"
            f"<p>It affected <b>{len(err.users)}</b> users in <b>{len(err.sessions)}</b> sessions"
            f"{_user_list(err.users)}.</p>"
        )
    if report.clip:
        at = max(0, report.finding.ts_ms - report.clip[0]["timestamp"])
        payload = _script_json(report.clip)
        parts.append(
            f"<h3>Clip</h3><div class='clip' data-at='{at}'>"
            "<button type='button'>Play the clip</button><div class='stage'></div>"
            f"<script type='application/json'>{payload}</script></div>"
        )
    parts.append("</section>")
    return "".join(parts)


def report_html(reports: Sequence[FindingReport], title: str, masking: ReportMasking) -> str:
    """One self-contained HTML document for ``reports``; its header says what was masked."""
    rrweb_js = (
        vendor_path("rrweb.umd.min.js")
        .read_text(encoding="utf-8")
        .replace("</script", "<\\/script")
    )
    rrweb_css = vendor_path("rrweb.min.css").read_text(encoding="utf-8")
    style = resource_path("export", "report.css").read_text(encoding="utf-8")
    clip_js = resource_path("export", "clip.js").read_text(encoding="utf-8")
    defuse_js = resource_path("player", "defuse.js").read_text(encoding="utf-8")
    summary = "".join(
        f"<li><a href='#finding-{i}'>{_e(r.finding.title)}</a> — {_e(r.finding.severity)}, "
        f"{_e(r.user_id)}, {_when(r.finding.ts_ms)}</li>"
        for i, r in enumerate(reports, 1)
    )
    body = "".join(_finding_html(r, i) for i, r in enumerate(reports, 1))
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">"
        f"<title>{_e(title)}</title><style>{style}{rrweb_css}</style></head><body><main>"
        f"<h1>{_e(title)}</h1><p class='meta'>{len(reports)} finding(s) · exported "
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} by Replay Investigator</p>"
        f"<p class='meta masking'>{_e(masking.statement())}</p>"
        f"<div class='card'><h2>Summary</h2><ol>{summary}</ol></div>{body}</main>"
        f"<script>{rrweb_js}</script><script>{defuse_js}</script><script>{clip_js}</script>"
        "</body></html>"
    )


def markdown_frames_dir(report: Path) -> Path:
    """The folder beside a Markdown report that holds its frames."""
    return report.with_name(report.stem + "-frames")


def report_markdown(
    reports: Sequence[FindingReport],
    title: str,
    frames_dir: Path,
    masking: ReportMasking,
    frames_link: str | None = None,
) -> str:
    """Markdown for an issue tracker; frames are written as PNG files into ``frames_dir``
    and linked as ``frames_link/…`` (the folder's name unless given: it may be written under
    a temporary name and renamed)."""
    link = frames_link or frames_dir.name
    frames_dir.mkdir(parents=True, exist_ok=True)
    lines = [
        f"# {title}",
        "",
        f"{len(reports)} finding(s).",
        "",
        f"*{masking.statement()}*",
        "",
    ]
    for index, r in enumerate(reports, 1):
        f = r.finding
        lines += [
            f"## {index}. {f.title} ({f.severity})",
            "",
            f.note,
            "",
            f"- **Moment:** {_when(f.ts_ms)} (+{_offset(f.ts_ms - r.session_start_ms)})",
            f"- **User / session:** {r.user_id} / {f.session_id} (release {r.release or '—'})",
            f"- **Browser:** {r.browser} on {r.os}, {r.country}",
            f"- **Page:** {r.page or '—'}",
            f"- **Tags:** {', '.join(f.tags) or '—'}",
            *([f"- **Open in Replay Investigator:** <{r.link}>"] if r.link else []),
            "",
        ]
        for n, (ts, png) in enumerate(r.frames, 1):
            name = f"finding-{index}-frame-{n}.png"
            (frames_dir / name).write_bytes(png)
            lines.append(f"![+{_offset(ts - r.session_start_ms)}]({link}/{name})")
        lines += ["", "### Steps to reproduce", ""]
        lines += [
            f"{n}. `+{_offset(ts - r.session_start_ms)}` {name}"
            for n, (ts, _kind, name) in enumerate(r.steps, 1)
        ]
        if r.comparison is not None:
            lines += comparison_markdown(r.comparison, index, frames_dir, link)
        if r.funnel is not None:
            lines += funnel_markdown(r.funnel, index, frames_dir, link)
        if r.click_map is not None:
            lines += click_map_markdown(r.click_map, r.click_map_png, index, frames_dir, link)
        if r.test is not None:
            lines += _test_markdown(r.test)
        if r.error:
            lines += [
                "",
                "### JavaScript error",
                "",
                f"**{r.error.message}** — in `{r.error.caused_by}`",
                "",
                "```",
            ]
            lines += [f"at {frame.describe()}" for frame in r.error.frames] or [r.error.message]
            lines += [
                "```",
                "",
                f"Affected {len(r.error.users)} users in {len(r.error.sessions)} sessions.",
                "",
            ]
        lines.append("")
    return "\n".join(lines)
