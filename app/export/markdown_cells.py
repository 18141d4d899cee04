"""Text made safe for a cell of a Markdown table, the same way in every report section.

Why one helper: a cell ends at an unescaped ``|`` and the table at a line break; a backslash
or backtick from the recorded page (an element's name, an error message, a URL) would escape
or open code in what follows. The comparison, funnel and click-map sections each escaped
their cells a little differently.
"""

from __future__ import annotations


def table_cell(text: str) -> str:
    """``text`` as one Markdown table cell: ``\\``, ``|`` and backticks escaped, line breaks
    turned into spaces."""
    escaped = text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`")
    return " ".join(escaped.splitlines())
