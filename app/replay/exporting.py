"""Findings reports with the replay's frames: HTML, Markdown and PDF (needs a QApplication).

The report's content comes from :mod:`app.export.report`; this module adds what only the
browser engine can make — frames of the replay at and around each finding (rendered from
windows of masked events when masking is on) — and prints the HTML report to PDF.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app.export.documents import markdown_frames_dir, report_html, report_markdown
from app.export.masking import ReportMasking, UserIds
from app.export.report import FindingReport, build_report
from app.files import atomic_output
from app.replay.frames import render_frames
from app.replay.map_image import snapshot_map_png
from app.replay.scheme import WindowsProvider
from app.replay.store_windows import masked_windows, windows_of
from app.store.findings import Finding
from app.store.queries import replay as replay_queries
from app.store.store import SessionStore

FRAME_OFFSETS_MS = (-4_000, 0, 2_500)  # before, at and after the moment
PDF_TIMEOUT_S = 60
LOAD_TIMEOUT_S = 15
Progress = Callable[[float, str], None]


class ExportCancelled(Exception):
    """The user cancelled the export; nothing was written."""


def build_reports(
    store: SessionStore,
    findings: Sequence[Finding],
    *,
    masking: ReportMasking | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[FindingReport]:
    """Reports for ``findings`` with their frames (one user, one pseudonym, in all of them)."""
    masking = masking or ReportMasking()
    mask = masking.personal_data
    user_ids = UserIds(masking)
    reports = []
    # one set of windows for every frame of the reports: their checkpoints are read once
    with windows_of(store) as own:
        windows = masked_windows(own.window) if mask else own.window
        for index, finding in enumerate(findings):
            if cancelled and cancelled():
                raise ExportCancelled
            if progress:
                progress(
                    index / max(1, len(findings)),
                    f"Rendering finding {index + 1} of {len(findings)}",
                )
            report = build_report(store, finding, masking=masking, user_ids=user_ids)
            detail = replay_queries.detail(store.cursor(), finding.session_id)
            assert detail is not None
            moments = [
                min(max(finding.ts_ms + offset, detail.start_ms), detail.end_ms)
                for offset in FRAME_OFFSETS_MS
            ]
            report.frames = _frames(store, finding.session_id, moments, windows)
            if report.click_map is not None:
                report.click_map_png = snapshot_map_png(store, report.click_map, windows)
            if report.comparison is not None:
                compared = report.comparison
                sides = [("a", finding.session_id, compared.moment_a_ms),
                         ("b", compared.other_id, compared.moment_b_ms)]  # fmt: skip
                for side, session_id, moment in sides:
                    if moment is not None:
                        rendered = _frames(store, session_id, [moment], windows)
                        compared.frames += [(side, ms, png) for ms, png in rendered]
            reports.append(report)
    if progress:
        progress(1.0, "Writing the report")
    return reports


def _frames(
    store: SessionStore, session_id: str, moments: list[int], windows: WindowsProvider
) -> list[tuple[int, bytes]]:
    """Frames of ``session_id`` at ``moments`` (epoch ms), as ``(ms, PNG)``."""
    with tempfile.TemporaryDirectory(prefix="frames-") as tmp:
        frames = render_frames(store, session_id, moments, Path(tmp), windows=windows)
        return [(f.at_ms, f.png.read_bytes()) for f in frames]


def export_findings(
    store: SessionStore,
    findings: Sequence[Finding],
    fmt: str,
    out: Path,
    *,
    mask: bool = True,
    keep_user_ids: bool = False,
    title: str = "Replay Investigator findings",
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Write ``findings`` as ``html``, ``md`` (with PNG files beside it) or ``pdf``; ``mask``
    masks personal data, user ids too unless ``keep_user_ids``."""
    if not findings:
        raise ValueError("there is no finding to export")
    masking = ReportMasking(personal_data=mask, keep_user_ids=keep_user_ids)
    reports = build_reports(
        store, findings, masking=masking, progress=progress, cancelled=cancelled
    )
    if fmt not in ("md", "html", "pdf"):
        raise ValueError(f"unknown report format {fmt!r}")
    out.parent.mkdir(parents=True, exist_ok=True)
    # Written under temporary names and renamed when complete: a failure leaves the
    # previous file (or nothing) under the target name, never half a report.
    if fmt == "md":
        frames_dir = markdown_frames_dir(out)
        with atomic_output(frames_dir) as frames_part, atomic_output(out) as part:
            text = report_markdown(reports, title, frames_part, masking, frames_dir.name)
            part.write_text(text, encoding="utf-8")
        return out
    document = report_html(reports, title, masking)
    with atomic_output(out) as part:
        if fmt == "html":
            part.write_text(document, encoding="utf-8")
        else:
            print_pdf(document, part)
    return out


def print_pdf(document: str, out: Path) -> None:
    """Print an HTML document to PDF with the browser engine (no network: see the CSP)."""
    from PySide6.QtCore import QUrl
    from PySide6.QtWebEngineCore import QWebEnginePage
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    page = QWebEnginePage()
    loaded: list[bool] = []
    done: list[Any] = []
    page.loadFinished.connect(loaded.append)
    page.pdfPrintingFinished.connect(lambda path, ok: done.append(ok))
    page.setHtml(document, QUrl("about:blank"))
    # The clip's replay iframe may keep the page "loading" for ever: wait for the document
    # itself, then give the frames a moment to paint.
    ready: list[Any] = []
    _wait(app, lambda: bool(loaded) or _ready(page, ready), LOAD_TIMEOUT_S)
    _wait(app, lambda: False, 0.5)
    page.printToPdf(str(out))
    _wait(app, lambda: bool(done), PDF_TIMEOUT_S)
    page.deleteLater()
    if not done or not done[0] or not out.exists():
        raise OSError(f"could not print the report to {out}")


def _ready(page: Any, answers: list[Any]) -> bool:
    """Whether the page's document has loaded (asked again on every call)."""
    page.runJavaScript("document.readyState", 0, answers.append)
    return "complete" in answers


def _wait(app: Any, condition: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)


def export_with_qt(*args: Any, **kwargs: Any) -> Path:
    """:func:`export_findings` for the command line: starts a headless QApplication first."""
    from app.replay.frames import start_qt

    start_qt()
    return export_findings(*args, **kwargs)
