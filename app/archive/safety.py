"""Limits that keep hostile files from hurting the machine.

Why: an archive comes from outside. A zip may name members ``../../.bashrc``, claim
terabytes, hide a zip bomb, be encrypted; a gzip member may inflate a thousandfold; a JSON
document may nest a hundred thousand levels. Each check here refuses such input with a
sentence a person can act on, and never trusts a size the file declares about itself.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

MAX_METADATA_BYTES = 16 * 1024 * 1024
MAX_MEMBER_BYTES = 8 * 1024**3
MAX_INFLATED_BYTES = 16 * 1024**3
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_AFTER_BYTES = 32 * 1024 * 1024
MAX_JSON_DEPTH = 512
MAX_STREAM_DEPTH = 4000  # rrweb DOM trees nest 2 levels per element
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Size limits; tests shrink them to exercise the refusals with small files."""

    metadata_bytes: int = MAX_METADATA_BYTES
    member_bytes: int = MAX_MEMBER_BYTES
    inflated_bytes: int = MAX_INFLATED_BYTES
    compression_ratio: int = MAX_COMPRESSION_RATIO
    ratio_check_after: int = RATIO_CHECK_AFTER_BYTES


DEFAULT_LIMITS = Limits()


class UnsafeInput(ValueError):
    """Input refused on purpose; the message says why."""


def unsafe_member_reason(info: zipfile.ZipInfo, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """Why a zip member must not be read, or ``None`` when it is fine."""
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return f"member '{name}' has an absolute path"
    if ".." in parts or "\\" in name:
        return f"member '{name}' has a path that leaves the archive ('..' or '\\')"
    if info.flag_bits & 0x1:
        return f"member '{name}' is encrypted, which this format does not allow"
    if (info.external_attr >> 16) & 0o170000 == 0o120000:
        return f"member '{name}' is a symbolic link, which this format does not allow"
    if info.file_size > limits.member_bytes:
        return f"member '{name}' declares {info.file_size:,} bytes, over the limit"
    if (
        info.compress_size > 0
        and info.file_size > limits.ratio_check_after
        and info.file_size / info.compress_size > limits.compression_ratio
    ):
        return (
            f"member '{name}' expands {info.file_size / info.compress_size:,.0f} times "
            "(a zip bomb?)"
        )
    return None


def json_depth_ok(text: str | bytes, max_depth: int = MAX_JSON_DEPTH) -> bool:
    """True when brackets never nest deeper than ``max_depth`` (strings are skipped)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > max_depth:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def load_small_json(raw: bytes, what: str, limit: int = MAX_METADATA_BYTES) -> Any:
    """Parse a small JSON document (manifest, metadata) or raise :class:`UnsafeInput`."""
    if len(raw) > limit:
        raise UnsafeInput(f"{what} is {len(raw):,} bytes, over the {limit:,}-byte limit")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnsafeInput(f"{what} is not UTF-8 text (byte {exc.start})") from None
    # Nesting cannot exceed the number of opening brackets: skip the scan for small docs.
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH and not json_depth_ok(text):
        raise UnsafeInput(f"{what} nests JSON deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnsafeInput(
            f"{what} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise UnsafeInput(f"{what} nests JSON too deeply") from None


@dataclass
class InflateResult:
    """What a bounded gunzip produced: complete lines kept, and what went wrong if anything."""

    bytes_written: int = 0
    lines: int = 0
    problem: str | None = None


def gunzip_lines(
    source: IO[bytes],
    sink: IO[bytes],
    *,
    compressed_size: int,
    limits: Limits = DEFAULT_LIMITS,
) -> InflateResult:
    """Inflate a gzip stream into ``sink``, keeping only complete, non-blank lines.

    ``lines`` in the result is then exactly the number of records DuckDB's
    ``read_ndjson`` will return for the output (it skips blank lines and, reading
    leniently, returns one row — NULL if malformed — for every other line), which lets the
    ingest attach session ids by position instead of rewriting every line.

    Why not ``gzip.open``: a truncated or corrupt stream must still yield every complete
    line before the damage, and the output must be capped by size and by expansion ratio
    whatever the member declares. Stops at the first problem and reports it.
    """
    result = InflateResult()
    inflater = zlib.decompressobj(wbits=31)
    pending = b""
    read_compressed = inflated = 0

    def emit(data: bytes, final: bool) -> None:
        nonlocal pending
        data = pending + data
        cut = len(data) if final else data.rfind(b"\n") + 1
        pending = data[cut:]
        chunk = data[:cut]
        if chunk:
            if not chunk.endswith(b"\n"):
                chunk += b"\n"  # files are concatenated: never leave a line open
            lines = chunk.count(b"\n")
            # Fast check that every line starts with "{" (so none is blank); else drop blanks.
            if chunk[:1] != b"{" or chunk.count(b"\n{") != lines - 1:
                chunk, lines = _without_blank_lines(chunk)
            result.lines += lines
            sink.write(chunk)
            result.bytes_written += len(chunk)

    member_open = False  # a gzip member has started and not reached its end yet
    try:
        while True:
            block = source.read(CHUNK)
            if not block:
                break
            read_compressed += len(block)
            while block:
                member_open = True
                out = inflater.decompress(block, CHUNK)
                block = inflater.unconsumed_tail
                inflated += len(out)  # blank lines dropped on the way count too
                total = inflated
                if total > limits.inflated_bytes:
                    result.problem = f"inflates past the {limits.inflated_bytes:,}-byte limit"
                    return result
                if total > limits.ratio_check_after and total > limits.compression_ratio * max(
                    compressed_size, 1
                ):
                    result.problem = (
                        f"expands more than {limits.compression_ratio} times (a gzip bomb?)"
                    )
                    return result
                emit(out, final=False)
                if inflater.eof:
                    # Concatenated gzip members are legal; the next one starts here.
                    block = inflater.unused_data
                    inflater = zlib.decompressobj(wbits=31)
                    member_open = False
    except (zlib.error, OSError, EOFError) as exc:
        result.problem = f"is damaged ({exc})"
        return result
    if member_open:
        result.problem = "is truncated (the gzip stream ends early)"
        return result
    if read_compressed == 0:
        result.problem = "is empty"
        return result
    emit(b"", final=True)
    return result


def _without_blank_lines(chunk: bytes) -> tuple[bytes, int]:
    """``chunk`` without its whitespace-only lines (what DuckDB's reader skips) and the
    number of lines left."""
    kept = [line for line in chunk.split(b"\n") if line.strip()]
    return (b"\n".join(kept) + b"\n" if kept else b""), len(kept)


def iter_chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while block := stream.read(CHUNK):
        yield block


def stream_depth_exceeds(stream: IO[bytes], max_depth: int = MAX_STREAM_DEPTH) -> bool:
    """True when a JSON stream's brackets may nest deeper than ``max_depth``.

    Why: a streaming JSON parser keeps one prefix per open level, so a file of a hundred
    thousand ``[`` exhausts memory. This pass counts brackets at C speed without parsing:
    ``bytes.translate`` keeps only the brackets (a twentieth of a recording's bytes), numpy
    sums their steps — a 1 GB file in about a second, where a running sum over every byte
    took eleven and held back the ingest's first progress report. Brackets inside strings
    are counted too, so it is an upper bound, which only matters for absurdly bracket-heavy
    text.
    """
    import numpy as np  # only the single-file readers need it; keep it off start-up

    depth = 0
    step = np.zeros(256, dtype=np.int32)
    step[[ord("["), ord("{")]] = 1
    step[[ord("]"), ord("}")]] = -1
    while block := stream.read(CHUNK * 8):
        brackets = block.translate(None, _NOT_BRACKETS)
        if not brackets:
            continue
        levels = np.cumsum(step[np.frombuffer(brackets, dtype=np.uint8)]) + depth
        if int(levels.max()) > max_depth:
            return True
        depth = int(levels[-1])
    return False


_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
