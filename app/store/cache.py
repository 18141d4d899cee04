"""Where stores live and how an archive is recognised again.

Why a content key: reopening the same archive must be instant, and a changed archive must be
re-ingested even when its name and time stamp did not change. For zip archives the key
hashes the central directory (it holds every member's CRC-32 and size), which identifies
the content without reading gigabytes; other files are hashed whole.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import platformdirs

CACHE_ENV = "REPLAY_INVESTIGATOR_CACHE"


def cache_dir() -> Path:
    """The user's cache directory for stores (``$REPLAY_INVESTIGATOR_CACHE`` overrides it)."""
    base = os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir("replay-investigator")
    path = Path(base) / "stores"
    path.mkdir(parents=True, exist_ok=True)
    return path


def content_key(path: str | Path) -> str:
    """A hex digest identifying the file's content."""
    path = Path(path)
    digest = hashlib.sha256()
    size = path.stat().st_size
    digest.update(f"size={size};".encode())
    with path.open("rb") as stream:
        head = stream.read(4)
        stream.seek(0)
        central = _central_directory(path) if head == b"PK\x03\x04" else None
        if central is not None:
            start, length = central
            stream.seek(start)
            digest.update(b"zip-central-directory;")
            digest.update(stream.read(length))
        else:
            while block := stream.read(4 * 1024 * 1024):
                digest.update(block)
    return digest.hexdigest()[:32]


def _central_directory(path: Path) -> tuple[int, int] | None:
    try:
        with zipfile.ZipFile(path) as archive:
            start = archive.start_dir  # offset of the central directory
    except (zipfile.BadZipFile, OSError, AttributeError):
        return None
    return start, path.stat().st_size - start


def store_path_for(path: str | Path) -> Path:
    return cache_dir() / f"{content_key(path)}.duckdb"
