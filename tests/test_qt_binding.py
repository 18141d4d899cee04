"""The Qt binding in use survives many signal → Python slot calls.

PySide6 6.12.0 decrements the reference count of every Python slot's return value once
too often, so after some thousand emissions the interpreter frees ``None`` or ``True`` and
aborts (under Python < 3.12, where they are not immortal). Playback emits ~30 signals a
second, so the app would die within minutes. This runs the pattern in a child process.
"""

from __future__ import annotations

import subprocess
import sys

CHILD = r"""
from PySide6.QtCore import QCoreApplication, QObject, Signal
app = QCoreApplication(["x"])
class Source(QObject):
    flag = Signal(bool)
    number = Signal("qint64", str)
source = Source()
seen = []
source.flag.connect(lambda value: seen.append(value))
source.number.connect(lambda t, s: None)
for i in range(20000):
    source.flag.emit(i % 2 == 0)
    source.number.emit(1_700_000_000_000 + i, "player")
print("ok", len(seen))
"""


def test_many_signal_emissions_do_not_corrupt_reference_counts() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120, check=False
    )
    assert "Fatal Python error" not in done.stderr, done.stderr[:500]
    assert done.returncode == 0 and done.stdout.strip() == "ok 20000"
