"""Reports how many inputs the fuzz tests judged (the hardening notes quote the count)."""

from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.archive.fuzz_inputs import TALLY

    if TALLY.inputs:
        terminalreporter.write_line(f"fuzzing: {TALLY.summary()}")
