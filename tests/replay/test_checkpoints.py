"""Synthetic checkpoints change nothing the replayer shows, only how fast it gets there.

The same recording is loaded twice into a real ReplayView (rrweb 2.2.2 in QtWebEngine):
as recorded, and with :func:`~app.rrweb.checkpoints.add_checkpoints` applied densely (a
checkpoint before nearly every event, or every few seconds for the heavy session). Both
are sought through the same sequence of times — backwards and forwards, to the exact
timestamps of events (which sit right after a checkpoint), just before and after them, and
in between — and at each time the replayed document is read in full and compared.

"In full" means more than ``outerHTML``: form state from the DOM properties (rrweb sets
``value``/``checked`` as properties, a snapshot rebuild as attributes), the inline style as
the browser parsed it, each stylesheet's rules (CSSOM edits are not in the markup), adopted
style sheets, shadow roots, iframe documents and scroll offsets. rrweb's ``:hover`` classes
(they follow the last mouse position, which a checkpoint does not replay) and whitespace are
normalised away, and so are the ``_on*`` attribute names that rrweb gives handlers only when
it *builds* a node from a snapshot (a mutation sets ``onclick`` as it is; both are inert).
"""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest

from app.rrweb.checkpoints import add_checkpoints, is_synthetic
from tests.conftest import SHARED
from tests.heavy_session import heavy_session
from tests.replay.conftest import LOAD_TIMEOUT_MS, RECORDING, Replay

pytestmark = pytest.mark.webengine

STATE_JS = r"""
(() => {
  const doc = window.replayDocument();
  if (!doc || !doc.documentElement) return null;
  const out = [];
  const squash = (s) => String(s).replace(/\s+/g, ' ').trim();
  const rules = (sheet) => {
    try { return Array.from(sheet.cssRules, (r) => squash(r.cssText)).join(' | '); }
    catch (e) { return '(unreadable)'; }
  };
  const FORM = new Set(['INPUT', 'TEXTAREA', 'SELECT', 'OPTION']);
  const describe = (el) => {
    const list = [];
    for (const a of Array.from(el.attributes)) {
      let name = a.name;
      let value = a.value;
      if (name === 'class') {
        value = value.split(/\s+/).filter((c) => c && !c.startsWith(':')
          && c !== 'rrweb-paused').join(' ');
        if (!value) continue;
      }
      if (name === 'style' && el.style) value = el.style.cssText;
      if (/^_on/.test(name)) name = name.slice(1);
      if (FORM.has(el.tagName) && (name === 'value' || name === 'checked' || name === 'selected'))
        continue;
      list.push(name + '=' + JSON.stringify(value));
    }
    // rrdom's diff sets an SVG's xmlns twice (with and without its namespace): one is enough
    list.splice(0, list.length, ...new Set(list));
    list.sort();
    if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT')
      list.push('.value=' + JSON.stringify(el.value));
    if (el.tagName === 'INPUT') list.push('.checked=' + el.checked);
    if (el.tagName === 'OPTION') list.push('.selected=' + el.selected);
    if (el.scrollTop || el.scrollLeft) list.push('.scroll=' + el.scrollLeft + ',' + el.scrollTop);
    return list.join(' ');
  };
  const adopted = (root, depth) => {
    const sheets = root.adoptedStyleSheets || [];
    if (sheets.length) out.push(depth + '@adopted ' + Array.from(sheets, rules).join(' || '));
  };
  const walk = (node, depth) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === 1) {
        out.push(depth + '<' + child.tagName.toLowerCase() + ' ' + describe(child) + '>');
        if (child.tagName === 'TEXTAREA') continue;  // its text is the default, .value shows
        if (child.tagName === 'STYLE' && child.sheet)
          out.push(depth + '  @rules ' + rules(child.sheet));
        if (child.shadowRoot) {
          out.push(depth + '  #shadow-root');
          adopted(child.shadowRoot, depth + '    ');
          walk(child.shadowRoot, depth + '    ');
        }
        if (child.tagName === 'IFRAME' && child.contentDocument) {
          const inner = child.contentDocument;
          out.push(depth + '  #document scroll=' + (inner.defaultView ?
            inner.defaultView.scrollX + ',' + inner.defaultView.scrollY : '-'));
          adopted(inner, depth + '    ');
          walk(inner, depth + '    ');
        }
        walk(child, depth + '  ');
      } else if (child.nodeType === 3 || child.nodeType === 4) {
        const text = squash(child.data);
        if (text) out.push(depth + JSON.stringify(text));
      } else if (child.nodeType === 8) {
        out.push(depth + '<!--' + squash(child.data) + '-->');
      } else if (child.nodeType === 10) {
        out.push(depth + '<!doctype ' + child.name + '>');
      }
    }
  };
  const win = doc.defaultView;
  out.push('scroll=' + (win ? win.scrollX + ',' + win.scrollY : '-'));
  adopted(doc, '');
  walk(doc, '');
  return out.join('\n');
})()
"""


def load(replay: Replay, name: str, events: list[dict[str, Any]]) -> None:
    """Show ``events`` in the view through the ``replay:`` scheme, without a store.

    Waits for the whole session: a big one arrives in parts, each reported as loaded.
    """
    payload = json.dumps(events).encode()
    last = max(e["timestamp"] for e in events)
    loads: list[tuple[float, float]] = []

    def loaded(first: float, end: float) -> None:
        loads.append((first, end))

    replay.view.set_events_provider(lambda session_id, window_id: payload)
    replay.view.session_loaded.connect(loaded)
    try:
        replay.view.show_session(name)
        replay.qtbot.waitUntil(
            lambda: bool(loads) and loads[-1][1] >= last, timeout=LOAD_TIMEOUT_MS
        )
    finally:
        replay.view.session_loaded.disconnect(loaded)
    replay.first_ms, replay.last_ms = loads[-1]


def replayed_states(
    replay: Replay, name: str, events: list[dict[str, Any]], times: list[float]
) -> list[str]:
    load(replay, name, events)
    states = []
    for offset in times:
        replay.seek(offset)
        states.append(replay.js(STATE_JS))
    return states


def seek_times(events: list[dict[str, Any]], count: int, seed: int = 1) -> list[float]:
    """Offsets to seek to, in an order with as many backward as forward jumps.

    Event timestamps themselves (a checkpoint sits 1/64 ms before its event: rrweb must not
    start a seek to that exact time from it), a millisecond either side, and points between.
    Not before the first FullSnapshot, nor exactly at a recorded Meta: there rrweb itself
    picks the checkout without applying it and leaves the previous page standing (stale),
    and its next forward seek then misses nodes — with or without synthetic checkpoints.
    """
    stamps = sorted({e["timestamp"] for e in events})
    first, last = stamps[0], stamps[-1]
    snapshot = min(e["timestamp"] for e in events if e["type"] == 2)
    metas = {e["timestamp"] - first for e in events if e["type"] == 4}
    candidates: set[float] = set()
    for ts in stamps[1:]:
        candidates.update({ts - first, ts - first - 1, ts - first + 1})
    candidates.update({(a + b) / 2 - first for a, b in itertools.pairwise(stamps)})
    candidates = {t for t in candidates if snapshot - first < t <= last - first} - metas
    rng = random.Random(seed)
    chosen = sorted(rng.sample(sorted(candidates), min(count, len(candidates))))
    rng.shuffle(chosen)
    return [float(t) for t in chosen]


def assert_same_replay(
    replay: Replay,
    name: str,
    events: list[dict[str, Any]],
    checkpointed: list[dict[str, Any]],
    times: list[float],
) -> int:
    """Compare at every time; returns how often plain rrweb needed its rebuilt state.

    Plain rrweb is not always consistent with itself: what it shows at ``t`` can depend on
    where it came from. A forward seek applies the events since the current position to
    the current page, which in a few cases differs from rebuilding (a ``<style>`` whose text
    changes after a CSSOM rule edit keeps the edit), and a backward rebuild does not reset
    a window scrolled by an earlier seek. With checkpoints nearly every seek rebuilds from a
    nearby checkpoint, so where plain rrweb's answer differs, the reference is plain rrweb
    without any history: freshly loaded and sought once, straight to ``t``.
    """
    assert any(is_synthetic(e) for e in checkpointed)
    plain = replayed_states(replay, name + "-plain", events, times)
    plain_range = (replay.first_ms, replay.last_ms)
    errors = list(replay.bridge.errors)
    fast = replayed_states(replay, name + "-checkpoints", checkpointed, times)
    assert (replay.first_ms, replay.last_ms) == plain_range  # the timeline is unchanged
    assert replay.bridge.errors == errors
    assert all(state for state in plain)
    mismatched = [i for i, (a, b) in enumerate(zip(plain, fast, strict=True)) if a != b]
    for i in mismatched:
        load(replay, f"{name}-plain-fresh-{i}", events)
        replay.seek(times[i])
        plain[i] = replay.js(STATE_JS)
    differences = [
        f"at {times[i]:.1f} ms:\n" + _diff(plain[i], fast[i])
        for i in mismatched
        if plain[i] != fast[i]
    ]
    assert not differences, (
        f"{len(differences)} of {len(times)} seeks differ; first:\n" + (differences[0])
    )
    return len(mismatched)


def _diff(a: str, b: str) -> str:
    import difflib

    lines = difflib.unified_diff(a.splitlines(), b.splitlines(), "plain", "checkpoints", n=2)
    return "\n".join(list(lines)[:60])


def _fixtures() -> list[str]:
    folder = SHARED / "fixtures" / "rrweb-tests"
    names = sorted(p.name for p in folder.glob("*.json")) if folder.is_dir() else []
    return ["real/rrweb-player-demo.json"] + [f"rrweb-tests/{n}" for n in names]


def test_checkout_recording_replays_the_same_with_checkpoints(replay: Replay) -> None:
    events = json.loads(RECORDING.read_text(encoding="utf-8"))
    checkpointed = add_checkpoints(events, every_ms=0, min_events=1)
    times = seek_times(events, 160)
    assert_same_replay(replay, "checkout", events, checkpointed, times)
    assert replay.bridge.errors == []


@pytest.mark.parametrize("name", _fixtures())
def test_public_recordings_replay_the_same_with_checkpoints(
    replay: Replay, shared_fixtures: Path, name: str
) -> None:
    path = shared_fixtures / name
    if not path.is_file():
        pytest.skip(f"{name} is not in ../shared/fixtures")
    events = json.loads(path.read_text(encoding="utf-8"))
    checkpointed = add_checkpoints(events, every_ms=0, min_events=1)
    if not any(is_synthetic(e) for e in checkpointed):
        pytest.skip("no point of this recording can take a checkpoint")
    times = seek_times(events, 120)
    assert_same_replay(replay, name.replace("/", "-"), events, checkpointed, times)


def test_a_heavy_session_replays_the_same_with_checkpoints(replay: Replay) -> None:
    events = heavy_session(minutes=2, rate=10)
    checkpointed = add_checkpoints(events, every_ms=3_000, min_events=20)
    assert sum(1 for e in checkpointed if is_synthetic(e) and e["type"] == 2) >= 30
    times = seek_times(events, 40, seed=3)
    assert_same_replay(replay, "heavy", events, checkpointed, times)
