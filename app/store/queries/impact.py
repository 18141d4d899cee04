"""How hard a problem hit each session: errors, frustration signals and time spent stuck.

Why its own question: "which impacted user do I replay first?" is answered by severity, not
by name or date — the session whose user waited longest on a spinner, clicked in anger and
hit the error again is the one that shows the problem. Problems and error groups both list
their sessions through :func:`impacted_sessions`, most frustrated first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.store.queries import Cursor


@dataclass(frozen=True)
class ImpactedSession:
    """One session hit by a problem, with the moment to replay it at."""

    session_id: str
    user_id: str | None
    at_ms: int  # the first error of the problem in it (else the session's start), epoch ms
    errors: int  # JavaScript errors in the session
    frustrations: int  # frustration signals (rage, dead and error clicks, loading indicators…)
    stuck_ms: int  # total duration of the signals that last (waiting on a spinner…)
    converted: bool
    browser: str | None

    @property
    def severity(self) -> tuple[int, int, int, int]:
        """Sort key, most severe first when sorted in reverse."""
        return (self.stuck_ms, self.frustrations, self.errors, self.at_ms)


def impacted_sessions(con: Cursor, at_ms: Mapping[str, int | None]) -> list[ImpactedSession]:
    """The sessions of ``at_ms`` (session id → moment of the problem, ``None`` for the start),
    most severely impacted first."""
    if not at_ms:
        return []
    ids = list(at_ms)
    rows = con.execute(
        """WITH chosen AS (SELECT unnest(?::VARCHAR[]) AS session_id),
           f AS (SELECT session_id, count(*) AS n, coalesce(sum(duration_ms), 0) AS ms
                 FROM frustration_signals WHERE session_id IN (SELECT session_id FROM chosen)
                 GROUP BY session_id),
           e AS (SELECT session_id, count(*) AS n FROM errors
                 WHERE session_id IN (SELECT session_id FROM chosen) GROUP BY session_id)
           SELECT s.session_id, s.user_id, epoch_ms(s.started_at), coalesce(e.n, 0),
                  coalesce(f.n, 0), coalesce(f.ms, 0)::BIGINT,
                  EXISTS (SELECT 1 FROM goals g WHERE g.session_id = s.session_id), s.browser
           FROM sessions s JOIN chosen USING (session_id)
           LEFT JOIN f USING (session_id) LEFT JOIN e USING (session_id)""",
        [ids],
    ).fetchall()
    found = [
        ImpactedSession(
            session_id=str(r[0]),
            user_id=r[1],
            at_ms=int(at_ms[str(r[0])] or r[2] or 0),
            errors=int(r[3]),
            frustrations=int(r[4]),
            stuck_ms=int(r[5]),
            converted=bool(r[6]),
            browser=r[7],
        )
        for r in rows
    ]
    return sorted(found, key=lambda s: s.severity, reverse=True)
