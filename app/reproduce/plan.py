"""From a stored session to a :class:`~app.reproduce.model.Plan`: the steps with their
recorded names, the requests to wait for, the errors to watch, the range and the base URL.

Errors: by default the test ends after the step in which the last distinct recorded error
first occurred, and fails if any recorded error occurs again. Why it ends there: what the
user did after the bug (retrying, clicking a spinner, reloading) needs the broken state a
fixed build no longer reaches; those steps are listed as comments. With ``expect_errors``
every step runs and the test asserts that each recorded error occurs.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from app.reproduce.model import Plan, Step, TestOptions
from app.reproduce.steps import StepInference
from app.rrweb.protocol import EventType
from app.store.queries import replay as replay_queries
from app.store.queries import reproduce as queries
from app.store.store import SessionStore

ACTION_NEAR_MS = 400
REQUEST_GRACE_MS = 500  # margin on the recorded answer time of requests the page never sends
REQUEST_WAIT_CAP_MS = 5_000  # a recorded slow answer (a backend hiccup) is not waited in full
ERROR_MARGIN_MS = 2_000


def build_plan(store: SessionStore, session_id: str, options: TestOptions) -> Plan:
    record = queries.session_record(store.cursor(), session_id)
    if record is None:
        raise ValueError(f"no session {session_id!r} in this file")
    windows = replay_queries.windows(store.cursor(), session_id)
    if not windows:
        raise ValueError(f"session {session_id!r} has no recorded events")
    window = windows[0][0]
    events = json.loads(replay_queries.events_json(store.cursor(), session_id, window))
    start = options.start_ms if options.start_ms is not None else record.start_ms
    end = options.end_ms if options.end_ms is not None else record.end_ms
    if end < start:
        raise ValueError("the range ends before it starts")
    loads = [a.ts_ms for a in record.actions if a.type == "load"]
    inference = StepInference(events, loads, options.mask, start, end)
    steps = inference.run()
    if not steps:
        raise ValueError(f"session {session_id!r} has no steps between the chosen times")
    _name_steps(steps, record)
    origin = _origin(next((s.value for s in steps if s.kind == "goto" and s.value), "") or "")
    errors = [e for e in record.errors if start <= e.ts_ms <= end]
    messages = list(dict.fromkeys(e.message for e in errors))
    omitted: list[str] = []
    error_wait = ERROR_MARGIN_MS
    if errors:
        cut = _step_of_last_new_error(steps, errors)
        error_ts = max(e.ts_ms for e in errors if steps[cut].ts_ms <= e.ts_ms) if errors else 0
        error_wait = max(0, error_ts - steps[cut].ts_ms) + ERROR_MARGIN_MS
        if not options.expect_errors:
            omitted = [f"{_clock(s.ts_ms - start)} {s.name}" for s in steps[cut + 1 :]]
            steps = steps[: cut + 1]
            error_wait = _first_error_delay(steps[cut], errors) + ERROR_MARGIN_MS
    base = (options.base_url or origin).rstrip("/")
    notes = []
    if len(windows) > 1:
        notes.append(f"the session has {len(windows)} windows; this test replays the largest")
    metas = [e["data"] for e in events if e.get("type") == EventType.META]
    width = next((m.get("width") for m in metas), 1280) or 1280
    height = next((m.get("height") for m in metas), 800) or 800
    return Plan(
        session_id, record.user_id, origin, base, start, steps,
        inference.parameters.all, messages, error_wait, options.expect_errors, omitted,
        (int(width), int(height)), notes,
    )  # fmt: skip


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def path_of(url: str) -> str:
    """The path, query and fragment of a URL (what ``--base-url`` keeps)."""
    parts = urlsplit(url)
    tail = parts.path or "/"
    if parts.query:
        tail += f"?{parts.query}"
    if parts.fragment:
        tail += f"#{parts.fragment}"
    return tail


def _clock(offset_ms: int) -> str:
    tenths = round(max(0, offset_ms) / 100)
    return f"{tenths // 600}:{tenths % 600 // 10:02d}.{tenths % 10}"


def step_label(plan: Plan, step: Step) -> str:
    """``m:ss.s action name``: the step's comment in every output format."""
    return f"{_clock(step.ts_ms - plan.start_ms)} {step.name}"


def step_problem(step: Step) -> str | None:
    """Why the test cannot do this step (all formats then fail there, saying so), if so."""
    if step.problem:
        return step.problem
    if step.kind not in ("goto", "scroll") and step.locator is None:
        return "the element is not in the recorded DOM at that moment"
    return None


_TAKES_VALUE = frozenset({"fill", "select", "press"})


def step_call(step: Step, target: str, value: str, select_option: str) -> str:
    """The step's Playwright call, ``target.method(value)``: the same in Python and
    TypeScript but for the select method's name (``select_option`` / ``selectOption``)."""
    if step.kind == "press" and not step.locator:
        return f"page.keyboard.press({value})"
    method = select_option if step.kind == "select" else step.kind
    return f"{target}.{method}({value if step.kind in _TAKES_VALUE else ''})"


def clock(offset_ms: int) -> str:
    """``m:ss.s`` from the session start, as the comments write it."""
    return _clock(offset_ms)


def _name_steps(steps: list[Step], record: queries.SessionRecord) -> None:
    """Each step takes the name and id of the recorded action at its time, and the requests
    that action started (to wait for their responses)."""
    triggers = {"click": ("click",), "dblclick": ("dblclick", "click"), "check": ("click", "input"),
                "uncheck": ("click", "input"), "fill": ("input",), "select": ("input", "click"),
                "press": ("key", "input", "submit"), "goto": ("navigation",)}  # fmt: skip
    used: set[int] = set()
    for step in steps:
        # a fill the page made (a prefilled field) has no recorded action of its own: it must
        # not take the user's next "change on …" (which then named the wrong step)
        wanted = () if step.kind == "fill" and step.name else triggers.get(step.kind, ())
        best = None
        for index, action in enumerate(record.actions):
            if index in used or action.trigger not in wanted:
                continue
            near = ACTION_NEAR_MS if step.kind != "fill" else 2_000
            if abs(action.ts_ms - step.ts_ms) <= near and (
                best is None or abs(action.ts_ms - step.ts_ms) < abs(best[1].ts_ms - step.ts_ms)
            ):
                best = (index, action)
        if best is not None:
            used.add(best[0])
            step.name = step.name or best[1].name
            step.action_id = best[1].action_id
        elif step.name:
            pass
        elif step.kind in ("click", "dblclick", "check", "uncheck", "select", "fill"):
            what = step.locator.aria or step.locator.description if step.locator else "element"
            verb = {"fill": "change", "select": "select"}.get(step.kind, step.kind)
            step.name = f"{verb} on '{what}'"
        if step.kind in ("click", "dblclick", "press", "check", "uncheck", "select"):
            requests = [
                r for r in record.requests
                if (step.action_id and r.action_id == step.action_id)
                or (not r.action_id and 0 <= r.ts_ms - step.ts_ms <= 300)
            ]  # fmt: skip
            for request in requests:
                wait = (request.method or "GET", urlsplit(request.url).path or "/")
                if wait not in step.waits:
                    step.waits.append(wait)
            if requests:
                # A request the page sends is waited for until its response, however long.
                # One it never sends (answered in-page by a mock backend, or no longer made)
                # gives Playwright nothing to wait on: the step then waits as long as the
                # recorded answer took (capped), plus a short margin, so that the next step
                # does not run ahead of the answer's effect (adding to a cart, then opening
                # it). The next step's own auto-waiting covers everything else.
                delay = max(r.ts_ms - step.ts_ms + r.duration_ms for r in requests)
                capped = min(max(0, delay), REQUEST_WAIT_CAP_MS)
                step.wait_grace_ms = capped + REQUEST_GRACE_MS


def _step_index(steps: list[Step], error: queries.RecordedError) -> int:
    for index, step in enumerate(steps):
        if error.action_id and step.action_id == error.action_id:
            return index
    before = [i for i, s in enumerate(steps) if s.ts_ms <= error.ts_ms]
    return before[-1] if before else 0


def _step_of_last_new_error(steps: list[Step], errors: list[queries.RecordedError]) -> int:
    first: dict[str, int] = {}
    for error in errors:
        first.setdefault(error.message, _step_index(steps, error))
    return max(first.values())


def _first_error_delay(step: Step, errors: list[queries.RecordedError]) -> int:
    delays = [e.ts_ms - step.ts_ms for e in errors if e.ts_ms >= step.ts_ms]
    return min(delays) if delays else 0
