"""Synthetic checkpoints (pure Python): what they contain and that they lose nothing.

Two kinds of checks. On real recordings, with a checkpoint before nearly every event
(``every_ms=0, min_events=1``), the replay is run twice in Python: once straight through
the recording, and once the way rrweb seeks — starting at each synthetic checkpoint (Meta,
FullSnapshot and the re-emitted events after it) and applying the events that follow. At
every later event the two mirrors must hold the same state, compared as the checkpoint
each would write (node tree with every id and attribute, scroll offsets, media state,
iframe documents, re-emitted CSSOM, input and selection events). The browser-side proof —
the real replayer shows the same page with and without checkpoints — is
``tests/replay/test_checkpoints.py``.

Then small hand-written recordings pin each rule of rrweb's replayer that the mirror
follows, against trees written out by hand.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from app.rrweb.checkpoints import add_checkpoints, is_synthetic
from app.rrweb.inline_style import format_style, parse_style
from app.rrweb.replay_dom import ReplayDom
from tests.conftest import DATA, SHARED

RECORDING = DATA / "recordings" / "checkout-clicks.json"
T0 = 1_700_000_000_000


def _shared_recordings() -> list[str]:
    folder = SHARED / "fixtures" / "rrweb-tests"
    names = sorted(p.name for p in folder.glob("*.json")) if folder.is_dir() else []
    return ["real/rrweb-player-demo.json"] + [f"rrweb-tests/{name}" for name in names]


def _state(dom: ReplayDom, ts: float) -> str:
    return json.dumps(dom.checkpoint_events(ts, {}), sort_keys=True)


def assert_checkpoints_replay_like_the_recording(events: list[dict[str, Any]]) -> int:
    """Returns the number of checkpoints checked."""
    before = copy.deepcopy(events)
    out = add_checkpoints(events, every_ms=0, min_events=1)
    assert events == before  # the input is not modified
    originals = [e for e in out if not is_synthetic(e)]
    assert sorted(map(id, originals)) == sorted(map(id, events))  # all kept, none copied
    stamps = [e["timestamp"] for e in out]
    assert stamps == sorted(stamps)

    # straight through, remembering the state before each original event
    reference = ReplayDom()
    expected: dict[int, str] = {}
    for index, event in enumerate(out):
        if not is_synthetic(event):
            expected[index] = _state(reference, event["timestamp"])
            reference.apply(event)
    end = out[-1]["timestamp"] + 1
    expected[len(out)] = _state(reference, end)

    starts = [i for i, e in enumerate(out) if is_synthetic(e) and e["type"] == 4]
    for start in starts:
        assert out[start + 1]["type"] == 2 and is_synthetic(out[start + 1])
        stamp = out[start]["timestamp"]
        neighbours = [e["timestamp"] for e in out if not is_synthetic(e)]
        assert stamp not in neighbours  # strictly between two events
        assert min(neighbours) < stamp < max(neighbours)
        seeking = ReplayDom()
        index = start
        while index < len(out) and (
            index == start or not (is_synthetic(out[index]) and out[index]["type"] == 4)
        ):
            event = out[index]
            if not is_synthetic(event):
                assert _state(seeking, event["timestamp"]) == expected[index], (
                    f"state before event {index} differs when starting at checkpoint {start}"
                )
            seeking.apply(event)
            index += 1
        if index == len(out):
            assert _state(seeking, end) == expected[len(out)]
    return len(starts)


def test_checkout_recording_checkpoints_rebuild_the_same_state() -> None:
    events = json.loads(RECORDING.read_text(encoding="utf-8"))
    assert assert_checkpoints_replay_like_the_recording(events) > 40


@pytest.mark.parametrize("name", _shared_recordings())
def test_public_recordings_checkpoints_rebuild_the_same_state(
    shared_fixtures: Path, name: str
) -> None:
    path = shared_fixtures / name
    if not path.is_file():
        pytest.skip(f"{name} is not in ../shared/fixtures")
    events = json.loads(path.read_text(encoding="utf-8"))
    assert_checkpoints_replay_like_the_recording(events)


def test_the_heavy_synthetic_session_checkpoints_rebuild_the_same_state() -> None:
    from tests.heavy_session import heavy_session

    events = heavy_session(minutes=0.5, rate=10)
    assert assert_checkpoints_replay_like_the_recording(events) > 100


# ---- thresholds, timestamps, markers ---------------------------------------------------
def el(node_id: int, tag: str, attrs: dict[str, Any] | None = None, children=None, **extra):
    node = {"type": 2, "tagName": tag, "attributes": attrs or {}, "childNodes": children or []}
    return {**node, "id": node_id, **extra}


def txt(node_id: int, value: str, **extra: Any) -> dict[str, Any]:
    return {"type": 3, "textContent": value, "id": node_id, **extra}


def page(*body: dict[str, Any], head: list | None = None) -> dict[str, Any]:
    return {
        "type": 0,
        "id": 1,
        "childNodes": [
            {"type": 1, "name": "html", "publicId": "", "systemId": "", "id": 2},
            el(3, "html", {}, [el(4, "head", {}, head or []), el(5, "body", {}, list(body))]),
        ],
    }


def start(*body: dict[str, Any], head: list | None = None, ts: int = T0) -> list[dict[str, Any]]:
    return [
        {
            "type": 4,
            "data": {"href": "https://x.example/", "width": 800, "height": 600},
            "timestamp": ts,
        },
        {
            "type": 2,
            "data": {"node": page(*body, head=head), "initialOffset": {"left": 0, "top": 0}},
            "timestamp": ts + 1,
        },
    ]


def inc(ts: int, source: int, **data: Any) -> dict[str, Any]:
    return {"type": 3, "data": {"source": source, **data}, "timestamp": ts}


def mut(ts: int, adds=(), removes=(), texts=(), attributes=()) -> dict[str, Any]:
    return inc(
        ts,
        0,
        adds=list(adds),
        removes=list(removes),
        texts=list(texts),
        attributes=list(attributes),
    )


def body_of(dom: ReplayDom) -> dict[str, Any]:
    tree = dom.tree()
    assert tree is not None
    return tree["childNodes"][1]["childNodes"][1]


def shape(node: dict[str, Any]) -> Any:
    """A compact view: (tag or text, attributes, children)."""
    if node["type"] == 3:
        return node["textContent"]
    return [node["tagName"], node["attributes"], [shape(c) for c in node["childNodes"]]]


def run(events: list[dict[str, Any]]) -> ReplayDom:
    dom = ReplayDom()
    for event in events:
        dom.apply(event)
    return dom


def clicks(first: int, count: int, step: int = 1000) -> list[dict[str, Any]]:
    return [inc(first + i * step, 2, type=2, id=10, x=1, y=1) for i in range(count)]


def test_a_checkpoint_needs_both_enough_time_and_enough_events() -> None:
    base = start(el(10, "button"))
    events = base + clicks(T0 + 1000, 30, step=1000)  # 30 events over 30 s
    assert not any(is_synthetic(e) for e in add_checkpoints(events, every_ms=60_000, min_events=1))
    assert not any(is_synthetic(e) for e in add_checkpoints(events, every_ms=1, min_events=100))
    out = add_checkpoints(events, every_ms=10_000, min_events=5)
    metas = [e for e in out if is_synthetic(e) and e["type"] == 4]
    # 10 s after the FullSnapshot, then every 10 s of events
    assert [round(m["timestamp"] - T0) for m in metas] == [11_000, 21_000]
    for meta in metas:
        index = out.index(meta)
        following = out[index + 2]
        assert not is_synthetic(following)
        assert following["timestamp"] - meta["timestamp"] == 1 / 64
        assert out[index + 1]["type"] == 2 and out[index + 1]["timestamp"] == meta["timestamp"]
        assert meta["data"] == {"href": "https://x.example/", "width": 800, "height": 600}


def test_no_checkpoint_between_events_of_the_same_millisecond_or_before_a_snapshot() -> None:
    events = [
        *start(el(10, "button")),
        inc(T0 + 10, 2, type=2, id=10),
        inc(T0 + 10, 2, type=2, id=10),
        {
            "type": 4,
            "data": {"href": "https://x.example/2", "width": 800, "height": 600},
            "timestamp": T0 + 20,
        },
        inc(T0 + 25, 2, type=2, id=10),  # between a Meta and its FullSnapshot
        {
            "type": 2,
            "data": {"node": page(), "initialOffset": {"left": 0, "top": 0}},
            "timestamp": T0 + 30,
        },
        inc(T0 + 40, 2, type=2, id=5),
        inc(T0 + 50, 2, type=2, id=5),
    ]
    out = add_checkpoints(events, every_ms=0, min_events=1)
    synthetic = [e["timestamp"] - T0 for e in out if is_synthetic(e) and e["type"] == 4]
    # not before the first click (nothing to apply yet), nor the second (same ms), nor the
    # Meta, nor between it and its FullSnapshot, nor before the FullSnapshot; then again
    # only once an incremental event was applied after the new FullSnapshot
    assert synthetic == [50 - 1 / 64]


def test_the_viewport_and_windows_follow_the_recording() -> None:
    events = [
        *start(el(10, "button")),
        inc(T0 + 10, 4, width=1000, height=700),
        {**inc(T0 + 20, 2, type=2, id=10), "windowId": "w1"},
    ]
    out = add_checkpoints(events, every_ms=0, min_events=1)
    meta = next(e for e in out if is_synthetic(e) and e["type"] == 4)
    assert meta["data"] == {"href": "https://x.example/", "width": 1000, "height": 700}
    assert all(e["windowId"] == "w1" for e in out if is_synthetic(e))


def test_unsorted_events_come_back_in_rrweb_order_and_the_input_is_untouched() -> None:
    events = start(el(10, "button")) + clicks(T0 + 1000, 3)
    shuffled = [events[3], events[0], events[4], events[1], events[2]]
    before = copy.deepcopy(shuffled)
    out = add_checkpoints(shuffled, every_ms=0, min_events=1)
    assert shuffled == before
    assert [e for e in out if not is_synthetic(e)] == events


# ---- the mirror follows rrweb's replayer -------------------------------------------------
def test_adds_go_where_rrweb_puts_them() -> None:
    events = [
        *start(el(10, "ul", {}, [el(11, "li", {"n": "1"})])),
        mut(
            T0 + 10,
            adds=[
                # next sibling not there yet: queued, placed once 13 exists
                {"parentId": 10, "nextId": 13, "node": el(12, "li", {"n": "2"})},
                {"parentId": 10, "nextId": None, "node": el(13, "li", {"n": "3"})},
                # after 11 (previousId wins over nextId)
                {"parentId": 10, "previousId": 11, "nextId": 13, "node": el(14, "li", {"n": "x"})},
                # children in an add are not built by rrweb (each comes as its own add)
                {"parentId": 13, "nextId": None, "node": el(15, "b", {}, [txt(16, "lost")])},
                # a next sibling that never comes: rrweb drops the node
                {"parentId": 10, "nextId": 99, "node": el(17, "li", {"n": "never"})},
            ],
        ),
    ]
    dom = run(events)
    ul = body_of(dom)["childNodes"][0]
    assert [c["attributes"].get("n") for c in ul["childNodes"]] == ["1", "x", "2", "3"]
    assert shape(ul["childNodes"][3]) == ["li", {"n": "3"}, [["b", {}, []]]]
    assert 17 not in dom.nodes and 16 not in dom.nodes


def test_legacy_missing_neighbours_wait_detached_until_resolved() -> None:
    events = [
        *start(el(10, "div")),
        mut(
            T0 + 10,
            adds=[
                {"parentId": 10, "previousId": None, "nextId": -1, "node": el(11, "a")},
                {"parentId": 11, "previousId": None, "nextId": None, "node": txt(12, "one")},
                {"parentId": 10, "previousId": 11, "nextId": -1, "node": el(13, "a")},
            ],
        ),
    ]
    dom = run(events)
    assert body_of(dom)["childNodes"][0]["childNodes"] == []  # detached, as in rrweb
    assert dom.pending
    out = add_checkpoints([*events, inc(T0 + 20, 2, type=2, id=10)], every_ms=0, min_events=1)
    assert not any(is_synthetic(e) for e in out)  # no checkpoint could hold them
    dom.apply(
        mut(T0 + 30, adds=[{"parentId": 10, "previousId": 13, "nextId": None, "node": el(14, "a")}])
    )
    div = body_of(dom)["childNodes"][0]
    assert [c["id"] for c in div["childNodes"]] == [11, 13, 14]
    assert div["childNodes"][0]["childNodes"][0]["textContent"] == "one"
    assert not dom.pending


def test_removes_texts_and_attributes() -> None:
    events = [
        *start(el(10, "p", {"class": "a", "title": "t"}, [txt(11, "old")]), el(12, "i")),
        mut(
            T0 + 10,
            removes=[{"parentId": 5, "id": 12}],
            texts=[{"id": 11, "value": "first"}, {"id": 11, "value": "new"}],
            attributes=[{"id": 10, "attributes": {"class": "b", "title": None, "data-x": "1"}}],
        ),
    ]
    body = body_of(run(events))
    assert [shape(c) for c in body["childNodes"]] == [["p", {"class": "b", "data-x": "1"}, ["new"]]]


def test_style_objects_are_merged_like_cssom_calls() -> None:
    events = [
        *start(el(10, "div", {"style": "color: red; margin: 0px; opacity: 1;"})),
        mut(
            T0 + 10,
            attributes=[
                {
                    "id": 10,
                    "attributes": {
                        "style": {
                            "color": "blue",
                            "opacity": False,
                            "display": ["none", "important"],
                            "--Custom": "x",
                        }
                    },
                }
            ],
        ),
    ]
    style = body_of(run(events))["childNodes"][0]["attributes"]["style"]
    assert parse_style(style) == [
        ["color", "blue", False],
        ["margin", "0px", False],
        ["display", "none", True],
        ["--Custom", "x", False],
    ]
    assert style == "color: blue; margin: 0px; display: none !important; --Custom: x;"
    # semicolons inside url() and quotes do not split declarations
    text = "background: url(data:image/png;base64,AA==); content: 'a;b' ! important"
    assert format_style(parse_style(text)) == (
        "background: url(data:image/png;base64,AA==); content: 'a;b' !important;"
    )


def test_input_scroll_and_selection_are_kept_for_after_the_snapshot() -> None:
    events = [
        *start(
            el(10, "input", {"type": "text", "value": "a"}),
            el(11, "div", {"style": "overflow: auto"}),
            el(12, "input", {"type": "checkbox"}),
        ),
        inc(T0 + 10, 5, id=10, text="ab", isChecked=False),
        inc(T0 + 11, 5, id=12, text="on", isChecked=True),
        inc(T0 + 12, 5, id=10, text="abc", isChecked=False),
        inc(T0 + 13, 3, id=11, x=5, y=40),
        inc(T0 + 14, 3, id=1, x=0, y=300),
        inc(T0 + 15, 14, ranges=[{"start": 10, "startOffset": 0, "end": 11, "endOffset": 0}]),
        inc(T0 + 16, 3, id=11, x=0, y=41),
    ]
    dom = run(events)
    checkpoint = dom.checkpoint_events(T0 + 20, {})
    snapshot = checkpoint[1]["data"]
    assert snapshot["initialOffset"] == {"left": 0, "top": 300}
    body = snapshot["node"]["childNodes"][1]["childNodes"][1]
    # rrweb never changes attributes for input; the typed value comes from the Input event
    assert body["childNodes"][0]["attributes"] == {"type": "text", "value": "a"}
    assert body["childNodes"][1]["attributes"] == {"style": "overflow: auto", "rr_scrollTop": 41}
    replayed = [
        (e["data"]["source"], e["data"].get("id"), e["data"].get("text")) for e in checkpoint[2:]
    ]
    assert replayed == [(5, 12, "on"), (5, 10, "abc"), (14, None, None)]
    assert all(e["timestamp"] == T0 + 20 and e["synthetic"] is True for e in checkpoint)


def test_cssom_edits_are_re_emitted_while_they_still_apply() -> None:
    style = el(20, "style", {"_cssText": ".a { color: red; }"})
    events = [
        *start(el(10, "div"), head=[style]),
        inc(T0 + 10, 8, id=20, adds=[{"rule": ".b { color: blue; }", "index": 1}]),
        inc(T0 + 11, 13, id=20, index=[0], set={"property": "color", "value": "green"}),
        inc(T0 + 12, 8, id=99, adds=[{"rule": ".lost {}"}]),  # no such node: rrweb skips it
        inc(T0 + 13, 15, id=1, styleIds=[1], styles=[{"styleId": 1, "rules": []}]),
        inc(T0 + 14, 8, styleId=1, replace="div { color: red; }"),
        inc(T0 + 15, 8, styleId=1, adds=[{"rule": "p { margin: 0; }"}]),
        inc(T0 + 16, 8, styleId=1, replaceSync="div { color: blue; }"),  # supersedes 14, 15
        inc(T0 + 17, 10, family="F", fontSource="url(f.woff)", buffer=False),
    ]
    dom = run(events)
    kept = [e["data"] for e in dom.checkpoint_events(T0 + 20, {})[2:]]
    assert [(d["source"], d.get("id"), d.get("styleId")) for d in kept] == [
        (8, 20, None),
        (13, 20, None),
        (15, 1, None),
        (8, None, 1),
        (10, None, None),
    ]
    # the <style>'s text changes: its sheet is parsed again, the earlier edits are gone
    dom.apply(mut(T0 + 30, adds=[{"parentId": 20, "nextId": None, "node": txt(21, ".c {}")}]))
    kept = [e["data"] for e in dom.checkpoint_events(T0 + 40, {})[2:]]
    assert [(d["source"], d.get("id")) for d in kept] == [(15, 1), (8, None), (10, None)]
    head = dom.tree()["childNodes"][1]["childNodes"][0]
    # rrweb moves the text it built from _cssText into the new (mapped) text node
    assert shape(head["childNodes"][0]) == ["style", {}, [".a { color: red; }"]]


def test_async_replace_is_re_emitted_as_replace_sync() -> None:
    events = [
        *start(el(10, "div")),
        inc(T0 + 13, 15, id=1, styleIds=[1], styles=[{"styleId": 1, "rules": []}]),
        inc(T0 + 14, 8, styleId=1, replace="div { color: red; }"),
    ]
    kept = [e["data"] for e in run(events).checkpoint_events(T0 + 20, {})[2:]]
    assert kept[1] == {"source": 8, "styleId": 1, "replaceSync": "div { color: red; }"}
    assert events[-1]["data"]["replace"] == "div { color: red; }"  # the original is untouched


def test_iframe_documents_follow_the_snapshot_as_attaching_mutations() -> None:
    inner = {
        "type": 0,
        "id": 30,
        "childNodes": [
            el(
                31,
                "html",
                {},
                [el(32, "body", {}, [el(33, "iframe", rootId=30)], rootId=30)],
                rootId=30,
            )
        ],
    }
    innermost = {"type": 0, "id": 40, "childNodes": [el(41, "html", {}, [], rootId=40)]}
    events = [
        *start(el(10, "iframe")),
        mut(T0 + 10, adds=[{"parentId": 33, "nextId": None, "node": innermost}]),  # queued
        mut(T0 + 11, adds=[{"parentId": 10, "nextId": None, "node": inner}]),
    ]
    dom = run(events)
    out = dom.checkpoint_events(T0 + 20, {})
    snapshot_iframe = out[1]["data"]["node"]["childNodes"][1]["childNodes"][1]["childNodes"][0]
    assert snapshot_iframe == {
        "type": 2,
        "id": 10,
        "tagName": "iframe",
        "attributes": {},
        "childNodes": [],
    }
    attached = [
        (e["data"]["adds"][0]["parentId"], e["data"]["adds"][0]["node"]["id"]) for e in out[2:]
    ]
    assert attached == [(10, 30), (33, 40)]
    assert all(e["data"].get("isAttachIframe") for e in out[2:])


def test_shadow_roots_keep_their_children_apart() -> None:
    events = [
        *start(el(10, "div", {}, [el(11, "span")], isShadowHost=True)),
        mut(T0 + 10, adds=[{"parentId": 10, "nextId": None, "node": el(12, "b", isShadow=True)}]),
        mut(T0 + 11, adds=[{"parentId": 10, "nextId": None, "node": el(13, "i")}]),
    ]
    host = body_of(run(events))["childNodes"][0]
    assert host["isShadowHost"] is True
    assert [(c["id"], c.get("isShadow", False)) for c in host["childNodes"]] == [
        (11, False),
        (13, False),
        (12, True),
    ]


def test_media_state_is_written_for_the_checkpoint_time() -> None:
    video = el(10, "video", {"rr_mediaState": "paused", "rr_mediaCurrentTime": 1.0})
    events = [*start(video), inc(T0 + 1000, 7, type=0, id=10, currentTime=2.0, playbackRate=2)]
    dom = run(events)
    attrs = dom.checkpoint_events(T0 + 4_000, {})[1]["data"]["node"]["childNodes"][1]["childNodes"][
        1
    ]["childNodes"][0]["attributes"]
    assert attrs["rr_mediaState"] == "played"
    assert attrs["rr_mediaCurrentTime"] == pytest.approx(2.0 + 3 * 2)  # 3 s at 2×
    assert attrs["rr_mediaPlaybackRate"] == 2


def test_rule_inserts_into_one_sheet_come_back_as_one_event_in_their_order() -> None:
    style = el(20, "style", {}, [])
    events = [
        *start(el(10, "div"), head=[style]),
        inc(T0 + 10, 8, id=20, adds=[{"rule": ".a { color: red; }", "index": 0}]),
        inc(T0 + 11, 8, id=20, adds=[{"rule": ".b { color: blue; }", "index": 1}]),
        inc(T0 + 12, 8, id=20, adds=[{"rule": ".c { color: green; }", "index": 0}]),
        inc(T0 + 13, 8, id=20, removes=[{"index": 2}]),  # not folded: it removes
        inc(T0 + 14, 8, id=20, adds=[{"rule": ".d { color: gray; }", "index": 0}]),
    ]
    kept = [e["data"] for e in run(events).checkpoint_events(T0 + 20, {})[2:]]
    assert kept == [
        {
            "source": 8,
            "id": 20,
            "adds": [
                {"rule": ".a { color: red; }", "index": 0},
                {"rule": ".b { color: blue; }", "index": 1},
                {"rule": ".c { color: green; }", "index": 0},
            ],
        },
        {"source": 8, "id": 20, "removes": [{"index": 2}]},
        {"source": 8, "id": 20, "adds": [{"rule": ".d { color: gray; }", "index": 0}]},
    ]
    assert events[2]["data"]["adds"] == [{"rule": ".a { color: red; }", "index": 0}]  # untouched
