"""Open a recording file as a store, ingesting it first when no current store exists."""

from __future__ import annotations

from pathlib import Path

from app.archive.safety import DEFAULT_LIMITS, Limits
from app.store.ingest import IngestResult, Progress, ingest_file
from app.store.store import SessionStore


def open_store(
    path: str | Path,
    db_path: str | Path | None = None,
    *,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[SessionStore, IngestResult]:
    """Ingest ``path`` if needed and open its store read-only."""
    result = ingest_file(path, db_path, progress=progress, limits=limits)
    return SessionStore(result.db_path), result
