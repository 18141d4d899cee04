"""The collector is paused while a worker builds a large structure, and resumes after."""

from __future__ import annotations

import gc
import threading

from app import collector


def test_paused_blocks_nest_and_the_collector_resumes_after_the_last() -> None:
    assert gc.isenabled()
    entered = threading.Event()
    leave = threading.Event()

    def other_thread() -> None:
        with collector.paused():
            entered.set()
            leave.wait(5)

    worker = threading.Thread(target=other_thread)
    with collector.paused():
        worker.start()
        assert entered.wait(5)
        assert not gc.isenabled()
    assert not gc.isenabled()  # the worker's block still runs
    leave.set()
    worker.join(5)
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_survivors_are_frozen_out_of_the_collectors_walk() -> None:
    before = gc.get_freeze_count()
    keep = [[i] for i in range(1000)]
    try:
        collector.freeze_survivors()
        assert gc.get_freeze_count() >= before + len(keep)
    finally:
        gc.unfreeze()
