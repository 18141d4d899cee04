"""Resolve minified stack traces through Source Map v3 files carried by the archive.

Why our own decoder: the maintained options are large native packages (Sentry's
``symbolic``) and the pure-Python ``sourcemap`` package has not been released since 2017;
decoding v3 ``mappings`` is a page of code (Base64 VLQ, per-line segments), tested in
``tests/analysis/test_sourcemaps.py`` against maps written by terser.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from app.store.queries import errors as error_queries

if TYPE_CHECKING:
    from app.store.store import SessionStore

_BASE64 = {
    c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
}
# Chrome/V8 "    at fn (url:line:col)" or "    at url:line:col"; Firefox/Safari "fn@url:line:col"
_V8_FRAME = re.compile(r"^\s*at (?:(?P<fn>.*?) \()?(?P<url>\S+?):(?P<line>\d+):(?P<col>\d+)\)?\s*$")
_GECKO_FRAME = re.compile(r"^\s*(?P<fn>[^@\s]*)@(?P<url>\S+?):(?P<line>\d+):(?P<col>\d+)\s*$")
# rrweb's console plugin records its trace as V8 frames without the "at ":
# "fn (url:line:col)" or "url:line:col"
_RRWEB_FRAME = re.compile(
    r"^\s*(?:(?P<fn>[^()]*?) \()?(?P<url>[^\s()]+?):(?P<line>\d+):(?P<col>\d+)\)?\s*$"
)


class SourceMapError(ValueError):
    """The source map cannot be used (not JSON, not version 3, broken mappings)."""


def decode_vlq(segment: str) -> list[int]:
    """Decode one Base64-VLQ segment of a ``mappings`` string into its integers."""
    values: list[int] = []
    value = shift = 0
    for char in segment:
        digit = _BASE64.get(char)
        if digit is None:
            raise SourceMapError(f"invalid character {char!r} in mappings")
        value += (digit & 31) << shift
        if digit & 32:
            shift += 5
            continue
        values.append(-(value >> 1) if value & 1 else value >> 1)
        value = shift = 0
    if shift:
        raise SourceMapError("a mappings segment ends in the middle of a number")
    return values


@dataclass(frozen=True)
class OriginalPosition:
    source: str
    line: int  # 1-based, as in stack traces
    column: int  # 1-based
    name: str | None
    code: str | None  # the original source line, when the map carries sourcesContent


class SourceMap:
    """One parsed Source Map v3 (``sections`` index maps are not supported)."""

    def __init__(self, text: str | bytes) -> None:
        try:
            doc: Any = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise SourceMapError(f"not JSON: {exc}") from None
        if not isinstance(doc, dict) or doc.get("version") != 3:
            raise SourceMapError("not a version 3 source map")
        if "sections" in doc:
            raise SourceMapError("index maps (sections) are not supported")
        root = str(doc.get("sourceRoot") or "")
        self.sources = [root + str(s) if root and "://" not in str(s) else str(s)
                        for s in doc.get("sources") or []]  # fmt: skip
        self.names = [str(n) for n in doc.get("names") or []]
        self.contents = list(doc.get("sourcesContent") or [])
        self._mappings = str(doc.get("mappings") or "")

    @cached_property
    def _lines(self) -> list[tuple[list[int], list[tuple[int, int, int, int | None]]]]:
        """Per generated line: sorted columns and (source, line, column, name) entries."""
        lines = []
        source = src_line = src_col = name = 0
        for text in self._mappings.split(";"):
            columns: list[int] = []
            entries: list[tuple[int, int, int, int | None]] = []
            gen_col = 0
            for segment in filter(None, text.split(",")):
                values = decode_vlq(segment)
                gen_col += values[0]
                if len(values) < 4:
                    continue
                source += values[1]
                src_line += values[2]
                src_col += values[3]
                entry_name = None
                if len(values) >= 5:
                    name += values[4]
                    entry_name = name
                columns.append(gen_col)
                entries.append((source, src_line, src_col, entry_name))
            lines.append((columns, entries))
        return lines

    def lookup(self, line: int, column: int) -> OriginalPosition | None:
        """The original position of a 1-based generated ``line``/``column`` (as in stacks)."""
        lines = self._lines
        if not 1 <= line <= len(lines):
            return None
        columns, entries = lines[line - 1]
        index = bisect.bisect_right(columns, column - 1) - 1
        if index < 0:
            return None
        source, src_line, src_col, name = entries[index]
        if not 0 <= source < len(self.sources):
            return None
        code = None
        if source < len(self.contents) and isinstance(self.contents[source], str):
            text_lines = self.contents[source].splitlines()
            code = text_lines[src_line] if 0 <= src_line < len(text_lines) else None
        return OriginalPosition(
            source=self.sources[source],
            line=src_line + 1,
            column=src_col + 1,
            name=self.names[name] if name is not None and 0 <= name < len(self.names) else None,
            code=code,
        )


@dataclass(frozen=True)
class StackFrame:
    """One frame of a stack trace, as recorded and (when a map knows it) as written."""

    function: str
    url: str
    line: int
    column: int
    original: OriginalPosition | None = None

    def describe(self) -> str:
        where = self.original
        if where is None:
            return f"{self.function or '<anonymous>'} ({self.url}:{self.line}:{self.column})"
        # The map's ``name`` here is the identifier at the failing position (a property,
        # a callee), not the enclosing function: keep the name the engine reported.
        return f"{self.function or '<anonymous>'} ({where.source}:{where.line}:{where.column})"


def parse_stack(stack: str) -> list[StackFrame]:
    """The frames of a V8, Gecko or WebKit stack trace (lines that are not frames are skipped)."""
    frames = []
    for line in (stack or "").splitlines():
        match = _V8_FRAME.match(line) or _GECKO_FRAME.match(line) or _RRWEB_FRAME.match(line)
        if match:
            frames.append(
                StackFrame(
                    function=(match.group("fn") or "").strip(),
                    url=match.group("url"),
                    line=int(match.group("line")),
                    column=int(match.group("col")),
                )
            )
    return frames


def resolve_stack(stack: str, maps: dict[str, SourceMap]) -> list[StackFrame]:
    """Parse ``stack`` and resolve each frame whose script has a map (keyed by script URL)."""
    resolved = []
    for frame in parse_stack(stack):
        source_map = maps.get(frame.url.split("?", 1)[0].split("#", 1)[0])
        original = source_map.lookup(frame.line, frame.column) if source_map else None
        resolved.append(StackFrame(frame.function, frame.url, frame.line, frame.column, original))
    return resolved


def stack_text(heading: str, frames: list[StackFrame], raw: str = "") -> str:
    """A stack as people read it: ``heading``, then one ``at`` line per frame (resolved where a
    map knew it) with the original source line under it; ``raw`` when no frame was read.

    One rendering for every place that shows a stack (the Errors screen, the replay console),
    so a location reads the same wherever it is met.
    """
    if not frames:
        return raw or heading
    lines = [heading] if heading else []
    for frame in frames:
        lines.append(f"    at {frame.describe()}")
        if frame.original and frame.original.code:
            lines.append(f"         {frame.original.code.strip()}")
    return "\n".join(lines)


def archive_source_maps(store: SessionStore) -> dict[str, SourceMap]:
    """The archive's source maps by script URL, parsed (on a worker: a map can be megabytes).

    A map that cannot be parsed is left out: its frames stay minified.
    """
    maps: dict[str, SourceMap] = {}
    for url, text in error_queries.source_maps(store.cursor()):
        try:
            maps[url] = SourceMap(text)
        except SourceMapError:
            continue
    return maps
