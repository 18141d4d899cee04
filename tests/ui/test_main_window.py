"""The main window: opening archives, the session table, problems, the worker thread."""

from __future__ import annotations

import gzip
import os
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from app.replay.engine import CHROMIUM_FLAGS, allow_root_without_sandbox
from app.state.ingest_worker import IngestWorker
from app.store.cache import store_path_for
from app.ui.main_window import EMPTY_TEXT, MainWindow
from app.ui.session_table import COLUMN_INDEX, SessionTableModel
from app.ui.theme import colour
from tests.ui.conftest import store_files

TIMEOUT_MS = 30_000


def open_and_wait(qtbot: Any, window: MainWindow, path: Path) -> None:
    with qtbot.waitSignal(window.store_opened, timeout=TIMEOUT_MS):
        window.open_file(path)


def column(model: SessionTableModel, title: str, role: int = Qt.ItemDataRole.DisplayRole) -> list:
    col = COLUMN_INDEX[title]
    return [model.data(model.index(row, col), role) for row in range(model.rowCount())]


def slow_down_ingest(monkeypatch: pytest.MonkeyPatch, seconds: float = 0.003) -> None:
    """Make each progress report cost a little time on the worker thread.

    Why: the ingest is fast and keeps getting faster; the cancel tests need it to still be
    running when the GUI reacts. The sleep is on the worker thread, so a window that ran
    the ingest on its own thread would still freeze and fail the responsiveness checks.
    """
    original = IngestWorker._on_progress

    def slow(self: IngestWorker, fraction: float, message: str) -> None:
        time.sleep(seconds)
        original(self, fraction, message)

    monkeypatch.setattr(IngestWorker, "_on_progress", slow)


def test_starts_empty_with_a_hint(window: MainWindow) -> None:
    assert window.pages.currentWidget() is window.empty_page
    assert window.empty_page.label.text() == EMPTY_TEXT
    assert window.empty_page.open_button.isVisible()
    assert window.windowTitle() == "Replay Investigator"
    assert not window.status.progress_bar.isVisible()
    assert not window.status.cancel_button.isVisible()


def test_opening_an_archive_fills_the_table(qtbot: Any, window: MainWindow, archives: Any) -> None:
    spec = archives.Spec
    path = archives.write(
        "sample.webreplay",
        [
            spec("s1", "alice", duration_s=65, errors=0, start_ms=archives.T0),
            spec("s2", "bob", duration_s=3725, errors=2, start_ms=archives.T0 + 60_000),
            spec("s3", "carol", duration_s=9, errors=10, start_ms=archives.T0 + 120_000),
        ],
    )
    open_and_wait(qtbot, window, path)

    model = window.sessions.model
    assert model.rowCount() == 3
    assert column(model, "User") == ["alice", "bob", "carol"]
    assert column(model, "Errors") == ["0", "2", "10"]
    assert column(model, "Duration") == ["1:05", "1:02:05", "0:09"]
    assert column(model, "Start (UTC)")[0] == "2023-11-14 22:13:20"
    assert column(model, "Pages") == ["1", "1", "1"]
    foreground = column(model, "Errors", Qt.ItemDataRole.ForegroundRole)
    assert foreground[0] is None
    assert foreground[1].color() == colour("error")
    assert window.windowTitle() == "sample.webreplay — Replay Investigator"
    assert window.status_text == "3 sessions"
    assert window.pages.currentIndex() == 1
    assert window.tabs.currentWidget() is window.dashboard  # an investigation starts there
    window.show_sessions()
    assert window.sessions.table.isVisible()
    assert not window.banner.isVisible()
    assert not window.status.progress_bar.isVisible()
    assert window.store is not None and window.store.db_path.exists()


def test_sorting_uses_numbers_not_text(qtbot: Any, window: MainWindow, archives: Any) -> None:
    spec = archives.Spec
    durations = {"a": 100, "b": 9, "c": 4000, "d": 700}  # "1:06:40" < "11:40" as text
    errors = {"a": 2, "b": 10, "c": 1, "d": 0}  # "10" < "2" as text
    path = archives.write(
        "sort.webreplay",
        [
            spec(sid, f"user-{sid}", duration_s=durations[sid], errors=errors[sid])
            for sid in durations
        ],
    )
    open_and_wait(qtbot, window, path)
    model, header = window.sessions.model, window.sessions.table.horizontalHeader()

    # Click the Duration header like a user would.
    section = COLUMN_INDEX["Duration"]
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert header.sortIndicatorSection() == section
    users = [f"user-{sid}" for sid in sorted(durations, key=durations.__getitem__)]
    if header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder:
        users.reverse()
    assert column(model, "User") == users
    assert column(model, "Duration") != sorted(column(model, "Duration"))  # not text order

    window.sessions.table.sortByColumn(COLUMN_INDEX["Errors"], Qt.SortOrder.AscendingOrder)
    assert column(model, "Errors") == ["0", "1", "2", "10"]
    window.sessions.table.sortByColumn(COLUMN_INDEX["Errors"], Qt.SortOrder.DescendingOrder)
    assert column(model, "Errors") == ["10", "2", "1", "0"]
    window.sessions.table.sortByColumn(COLUMN_INDEX["Duration"], Qt.SortOrder.DescendingOrder)
    assert column(model, "Duration") == ["1:06:40", "11:40", "1:40", "0:09"]


def test_sorting_keeps_the_selected_session(qtbot: Any, window: MainWindow, archives: Any) -> None:
    spec = archives.Spec
    path = archives.write(
        "select.webreplay",
        [spec("s1", "zed", errors=5), spec("s2", "amy", errors=0), spec("s3", "kim", errors=1)],
    )
    open_and_wait(qtbot, window, path)
    window.sessions.table.selectRow(0)  # zed
    window.sessions.table.sortByColumn(COLUMN_INDEX["User"], Qt.SortOrder.AscendingOrder)
    selected = window.sessions.table.selectionModel().selectedRows()
    assert [window.sessions.model.summary(index.row()).user_id for index in selected] == ["zed"]


def test_unreadable_file_keeps_the_previous_table(
    qtbot: Any, window: MainWindow, archives: Any
) -> None:
    good = archives.write("good.webreplay", [archives.Spec("s1", "alice", errors=1)])
    open_and_wait(qtbot, window, good)
    store = window.store
    bad = archives.text_file("notes.txt", "hello")

    with qtbot.waitSignal(window.open_failed, timeout=TIMEOUT_MS) as failed:
        window.open_file(bad)

    assert "notes.txt" in failed.args[0]
    assert window.archive.last_error == failed.args[0]
    assert window.shown_errors == [("Cannot open notes.txt", failed.args[0])]
    assert window.store is store
    assert window.sessions.model.rowCount() == 1
    assert column(window.sessions.model, "User") == ["alice"]
    assert window.windowTitle() == "good.webreplay — Replay Investigator"
    assert window.pages.currentIndex() == 1
    assert not window.status.progress_bar.isVisible()
    assert "notes.txt" in window.status_text


def test_missing_file_fails_politely(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    with qtbot.waitSignal(window.open_failed, timeout=TIMEOUT_MS) as failed:
        window.open_file(tmp_path / "gone.webreplay")
    assert "gone.webreplay" in failed.args[0]
    assert window.pages.currentWidget() is window.empty_page
    assert window.empty_page.label.text() == EMPTY_TEXT


def test_damaged_archive_opens_the_good_sessions_with_a_banner(
    qtbot: Any, window: MainWindow, archives: Any
) -> None:
    spec = archives.Spec
    path = archives.write(
        "damaged.webreplay",
        [
            spec("good", "alice"),
            spec("badmeta", "bob"),
            spec("cut", "carol", events=400),
        ],
    )
    with zipfile.ZipFile(path) as archive:
        events = archive.read("sessions/cut/events.ndjson.gz")
    assert gzip.decompress(events)  # sanity: the member is a whole gzip stream before cutting
    archives.damage(
        path,
        {
            "sessions/badmeta/session.json": b"{not json",
            "sessions/cut/events.ndjson.gz": events[: len(events) * 2 // 3],
        },
    )

    open_and_wait(qtbot, window, path)

    assert sorted(column(window.sessions.model, "User")) == ["alice", "carol"]
    assert window.banner.isVisible()
    text = window.banner.plain_text
    assert text.startswith("2 problems while reading damaged.webreplay")
    assert "badmeta" in text and "not valid JSON" in text
    assert any("cut" in p and "truncated" in p for p in window.banner.problems)

    window.banner.details_button.click()
    dialog = window.banner.dialog
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    details = dialog.text()
    assert dialog.list.count() == 2
    assert "Session badmeta" in details and "Session cut" in details

    # A clean archive afterwards hides the banner again.
    clean = archives.write("clean.webreplay", [spec("x", "xavier")])
    open_and_wait(qtbot, window, clean)
    assert not window.banner.isVisible()
    assert window.banner.problems == []


def test_ingest_runs_off_the_gui_thread(
    qtbot: Any, window: MainWindow, archives: Any, stores_dir: Path
) -> None:
    path = archives.big("big.webreplay")
    ticks: list[float] = []
    progress: list[int] = []
    widgets_shown: list[bool] = []

    def on_progress(fraction: float, message: str) -> None:
        progress.append(window.status.progress_bar.value())
        status = window.status
        widgets_shown.append(status.progress_bar.isVisible() and status.cancel_button.isVisible())

    window.archive.progressed.connect(on_progress)
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))

    with qtbot.waitSignal(window.store_opened, timeout=TIMEOUT_MS):
        window.open_file(path)
        timer.start()
    timer.stop()

    assert len(ticks) >= 5, "the GUI thread did not process events while the ingest ran"
    assert len(progress) >= 3
    assert progress == sorted(progress) and progress[-1] > progress[0]
    assert all(widgets_shown)
    assert window.sessions.model.rowCount() == 400
    assert not window.status.progress_bar.isVisible()
    assert not window.status.cancel_button.isVisible()
    assert store_files(stores_dir) == [window.store.db_path]


def test_cancel_stops_the_ingest_and_keeps_nothing(
    qtbot: Any,
    window: MainWindow,
    archives: Any,
    stores_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = archives.big("cancel.webreplay")
    slow_down_ingest(monkeypatch)
    seen: list[float] = []

    def on_progress(fraction: float, message: str) -> None:
        seen.append(fraction)
        if fraction > 0.1 and window.status.cancel_button.isEnabled():
            qtbot.mouseClick(window.status.cancel_button, Qt.MouseButton.LeftButton)

    window.archive.progressed.connect(on_progress)
    with qtbot.waitSignal(window.archive.cancelled, timeout=TIMEOUT_MS):
        window.open_file(path)
    qtbot.waitUntil(lambda: window.archive.running_ingests == 0, timeout=TIMEOUT_MS)

    assert max(seen) < 0.95
    assert window.status_text == "Cancelled"
    assert not window.status.progress_bar.isVisible()
    assert not window.status.cancel_button.isVisible()
    assert window.store is None
    assert window.pages.currentWidget() is window.empty_page
    assert store_files(stores_dir) == []
    assert list(stores_dir.glob("*.part*")) == []
    assert window.shown_errors == []


def test_opening_another_file_cancels_the_running_ingest(
    qtbot: Any,
    window: MainWindow,
    archives: Any,
    stores_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    big = archives.big("first.webreplay")
    small = archives.write("second.webreplay", [archives.Spec("s1", "solo")])
    slow_down_ingest(monkeypatch)
    with qtbot.waitSignal(window.archive.progressed, timeout=TIMEOUT_MS):
        window.open_file(big)
    with qtbot.assertNotEmitted(window.archive.cancelled):
        open_and_wait(qtbot, window, small)
        qtbot.waitUntil(lambda: window.archive.running_ingests == 0, timeout=TIMEOUT_MS)

    assert window.windowTitle() == "second.webreplay — Replay Investigator"
    assert column(window.sessions.model, "User") == ["solo"]
    assert not store_path_for(big).exists()
    assert store_files(stores_dir) == [store_path_for(small)]


def test_recent_files(
    qtbot: Any, window: MainWindow, archives: Any, tmp_path: Path, isolated_settings: Path
) -> None:
    first = archives.write("one.webreplay", [archives.Spec("s1", "a")])
    second = archives.write("two.webreplay", [archives.Spec("s1", "b")])
    open_and_wait(qtbot, window, first)
    open_and_wait(qtbot, window, second)

    def entries() -> list[tuple[str, bool]]:
        window.recent.menu.aboutToShow.emit()
        return [(a.data(), a.isEnabled()) for a in window.recent.menu.actions() if a.data()]

    assert entries() == [(str(second.resolve()), True), (str(first.resolve()), True)]
    assert list(isolated_settings.rglob("*.ini")), "settings were not written to tmp"

    # Reopening moves a file to the top; a vanished file stays listed but disabled.
    open_and_wait(qtbot, window, first)
    second.unlink()
    assert entries() == [(str(first.resolve()), True), (str(second.resolve()), False)]

    # A fresh window (next start) reads the same list.
    other = MainWindow()
    qtbot.addWidget(other)
    assert other.recent.files() == [str(first.resolve()), str(second.resolve())]

    # Choosing an entry opens it.
    action = next(a for a in window.recent.menu.actions() if a.data() == str(first.resolve()))
    with qtbot.waitSignal(window.store_opened, timeout=TIMEOUT_MS):
        action.trigger()

    window.recent.clear_action.trigger()
    assert entries() == []
    assert not window.recent.clear_action.isEnabled()


def test_recent_files_keep_at_most_ten(window: MainWindow, tmp_path: Path) -> None:
    for n in range(12):
        window.recent.add(tmp_path / f"f{n}.webreplay")
    files = window.recent.files()
    assert len(files) == 10
    assert files[0].endswith("f11.webreplay")


def file_drop(path: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    return mime


def drag_event(kind: type, mime: QMimeData) -> Any:
    """A drag-enter or drop event carrying ``mime`` at a point inside the window."""
    # Qt 6.11 takes a QPoint for drag-enter events and a QPointF for drops.
    return kind(
        QPoint(20, 20) if kind is QDragEnterEvent else QPointF(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )


def test_dropping_a_file_opens_it(qtbot: Any, window: MainWindow, archives: Any) -> None:
    path = archives.write("dropped.webreplay", [archives.Spec("s1", "dana")])
    mime = file_drop(path)
    enter = drag_event(QDragEnterEvent, mime)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()

    drop = drag_event(QDropEvent, mime)
    with qtbot.waitSignal(window.store_opened, timeout=TIMEOUT_MS):
        window.dropEvent(drop)
    assert window.windowTitle() == "dropped.webreplay — Replay Investigator"
    assert column(window.sessions.model, "User") == ["dana"]


def test_dropping_text_is_refused(window: MainWindow) -> None:
    mime = QMimeData()
    mime.setText("hello")
    enter = drag_event(QDragEnterEvent, mime)
    window.dragEnterEvent(enter)
    assert not enter.isAccepted()
    assert window.acceptDrops()


def test_about_names_the_versions(window: MainWindow) -> None:
    import PySide6
    from PySide6.QtCore import qVersion

    from app import __version__

    text = window.about_text()
    assert __version__ in text and qVersion() in text and PySide6.__version__ in text


def test_closing_during_an_ingest_stops_the_thread(
    qtbot: Any, archives: Any, monkeypatch: pytest.MonkeyPatch, stores_dir: Path
) -> None:
    win = MainWindow()
    qtbot.addWidget(win)
    asked: list[str] = []
    monkeypatch.setattr(win, "confirm_close", lambda q: asked.append(q) or True)
    slow_down_ingest(monkeypatch)
    with qtbot.waitSignal(win.archive.progressed, timeout=TIMEOUT_MS):
        win.open_file(archives.big("closing.webreplay"))
    win.close()
    assert asked and "still being read" in asked[0]
    assert win.archive.running_ingests == 0
    assert store_files(stores_dir) == []


@pytest.mark.parametrize(
    ("euid", "before", "after"),
    [
        (0, None, "--no-sandbox"),
        (0, "--foo", "--foo --no-sandbox"),
        (0, "--no-sandbox", "--no-sandbox"),
        (1000, None, None),
    ],
)
def test_sandbox_is_dropped_only_for_root(
    monkeypatch: pytest.MonkeyPatch, euid: int, before: str | None, after: str | None
) -> None:
    monkeypatch.setattr("os.geteuid", lambda: euid, raising=False)
    if before is None:
        monkeypatch.delenv(CHROMIUM_FLAGS, raising=False)
    else:
        monkeypatch.setenv(CHROMIUM_FLAGS, before)
    allow_root_without_sandbox()
    assert os.environ.get(CHROMIUM_FLAGS) == after


def test_columns_fit_the_window_without_scrolling(
    qtbot: Any, window: MainWindow, archives: Any
) -> None:
    spec = archives.Spec
    long_user = "a.very.long.user.identifier.from.the.identity.provider@example.com"
    path = archives.write(
        "wide.webreplay",
        [spec("s1", long_user, browser="Chrome Mobile WebView 131.0.6778.135"), spec("s2", "b")],
    )
    window.resize(900, 500)
    open_and_wait(qtbot, window, path)
    window.show_sessions()
    table, header = window.sessions.table, window.sessions.table.horizontalHeader()
    qtbot.waitUntil(lambda: not table.horizontalScrollBar().isVisible())
    widths = [table.columnWidth(c) for c in range(header.count())]
    assert sum(widths[:-1]) < table.viewport().width()
    assert widths[COLUMN_INDEX["Errors"]] >= header.sectionSizeHint(COLUMN_INDEX["Errors"])
