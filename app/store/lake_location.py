"""Where a lake is when it is not a local folder: an ``s3://bucket/prefix`` URL.

Why a module of its own, with no I/O: the window's file handling (recent files, the title,
the Open Lake URL dialog) and the CLI tell a URL from a file before anything is opened, and
must not load pyarrow's S3 client to do so. The window carries what it opens as a
``Path``, which folds ``s3://`` into ``s3:/``; :func:`lake_url` reads both.
"""

from __future__ import annotations

import json
from pathlib import Path

S3_SCHEME = "s3://"
STAND_IN = "remote-lake.json"
"""In a local folder standing for a lake on object storage: the lake's URL (see
:func:`app.store.lake_s3.stand_in_folder`)."""


def lake_url(path: str | Path) -> str | None:
    """The ``s3://bucket[/prefix]`` URL that ``path`` names (normalised), else None."""
    text = str(path).strip()
    if text.startswith(S3_SCHEME):
        rest = text[len(S3_SCHEME) :]
    elif text.startswith("s3:/"):  # the URL after a trip through Path
        rest = text[len("s3:/") :]
    else:
        return None
    rest = "/".join(part for part in rest.split("/") if part)
    return S3_SCHEME + rest if rest else None


def bucket_and_prefix(url: str) -> tuple[str, str]:
    """``s3://bucket/a/b`` → ``("bucket", "a/b")`` (the prefix may be empty)."""
    bucket, _, prefix = url[len(S3_SCHEME) :].partition("/")
    return bucket, prefix


def remote_lake_url(path: str | Path) -> str | None:
    """The URL of the lake on object storage that ``path`` names — its URL, or the local
    folder standing for it — else None (a local file or folder)."""
    url = lake_url(path)
    if url is None and (Path(path) / STAND_IN).is_file():
        marker = json.loads((Path(path) / STAND_IN).read_text(encoding="utf-8"))
        url = lake_url(str(marker.get("url", "")))
    return url
