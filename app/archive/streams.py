"""Byte streams for the single-file formats: transparent gunzip and content sniffing."""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from typing import IO

from app.archive.safety import CHUNK, DEFAULT_LIMITS, Limits

GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 64 * 1024


class InflateLimitExceeded(OSError):
    """A gzipped recording inflates past a limit (a gzip bomb, or absurdly large)."""


class _BoundedGzip(io.BufferedIOBase):
    """Inflate a gzip file while counting: past the limits, reading stops with an error.

    Why not ``gzip.open``: a 100 KB ``.json.gz`` can inflate to gigabytes (and one JSON
    string in it is held whole by the streaming parser), and ``gzip`` loses the last inflated
    block of a truncated file. Here everything inflated before damage, truncation or a limit
    is returned first; the problem is raised by the read after it.
    """

    def __init__(self, path: Path, limits: Limits) -> None:
        self._raw = path.open("rb")
        self._limits = limits
        self._compressed = max(path.stat().st_size, 1)
        self._inflated = 0
        self._inflater = zlib.decompressobj(wbits=31)
        self._input = b""
        self._member_open = False
        self._buffer = bytearray()
        self._done = False
        self._problem: OSError | EOFError | None = None

    def readable(self) -> bool:
        return True

    def _limit_problem(self) -> InflateLimitExceeded | None:
        limits = self._limits
        if self._inflated > limits.inflated_bytes:
            return InflateLimitExceeded(f"inflates past the {limits.inflated_bytes:,}-byte limit")
        if (
            self._inflated > limits.ratio_check_after
            and self._inflated > limits.compression_ratio * self._compressed
        ):
            return InflateLimitExceeded(
                f"expands more than {limits.compression_ratio} times (a gzip bomb?)"
            )
        return None

    def _fill(self, want: int, until: bytes | None = None) -> None:
        """Inflate until ``want`` bytes (or ``until``) are buffered or the stream ends."""
        while not self._done and len(self._buffer) < want:
            if until is not None and until in self._buffer:
                return
            if not self._input:
                self._input = self._raw.read(CHUNK)
                if not self._input:
                    self._done = True
                    if self._member_open:
                        self._problem = EOFError("the gzip stream ends early (truncated)")
                    return
            try:
                out = self._inflater.decompress(self._input, CHUNK)
            except zlib.error as exc:
                self._done, self._problem = True, OSError(f"damaged gzip data ({exc})")
                return
            self._member_open = True
            self._input = self._inflater.unconsumed_tail
            if self._inflater.eof:  # concatenated members are legal
                self._input = self._inflater.unused_data
                self._inflater = zlib.decompressobj(wbits=31)
                self._member_open = False
            self._inflated += len(out)
            self._buffer += out
            if problem := self._limit_problem():
                self._done, self._problem = True, problem

    def _take(self, count: int) -> bytes:
        data = bytes(self._buffer[:count])
        del self._buffer[:count]
        if not data and self._problem is not None:
            problem, self._problem = self._problem, None
            raise problem
        return data

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            parts = []
            while part := self.read(CHUNK):
                parts.append(part)
            return b"".join(parts)
        self._fill(size)
        return self._take(size)

    def read1(self, size: int = -1) -> bytes:
        return self.read(CHUNK if size < 0 else size)

    def readline(self, size: int | None = -1) -> bytes:
        limit = size if size is not None and size >= 0 else self._limits.inflated_bytes
        self._fill(limit, until=b"\n")
        end = self._buffer.find(b"\n")
        if end < 0 and self._problem is not None:
            # A line cut by damage or a limit is not a line: report the cause, not bad JSON.
            self._buffer.clear()
        return self._take(min(limit, end + 1 if end >= 0 else len(self._buffer)))

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_maybe_gzip(path: Path, limits: Limits = DEFAULT_LIMITS) -> IO[bytes]:
    """Open ``path`` for reading, inflating it on the fly (bounded) when it is gzip."""
    with path.open("rb") as probe:
        gzipped = probe.read(2) == GZIP_MAGIC
    if not gzipped:
        return path.open("rb")
    return _BoundedGzip(path, limits)


def sniff_head(path: Path) -> tuple[bytes | None, bool]:
    """The first bytes of the (inflated) content and whether the file is gzip.

    ``None`` when a gzip file's first block cannot be inflated (an empty gzip is ``b""``).
    """
    with path.open("rb") as raw:
        head = raw.read(SNIFF_BYTES)
    if not head.startswith(GZIP_MAGIC):
        return head, False
    inflater = zlib.decompressobj(wbits=31)
    try:
        return inflater.decompress(head, SNIFF_BYTES), True
    except zlib.error:
        return None, True


def describe_foreign(head: bytes) -> str | None:
    """A short guess of what a non-recording file is, for the error message."""
    signatures = {
        b"\x89PNG": "a PNG image",
        b"%PDF": "a PDF document",
        b"\xff\xd8\xff": "a JPEG image",
        b"GIF8": "a GIF image",
        b"SQLite format 3": "an SQLite database",
        b"\x7fELF": "a program (ELF binary)",
        b"<": "an HTML or XML document",
    }
    for magic, what in signatures.items():
        if head.lstrip().startswith(magic):
            return what
    return None
