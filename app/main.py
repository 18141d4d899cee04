"""Console entry point: subcommands go to the CLI, everything else opens the window."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.cli.main import CliServices

EVENTS_WORKER = "player-events"  # internal: the replay prepares a long session's events
CHECKPOINTS_WORKER = "player-checkpoints"  # internal: a session's checkpoints, for windows
DEMO_WORKER = "demo-worker"  # internal: how `demo build` starts its recording processes


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] in (["--install-desktop"], ["--uninstall-desktop"]):
        from app.desktop.freedesktop import run_desktop_command

        return run_desktop_command(args[0].removeprefix("--").removesuffix("-desktop"))
    if args[:1] == [EVENTS_WORKER]:  # a child of the replay (see app.replay.events)
        from app.replay.events import events_worker_main

        return events_worker_main(args[1:])
    if args[:1] == [CHECKPOINTS_WORKER]:  # a child of the replay (app.replay.checkpoint_cache)
        from app.replay.checkpoint_cache import checkpoints_worker_main

        return checkpoints_worker_main(args[1:])
    if args[:1] == [DEMO_WORKER]:  # a child of `demo build` (see app.resources.app_command)
        from app.demo.worker import main as worker_main

        return worker_main(args[1:])
    from app.cli.main import COMMANDS, run_cli  # (the internal workers above need none of it)

    if args and (args[0] in COMMANDS or args[0] in {"-h", "--help", "--version"}):
        return run_cli(args, _cli_services(args[0]))
    from app.ui.application import run_gui

    return run_gui(args)


def _cli_services(command: str) -> CliServices:
    """The Qt-backed runners a command needs, imported only for the command that needs them
    (importing the web engine costs a second)."""
    from app.cli.main import CliServices

    if command == "frame":
        from app.replay.frames import run_frame_command

        return CliServices(frame_runner=run_frame_command)
    if command == "clickmap":
        from app.replay.map_image import write_map_png

        return CliServices(map_writer=write_map_png)
    if command == "export":
        from app.replay.clips import export_clip_with_qt
        from app.replay.exporting import export_with_qt

        return CliServices(export_runner=export_with_qt, clip_runner=export_clip_with_qt)
    return CliServices()


if __name__ == "__main__":
    raise SystemExit(main())
