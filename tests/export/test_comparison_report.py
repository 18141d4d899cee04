"""A finding that carries its comparison, in the report: Ashley's failed checkout (``s0191``)
against the session the engine picks — the two step lists aligned with her "Place order"
row marked as the first divergence, a frame of each session just after it, in HTML (opened
in the browser engine, images loaded) and Markdown; masked, her postal code is nowhere."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.compare import compare
from app.export.documents import report_html
from app.export.masking import ReportMasking
from app.export.report import build_report
from app.main import main
from app.replay.engine import prepare_web_engine
from app.store.demo import demo_archive_path
from app.store.findings import Finding, FindingsStore
from app.store.open import open_store

prepare_web_engine()

from PySide6.QtCore import QUrl  # noqa: E402
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: E402

pytestmark = pytest.mark.webengine
ASHLEY = "s0191"
POSTAL = "NW1 6XE"
OTHER_POSTAL = "75011"  # the other customer's, echoed by their page: "Ship to Paris, 75011"
PLACE_ORDER = "click on 'btn_sell-421198'"
DEMO = str(demo_archive_path())


@pytest.fixture
def compared_finding() -> Iterator[Finding]:
    """A finding on Ashley's session at the divergence, compared with the engine's pick."""
    store, _ = open_store(demo_archive_path())
    with store:
        comparison = compare(store, ASHLEY)
        assert comparison.other is not None and comparison.first_divergence is not None
        step = comparison.steps[comparison.first_divergence].a
        assert step is not None
        key = store.info()["content_key"]
    yield FindingsStore().save(
        Finding(key, ASHLEY, step.ts_ms, "Place order never answers", severity="critical",
                compared_with=comparison.other)
    )  # fmt: skip


def test_html_report_aligns_both_sessions_and_shows_a_frame_of_each(
    compared_finding: Finding, tmp_path: Path, qtbot: Any
) -> None:
    out = tmp_path / "report.html"
    assert main(["export", DEMO, "--format", "html", "--out", str(out)]) == 0
    document = out.read_text(encoding="utf-8")
    other = compared_finding.compared_with
    assert f"Compared with a session that went right ({other}, user " in document
    assert POSTAL not in document
    assert "Postal code: (7 characters, with letters, digits and a space)" in document

    view = QWebEngineView()
    view.resize(1200, 900)
    view.show()
    qtbot.waitExposed(view)
    view.load(QUrl.fromLocalFile(str(out)))

    def js(code: str) -> Any:
        with qtbot.waitCallback(timeout=10_000) as callback:
            view.page().runJavaScript(f"JSON.stringify({code})", 0, callback)
        return json.loads(callback.args[0])

    qtbot.waitUntil(lambda: js("document.querySelectorAll('table.aligned').length") == 1,
                    timeout=20_000)  # fmt: skip
    rows = js(
        "[...document.querySelectorAll('table.aligned tr')].filter(r => r.cells.length == 2)"
        ".slice(1).map(r => [r.cells[0].textContent, r.cells[1].textContent,"
        " r.classList.contains('divergence')])"
    )
    marked = [r for r in rows if r[2]]
    assert len(marked) == 1 and PLACE_ORDER in marked[0][0] and PLACE_ORDER in marked[0][1]
    assert any(a and not b for a, b, _ in rows)  # her steps the other never needed
    assert sum(1 for a, b, _ in rows if a and b) >= 15  # the same path, side by side
    under = js("document.querySelector('tr.divergence td.differences').textContent")
    assert "error only in A" in under and "Thank you for your order!" in under
    captions = js(
        "[...document.querySelectorAll('.compared-frames figure')].map(f => ["
        "f.querySelector('img').complete && f.querySelector('img').naturalWidth > 100,"
        " f.textContent])"
    )
    assert [loaded for loaded, _ in captions] == [True, True]
    assert "this session (A)" in captions[0][1] and "went right (B)" in captions[1][1]
    view.close()


def test_markdown_report_has_the_aligned_table_and_both_frames(
    compared_finding: Finding, tmp_path: Path
) -> None:
    md = tmp_path / "finding.md"
    assert main(["export", DEMO, "--format", "md", "--out", str(md)]) == 0
    text = md.read_text(encoding="utf-8")
    assert f"| A: this session | B: {compared_finding.compared_with} | Differences |" in text
    (diverging,) = [line for line in text.splitlines() if "◀ **first divergence**" in line]
    assert diverging.count(PLACE_ORDER) == 2 and "error only in A" in diverging
    assert POSTAL not in text
    for side in "ab":
        png = tmp_path / "finding-frames" / f"finding-1-compared-{side}.png"
        assert png.read_bytes()[:4] == b"\x89PNG"
        assert f"finding-frames/{png.name}" in text


def test_the_comparison_shows_typed_values_only_when_unmasked(compared_finding: Finding) -> None:
    store, _ = open_store(demo_archive_path())
    with store:
        documents = {
            mask: report_html(
                [build_report(store, compared_finding, masking=ReportMasking(mask))],
                "t",
                ReportMasking(mask),
            )
            for mask in (True, False)
        }
    assert POSTAL in documents[False] and POSTAL not in documents[True]
    assert OTHER_POSTAL in documents[False] and OTHER_POSTAL not in documents[True]
    assert "Compared with a session that went right" in documents[True]
