"""Where stores live and how an archive is recognised again.

Why a content key: reopening the same archive must be instant, and a changed archive must be
re-ingested even when its name and time stamp did not change. For zip archives the key
hashes the central directory (it holds every member's CRC-32 and size), which identifies
the content without reading gigabytes; other files are hashed whole. A folder's key covers
the name, size and modification time of every file its investigation reads (hashing the
content of thousands of recordings would make reopening a folder as slow as ingesting it).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import platformdirs

from app.archive.folder import folder_files
from app.processes import process_alive

CACHE_ENV = "REPLAY_INVESTIGATOR_CACHE"


def cache_dir() -> Path:
    """The user's cache directory for stores (``$REPLAY_INVESTIGATOR_CACHE`` overrides it)."""
    base = os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir("replay-investigator")
    path = Path(base) / "stores"
    path.mkdir(parents=True, exist_ok=True)
    return path


def content_key(path: str | Path) -> str:
    """A hex digest identifying the file's (or the folder's) content."""
    path = Path(path)
    digest = hashlib.sha256()
    if path.is_dir():
        digest.update(b"folder;")
        for file in folder_files(path):
            stat = file.stat()
            name = file.relative_to(path).as_posix()
            digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns};".encode())
        return digest.hexdigest()[:32]
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


def content_size(path: str | Path) -> int:
    """Bytes of the file, or of every file a folder's investigation reads (at least 1)."""
    path = Path(path)
    if path.is_dir():
        return max(sum(f.stat().st_size for f in folder_files(path)), 1)
    return max(path.stat().st_size, 1)


def _central_directory(path: Path) -> tuple[int, int] | None:
    try:
        with zipfile.ZipFile(path) as archive:
            start = archive.start_dir  # offset of the central directory
    except (zipfile.BadZipFile, OSError, AttributeError):
        return None
    return start, path.stat().st_size - start


def store_path_for(path: str | Path) -> Path:
    return cache_dir() / f"{content_key(path)}.duckdb"


# ---- integrity of a store --------------------------------------------------------------
# A store is written under a temporary name and renamed when complete, then *sealed*: a
# small file beside it records its size and a digest of sampled blocks. A store that is
# not sealed (the process died between rename and seal), was cut short (a disk filled, a
# copy broke off) or was overwritten in part does not match its seal and is rebuilt on the
# next open instead of failing later, query by query.

SAMPLES = 64
SAMPLE_BYTES = 64 * 1024


def seal_path(store: Path) -> Path:
    return store.with_name(store.name + ".seal")


def fingerprint(store: Path) -> dict[str, object]:
    """Size and a digest of evenly spaced blocks (a few MB read, whatever the size)."""
    size = store.stat().st_size
    digest = hashlib.blake2b(digest_size=16)
    with store.open("rb") as stream:
        for index in range(SAMPLES + 1):
            stream.seek(max(0, min(size - SAMPLE_BYTES, size * index // SAMPLES)))
            digest.update(stream.read(SAMPLE_BYTES))
    return {"size": size, "digest": digest.hexdigest()}


def seal_store(store: Path) -> None:
    """Record the fingerprint of a complete store."""
    seal_path(store).write_text(json.dumps(fingerprint(store)), encoding="utf-8")


def unseal_store(store: Path) -> None:
    """Forget a store's seal (before replacing it, or when it was found damaged)."""
    seal_path(store).unlink(missing_ok=True)


def store_is_intact(store: Path) -> bool:
    """Whether ``store`` is exactly as it was sealed."""
    try:
        seal = json.loads(seal_path(store).read_text(encoding="utf-8"))
        return bool(seal == fingerprint(store))
    except (OSError, ValueError):
        return False


# ---- leftovers of ingests that were killed -------------------------------------------
_PARTIAL = re.compile(r"^\..+\.(\d+)\.\d+\.part(\.wal)?$")
_WORK_DIR = re.compile(r"^ri-ingest-(\d+)-")


def partial_store_path(target: Path, pid: int, thread: int) -> Path:
    """Where an ingest builds ``target`` before renaming it (named by process, for sweeping)."""
    return target.with_name(f".{target.name}.{pid}.{thread}.part")


def work_dir_prefix() -> str:
    return f"ri-ingest-{os.getpid()}-"


def sweep_leftovers(folder: Path) -> list[Path]:
    """Remove half-built stores and work folders of ingests whose process is gone.

    Why: ``kill -9`` or a power cut during an ingest leaves them behind, and the work
    folders can hold gigabytes of inflated events. Returns what was removed.
    """
    removed = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _PARTIAL.match(entry.name) or _WORK_DIR.match(entry.name)
        if match is None or process_alive(int(match.group(1))):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed
