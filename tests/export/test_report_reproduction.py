"""A findings report carries each finding's session as a runnable pytest-playwright test.

Built from the demo archive with the real generator: the test up to a little after the
finding sits beside the steps to reproduce, in HTML and in Markdown, with the line that runs
it; a session whose test cannot be generated costs the report one line, never the report.
"""

from __future__ import annotations

import ast
import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.demo.plan import ASHLEY_ID, RELEASE_AFTER
from app.export import reproduction
from app.export.documents import _test_markdown, report_html, report_markdown
from app.export.masking import ReportMasking
from app.export.report import FindingReport, build_report
from app.store.demo import demo_archive_path
from app.store.findings import Finding
from app.store.open import open_store
from app.store.store import SessionStore

POSTAL = "NW1 6XE"  # what Ashley typed


@pytest.fixture(scope="module")
def demo() -> Iterator[SessionStore]:
    store, _ = open_store(demo_archive_path())
    with store:
        yield store


def ashley_finding(store: SessionStore) -> Finding:
    """A finding three seconds after the error of Ashley's stuck checkout."""
    sid, error_ms = store.query(
        "SELECT s.session_id, epoch_ms(min(e.ts)) FROM sessions s JOIN errors e USING"
        f" (session_id) WHERE s.user_id = '{ASHLEY_ID}' AND s.release = '{RELEASE_AFTER}'"
        " GROUP BY s.session_id ORDER BY 1 LIMIT 1"
    ).rows[0]
    key = str(store.info()["content_key"])
    return Finding(key, str(sid), int(error_ms) + 3_000, "Checkout freezes", id="f-ashley")


def markdown_of(report: FindingReport, tmp_path: Path) -> str:
    return report_markdown([report], "Findings", tmp_path / "frames", ReportMasking())


def test_the_report_carries_the_test_beside_the_steps(demo: SessionStore, tmp_path: Path) -> None:
    finding = ashley_finding(demo)
    report = build_report(demo, finding)
    test = report.test
    assert test is not None and not test.problem, test and test.problem
    assert test.file_name == f"test_{finding.session_id.replace('-', '_').lower()}.py"
    ast.parse(test.text)
    assert "page.goto(" in test.text and POSTAL not in test.text  # masked by default
    # run against the recorded origin, through pytest-playwright's --base-url
    assert test.how_to == (
        f"pip install pytest-playwright && pytest {test.file_name} "
        "--base-url https://www.performancewear.com"
    )
    assert 'os.environ.get("RI_BASE_URL"' in test.text

    document = report_html([report], "Findings", ReportMasking())
    steps_at = document.index("Steps to reproduce")
    test_at = document.index("Reproduce it: a pytest-playwright test")
    assert steps_at < test_at  # beside (after) the steps, in the finding's card
    code = re.search(r"<pre class='test'><code>(.*?)</code></pre>", document, re.S)
    assert code is not None and html.unescape(code.group(1)) == test.text
    assert html.escape(test.how_to, quote=False) in document

    markdown = markdown_of(report, tmp_path)
    block = re.search(r"\n(`{3,})python\n(.*?)\n\1\n", markdown, re.S)
    assert block is not None
    ast.parse(block.group(2))
    assert block.group(2) == test.text.rstrip("\n")
    assert f"`{test.how_to}`" in markdown
    assert markdown.index("### Steps to reproduce") < markdown.index("### Reproduce it")


def test_the_reports_masking_reaches_its_test(demo: SessionStore) -> None:
    """Masked, the test shows neither the postal code the site let the recorder keep nor
    Ashley's address (her pseudonym instead); unmasked, it types what she typed."""
    finding = ashley_finding(demo)
    masked = build_report(demo, finding).test
    assert masked is not None and not masked.problem
    assert POSTAL not in masked.text and ASHLEY_ID not in masked.text
    assert '.fill("•••")' in masked.text and masked.hidden == 1
    assert "masked like the rest of this report" in html.unescape(
        report_html([build_report(demo, finding)], "Findings", ReportMasking())
    )
    kept = build_report(demo, finding, masking=ReportMasking(personal_data=False)).test
    assert kept is not None and f'.fill("{POSTAL}")' in kept.text and kept.hidden == 0


def test_the_test_ends_a_little_after_the_finding(demo: SessionStore) -> None:
    """Moving the finding earlier shortens its test: the range is the session up to it."""
    finding = ashley_finding(demo)
    whole = build_report(demo, finding).test
    first_click = int(demo.query(  # the first action after the page's load
        f"SELECT epoch_ms(ts) FROM actions WHERE session_id = '{finding.session_id}'"
        " AND type <> 'load' ORDER BY ts LIMIT 1"
    ).rows[0][0])  # fmt: skip
    early = Finding(finding.archive_key, finding.session_id, first_click, "After one click")
    first_moments = build_report(demo, early).test
    assert whole is not None and first_moments is not None
    assert 0 < first_moments.steps < whole.steps


def test_a_session_without_a_test_costs_one_line(
    demo: SessionStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The generator failing for a session (here told to) never fails the report."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise ValueError("session has no\n recorded page")

    monkeypatch.setattr(reproduction, "generate_test", refuse)
    report = build_report(demo, ashley_finding(demo))
    assert report.test is not None
    assert report.test.problem == "No test could be generated: session has no recorded page"
    document = report_html([report], "Findings", ReportMasking())
    assert "<p class='no-test'>No test could be generated: session has no recorded page</p>" in (
        document
    )
    assert "<pre class='test'>" not in document
    markdown = markdown_of(report, tmp_path)
    assert "No test could be generated: session has no recorded page" in markdown
    assert "```python" not in markdown
    assert "Steps to reproduce" in markdown  # the rest of the report is whole


def test_a_fence_outlasts_backticks_in_the_test() -> None:
    """Recorded text with a run of backticks cannot close the Markdown code block early."""
    test = reproduction.ReportTest("test_s.py", "pytest test_s.py", text="x = '````'\n", steps=1)
    lines = _test_markdown(test)
    fence_lines = [line for line in lines if line.startswith("`````")]
    assert fence_lines == ["`````python", "`````"]
