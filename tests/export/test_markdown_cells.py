"""Markdown table cells from recorded text: one cell stays one cell, one row one line."""

from __future__ import annotations

import re

from app.export.markdown_cells import table_cell

HOSTILE = [
    "Place order",
    "a | b",
    "ends in a backslash \\",
    "`code` and ``two``",
    "two\nlines\r\nand more",
    "",
]


def _cells(row: str) -> list[str]:
    """A table row's cells as a Markdown renderer splits them: at pipes not escaped."""
    inner = row.strip()[1:-1]
    return re.split(r"(?<!\\)((?:\\\\)*)\|", inner)[::2]


def test_each_text_stays_one_cell_of_one_line() -> None:
    for text in HOSTILE:
        row = f"| {table_cell(text)} | 2 |"
        assert "\n" not in row and "\r" not in row
        assert len(_cells(row)) == 2, (text, row)


def test_the_text_reads_back_as_written() -> None:
    unescaped = re.sub(r"\\(.)", r"\1", table_cell("a | b \\ `c`"))
    assert unescaped == "a | b \\ `c`"
