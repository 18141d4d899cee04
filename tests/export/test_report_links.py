"""Reports carry, beside each finding, the link that opens its moment in the app."""

from __future__ import annotations

from pathlib import Path

from app.export.documents import report_html, report_markdown
from app.export.masking import ReportMasking
from app.export.moment_link import parse_link
from app.export.report import build_report
from app.store.demo import demo_archive_path
from app.store.findings import Finding
from app.store.open import open_store
from tests.export.test_reports import ashley_session, first_error_ms


def test_each_finding_of_a_report_links_to_its_moment(tmp_path: Path) -> None:
    store, _ = open_store(demo_archive_path())
    with store:
        sid = ashley_session(store)
        error_ms = first_error_ms(store, sid)
        key = store.info()["content_key"]
        finding = Finding(key, sid, error_ms, "Checkout freezes")
        report = build_report(store, finding)
    link = parse_link(report.link)
    assert (link.archive, link.session, link.t_ms) == (key, sid, error_ms)
    assert link.path == demo_archive_path().name  # the name only: no folder of this machine
    html = report_html([report], "Findings", ReportMasking())
    assert f"<a href='{report.link.replace('&', '&amp;')}'>Open this moment" in html
    markdown = report_markdown([report], "Findings", tmp_path / "frames", ReportMasking())
    assert f"- **Open in Replay Investigator:** <{report.link}>" in markdown
