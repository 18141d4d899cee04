"""A finding made on the Funnels tab carries the funnel into the report (HTML and Markdown):
both sides, the significant difference starred, the step its session dropped off after."""

from __future__ import annotations

import json
import re
from pathlib import Path

from app.analysis.funnels import compare_funnels
from app.export.documents import report_html, report_markdown
from app.export.funnel_document import funnel_snapshot
from app.export.masking import ReportMasking
from app.export.report import build_report
from app.store.demo import demo_archive_path
from app.store.filters import SessionFilter
from app.store.findings import Finding, FindingsStore
from app.store.open import open_store
from app.store.queries.funnels import dropped_after, funnel, parse_step

STEPS = [parse_step(s) for s in ("page:/product/", "page:/cart", "page:/checkout", "goal:purchase")]


def test_the_report_shows_the_funnel_of_a_finding(tmp_path: Path) -> None:
    store, _ = open_store(demo_archive_path(), tmp_path / "demo.db")
    with store:
        goals = store.info()["manifest"]["conversion_goals"]
        a = funnel(store.cursor(), STEPS, SessionFilter(release="2.4.3"), goals)
        b = funnel(store.cursor(), STEPS, SessionFilter(release="2.5.0"), goals)
        (ashley,) = [
            d
            for d in dropped_after(store.cursor(), STEPS, SessionFilter(release="2.5.0"), 2, goals)
            if d.session_id == "s0191"
        ]
        snapshot = funnel_snapshot(
            a, "release 2.4.3", b, "release 2.5.0", compare_funnels(a, b), "page:/checkout"
        )
        saved = FindingsStore().save(
            Finding(store.info()["content_key"], "s0191", ashley.left_ms,
                    "Dropped off after page:/checkout", funnel=json.dumps(snapshot))
        )  # fmt: skip
        finding = FindingsStore().get(saved.id)
        assert finding is not None and json.loads(finding.funnel) == snapshot  # round trip
        report = build_report(store, finding, masking=ReportMasking())
    html = report_html([report], "Findings", ReportMasking())
    assert "<table class='funnel'>" in html
    assert "A: release 2.4.3 (178 sessions); B: release 2.5.0 (122 sessions)" in html
    assert "<td>3. page:/checkout ◀ dropped off here</td>" in html
    table = html.split("<table class='funnel'>")[1].split("</table>")[0]
    starred = [row for row in table.split("<tr") if "★" in row]
    assert len(starred) == 1 and "4. goal:purchase" in starred[0] and "-48.1 pts" in starred[0]
    markdown = report_markdown([report], "Findings", tmp_path / "frames", ReportMasking())
    (row,) = [line for line in markdown.splitlines() if line.startswith("| 4. goal:purchase")]
    assert row.split(" | ")[1:5] == ["55", "87.3%", "23.3 s", ""]
    assert row.endswith("-48.1 pts ★ |")
    # the chart: inline in the HTML, a file beside the Markdown, the last step starred
    svg = html.split("<figure class='funnel'>")[1].split("</figure>")[0]
    assert svg.startswith("<svg") and svg.count("★") == 1
    heights = [float(h) for h in re.findall(r'<rect x="[^"]+" y="[^"]+" width="[^"]+" '
                                            r'height="([^"]+)" fill="#f08c00"', svg)]  # fmt: skip
    bars = heights[1:]  # the first is the legend's swatch
    assert len(bars) == 4 and bars[3] < bars[2] / 2  # B drops by half at the last step
    assert "![The funnel](frames/finding-1-funnel.svg)" in markdown
    written = (tmp_path / "frames" / "finding-1-funnel.svg").read_text(encoding="utf-8")
    assert written == svg


def test_a_finding_without_a_funnel_has_no_funnel_section(tmp_path: Path) -> None:
    store, _ = open_store(demo_archive_path(), tmp_path / "demo.db")
    with store:
        finding = Finding(store.info()["content_key"], "s0191", 1_795_300_000_000, "x")
        report = build_report(store, finding)
    assert report.funnel is None
    assert "class='funnel'" not in report_html([report], "Findings", ReportMasking())
