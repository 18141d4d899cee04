"""Where the app keeps the user's choices (QSettings), shared by every screen.

Per-archive choices (Apdex thresholds, the user's own conversion goals, whether the recorded
site's assets may load) are keyed by the archive's content hash, so a renamed or moved file
keeps them and a changed one does not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSettings

from app.analysis.apdex import ApdexThresholds

APP_NAME = "Replay Investigator"

ORGANIZATION = "Replay Investigator"


def app_settings() -> QSettings:
    """The user's settings, in the process-wide default format (tests point it at a temp dir)."""
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, ORGANIZATION, APP_NAME)


def site_assets_key(archive_key: str) -> str:
    """Settings key of "load assets from the recorded site", remembered per archive."""
    return f"site_assets/{archive_key}"


GOAL_KINDS = {
    "destination": "Destination (URL or path)",
    "user_action": "User action",
    "visit_duration": "Visit duration",
    "visit_num_actions": "Number of actions",
}


def saved_thresholds(archive_key: str, fallback: ApdexThresholds) -> ApdexThresholds:
    """The thresholds saved for an archive, else ``fallback`` (the manifest's)."""
    text = app_settings().value(f"apdex/{archive_key}", "")
    try:
        saved = json.loads(str(text)) if text else None
    except ValueError:
        saved = None
    thresholds = fallback
    for kind, pair in (saved or {}).items() if isinstance(saved, dict) else ():
        try:
            thresholds = thresholds.with_type(kind, int(pair[0]), int(pair[1]))
        except (ValueError, TypeError, IndexError):
            continue  # a damaged entry keeps the fallback for that type
    return thresholds


def save_thresholds(archive_key: str, thresholds: ApdexThresholds) -> None:
    app_settings().setValue(f"apdex/{archive_key}", json.dumps(thresholds.by_type))


def saved_goals(archive_key: str) -> list[dict[str, Any]]:
    """The conversion goals the user defined for an archive (damaged entries left out)."""
    text = app_settings().value(f"goals/{archive_key}", "")
    try:
        goals = json.loads(str(text)) if text else []
    except ValueError:
        return []
    if not isinstance(goals, list):
        return []
    return [g for g in goals if isinstance(g, dict) and g.get("id") and g.get("type") in GOAL_KINDS]


def save_goals(archive_key: str, goals: list[dict[str, Any]]) -> None:
    app_settings().setValue(f"goals/{archive_key}", json.dumps(goals))


@dataclass(frozen=True)
class ExportChoices:
    """What the Export Findings dialog offers next time: the user's last choices."""

    format: str = "html"
    path: str = ""  # the last report written ("" until there is one)
    mask: bool = True
    keep_user_ids: bool = False


def saved_export_choices() -> ExportChoices:
    """The choices of the last findings export (damaged entries fall back to the defaults)."""
    settings, default = app_settings(), ExportChoices()

    def flag(key: str, fallback: bool) -> bool:
        value = settings.value(key, fallback)
        return value.lower() == "true" if isinstance(value, str) else bool(value)

    return ExportChoices(
        format=str(settings.value("export/format", default.format) or default.format),
        path=str(settings.value("export/path", "") or ""),
        mask=flag("export/mask", default.mask),
        keep_user_ids=flag("export/keep_user_ids", default.keep_user_ids),
    )


def save_export_choices(choices: ExportChoices) -> None:
    settings = app_settings()
    settings.setValue("export/format", choices.format)
    settings.setValue("export/path", choices.path)
    settings.setValue("export/mask", choices.mask)
    settings.setValue("export/keep_user_ids", choices.keep_user_ids)
