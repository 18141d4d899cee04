"""One session as a plain rrweb recording (a JSON array of events), to share one replay."""

from __future__ import annotations

import json
from pathlib import Path

from app.export.masking import ReportMasking, UserIds, mask_events_json
from app.files import atomic_output
from app.store.queries import replay as replay_queries
from app.store.store import SessionStore


def write_rrweb(
    store: SessionStore, session_id: str, path: str | Path, *, mask: bool = True
) -> int:
    """Write the session's events (masked unless told otherwise); returns the event count.

    Masked, the recorder's ``identify`` events name the user by a pseudonym: a shared
    replay must not carry the customer's address any more than a report does.
    """
    data = replay_queries.events_json(store.cursor(), session_id)
    if data == b"[]":
        raise ValueError(f"session {session_id} has no events in this archive")
    if mask:
        data = mask_events_json(data, UserIds(ReportMasking()))
    with atomic_output(path) as part:
        part.write_bytes(data)
    return len(json.loads(data))
