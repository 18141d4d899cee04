"""A log file the user can attach to a bug report.

Why: the app runs work on threads and in child processes (ingest, export, demo build) whose
failures otherwise leave at most a line on a terminal nobody is looking at. Every log
record — with its time, level, thread, logger and traceback — goes to a small rotating file
in the user's state directory; warnings and errors still reach stderr as before.

Nothing here imports Qt: the command line configures it too (see :mod:`app.cli.main`), and
the window's entry point calls :func:`configure_logging` at launch.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path
from typing import TextIO

import platformdirs

STATE_ENV = "REPLAY_INVESTIGATOR_STATE"
LOG_NAME = "replay-investigator.log"
MAX_BYTES = 1_000_000
BACKUPS = 4
"""Rotated files kept besides the current one: at most ``BACKUPS + 1`` files, about 5 MB."""
FORMAT = "%(asctime)s %(levelname)-8s [%(threadName)s] %(name)s: %(message)s"


def default_state_dir() -> Path:
    """The user's state directory (``$REPLAY_INVESTIGATOR_STATE`` overrides it)."""
    base = os.environ.get(STATE_ENV) or platformdirs.user_state_dir("replay-investigator")
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when each record arrives.

    Why not a plain StreamHandler: it keeps the stream it was given, and ``sys.stderr`` may
    be replaced later (test capture, a launcher closing it). This is how Python's own
    last-resort handler, which printed warnings before logging was configured, behaves.
    """

    def __init__(self) -> None:
        logging.Handler.__init__(self, logging.WARNING)

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr


def configure_logging(
    state_dir: Path | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    backups: int = BACKUPS,
) -> Path:
    """Send log records to a rotating file (and warnings to stderr); returns the file's path.

    ``state_dir`` defaults to :func:`default_state_dir`. The file holds INFO and above with
    tracebacks; stderr gets WARNING and above, message only, as before logging was set up.
    Calling it again replaces the handlers it installed before (no record is written twice).
    When the folder cannot be written, only stderr is used and ``os.devnull`` returned.
    """
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_replay_investigator", False)]:
        root.removeHandler(handler)
        handler.close()
    handlers: list[logging.Handler] = [_CurrentStderr()]
    problem = None
    try:
        folder = state_dir if state_dir is not None else default_state_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / LOG_NAME
        to_file = logging.handlers.RotatingFileHandler(
            path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
        )
    except OSError as exc:  # a read-only home must not keep the app from running
        path, problem = Path(os.devnull), exc
    else:
        to_file.setFormatter(logging.Formatter(FORMAT))
        handlers.append(to_file)
    for handler in handlers:
        handler._replay_investigator = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    if problem is not None:
        logging.getLogger(__name__).warning("no log file: %s", problem)
    return path
