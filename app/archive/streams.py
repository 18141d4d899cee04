"""Byte streams for the single-file formats: transparent gunzip and content sniffing."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from typing import IO

GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 64 * 1024


def open_maybe_gzip(path: Path) -> IO[bytes]:
    """Open ``path`` for reading, inflating it on the fly when it is gzip (by content)."""
    with path.open("rb") as probe:
        gzipped = probe.read(2) == GZIP_MAGIC
    return gzip.open(path, "rb") if gzipped else path.open("rb")  # type: ignore[return-value]


def sniff_head(path: Path) -> tuple[bytes, bool]:
    """The first bytes of the (inflated) content and whether the file is gzip."""
    with path.open("rb") as raw:
        head = raw.read(SNIFF_BYTES)
    if not head.startswith(GZIP_MAGIC):
        return head, False
    inflater = zlib.decompressobj(wbits=31)
    try:
        return inflater.decompress(head, SNIFF_BYTES), True
    except zlib.error:
        return b"", True


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
