"""Investigation › Apdex Thresholds… and Conversion Goals…: the open archive's definitions.

A mixin for the main window (listed before ``QMainWindow``), moved out of the window's
shell so that it stays a shell: each dialog edits what :class:`~app.state.open_archive.
OpenArchive` remembers per archive, and the screens follow its signals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.ui.apdex_dialog import ApdexDialog
from app.ui.goals_dialog import GoalsDialog

if TYPE_CHECKING:
    from app.state.open_archive import OpenArchive


class ArchiveDefinitions:
    """The dialogs over the open archive's thresholds and goals (needs ``self.archive``)."""

    archive: OpenArchive

    def edit_thresholds(self) -> None:
        """Let the user change the Apdex thresholds of this archive (remembered per archive)."""
        current = self.archive.current
        if current is not None:
            dialog = ApdexDialog(current.thresholds, current.manifest_thresholds, self)  # type: ignore[arg-type]
            if dialog.exec():
                self.archive.set_thresholds(dialog.thresholds())

    def edit_goals(self) -> None:
        """Show the archive's goals and let the user add their own (remembered per archive)."""
        current = self.archive.current
        if current is not None:
            dialog = GoalsDialog(current.manifest_goals, current.own_goals, self)  # type: ignore[arg-type]
            if dialog.exec():
                self.archive.set_own_goals(dialog.own_goals)
