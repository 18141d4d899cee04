"""Where the window keeps the user's choices (QSettings), shared by every screen."""

from __future__ import annotations

from PySide6.QtCore import QSettings

APP_NAME = "Replay Investigator"

# Work split over several turns of the event loop waits this long between parts: a real
# timer (unlike 0 ms, which Qt posts as an event and may run back to back with the next
# part) lets input, painting and other timers in between.
NEXT_TURN_MS = 8
ORGANIZATION = "Replay Investigator"


def app_settings() -> QSettings:
    """The user's settings, in the process-wide default format (tests point it at a temp dir)."""
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, ORGANIZATION, APP_NAME)


def site_assets_key(archive_key: str) -> str:
    """Settings key of "load assets from the recorded site", remembered per archive."""
    return f"site_assets/{archive_key}"
