"""CSV of any table the app shows (sessions, actions, errors, users, query results)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from app.files import atomic_output


def write_csv(path: str | Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write ``rows`` under a header of ``columns`` (UTF-8, RFC 4180); returns the row count."""
    count = 0
    with atomic_output(path) as part, part.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if value is None else value for value in row])
            count += 1
    return count
