"""Problems found while reading a file, phrased for the person who opened it.

Why: every damaged, truncated, hostile or foreign file must produce a message that names the
file and the problem, in the window and on the command line alike. Fatal problems raise
:class:`UnreadableFile`; anything that still lets us keep part of the data becomes a
:class:`ReadWarning` and the reading goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ReadWarning:
    """A problem that cost some data (a skipped session, dropped lines) but not the file."""

    file: str
    message: str
    session_id: str | None = None

    def __str__(self) -> str:
        where = f" (session {self.session_id})" if self.session_id else ""
        return f"{self.file}{where}: {self.message}"


class UnreadableFile(Exception):
    """The file cannot be opened at all; the message names the file and the problem."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{Path(self.path).name}: {problem}")

    @property
    def file_name(self) -> str:
        return Path(self.path).name
