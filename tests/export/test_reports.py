"""Every export format from the demo archive: HTML (opened with all network blocked, frames
shown, clip playing), Markdown with PNGs, PDF (read back with poppler), CSV and rrweb — and
masking that removes Ashley's typed postal code."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.demo.plan import ASHLEY_ID, RELEASE_AFTER
from app.export.masking import ReportMasking
from app.main import main
from app.replay.engine import prepare_web_engine
from app.store.demo import demo_archive_path
from app.store.findings import Finding, FindingsStore
from app.store.open import open_store

prepare_web_engine()

from PySide6.QtCore import QUrl  # noqa: E402
from PySide6.QtWebEngineCore import (  # noqa: E402
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineUrlRequestInterceptor,
)
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: E402

pytestmark = pytest.mark.webengine
POSTAL = "NW1 6XE"
DEMO = str(demo_archive_path())


def ashley_session(store: Any) -> str:
    """Her stuck session's id."""
    return str(
        store.query(
            f"SELECT session_id FROM sessions WHERE user_id = '{ASHLEY_ID}'"
            f" AND release = '{RELEASE_AFTER}'"
        ).rows[0][0]
    )


def first_error_ms(store: Any, session_id: str) -> int:
    """When the session's first JavaScript error happened (epoch ms)."""
    (error_ms,) = store.query(
        f"SELECT epoch_ms(min(ts)) FROM errors WHERE session_id = '{session_id}'"
    ).rows[0]
    return int(error_ms)


@pytest.fixture
def ashley_finding() -> Iterator[Finding]:
    store, _ = open_store(demo_archive_path())
    with store:
        sid = ashley_session(store)
        (error_ms,) = store.query(
            f"SELECT epoch_ms(min(ts)) FROM errors WHERE session_id = '{sid}'"
        ).rows[0]
        key = store.info()["content_key"]
    yield FindingsStore().save(
        Finding(key, sid, error_ms + 3_000, "Checkout freezes after the postal code",
                note="The spinner never goes away.", severity="critical", tags=("checkout",))
    )  # fmt: skip


class Recorder(QWebEngineUrlRequestInterceptor):
    """Blocks everything but the report file itself, and remembers what was asked for."""

    def __init__(self, report: QUrl) -> None:
        super().__init__()
        self.report = report.toString()
        self.requests: list[str] = []

    def interceptRequest(self, info: Any) -> None:
        url = info.requestUrl().toString()
        if url != self.report and not url.startswith(("data:", "about:", "blob:")):
            self.requests.append(url)
            info.block(True)


def test_html_report_shows_frames_and_plays_its_clip_offline(
    ashley_finding: Finding, tmp_path: Path, qtbot: Any
) -> None:
    out = tmp_path / "report.html"
    assert main(["export", DEMO, "--format", "html", "--out", str(out)]) == 0
    document = out.read_text(encoding="utf-8")
    assert POSTAL not in document  # masked in the clip (and never in the text)
    assert "click on 'btn_sell-421198'" in document and "src/shop.js" in document

    guard = Recorder(QUrl.fromLocalFile(str(out)))
    profile = QWebEngineProfile()
    profile.setUrlRequestInterceptor(guard)
    page = QWebEnginePage(profile)
    view = QWebEngineView()
    view.setPage(page)
    view.resize(1200, 900)
    view.show()
    view.raise_()
    view.activateWindow()
    qtbot.waitExposed(view)  # the clip plays on animation frames: the view must be on screen
    page.load(QUrl.fromLocalFile(str(out)))
    # (no loadFinished to wait for: the clip's replay iframe keeps the page "loading")

    def js(code: str) -> Any:
        with qtbot.waitCallback(timeout=10_000) as callback:
            page.runJavaScript(f"JSON.stringify({code})", 0, callback)
        return json.loads(callback.args[0])

    qtbot.waitUntil(lambda: js("(window.__clips || []).length") == 1, timeout=20_000)
    loaded = js("[...document.images].filter(i => i.complete && i.naturalWidth > 100).length")
    assert loaded == 3  # before, at and after the moment
    paused_at = js("window.__clips[0].getCurrentTime()")
    assert paused_at > 1_000  # shown at the finding's moment, not at the clip's start
    overlay = (
        "(() => { const d = window.__clips[0].iframe.contentDocument;"
        " const o = d && d.getElementById('loading_overlay');"
        " return o ? o.classList.contains('is-visible') : null; })()"
    )
    assert js(overlay) is True  # paused at the moment: the stuck loading indicator
    js("(document.querySelector('.clip button').click(), true)")  # Play: from the start
    # (the replayer's state machine takes its own turn to start: poll, a loaded machine is slow)
    qtbot.waitUntil(lambda: js("window.__clips[0].service.state.value") == "playing")
    assert js("window.__clips[0].getCurrentTime()") < paused_at
    # (how fast it then advances depends on animation frames, which a crowded test screen
    # may throttle; seeking back to the moment shows the clip's events apply again)
    js(f"(window.__clips[0].pause({paused_at}), true)")
    assert js(overlay) is True
    assert guard.requests == []
    view.close()
    view.setPage(None)
    page.deleteLater()
    qtbot.wait(20)
    profile.deleteLater()


def test_markdown_with_png_frames_and_a_pdf_with_the_findings_text(
    ashley_finding: Finding, tmp_path: Path
) -> None:
    md = tmp_path / "finding.md"
    assert main(["export", DEMO, "--format", "md", "--out", str(md)]) == 0
    text = md.read_text(encoding="utf-8")
    assert "Checkout freezes after the postal code" in text and "btn_sell-421198" in text
    assert ASHLEY_ID not in text and "Personal data masked:" in text
    pngs = sorted((tmp_path / "finding-frames").glob("*.png"))
    assert len(pngs) == 3 and all(p.read_bytes()[:4] == b"\x89PNG" for p in pngs)
    assert all(f"finding-frames/{p.name}" in text for p in pngs)

    pdf = tmp_path / "finding.pdf"
    assert main(["export", DEMO, "--format", "pdf", "--out", str(pdf)]) == 0
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    flat = " ".join(words.split())
    assert "Checkout freezes after the postal code" in flat
    assert POSTAL not in words and ASHLEY_ID not in words and "ashley" not in words.lower()
    assert "user ids replaced by pseudonyms" in flat
    assert re.search(r"\buser [0-9a-f]{6}\b", flat)  # Ashley, and the users of her error
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page-*.png"))


def test_csv_and_rrweb_exports_and_the_mask_switch(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions.csv"
    assert main(["export", DEMO, "--format", "csv", "--table", "sessions",
                 "--out", str(sessions)]) == 0  # fmt: skip
    rows = list(csv.DictReader(sessions.open(encoding="utf-8")))
    assert len(rows) == 300 and "user_id" in rows[0]
    users = tmp_path / "users.csv"
    assert main(["export", DEMO, "--format", "csv", "--table", "users", "--out", str(users)]) == 0
    assert len(list(csv.DictReader(users.open(encoding="utf-8")))) == 150

    store, _ = open_store(demo_archive_path())
    with store:
        sid = ashley_session(store)
    masked, plain = tmp_path / "masked.json", tmp_path / "plain.json"
    assert main(["export", DEMO, "--format", "rrweb", "--session", sid, "--out", str(masked)]) == 0
    assert main(["export", DEMO, "--format", "rrweb", "--session", sid, "--no-mask",
                 "--out", str(plain)]) == 0  # fmt: skip
    assert POSTAL in plain.read_text() and POSTAL not in masked.read_text()
    assert len(json.loads(masked.read_text())) == len(json.loads(plain.read_text())) > 100


def test_reports_need_findings(tmp_path: Path, capsys: Any) -> None:
    assert main(["export", DEMO, "--format", "html", "--out", str(tmp_path / "r.html")]) == 2
    assert "no findings" in capsys.readouterr().err


def test_frames_are_rendered_from_masked_events(
    ashley_finding: Finding, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the frame renderer is given: windows of masked events unless masking is off."""
    import app.replay.exporting as exporting

    seen: list[bytes] = []

    def fake_render(store: Any, session_id: str, moments: Any, out: Any, **kwargs: Any) -> list:
        seen.append(kwargs["windows"](session_id, None, moments[-1], None))
        return []

    monkeypatch.setattr(exporting, "render_frames", fake_render)
    store, _ = open_store(demo_archive_path())
    with store:
        exporting.build_reports(store, [ashley_finding], masking=ReportMasking())
        exporting.build_reports(store, [ashley_finding], masking=ReportMasking(personal_data=False))
    masked, plain = seen
    assert POSTAL.encode() not in masked and POSTAL.encode() in plain
