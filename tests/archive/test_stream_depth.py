"""The nesting check that runs before a streaming JSON parser (``stream_depth_exceeds``):
it must see depth carried across the blocks it reads, whatever lies between brackets."""

from __future__ import annotations

import io

from app.archive.safety import CHUNK, stream_depth_exceeds


def _exceeds(text: bytes, limit: int) -> bool:
    return stream_depth_exceeds(io.BytesIO(text), limit)


def test_depth_is_counted_across_blocks_of_plain_text() -> None:
    # 30 levels opened, then more than a block of text without brackets, then 30 more:
    # the second half alone never passes 40, the two together do.
    filler = b'"' + b"x" * (CHUNK * 8 + 17) + b'"'
    deep = b"[" * 30 + filler + b"[" * 30 + b"]" * 60
    assert _exceeds(deep, 40)
    assert not _exceeds(deep, 60)


def test_closed_levels_do_not_add_up() -> None:
    # many siblings, each 10 deep, in blocks of their own: never deeper than 11
    sibling = b'{"a":' + b"[" * 9 + b"1" + b"]" * 9 + b"}"
    text = b"[" + b",".join([sibling] * (CHUNK * 8 // len(sibling) * 3)) + b"]"
    assert not _exceeds(text, 11)
    assert _exceeds(text, 10)


def test_a_file_without_brackets_is_not_too_deep() -> None:
    assert not _exceeds(b"", 1)
    assert not _exceeds(b"plain words\n" * 1000, 1)
