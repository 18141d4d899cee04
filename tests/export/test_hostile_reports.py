"""The hostile-page corpus in exported HTML reports: opened like a user would, still inert.

A findings report is meant to be opened in any browser, with no guard of the app's around
it: its own Content-Security-Policy, rrweb's sandboxed replay iframe and the way the clip is
embedded are all there is. So the report of one finding per hostile page
(:mod:`tests.hostile_pages`, built through ``build_report`` and ``report_html`` like an
export, masking on) is opened from its file in a plain profile that lets every request
through to the counting servers, each clip is shown at its moment, played from the start and
provoked; per vector: no request, no connection, no trace of a payload — and the file's own
markup names no server (the recorded URLs stay inert text inside the clip's JSON).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.export.documents import report_html
from app.export.masking import ReportMasking
from app.export.report import build_report
from app.replay.engine import prepare_web_engine
from app.store.findings import Finding
from app.store.open import open_store
from app.store.store import SessionStore
from tests import hostile_pages as hp
from tests.builders import T0

prepare_web_engine()

from PySide6.QtCore import QUrl  # noqa: E402
from PySide6.QtWebEngineCore import (  # noqa: E402
    QWebEngineUrlRequestInterceptor,
)

pytestmark = pytest.mark.webengine
LATE_MS = 1_500  # after provoking: a late request still reaches its server in time
CLIPS = "(window.__clips || [])"
MARKERS_JS = (
    f"JSON.stringify({CLIPS}.map((c) => {{ const d = c.iframe.contentDocument;"
    " const m = d && d.getElementById('marker'); return m ? m.textContent : null; }))"
)
TIMES_JS = f"JSON.stringify({CLIPS}.map((c) => c.getCurrentTime()))"


class Watcher(QWebEngineUrlRequestInterceptor):
    """Lets every request through (the counting servers judge) and notes it for messages."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[str] = []

    def interceptRequest(self, info: Any) -> None:
        self.requests.append(info.requestUrl().toString())


class Markup(HTMLParser):
    """The report as a browser would see it: attribute values, and text of raw elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attributes: list[str] = []
        self.raw: list[tuple[str, dict[str, str | None], str]] = []  # (tag, attrs, text)
        self._open: tuple[str, dict[str, str | None]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes += [value or "" for _, value in attrs]
        if tag in ("script", "style"):
            self._open = (tag, dict(attrs))
            self.raw.append((tag, dict(attrs), ""))

    def handle_data(self, data: str) -> None:
        if self._open and self.raw:
            tag_name, attrs, text = self.raw[-1]
            self.raw[-1] = (tag_name, attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        self._open = None


@dataclass
class Report:
    document: str
    markup: Markup
    outcomes: dict[str, hp.Outcome]
    stray_traces: list[str]
    bases: dict[str, str]


def hostile_report(tmp: Path, urls: dict[str, Any]) -> tuple[str, SessionStore]:
    """The report of one finding per hostile page, at the page's last event."""
    archive = hp.write_corpus(tmp / "hostile.webreplay", urls)
    store, _ = open_store(archive, tmp / "hostile.duckdb")
    key = store.info()["content_key"]
    # +1: rrweb shows a paused clip with the events *before* the moment.
    reports = [build_report(store, Finding(key, name, T0 + hp.END + 1, name)) for name in urls]
    return report_html(reports, "Hostile pages", ReportMasking()), store


@pytest.fixture(scope="module")
def report(request: pytest.FixtureRequest, qapp: Any, tmp_path_factory: Any) -> Iterator[Report]:
    """The report written, opened in a plain view, every clip shown, played and provoked."""
    qtbot = QtBot(request)
    tmp = tmp_path_factory.mktemp("hostile-report")
    watcher = Watcher()
    outcomes = {name: hp.Outcome() for name in hp.VECTORS}
    stray: list[str] = []

    def js(code: str, timeout: int = 10_000) -> Any:
        with qtbot.waitCallback(timeout=timeout) as callback:
            page.runJavaScript(code, 0, callback)
        return callback.args[0] if callback.args else None

    def markers() -> None:
        for name, marker in zip(hp.VECTORS, json.loads(js(MARKERS_JS)), strict=True):
            outcomes[name].marker.append(marker)

    # Off the record, defaults otherwise: like a browser; payloads may fire while clips build.
    with hp.plain_browser(qtbot, watcher) as (view, page):
        with hp.vector_servers() as servers:
            document, store = hostile_report(tmp, {n: s.url for n, s in servers.items()})
            store.close()
            out = tmp / "report.html"
            out.write_text(document, encoding="utf-8")
            qtbot.waitExposed(view)  # clips play on animation frames: the view must show
            page.load(QUrl.fromLocalFile(str(out)))
            count = len(hp.VECTORS)
            qtbot.waitUntil(lambda: js(f"{CLIPS}.length") == count, timeout=30_000)
            markers()
            hp.file_traces(json.loads(js(hp.TRACES_JS)), outcomes, stray)
            js("document.querySelectorAll('.clip button').forEach((b) => b.click()), true")
            qtbot.waitUntil(lambda: min(json.loads(js(TIMES_JS))) >= hp.END, timeout=30_000)
            markers()
            js(hp.provoke_js(f"{CLIPS}.map((c) => c.iframe.contentDocument)"))
            qtbot.wait(LATE_MS)
            hp.file_traces(json.loads(js(hp.TRACES_JS)), outcomes, stray)
            hp.file_requests(outcomes, servers, watcher.requests)
            bases = {n: s.base for n, s in servers.items()}
        markup = Markup()
        markup.feed(document)
        yield Report(document, markup, outcomes, stray, bases)


@pytest.mark.parametrize("vector", list(hp.VECTORS))
def test_a_hostile_page_stays_inert_in_a_report(report: Report, vector: str) -> None:
    # Shown at its moment and played, provoked: it ran nothing and reached no server ...
    hp.assert_inert(report.outcomes[vector], vector)
    # ... and the file names the server only as inert text inside the clip's JSON.
    base = report.bases[vector]
    assert not [a for a in report.markup.attributes if base in a]
    for tag_name, attrs, text in report.markup.raw:
        if base in text:
            assert (tag_name, attrs.get("type")) == ("script", "application/json")
            assert "<" not in text  # nothing the HTML tokenizer could take for markup


def test_the_report_page_itself_stayed_clean(report: Report) -> None:
    assert report.stray_traces == []
    assert "<!--" not in "".join(t for _, a, t in report.markup.raw if a.get("type"))


def test_printing_a_hostile_report_to_pdf_reaches_no_server(qapp: Any, tmp_path: Path) -> None:
    """The PDF export loads the same document in a default page: the clips build there too."""
    from app.replay.exporting import print_pdf

    with hp.vector_servers() as servers:
        document, store = hostile_report(tmp_path, {n: s.url for n, s in servers.items()})
        store.close()
        print_pdf(document, tmp_path / "report.pdf")
        assert (tmp_path / "report.pdf").read_bytes()[:4] == b"%PDF"
        leaks = {n: (s.requests, s.connections) for n, s in servers.items() if s.connections}
    assert leaks == {}
