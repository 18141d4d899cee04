"""What the desktop hands the app on its command line: files, ``file://`` URLs and links.

Why: the desktop entry's ``Exec`` takes ``%U`` so that one entry opens both archives
(a file manager passes paths or ``file://`` URLs) and ``replay-investigator://`` links
(``xdg-open``, a browser). Each argument is sorted here before anything else sees it: a
link must not become a ``Path`` (which would fold its ``//``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from app.export.moment_link import is_moment_link


def split_arguments(arguments: Sequence[str | Path]) -> tuple[list[Path], list[str]]:
    """(files, links) in the order given; ``file://`` URLs become local paths."""
    files: list[Path] = []
    links: list[str] = []
    for argument in arguments:
        text = str(argument)
        if is_moment_link(text):
            links.append(text)
        elif text[:7].lower() == "file://":
            parts = urlsplit(text)
            if parts.netloc in ("", "localhost"):
                files.append(Path(unquote(parts.path)))
        else:
            files.append(Path(text))
    return files, links
