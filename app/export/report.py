"""What a finding's report says: gathered from the store, before any rendering.

For each finding: the session (user, browser, OS, country, release, page at the moment), the
steps to reproduce (the user actions leading to the moment), the JavaScript error near it
with its stack resolved through the archive's source maps, the users and sessions that error
affected, the rrweb events of a short clip around the moment (from the last full snapshot
before it), and the session as a runnable test up to the moment
(:mod:`app.export.reproduction`). Masking (on by default, :class:`app.export.masking.ReportMasking`)
applies to the clip and to frames rendered from it; the report's text never contains typed
values (action names are built without them), and with masking its user ids are pseudonyms
(one :class:`app.export.masking.UserIds` per report) unless the user kept them, and the
page's query string values are hidden.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from app.analysis.sourcemaps import StackFrame, archive_source_maps, resolve_stack
from app.export.comparison_report import ComparedSection, build_comparison
from app.export.masking import ReportMasking, UserIds, mask_events, mask_query, typed_values
from app.export.moment_link import LinkError, moment_url
from app.export.reproduction import ReportTest, mask_test, origin_of, report_test
from app.rrweb.protocol import EventType
from app.store.filters import SessionFilter
from app.store.findings import Finding
from app.store.queries import errors as error_queries
from app.store.queries import replay as replay_queries
from app.store.queries import sessions as session_queries
from app.store.store import SessionStore

STEPS = 12
ERROR_WINDOW_MS = 15_000
CLIP_BEFORE_MS = 12_000
CLIP_AFTER_MS = 6_000


@dataclass(frozen=True)
class ErrorContext:
    message: str
    ts_ms: int
    frames: list[StackFrame]
    caused_by: str
    users: list[str]
    sessions: list[str]


@dataclass
class FindingReport:
    finding: Finding
    user_id: str
    browser: str
    os: str
    country: str
    release: str
    page: str
    session_start_ms: int
    steps: list[tuple[int, str, str]]  # (ts ms, type, name)
    error: ErrorContext | None
    clip: list[dict[str, Any]]
    frames: list[tuple[int, bytes]] = field(default_factory=list)  # (ts ms, PNG) filled by Qt
    test: ReportTest | None = None  # the session as a pytest-playwright test, up to the moment
    comparison: ComparedSection | None = None  # with the session it was compared with
    funnel: dict[str, Any] | None = None  # the funnel it was made on (funnel_document)
    click_map: dict[str, Any] | None = None  # the map it was made on (click_map_document)
    click_map_png: bytes | None = None  # that map drawn again (filled by Qt)
    link: str = ""  # replay-investigator://open?… at the moment ("" when the archive has no key)


def clip_events(
    store: SessionStore, finding: Finding, mask: bool, user_ids: UserIds | None = None
) -> list[dict[str, Any]]:
    """The events from the last full snapshot before the clip's start to its end."""
    events = json.loads(replay_queries.events_json(store.cursor(), finding.session_id))
    start, end = finding.ts_ms - CLIP_BEFORE_MS, finding.ts_ms + CLIP_AFTER_MS
    first = 0
    for index, event in enumerate(events):
        if event["timestamp"] > start:
            break
        if event.get("type") == EventType.META:  # a Meta starts the page the clip needs
            first = index
    clip = [e for e in events[first:] if e["timestamp"] <= end]
    return mask_events(clip, user_ids) if mask else clip


def build_report(
    store: SessionStore,
    finding: Finding,
    *,
    masking: ReportMasking | None = None,
    user_ids: UserIds | None = None,
) -> FindingReport:
    """What the report says about ``finding``; ``user_ids`` names the users (pass the same
    one for every finding of a report, so a user reads the same throughout)."""
    masking = masking or ReportMasking()
    user = user_ids or UserIds(masking)
    mask = masking.personal_data
    detail = replay_queries.detail(store.cursor(), finding.session_id)
    if detail is None:
        raise ValueError(f"session {finding.session_id} is not in this archive")
    summary = next(
        (
            s
            for s in session_queries.summaries(store.cursor(), SessionFilter())
            if s.session_id == finding.session_id
        ),
        None,
    )

    before = [a for a in detail.actions if a.ts_ms <= finding.ts_ms]
    steps = [(a.ts_ms, a.type, a.name) for a in before[-STEPS:]]
    page = (before[-1].url or "") if before else ""
    page = mask_query(page) if mask else page
    near = [e for e in detail.errors if abs(e.ts_ms - finding.ts_ms) <= ERROR_WINDOW_MS]
    error = None
    if near:
        chosen = min(near, key=lambda e: abs(e.ts_ms - finding.ts_ms))
        groups = [
            g
            for g in error_queries.groups(store.cursor(), SessionFilter())
            if g.message == chosen.message
        ]
        affected = (
            error_queries.group_sessions(store.cursor(), SessionFilter(), groups[0].key)
            if groups
            else []
        )
        cause = next(
            (a.name for a in reversed(detail.actions) if a.ts_ms <= chosen.ts_ms), "unknown"
        )
        error = ErrorContext(
            message=chosen.message,
            ts_ms=chosen.ts_ms,
            frames=resolve_stack(chosen.stack or "", archive_source_maps(store)),
            caused_by=cause,
            users=sorted({user(s.user_id) for s in affected if s.user_id}),
            sessions=[s.session_id for s in affected],
        )
    named = user(detail.user_id) if detail.user_id else "anonymous"
    compared = (
        build_comparison(store, finding.session_id, finding.compared_with, masking, user)
        if finding.compared_with
        else None
    )
    finding = replace(finding, title=user.in_text(finding.title), note=user.in_text(finding.note))
    return FindingReport(
        finding=finding,
        user_id=named,
        browser=(summary.browser if summary else None) or "",
        os=(summary.os if summary else None) or "",
        country=(summary.country if summary else None) or "",
        release=(summary.release if summary else None) or "",
        page=page,
        session_start_ms=detail.start_ms,
        steps=steps,
        error=error,
        clip=clip_events(store, finding, mask, user),
        test=_test_of(store, finding, detail, masking, user),
        comparison=compared,
        funnel=json.loads(finding.funnel) if finding.funnel else None,
        click_map=json.loads(finding.click_map) if finding.click_map else None,
        link=finding_link(store, finding),
    )


def finding_link(store: SessionStore, finding: Finding) -> str:
    """The link that opens the finding's moment in the app ("" when there can be none).

    Its path hint is the archive's file name only: a report travels, and the folders of the
    machine it was made on are nobody's business (the receiver's app finds the archive by
    its content anyway).
    """
    info = store.info()
    key = finding.archive_key or str(info.get("content_key", ""))
    try:
        return moment_url(key, finding.session_id, finding.ts_ms, str(info.get("source_name", "")))
    except LinkError:
        return ""


def _test_of(
    store: SessionStore,
    finding: Finding,
    detail: replay_queries.SessionDetail,
    masking: ReportMasking,
    user: UserIds,
) -> ReportTest:
    """The finding's session as a test, masked as the rest of the report is."""
    test = report_test(
        store,
        finding.session_id,
        finding.ts_ms,
        file_stem=finding.session_id,
        origin=next((origin_of(a.url) for a in detail.actions if origin_of(a.url)), ""),
        mask=masking.personal_data,
    )
    if not masking.personal_data or test.problem:
        return test
    events = json.loads(replay_queries.events_json(store.cursor(), finding.session_id))
    names = {detail.user_id: user(detail.user_id)} if detail.user_id else {}
    return mask_test(test, typed_values(events), names)
