"""Sentry replay downloads: the ``recording-segments`` API's array of segments.

Each segment is an array of rrweb events as Sentry's SDK recorded them, with Sentry's own
custom events among them: ``breadcrumb`` (console, clicks, navigations), ``performanceSpan``
(navigations, fetch/XHR requests, web vitals, memory) and ``options`` (how the SDK was set
up). Breadcrumbs and spans stay in the event stream, where the RUM derivation
(:mod:`app.derive.sentry`) turns them into errors, load actions, requests and vitals; the
``options`` are kept as session metadata. Sentry's custom events carry their top-level
``timestamp`` in seconds while rrweb's are in milliseconds: each event's unit is told apart
on its own (:func:`app.archive.events.normalise_event`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app.archive.model import SessionMeta
from app.archive.recording import RecordedSession, RrwebFile
from app.rrweb.protocol import EventType

CUSTOM = EventType.CUSTOM  # compared once per event


class SentrySegments(RrwebFile):
    """A JSON array of segments, each a JSON array of events (concatenated in order)."""

    format = "sentry"

    def sessions(self) -> Iterator[RecordedSession]:
        sid = self.name_session_id()
        meta = SessionMeta(session_id=sid)
        yield RecordedSession(meta, self._checked(self._segments(meta), sid))

    def _segments(self, meta: SessionMeta) -> Iterator[Any]:
        for segment in self._stream_items("item"):
            for event in segment if isinstance(segment, list) else [segment]:
                if isinstance(event, dict) and event.get("type") == CUSTOM:
                    data = event.get("data")
                    if isinstance(data, dict) and data.get("tag") == "options":
                        payload = data.get("payload")
                        if isinstance(payload, dict):
                            meta.extra["sentry_options"] = payload
                yield event
