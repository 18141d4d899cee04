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
    return ExportChoices(
        format=str(settings.value("export/format", default.format) or default.format),
        path=str(settings.value("export/path", "") or ""),
        mask=_flag(settings, "export/mask", default.mask),
        keep_user_ids=_flag(settings, "export/keep_user_ids", default.keep_user_ids),
    )


def _flag(settings: QSettings, key: str, fallback: bool) -> bool:
    """A remembered yes/no (an INI file keeps it as the text "true" or "false")."""
    value = settings.value(key, fallback)
    return value.lower() == "true" if isinstance(value, str) else bool(value)


def save_export_choices(choices: ExportChoices) -> None:
    settings = app_settings()
    settings.setValue("export/format", choices.format)
    settings.setValue("export/path", choices.path)
    settings.setValue("export/mask", choices.mask)
    settings.setValue("export/keep_user_ids", choices.keep_user_ids)


@dataclass(frozen=True)
class ReproductionChoices:
    """What "Export as Playwright Test…" offers next time: the user's last choices.

    The range is not remembered: it belongs to one session (its findings), and a range kept
    from another session would mean nothing here.
    """

    format: str = "playwright"
    folder: str = ""  # where the last test was written ("" until there is one)
    base_url: str = ""  # "" keeps the recorded origin
    mask: bool = True
    expect_errors: bool = False


def saved_reproduction_choices() -> ReproductionChoices:
    """The choices of the last test export (damaged entries fall back to the defaults)."""
    settings, default = app_settings(), ReproductionChoices()
    return ReproductionChoices(
        format=str(settings.value("reproduction/format", default.format) or default.format),
        folder=str(settings.value("reproduction/folder", "") or ""),
        base_url=str(settings.value("reproduction/base_url", "") or ""),
        mask=_flag(settings, "reproduction/mask", default.mask),
        expect_errors=_flag(settings, "reproduction/expect_errors", default.expect_errors),
    )


def save_reproduction_choices(choices: ReproductionChoices) -> None:
    settings = app_settings()
    settings.setValue("reproduction/format", choices.format)
    settings.setValue("reproduction/folder", choices.folder)
    settings.setValue("reproduction/base_url", choices.base_url)
    settings.setValue("reproduction/mask", choices.mask)
    settings.setValue("reproduction/expect_errors", choices.expect_errors)
