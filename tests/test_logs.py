"""The log file a user attaches to a bug report: tracebacks land in it, and it stays small."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.logs import BACKUPS, LOG_NAME, MAX_BYTES, STATE_ENV, configure_logging


@pytest.fixture(autouse=True)
def restored_root_logger() -> Iterator[None]:
    """configure_logging changes the process's root logger; put it back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


def test_a_logged_exception_lands_in_the_file_with_its_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = configure_logging(tmp_path / "state")
    assert path == tmp_path / "state" / LOG_NAME

    def fail() -> None:
        try:
            {}["missing"]
        except KeyError:
            logging.getLogger("app.export").warning("export failed", exc_info=True)

    worker = threading.Thread(target=fail, name="export-worker")
    worker.start()
    worker.join()
    logging.getLogger("app.store").info("store opened")
    logging.getLogger("app.store").debug("not kept")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "WARNING" in text and "[export-worker] app.export: export failed" in text
    assert "Traceback (most recent call last)" in text and "KeyError: 'missing'" in text
    assert "app.store: store opened" in text and "not kept" not in text
    err = capsys.readouterr().err
    assert "export failed" in err and "store opened" not in err  # warnings reach stderr


def test_the_state_folder_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(STATE_ENV, str(tmp_path / "mine"))
    assert configure_logging() == tmp_path / "mine" / LOG_NAME


def test_configuring_twice_writes_each_record_once(tmp_path: Path) -> None:
    configure_logging(tmp_path)
    path = configure_logging(tmp_path)
    logging.getLogger("app").warning("once")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert path.read_text(encoding="utf-8").count("once") == 1


def test_rotation_keeps_at_most_the_configured_number_of_files(tmp_path: Path) -> None:
    assert (MAX_BYTES, BACKUPS) == (1_000_000, 4)  # about 5 MB in 5 files by default
    configure_logging(tmp_path, max_bytes=2_000, backups=2)
    log = logging.getLogger("app.test")
    for n in range(500):
        log.info("line %d %s", n, "x" * 60)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [LOG_NAME, f"{LOG_NAME}.1", f"{LOG_NAME}.2"]
    assert all(p.stat().st_size <= 2_000 for p in tmp_path.iterdir())
    assert "line 499" in (tmp_path / LOG_NAME).read_text(encoding="utf-8")


def test_an_unwritable_state_folder_leaves_stderr_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    occupied = tmp_path / "a-file"
    occupied.write_text("not a folder")
    assert configure_logging(occupied) == Path(os.devnull)
    logging.getLogger("app").warning("still shown")
    err = capsys.readouterr().err
    assert "no log file" in err and "still shown" in err


def test_the_command_line_writes_the_log_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.cli.main import run_cli
    from tests.builders import write_archive

    monkeypatch.setenv(STATE_ENV, str(tmp_path / "state"))
    archive = write_archive(tmp_path / "shop.webreplay", sessions=1)
    assert run_cli(["info", str(archive), "--db", str(tmp_path / "shop.db")]) == 0
    logging.getLogger("app.test").info("after the command")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "after the command" in (tmp_path / "state" / LOG_NAME).read_text(encoding="utf-8")
