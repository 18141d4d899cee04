"""Re-timing a fast recording: order kept, pauses inserted, pending requests stretched."""

from __future__ import annotations

from app.demo.retime import Retimer, retime_session


def test_a_moment_moves_by_the_pauses_logged_strictly_before_it() -> None:
    retimer = Retimer([(100, 1000), (200, 500)])
    assert retimer.shift(50) == 50
    assert retimer.shift(100) == 100  # a pause logged at t starts after what happened at t
    assert retimer.shift(150) == 1150
    assert retimer.shift(250) == 1750


def test_events_keep_their_order_and_the_session_lands_on_its_planned_start() -> None:
    events = [
        {"type": 4, "timestamp": 1000, "data": {}},
        {"type": 2, "timestamp": 1001, "data": {}},
        {"type": 3, "timestamp": 1050, "data": {"source": 2, "type": 2, "id": 5}},
        {"type": 3, "timestamp": 1060, "data": {"source": 5, "text": "x", "id": 7}},
    ]
    rum = [
        {"kind": "action", "ts": 1049, "duration_ms": 30, "type": "xhr"},  # spans the pause
        {"kind": "request", "ts": 1049, "duration_ms": 30},
        {"kind": "error", "ts": 1070},
    ]
    out_events, out_rum, start, end = retime_session(events, rum, [(1049, 2000)], 5_000_000)
    stamps = [e["timestamp"] for e in out_events]
    assert stamps == sorted(stamps)
    assert start == 5_000_000 == min(stamps)
    assert stamps[2] - stamps[1] == 49 + 2000
    assert out_rum[0]["duration_ms"] == 2030 and out_rum[1]["duration_ms"] == 2030
    assert out_rum[2]["ts"] == 5_000_000 + 70 + 2000
    assert end == 5_000_000 + 49 + 2030  # the end of the stretched action


def test_mouse_positions_are_moved_one_by_one() -> None:
    move = {
        "type": 3,
        "timestamp": 1500,
        "data": {"source": 1, "positions": [
            {"x": 1, "y": 1, "id": 3, "timeOffset": -400},  # at 1100, before the pause
            {"x": 2, "y": 2, "id": 3, "timeOffset": -100},  # at 1400, after it
        ]},
    }  # fmt: skip
    events, _rum, _start, _end = retime_session(
        [{"type": 4, "timestamp": 1000, "data": {}}, move], [], [(1200, 700)], 0
    )
    positions = events[1]["data"]["positions"]
    absolute = [events[1]["timestamp"] + p["timeOffset"] for p in positions]
    assert absolute == [100, 1100]  # 1100-1000 unshifted; 1400+700-1000
