"""Stream a recording file into a new DuckDB store, stage by stage.

Why a package: an ingest is four jobs with different concerns, one module each —
:mod:`~app.store.ingest.staging` writes sessions out as NDJSON batch files (the archive's
gzip members inflated, bare recordings parsed once to derive their RUM records),
:mod:`~app.store.ingest.loading` has DuckDB read them inside one transaction and retries
session by session when it refuses one, :mod:`~app.store.ingest.derivation` computes the
tables that need every session loaded, and :mod:`~app.store.ingest.job` runs them in order
with progress, cancellation and an all-or-nothing rename. Callers import from here.
"""

from __future__ import annotations

from app.archive.problems import UnreadableFile
from app.store.ingest.job import (
    IngestCancelled,
    IngestJob,
    IngestResult,
    Progress,
    ingest_file,
    is_current_store,
)

__all__ = [
    "IngestCancelled",
    "IngestJob",
    "IngestResult",
    "Progress",
    "UnreadableFile",
    "ingest_file",
    "is_current_store",
]
