"""A lake on object storage (``s3://bucket/prefix``), read in place like a lake folder.

Why this route: DuckDB's ``httpfs`` extension cannot be installed here, so DuckDB cannot
reach S3 itself. pyarrow's S3 client (the AWS SDK: credentials, region and profile from the
environment as every AWS tool reads them; ``AWS_ENDPOINT_URL`` for S3-compatible stores such
as MinIO or R2) does the HTTP, and DuckDB reads the lake's Parquet through it as a
registered filesystem (:class:`LakeObjects`). DuckDB's own ``read_parquet`` then does the
rest exactly as for a folder — Hive partitions, ``file_row_number`` (the tie order every
replay query relies on; a registered Arrow dataset has no row number), statistics pruning
and ranged reads of only the row groups a query needs — so the screens' queries run
unchanged.

Security: the filesystem serves reads under the lake's ``tables/`` prefix only, and the
connection allows no other location and is locked (as for a folder), so the SQL a user
types reaches neither another bucket nor another prefix of this one.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
from fsspec.spec import AbstractFileSystem
from pyarrow import fs as pafs

from app.archive.problems import UnreadableFile
from app.store.cache import cache_dir
from app.store.lake import LAKE_MARKER, LAKE_TABLES, LakeStore
from app.store.lake_location import STAND_IN, bucket_and_prefix

TAIL_BYTES = 64 * 1024
"""Read of each part when the lake opens: its footer (a few kB for the usual part), and the
whole of a small part; at most 64 kB × parts held in memory while the lake is open."""
PREFETCH_THREADS = 16
PROTOCOL = "s3lake"
"""The scheme DuckDB sees for the lake's objects (its own, so no built-in ``s3://`` clashes)."""


class LakeUnreachable(UnreadableFile):
    """A lake URL that cannot be opened: the message names the whole URL and the problem."""

    def __init__(self, url: str, problem: str) -> None:
        super().__init__(url, problem)
        self.args = (f"{url}: {problem}",)

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


def s3_filesystem(bucket: str) -> pafs.S3FileSystem:
    """pyarrow's S3 client configured from the environment, as the AWS tools are.

    ``AWS_ENDPOINT_URL_S3`` or ``AWS_ENDPOINT_URL`` points at an S3-compatible store (path
    style addressing); ``AWS_REGION``/``AWS_DEFAULT_REGION`` name the region, else it is
    asked of AWS for the bucket. Credentials: the SDK's chain (``AWS_ACCESS_KEY_ID`` and
    ``AWS_SECRET_ACCESS_KEY``, ``AWS_PROFILE`` and ``~/.aws``, an instance role).
    """
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    options: dict[str, Any] = {
        "connect_timeout": 5,
        "request_timeout": 30,
        "retry_strategy": pafs.AwsStandardS3RetryStrategy(max_attempts=2),
    }
    if endpoint:
        parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
        options.update(
            endpoint_override=parts.netloc, scheme=parts.scheme, region=region or "us-east-1"
        )
    else:
        options["region"] = region or pafs.resolve_s3_region(bucket)
    return pafs.S3FileSystem(**options)


def _problem(exc: Exception, bucket: str) -> str:
    """What went wrong, in words, from pyarrow's (the AWS SDK's) error."""
    text = str(exc)
    if "NO_SUCH_BUCKET" in text or "bucket does not exist" in text or "not found" in text:
        return (
            f"there is no bucket named '{bucket}' (check the URL, and AWS_ENDPOINT_URL for a "
            "store other than AWS)"
        )
    if any(s in text for s in ("ACCESS_DENIED", "InvalidAccessKeyId", "SignatureDoesNotMatch",
                               "403", "credentials")):  # fmt: skip
        return (
            "access denied: no valid credentials for this bucket (set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)"
        )
    if "NETWORK_CONNECTION" in text or "curlCode" in text or "connect" in text.lower():
        where = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
        return f"cannot reach the storage service{f' at {where}' if where else ''}"
    return f"cannot read it ({text.splitlines()[0] if text else type(exc).__name__})"


class LakeObjects(AbstractFileSystem):
    """The objects under a lake's ``tables/`` prefix, as an fsspec filesystem for DuckDB.

    Read-only, and nothing outside ``root`` (``bucket/prefix/tables``): a path elsewhere
    is refused here, whatever DuckDB's settings. Listed once, when opened (one recursive
    listing, 1,000 keys a request): DuckDB globs each table's parts and asks each part's
    size and time on every query, and answering those from the listing instead of the
    bucket took a dashboard query over loopback from seconds to tenths of a second. So a
    lake is read as it was when opened: parts compacted later appear when it is opened
    again. Each part has one pyarrow handle (:meth:`handle`, a HEAD request at its first
    read) and its prefetched tail (:meth:`prefetch_tails`). Counts the bytes it serves per
    object (from the tails too), so a query's pruning can be measured.
    """

    protocol = PROTOCOL
    root_marker = ""
    cachable = False

    def __init__(self, s3: pafs.S3FileSystem, root: str) -> None:
        super().__init__()
        self.s3 = s3
        self.root = root.strip("/")
        self.bytes_read: Counter[str] = Counter()  # per object
        self._handles: dict[str, Any] = {}
        self._tails: dict[str, tuple[int, bytes]] = {}  # key → (offset, the part's last bytes)
        self._handles_lock = threading.Lock()
        selector = pafs.FileSelector(self.root, recursive=True, allow_not_found=True)
        self._files = {
            i.path: i for i in s3.get_file_info(selector) if i.type == pafs.FileType.File
        }
        self._children: dict[str, set[str]] = {}
        for key in self._files:
            parts = key[len(self.root) + 1 :].split("/")
            parent = self.root
            for part in parts:
                self._children.setdefault(parent, set()).add(f"{parent}/{part}")
                parent = f"{parent}/{part}"

    @classmethod
    def _strip_protocol(cls, path: Any) -> Any:
        if isinstance(path, list):
            return [cls._strip_protocol(p) for p in path]
        text = str(path)
        if text.startswith(f"{PROTOCOL}://"):
            text = text[len(PROTOCOL) + 3 :]
        return text.strip("/")

    def _inside(self, path: str) -> str:
        """The object key of ``path``, refused unless it is under ``root`` (no ``..``: an
        S3 key is a plain string, but an HTTP stack may fold ``a/../b`` into ``b``)."""
        key = self._strip_protocol(path)
        inside = key == self.root or key.startswith(self.root + "/")
        if not inside or any(part in ("", ".", "..") for part in key.split("/")):
            raise PermissionError(f"{path}: outside the lake's tables")
        return key

    def _entry(self, key: str) -> dict[str, Any]:
        found = self._files.get(key)
        if found is not None:
            return {"name": key, "size": found.size, "type": "file", "mtime": found.mtime}
        if key in self._children:
            return {"name": key, "size": 0, "type": "directory"}
        raise FileNotFoundError(key)

    def ls(self, path: str, detail: bool = True, **kwargs: Any) -> list[Any]:
        key = self._inside(path)
        names = sorted(self._children.get(key, ())) if key in self._children else [key]
        return [self._entry(n) for n in names] if detail else names

    def info(self, path: str, **kwargs: Any) -> dict[str, Any]:
        return self._entry(self._inside(path))

    def modified(self, path: str) -> Any:
        return self.info(path)["mtime"]

    def _open(self, path: str, mode: str = "rb", **kwargs: Any) -> _CountedFile:
        if mode != "rb":
            raise PermissionError(f"{path}: a lake on object storage is read-only")
        key = self._inside(path)
        if key not in self._files:
            raise FileNotFoundError(path)
        return _CountedFile(self, key)

    def part_size(self, key: str) -> int:
        return int(self._files[key].size or 0)

    def read_at(self, key: str, offset: int, size: int) -> bytes:
        """``size`` bytes at ``offset``: from the part's prefetched tail when they lie in it
        (:meth:`prefetch_tails`), else a ranged GET."""
        tail = self._tails.get(key)
        if tail is not None and offset >= tail[0] and offset + size <= tail[0] + len(tail[1]):
            start = offset - tail[0]
            return tail[1][start : start + size]
        return bytes(self.handle(key).read_at(size, offset))  # positional: handles are shared

    def prefetch_tails(self, tables: list[str]) -> None:
        """Read the last :data:`TAIL_BYTES` of every part of ``tables``, many at a time.

        Why: opening the views reads every part's footer (its schema; DuckDB binds the
        views then), one part after another through this filesystem — two requests a part,
        11 s for 472 parts over loopback. Fetched concurrently here (pyarrow releases the
        interpreter during I/O), DuckDB's footer reads are served from memory.
        """
        keys = [k for k in self._files if k.endswith(".parquet") and
                k[len(self.root) + 1 :].split("/", 1)[0] in tables]  # fmt: skip

        def fetch(key: str) -> tuple[str, tuple[int, bytes]]:
            size = self.part_size(key)
            offset = max(0, size - TAIL_BYTES)
            return key, (offset, bytes(self.handle(key).read_at(size - offset, offset)))

        with ThreadPoolExecutor(max_workers=PREFETCH_THREADS) as pool:
            self._tails.update(pool.map(fetch, keys))

    def handle(self, key: str) -> Any:
        """The object's pyarrow file, opened (one HEAD request) on first use and kept."""
        with self._handles_lock:
            found = self._handles.get(key)
            if found is None:
                found = self._handles[key] = self.s3.open_input_file(key)
            return found

    def close(self) -> None:
        with self._handles_lock:
            for handle in self._handles.values():
                handle.close()
            self._handles.clear()
        self._tails.clear()

    def parts(self) -> list[tuple[str, int, int]]:
        """Each part as DuckDB names it through this filesystem, its size and time (ns)."""
        return [
            (f"{PROTOCOL}://{key}", int(info.size or 0), _ns(info.mtime))
            for key, info in sorted(self._files.items())
            if key.endswith(".parquet")
        ]

    def has_parts(self, table: str) -> bool:
        prefix = f"{self.root}/{table}/"
        return any(key.startswith(prefix) and key.endswith(".parquet") for key in self._files)


def _ns(moment: Any) -> int:
    """An S3 listing's time (a datetime, or None from some stores) in ns since the epoch."""
    return round(moment.timestamp() * 1e9) if moment is not None else 0


class _CountedFile:
    """A part opened for reading by DuckDB: a position over the lake's handle of the
    object (:meth:`LakeObjects.handle`), counting bytes read.

    Why not a handle per open: DuckDB opens every part of a table for each query and, with
    the footers cached, reads only the parts whose row groups the query needs; pyarrow's
    open is a HEAD request. An overview query over 134 parts opened 201 times and read 67
    of them: 1.2 s over loopback with a handle per open, 0.45 s opening only to read, and
    less again with one handle per part for the store's life (only the ranged GETs left).
    """

    def __init__(self, owner: LakeObjects, key: str) -> None:
        self._owner = owner
        self._key = key
        self._position = 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self._owner.part_size(self._key) - self._position
        data = self._owner.read_at(self._key, self._position, size)
        self._position += len(data)
        self._owner.bytes_read[self._key] += len(data)
        return bytes(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence == 1:
            offset += self._position
        elif whence == 2:
            raise OSError(f"{self._key}: seeking from the end is not supported")
        self._position = offset
        return offset

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        """Nothing to release: the handle is the lake's."""

    def __enter__(self) -> _CountedFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def stand_in_folder(url: str) -> Path:
    """A local folder standing for the lake at ``url`` (made if missing).

    Why: the app keeps what it derives from a store beside it (replay checkpoints, map
    indexes) and hands child processes the store's path to reopen it; for a lake on object
    storage that path is this folder in the user's cache, whose ``remote-lake.json`` names
    the URL (:func:`open_remote_lake` reopens it).
    """
    folder = cache_dir() / "lakes" / hashlib.blake2b(url.encode(), digest_size=8).hexdigest()
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / STAND_IN
    if not marker.is_file():
        marker.write_text(json.dumps({"url": url}) + "\n", encoding="utf-8")
    return folder


class S3LakeStore(LakeStore):
    """A lake at ``s3://bucket/prefix``, its tables read in place through pyarrow's S3 client.

    Opening lists each table's parts and reads ``lake.json`` (a prefix without it is not a
    lake); a query then reads the footers of the parts once (cached) and only the row
    groups it needs. ``db_path`` is the local stand-in folder (:func:`stand_in_folder`).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        bucket, prefix = bucket_and_prefix(url)
        base = f"{bucket}/{prefix}".rstrip("/")
        try:
            s3 = s3_filesystem(bucket)
            self._marker = self._read_marker(s3, base)
            self.objects = LakeObjects(s3, f"{base}/tables")
            self.objects.prefetch_tails(list(LAKE_TABLES))
            self.lake = self.db_path = stand_in_folder(url)
            self._open_tables(f"{PROTOCOL}://{self.objects.root}")
        except LakeUnreachable:
            raise
        except (OSError, duckdb.IOException) as exc:
            raise LakeUnreachable(url, _problem(exc, bucket)) from None

    def _read_marker(self, s3: pafs.S3FileSystem, base: str) -> str:
        if s3.get_file_info(base.split("/", 1)[0]).type == pafs.FileType.NotFound:
            missing = OSError("NO_SUCH_BUCKET")
            raise LakeUnreachable(self.url, _problem(missing, base.split("/", 1)[0]))
        try:
            with s3.open_input_stream(f"{base}/{LAKE_MARKER}") as stream:
                return stream.read().decode("utf-8", "replace")
        except FileNotFoundError:
            raise LakeUnreachable(
                self.url,
                f"not a lake: there is no {LAKE_MARKER} under this prefix (a lake is the "
                "folder `replay-investigator collect` and `compact` write, copied whole)",
            ) from None

    def close(self) -> None:
        super().close()
        self.objects.close()

    def _prepare(self, con: duckdb.DuckDBPyConnection) -> None:
        con.register_filesystem(self.objects)

    def _has_parts(self, table: str) -> bool:
        return self.objects.has_parts(table)

    def parts(self) -> list[tuple[str, int, int]]:
        """From the listing taken when the lake was opened (what its views read)."""
        return self.objects.parts()

    def _marker_text(self) -> str:
        return self._marker

    def _source(self) -> tuple[str, str]:
        return self.url.rstrip("/").rsplit("/", 1)[-1], self.url
