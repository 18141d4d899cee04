"""Putting recorded text (error messages, URLs, action names) into Qt rich-text labels."""

from __future__ import annotations

import html


def escape(text: str) -> str:
    """Escape markup; quotes stay as typed (``click on 'Pay'`` reads, and is found, as is)."""
    return html.escape(text, quote=False)
