"""Python's cyclic garbage collector, kept from freezing the window.

Why: a full collection walks every tracked object while holding the interpreter lock. With
an archive open (its session list, charts, Qt wrappers) and a long session being prepared
on a worker (its DOM mirror is millions of small objects), one full collection took 640 ms
— and the GUI thread, waiting for the lock, froze for as long. Two remedies, both cheap:

* :func:`paused` — while a worker builds and drops a large, short-lived structure, the
  collector does not run (nothing it could free is garbage yet; the structure is freed by
  reference counting when the work ends).
* :func:`freeze_survivors` — once an archive is shown, what is alive then lives as long as
  the archive; moving it out of the collector's generations means later collections walk
  only what is new. Objects frozen are still freed by reference counting; only a reference
  cycle among them would outlive its use (a bounded cost, measured by the endurance
  benchmark).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0  # blocks running now
_resume = True  # whether the collector ran before the first of them


@contextmanager
def paused() -> Iterator[None]:
    """No automatic collection while the block runs (nested and concurrent blocks count)."""
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()


def freeze_survivors() -> None:
    """Move every object alive now out of the collector's reach (see the module's why)."""
    gc.freeze()
