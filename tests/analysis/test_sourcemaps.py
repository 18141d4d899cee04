"""Source Map v3 decoding and stack resolution, checked against the demo's terser map."""

from __future__ import annotations

import gzip
import json
import zipfile

import pytest

from app.analysis.sourcemaps import (
    SourceMap,
    SourceMapError,
    decode_vlq,
    parse_stack,
    resolve_stack,
    stack_text,
)
from app.resources import resource_path
from app.store.demo import demo_archive_path


def test_vlq_segments_decode_to_signed_relative_numbers() -> None:
    assert decode_vlq("AAAA") == [0, 0, 0, 0]
    assert decode_vlq("AAgBC") == [0, 0, 16, 1]
    assert decode_vlq("D") == [-1]
    assert decode_vlq("2H") == [123]
    with pytest.raises(SourceMapError):
        decode_vlq("g")  # a continuation digit with nothing after it
    with pytest.raises(SourceMapError):
        decode_vlq("A*")


def test_a_hand_written_map_points_into_its_source() -> None:
    # generated line 1: col 0 -> a.js 1:0 "foo"; col 9 -> a.js 2:4; line 2: col 2 -> a.js 3:0
    text = json.dumps({
        "version": 3, "sources": ["a.js"], "names": ["foo"], "sourceRoot": "https://x/",
        "sourcesContent": ["function foo() {\n    return 1;\n}\n"],
        "mappings": "AAAAA,SACI;EACJ",
    })  # fmt: skip
    source_map = SourceMap(text)
    first = source_map.lookup(1, 5)
    assert first is not None
    assert (first.source, first.line, first.column, first.name) == ("https://x/a.js", 1, 1, "foo")
    second = source_map.lookup(1, 12)
    assert second is not None and (second.line, second.column) == (2, 5)
    assert second.code == "    return 1;"
    assert source_map.lookup(3, 1) is None


@pytest.mark.parametrize(
    "text", ["not json", "[]", '{"version": 2, "mappings": ""}', '{"version": 3, "sections": []}']
)
def test_unusable_maps_are_refused_with_a_reason(text: str) -> None:
    with pytest.raises(SourceMapError):
        SourceMap(text)


def test_v8_and_gecko_frames_are_read() -> None:
    frames = parse_stack(
        "TypeError: boom\n"
        "    at normalise (https://s/app.min.js:1:2301)\n"
        "    at https://s/app.min.js:1:99\n"
        "place@https://s/app.min.js:1:50\n"
        "not a frame"
    )
    assert [(f.function, f.line, f.column) for f in frames] == [
        ("normalise", 1, 2301),
        ("", 1, 99),
        ("place", 1, 50),
    ]


def test_rrweb_console_trace_frames_are_read() -> None:
    """rrweb's console plugin records V8 frames without the "at" (``fn (url:l:c)``)."""
    frames = parse_stack(
        "HTMLButtonElement.<anonymous> (https://shop.example/checkout:82:13)\n"
        "https://s/app.min.js:1:8605\n"
        "TypeError: Cannot read properties of null (reading 'groups')"
    )
    assert [(f.function, f.url, f.line, f.column) for f in frames] == [
        ("HTMLButtonElement.<anonymous>", "https://shop.example/checkout", 82, 13),
        ("", "https://s/app.min.js", 1, 8605),
    ]


def test_a_stack_reads_the_same_wherever_it_is_shown() -> None:
    """``stack_text``: the heading, one "at" line per frame, the original code under it."""
    frames = parse_stack("TypeError: boom\n    at f (https://s/a.js:1:2)")
    assert stack_text("TypeError: boom", frames) == "TypeError: boom\n    at f (https://s/a.js:1:2)"
    assert stack_text("", [], "no frames here") == "no frames here"


def _first_postal_code_stack(archive: zipfile.ZipFile, sessions: list[str]) -> str | None:
    for name in sessions:
        lines = gzip.decompress(archive.read(f"sessions/{name}/rum.ndjson.gz")).splitlines()
        for line in lines:
            record = json.loads(line)
            if record["kind"] == "error" and "reading 'groups'" in record["message"]:
                return str(record["stack"])
    return None


def test_the_demo_postal_code_error_resolves_to_the_shops_source() -> None:
    with zipfile.ZipFile(demo_archive_path()) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        entry = manifest["source_maps"][0]
        source_map = SourceMap(archive.read(entry["path"]))
        stack = _first_postal_code_stack(archive, manifest["sessions"])
    assert stack is not None and "app.min.js:1:" in stack  # minified: one long line

    frames = resolve_stack(stack, {entry["source_url"]: source_map})
    top = frames[0].original
    source = resource_path("demo-shop", "src", "shop.js").read_text(encoding="utf-8")
    expected_line = next(
        number
        for number, text in enumerate(source.splitlines(), start=1)
        if "return [parts.groups.outward" in text
    )
    assert top is not None
    assert top.source == "https://www.performancewear.com/src/shop.js"
    assert top.line == expected_line
    assert top.code is not None and "parts.groups.outward" in top.code
    assert "src/shop.js:" in frames[0].describe()
