"""Findings: moments of a replay an investigator marked, kept for good.

Why a database of its own, in the user's *data* directory: archive stores live in the cache
and may be thrown away and rebuilt at any time; findings are the user's work. Each change is
one committed DuckDB transaction on a file opened just for it, so a crash (even ``kill -9``)
loses nothing already saved, and two windows of the app never hold a lock on it for long.
Findings belong to an archive by its content key, so they come back when the same export is
opened again, wherever the file was moved.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import platformdirs

DATA_ENV = "REPLAY_INVESTIGATOR_DATA"
SEVERITIES = ("critical", "major", "minor", "info")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS findings (
    id VARCHAR PRIMARY KEY,
    archive_key VARCHAR NOT NULL,
    archive_name VARCHAR,
    session_id VARCHAR NOT NULL,
    ts_ms BIGINT NOT NULL,
    title VARCHAR NOT NULL,
    note VARCHAR,
    severity VARCHAR,
    tags VARCHAR,
    created_ms BIGINT,
    updated_ms BIGINT
)
"""
# Migrations of databases written by older versions, run on every open (each is a no-op once
# done): a column added later is nullable, so an old finding reads back with its default.
_MIGRATIONS = (
    # issue 20: the session a finding was compared with (one that went right)
    "ALTER TABLE findings ADD COLUMN IF NOT EXISTS compared_with VARCHAR",
    # issue 21: the funnel a finding was made on (a JSON snapshot of what the tab showed)
    "ALTER TABLE findings ADD COLUMN IF NOT EXISTS funnel VARCHAR",
    # issue 21: the click map a finding was made on (a JSON snapshot: page, filter, layer)
    "ALTER TABLE findings ADD COLUMN IF NOT EXISTS click_map VARCHAR",
)
_COLUMNS = (
    "id, archive_key, archive_name, session_id, ts_ms, title, note, severity, tags, "
    "created_ms, updated_ms, compared_with, funnel, click_map"
)


def data_dir() -> Path:
    """Where the user's own data lives (``$REPLAY_INVESTIGATOR_DATA`` overrides)."""
    base = os.environ.get(DATA_ENV) or platformdirs.user_data_dir("replay-investigator")
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class Finding:
    archive_key: str
    session_id: str
    ts_ms: int
    title: str
    note: str = ""
    severity: str = "major"
    tags: tuple[str, ...] = ()
    archive_name: str = ""
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    created_ms: int = 0
    updated_ms: int = 0
    compared_with: str = ""  # the other session of its comparison ("" when none)
    funnel: str = ""  # JSON: the funnel it was made on (app.export.funnel_document; "" when none)
    click_map: str = ""  # JSON: the map it was made on (app.export.click_map_document; "")


TITLE_LENGTH = 120


def error_title(message: str) -> str:
    """The title offered for a finding about a JavaScript error: its message, whole.

    Why not shortened: "Uncaught" and "(in promise)" tell a developer the error escaped every
    handler and came from a rejected promise; cutting only the first word left titles such
    as "(in promise) TypeError…".
    """
    return " ".join(message.split())[:TITLE_LENGTH]


class FindingsError(RuntimeError):
    """The findings database cannot be used; the message names the file and the problem."""


class FindingsStore:
    """The findings database (``findings.duckdb`` in :func:`data_dir` unless told otherwise)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else data_dir() / "findings.duckdb"
        try:
            with self._connect():
                pass  # create the file and table now, so a damaged file is reported at once
        except (duckdb.Error, OSError) as exc:
            raise FindingsError(f"{self.path}: {exc}") from None

    @contextmanager
    def _connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = duckdb.connect(str(self.path))
        try:
            con.execute(_SCHEMA)
            for migration in _MIGRATIONS:
                con.execute(migration)
            yield con
        finally:
            con.close()

    def save(self, finding: Finding) -> Finding:
        """Insert or update a finding (one transaction); returns it with its timestamps."""
        if finding.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {finding.severity!r}")
        if not finding.title.strip():
            raise ValueError("a finding needs a title")
        now = int(time.time() * 1000)
        saved = replace(finding, created_ms=finding.created_ms or now, updated_ms=now)
        with self._connect() as con:
            con.execute("BEGIN TRANSACTION")
            con.execute("DELETE FROM findings WHERE id = ?", [saved.id])
            con.execute(
                f"INSERT INTO findings ({_COLUMNS}) VALUES ({', '.join('?' * 14)})",
                [
                    saved.id,
                    saved.archive_key,
                    saved.archive_name,
                    saved.session_id,
                    saved.ts_ms,
                    saved.title,
                    saved.note,
                    saved.severity,
                    json.dumps(list(saved.tags)),
                    saved.created_ms,
                    saved.updated_ms,
                    saved.compared_with or None,
                    saved.funnel or None,
                    saved.click_map or None,
                ],
            )
            con.execute("COMMIT")
        return saved

    def delete(self, finding_id: str) -> None:
        with self._connect() as con:
            con.execute("DELETE FROM findings WHERE id = ?", [finding_id])

    def get(self, finding_id: str) -> Finding | None:
        found = self._select("WHERE id = ?", [finding_id])
        return found[0] if found else None

    def for_archive(self, archive_key: str, session_id: str | None = None) -> list[Finding]:
        """An archive's findings (of one session if given), in time order."""
        if session_id is None:
            return self._select("WHERE archive_key = ? ORDER BY ts_ms, id", [archive_key])
        return self._select(
            "WHERE archive_key = ? AND session_id = ? ORDER BY ts_ms, id", [archive_key, session_id]
        )

    def _select(self, where: str, params: list[object]) -> list[Finding]:
        with self._connect() as con:
            rows = con.execute(f"SELECT {_COLUMNS} FROM findings {where}", params).fetchall()
        return [
            Finding(
                id=r[0],
                archive_key=r[1],
                archive_name=r[2] or "",
                session_id=r[3],
                ts_ms=int(r[4]),
                title=r[5],
                note=r[6] or "",
                severity=r[7] or "major",
                tags=tuple(json.loads(r[8] or "[]")),
                created_ms=int(r[9] or 0),
                updated_ms=int(r[10] or 0),
                compared_with=r[11] or "",
                funnel=r[12] or "",
                click_map=r[13] or "",
            )
            for r in rows
        ]
