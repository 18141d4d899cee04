"""The hostile-page corpus in the app's replay window: nothing runs, nothing reaches a server.

Each vector of :mod:`tests.hostile_pages` is its own session in one archive (ingested once
through ``open_store``), with its own counting loopback server. One real
:class:`~app.replay.view.ReplayView` (guarded page, player, CSP, interceptor) replays every
page in turn — seek to the end (rrweb's synchronous fast-forward), play from the start (the
events applied one by one), then every handler fired and every link, button and form used —
and the parametrized test reports per vector: no request, no connection, no trace of a
payload. Sharing the view keeps the run short; the per-vector servers and payload names keep
the verdicts apart.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.replay.events import store_events
from app.replay.guard import GuardedPage
from app.store.open import open_store
from tests.hostile_pages import (
    END,
    LISTEN_JS,
    TRACES_JS,
    VECTORS,
    Kit,
    Outcome,
    assert_inert,
    file_requests,
    file_traces,
    plain_browser,
    provoke_js,
    vector_servers,
    write_corpus,
)
from tests.replay.conftest import Replay

pytestmark = pytest.mark.webengine

FINISH_TIMER_MS = 80  # rrweb emits "finish" 50 ms after casting the last event
SETTLE_MS = 150  # after each page: handlers and loads it provoked get their turn
LATE_MS = 1_500  # after all pages: a late request still reaches its server in time

MARKER_JS = (
    "(() => { const d = window.replayDocument(); const m = d && d.getElementById('marker');"
    " return m ? m.textContent : null; })()"
)


@dataclass
class Corpus:
    outcomes: dict[str, Outcome]
    played_to: dict[str, float]  # the replay's time when each play reported its end
    stray_traces: list[str]
    errors: list[str]
    url: str
    files: dict[str, str]  # the replayed document as the frame command writes it
    servers: dict[str, Any]  # still listening while the tests of this module run


@pytest.fixture(scope="module")
def corpus(request: pytest.FixtureRequest, qapp: Any, tmp_path_factory: Any) -> Iterator[Corpus]:
    """Every page replayed once in one shared view; the outcomes, by vector."""
    qtbot = QtBot(request)
    tmp = tmp_path_factory.mktemp("hostile-pages")
    console: list[str] = []
    outcomes = {name: Outcome() for name in VECTORS}
    played_to: dict[str, float] = {}
    stray: list[str] = []
    files: dict[str, str] = {}

    def keep(page: Any, level: Any, message: str, line: int, source: str) -> None:
        console.append(message)  # Chromium's refusals: which layer stopped what

    with vector_servers() as servers, pytest.MonkeyPatch.context() as patch:
        archive = write_corpus(tmp / "hostile.webreplay", {n: s.url for n, s in servers.items()})
        patch.setattr(GuardedPage, "javaScriptConsoleMessage", keep)
        replay = Replay(qtbot, tmp)
        replay.store, _ = open_store(archive, tmp / "hostile.duckdb")
        try:
            qtbot.waitExposed(replay.view)
            qtbot.waitUntil(lambda: replay.bridge.is_ready, timeout=20_000)
            replay.js(LISTEN_JS)
            replay.view.set_events_provider(store_events(replay.store))
            for name in VECTORS:
                with qtbot.waitSignal(replay.view.session_loaded, timeout=20_000) as loaded:
                    replay.view.show_session(name)
                replay.first_ms, replay.last_ms = loaded.args
                replay.seek(END)
                outcomes[name].marker.append(replay.js(MARKER_JS))
                # Casting the last event arms rrweb's 50 ms "finish" timer, even paused; a
                # play started before it fires is stopped by it. Let it pass first.
                qtbot.wait(FINISH_TIMER_MS)
                replay.play_to_end(0, speed=8, timeout=15_000)
                outcomes[name].marker.append(replay.js(MARKER_JS))
                played_to[name] = replay.js("window.replayTime()")
                files[name] = replay.js("window.replayInertHtml()")  # what frame-N.html holds
                replay.js(provoke_js("[window.replayDocument()]"))
                qtbot.wait(SETTLE_MS)
                file_traces(json.loads(replay.js(TRACES_JS)), outcomes, stray)
            qtbot.wait(LATE_MS)
            file_traces(json.loads(replay.js(TRACES_JS)), outcomes, stray)
            file_requests(outcomes, servers, console + replay.view.guard.blocked)
            url = replay.view.url().toString()
            yield Corpus(
                outcomes, played_to, stray, list(replay.bridge.errors), url, files, servers
            )
        finally:
            replay.close()


@pytest.mark.parametrize("vector", list(VECTORS))
def test_a_hostile_page_replays_inert(corpus: Corpus, vector: str) -> None:
    assert_inert(corpus.outcomes[vector], vector)
    assert corpus.played_to[vector] >= END  # the play went through every event


def test_the_player_itself_stayed_clean(corpus: Corpus) -> None:
    """No trace of an unknown payload, no player error, and the player page never left."""
    assert corpus.stray_traces == []
    assert corpus.errors == []
    assert corpus.url.startswith("replay://app/player.html")


def test_the_traces_would_be_seen(qtbot: QtBot, replay: Replay) -> None:
    """The detectors work: a payload run in the player page leaves all three traces."""
    qtbot.waitUntil(lambda: replay.bridge.is_ready, timeout=20_000)
    replay.js(LISTEN_JS)
    replay.js(Kit("control", str).run)
    qtbot.waitUntil(lambda: "__p_control" in replay.js("String(window.__corpusMessages)"))
    assert sorted(json.loads(replay.js(TRACES_JS))) == ["__p_control"] * 3


def test_the_corpus_counts_its_pages() -> None:
    """The table is what the hardening note counts ("hostile pages: N")."""
    assert len(VECTORS) == len(set(VECTORS)) >= 50


# ---- the replayed document written to a file (``replay-investigator frame``) ---------------


@dataclass
class FileSurface:
    outcomes: dict[str, Outcome]
    markers: dict[str, Any]
    stray_traces: list[str]


@pytest.fixture(scope="module")
def inert_files(
    request: pytest.FixtureRequest, corpus: Corpus, tmp_path_factory: Any
) -> Iterator[FileSurface]:
    """Each page's ``frame-N.html`` opened from disk in a plain browser profile (no guard,
    no sandbox, no player policy — what a user's browser gives it) and provoked."""
    from PySide6.QtCore import QUrl

    qtbot = QtBot(request)
    tmp = tmp_path_factory.mktemp("frame-files")
    before = {n: (len(s.requests), s.connections) for n, s in corpus.servers.items()}
    outcomes = {name: Outcome() for name in VECTORS}
    markers: dict[str, Any] = {}
    stray: list[str] = []
    with plain_browser(qtbot, size=(1000, 700)) as (_view, page):

        def js(code: str) -> Any:
            with qtbot.waitCallback(timeout=10_000) as callback:
                page.runJavaScript(code, 0, callback)
            return callback.args[0] if callback.args else None

        for name in VECTORS:
            path = tmp / f"{name}.html"
            path.write_text(corpus.files[name], encoding="utf-8")
            page.load(QUrl.fromLocalFile(str(path)))
            # A link the previous page's provocation followed may still be loading: wait for
            # this file itself.
            qtbot.waitUntil(
                lambda p=path: (
                    js("location.pathname + ' ' + document.readyState")
                    == f"{p.as_posix()} complete"
                ),
                timeout=20_000,
            )
            markers[name] = js(
                "(() => { const m = document.getElementById('marker');"
                " return m ? m.textContent : null; })()"
            )
            js(provoke_js("[document]"))
            qtbot.wait(SETTLE_MS // 3)
            file_traces(json.loads(js(TRACES_JS)), outcomes, stray)
        qtbot.wait(LATE_MS)
        file_traces(json.loads(js(TRACES_JS)), outcomes, stray)
        for name, server in corpus.servers.items():
            seen, connections = before[name]
            outcomes[name].requests = list(server.requests[seen:])
            outcomes[name].connections = server.connections - connections
        yield FileSurface(outcomes, markers, stray)


@pytest.mark.parametrize("vector", list(VECTORS))
def test_a_hostile_page_written_to_a_frame_file_stays_inert_in_a_browser(
    inert_files: FileSurface, vector: str
) -> None:
    outcome = inert_files.outcomes[vector]
    assert inert_files.markers[vector] == f"{vector} (end)"  # the page at its last event
    assert outcome.traces == []
    assert outcome.requests == []
    assert outcome.connections == 0


def test_a_frame_file_starts_with_its_policy(corpus: Corpus, inert_files: FileSurface) -> None:
    """The policy is the first thing in the file's head, before anything recorded."""
    assert inert_files.stray_traces == []
    for name, html in corpus.files.items():
        head = html.split("<head", 1)[1]
        assert head.split("<", 2)[1].startswith('meta http-equiv="Content-Security-Policy"'), name
