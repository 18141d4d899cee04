"""The replay shows what the live page showed, at the moments it was captured.

``checkout-clicks.json`` was recorded by ``make_recordings.py`` with the real rrweb recorder
and real Qt input; at the same run the script captured the LIVE page's state at chosen
moments (``checkout-clicks.states.json``: ``Date.now()``, rrweb's clock, and per selector
whether the element exists, its text, classes, ``hidden`` and input value length). Here
the replay is sought to each moment and the same selectors are read from the replayed
document — across the navigation from the checkout page to the thank-you page (two
Meta + FullSnapshot pairs), forwards and then backwards.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.replay.conftest import RECORDING, STATES, Replay, state

pytestmark = pytest.mark.webengine


# The same reading as make_recordings.py's CAPTURE_JS, on the replayed document.
READ_JS = """
const doc = window.replayDocument();
const out = {};
for (const sel of %s) {
  const el = doc && doc.querySelector(sel);
  const info = {present: !!el};
  if (el) {
    info.text = (el.textContent || '').replace(/\\s+/g, ' ').trim();
    // rrweb emulates :hover on the replayed page with a ':hover' class; not the page's own
    info.className = (el.getAttribute('class') || '').split(' ')
      .filter(c => c && !c.startsWith(':')).join(' ');
    info.hidden = el.hidden === true;
    if (el.tagName === 'INPUT') info.valueLength = el.value.length;
  }
  out[sel] = info;
}
return out;
"""


def replayed(replay: Replay, selectors: list[str]) -> dict[str, Any]:
    return replay.js_json(READ_JS % json.dumps(selectors))


def normalised(elements: dict[str, Any]) -> dict[str, Any]:
    return {
        sel: {**info, "className": " ".join(info.get("className", "").split())}
        if info["present"]
        else info
        for sel, info in elements.items()
    }


def test_the_states_belong_to_this_recording() -> None:
    events = json.loads(RECORDING.read_text(encoding="utf-8"))
    assert STATES["events_file"] == RECORDING.name
    first, last = events[0]["timestamp"], max(e["timestamp"] for e in events)
    stamps = [s["timestamp"] for s in STATES["states"]]
    assert stamps == sorted(stamps)
    assert first < stamps[0] and stamps[-1] <= last + 1000
    for s in STATES["states"]:
        assert max(e["timestamp"] for e in events[: s["eventsBefore"]]) <= s["timestamp"]
    # the moments the fidelity test relies on really differ from each other
    assert state("page 1 loaded")["elements"][".dialog"]["present"]
    assert not state("dialog closed")["elements"][".dialog"]["present"]
    assert state("order placed (spinner shown)")["elements"]["#status .spinner"]["present"]
    assert state("postcode typed")["elements"]['input[name="postcode"]']["valueLength"] == 8
    assert "selected" in state("chip selected")["elements"]["span.chip.promo"]["className"]
    invoice = state("invoice being prepared")["elements"]["button.btn.secondary"]["text"]
    assert invoice == "Preparing invoice…"


def test_each_captured_moment_replays_as_the_live_page_was(checkout: Replay) -> None:
    states = STATES["states"]
    mismatches = []
    # forwards, then backwards (page 2 back to page 1 rebuilds the first page)
    for s in [*states, *reversed(states[:-1])]:
        checkout.seek_to_epoch(s["timestamp"])
        got = normalised(replayed(checkout, list(s["elements"])))
        want = normalised(s["elements"])
        if got != want:
            diff = {k: (want[k], got[k]) for k in want if want[k] != got[k]}
            mismatches.append(f"{s['name']} (+{s['timestamp'] - checkout.first_ms:.0f} ms): {diff}")
    assert mismatches == []
    assert checkout.bridge.errors == []


def test_a_moment_between_two_captures_is_not_the_later_one(checkout: Replay) -> None:
    """The comparison can fail: just before 'Place order' the spinner is not there yet."""
    placed = state("order placed (spinner shown)")
    before = state("chip selected")
    checkout.seek_to_epoch(before["timestamp"])
    got = replayed(checkout, ["#status .spinner", "span.chip.promo"])
    assert got["#status .spinner"] == {"present": False}
    assert normalised(got)["span.chip.promo"]["className"] == "chip promo selected"
    checkout.seek_to_epoch(placed["timestamp"])
    assert replayed(checkout, ["#status .spinner"])["#status .spinner"]["present"]


def test_playing_through_the_navigation_ends_on_the_second_page(checkout: Replay) -> None:
    checkout.play_to_end(0, speed=8, timeout=20_000)
    last = state("invoice being prepared")
    got = normalised(replayed(checkout, list(last["elements"])))
    assert got == normalised(last["elements"])
    assert checkout.js("window.replayDocument().title") == "Thank you – Example Shop"
    assert checkout.bridge.errors == []
