"""Where things live in a lake directory, and when an hour's files are closed.

::

    LAKE/incoming/YYYY-MM-DD/HH/<host>-<pid>.ndjson   batches as received, one file per
                                                       collector process and UTC hour
    LAKE/pending/<run>.ndjson                          batches of sessions not yet over
    LAKE/tables/<table>/day=YYYY-MM-DD/part-<run>.parquet
    LAKE/compacted/sessions.txt                        session ids already in the tables
    LAKE/lake.json                                     marks the directory as a lake

Why per process: several collectors may write one lake (behind a load balancer); a file
has one writer, so appends never interleave and no lock is shared between machines.
"""

from __future__ import annotations

import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path

from app.store.lake import LAKE_MARKER, is_lake

__all__ = ["LAKE_MARKER", "is_lake"]

INCOMING = "incoming"
PENDING = "pending"
TABLES = "tables"
COMPACTED = "compacted"
STAGING = ".staging"

CLOSE_GRACE_S = 60  # an hour's file is closed this long after the hour ended


def ensure_lake(root: Path) -> Path:
    """Create the lake's directories and marker (idempotent)."""
    root.mkdir(parents=True, exist_ok=True)
    for name in (INCOMING, PENDING, TABLES, COMPACTED):
        (root / name).mkdir(exist_ok=True)
    marker = root / LAKE_MARKER
    if not marker.exists():
        marker.write_text(json.dumps({"format": "webreplay-lake", "version": 1}) + "\n")
    return root


def writer_name() -> str:
    """This process's file name within an hour: host and pid make it unique in a lake."""
    host = socket.gethostname().replace("/", "_").replace("-", "_") or "host"
    return f"{host}-{os.getpid()}.ndjson"


def hour_dir(root: Path, moment_s: float) -> Path:
    stamp = datetime.fromtimestamp(moment_s, UTC)
    return root / INCOMING / stamp.strftime("%Y-%m-%d") / stamp.strftime("%H")


def hour_start_s(hour: Path) -> float:
    """The start (epoch seconds) of an ``incoming/YYYY-MM-DD/HH`` folder's hour."""
    stamp = datetime.strptime(f"{hour.parent.name} {hour.name}", "%Y-%m-%d %H")
    return stamp.replace(tzinfo=UTC).timestamp()


def closed_hour_files(root: Path, now_s: float, *, include_open: bool = False) -> list[Path]:
    """The hourly files no collector appends to any more (their hour ended), oldest first.

    ``include_open`` takes the current hour's files too: only for a lake no collector is
    writing to (tests, a final compaction after stopping every collector).
    """
    files = []
    for hour in sorted((root / INCOMING).glob("*/*")):
        if not hour.is_dir():
            continue
        try:
            ended = hour_start_s(hour) + 3600 + CLOSE_GRACE_S <= now_s
        except ValueError:
            continue
        if ended or include_open:
            files.extend(sorted(hour.glob("*.ndjson")))
    return files
