"""A finding's reproduction as a runnable test: what a report and the window's export share.

Why here, between the report and the generator (:mod:`app.reproduce`): a report carries, for
each finding, the pytest-playwright test of its session up to a little after the moment, and
the window's "Export as Playwright Test…" offers the same range around a finding. Both need
the same range, the same suggested file name and the same how-to-run line; and a report must
never fail because one session's test cannot be generated, so the failure becomes one line
that says why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from app.export.masking import HIDDEN, mask_query
from app.reproduce import GeneratedTest, TestFormat, TestOptions, generate_test
from app.store.store import SessionStore

AFTER_FINDING_MS = 5_000
"""A test "up to a finding" runs this long past its moment: a finding is often marked while
the symptom shows, a moment after the step that caused it."""

SUFFIXES: dict[TestFormat, str] = {
    "playwright": ".py",
    "playwright-ts": ".spec.ts",
    "devtools-recorder": ".json",
}
NAME_CHARS = 40


def up_to_finding(finding_ts_ms: int) -> int:
    """The ``end_ms`` of a test that reproduces what led to a finding at ``finding_ts_ms``."""
    return finding_ts_ms + AFTER_FINDING_MS


def suggested_file_name(fmt: TestFormat, user_id: str | None, session_id: str) -> str:
    """``test_<user or session>`` with the format's suffix, in characters any file system and
    any test runner's discovery accept; an e-mail address gives its name only
    (``ashley.parker@example.co.uk`` → ``test_ashley_parker.py``)."""
    who = (user_id or "").split("@")[0] or session_id
    stem = re.sub(r"[^0-9A-Za-z]+", "_", who).strip("_").lower()
    return f"test_{stem[:NAME_CHARS] or 'session'}{SUFFIXES[fmt]}"


def origin_of(url: str | None) -> str:
    """``scheme://host:port`` of ``url`` ("" when it has none)."""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def is_base_url(text: str) -> bool:
    """Whether ``text`` can replace a recorded origin: an http(s) URL with a host."""
    parts = urlsplit(text.strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname)


BASE_URL_VARIABLE = "RI_BASE_URL"
"""The environment variable a generated test reads its server from (when it reads one)."""


def how_to_run(file_name: str, base_url: str, text: str = "") -> str:
    """The one line a developer runs, pointing the test at ``base_url``: through the
    variable the test reads when its ``text`` reads one, else pytest-playwright's
    ``--base-url``."""
    if not base_url:
        return f"pip install pytest-playwright && pytest {file_name}"
    if BASE_URL_VARIABLE in text and "base_url" not in text:  # a TypeScript spec
        return f"pip install pytest-playwright && {BASE_URL_VARIABLE}={base_url} pytest {file_name}"
    return f"pip install pytest-playwright && pytest {file_name} --base-url {base_url}"


@dataclass(frozen=True)
class ReportTest:
    """A finding's generated test as a report shows it, or why there is none."""

    file_name: str
    how_to: str
    text: str = ""
    steps: int = 0
    unlocated: tuple[str, ...] = ()
    parameters: tuple[str, ...] = ()  # masked typed values, parameters at the test's top
    hidden: int = 0  # typed values the report's masking hid from the test's text
    problem: str = ""  # set when the test could not be generated; ``text`` is then empty


def report_test(
    store: SessionStore,
    session_id: str,
    finding_ts_ms: int,
    *,
    file_stem: str,
    origin: str,
    mask: bool = True,
) -> ReportTest:
    """The pytest-playwright test of the session from its start to a little after the finding.

    ``file_stem`` names the file (a report names it after the session, never a user id it
    may have replaced with a pseudonym); ``origin`` is the recorded origin the how-to points
    at. Any failure of the generator becomes ``problem``: a report is never lost to it.
    """
    file_name = suggested_file_name("playwright", None, file_stem)
    options = TestOptions(format="playwright", mask=mask, end_ms=up_to_finding(finding_ts_ms))
    try:
        generated: GeneratedTest = generate_test(store, session_id, options)
    except Exception as exc:  # the generator's failure is one line of the report
        reason = " ".join(str(exc).split()) or type(exc).__name__
        problem = f"No test could be generated: {reason}"
        return ReportTest(file_name, how_to_run(file_name, origin), problem=problem)
    return ReportTest(
        file_name,
        how_to_run(file_name, origin, generated.text),
        text=generated.text,
        steps=generated.steps,
        unlocated=tuple(generated.unlocated),
        parameters=tuple(generated.parameters),
    )


ADDRESS_WITH_QUERY = re.compile(r"""(?:https?://|(?<=["'])/)[^\s"'<>?]*\?[^\s"'<>]*""")
"""A page address with a query string: a URL anywhere (comments too), or a quoted path."""


def _literals(value: str) -> list[str]:
    """How a generator may write ``value`` as a string literal (Python or TypeScript)."""
    escaped = json.dumps(value)
    return list(dict.fromkeys([escaped, repr(value), f"'{escaped[1:-1]}'"]))


def mask_test(
    test: ReportTest, typed: Iterable[str], user_names: Mapping[str, str] | None = None
) -> ReportTest:
    """``test`` as a masked report may print it: every readable typed value written as a
    string literal becomes ``•••`` (a reader sees a value was typed, never which), the
    values of page addresses' query strings (``/checkout?email=•••``) are hidden, and every
    user id becomes its pseudonym.

    Why here and not in the generator: the generator masks what the recording masked (those
    values become parameters); a report promises more — every typed value hidden, even one
    the site chose to record (the demo's postal code) — as its clip and frames do.
    """
    text, hidden = test.text, 0
    for value in sorted(set(typed), key=len, reverse=True):  # longest first
        for literal in _literals(value):
            if literal in text:
                text = text.replace(literal, literal[0] + HIDDEN + literal[-1])
                hidden += 1
                break
    text = ADDRESS_WITH_QUERY.sub(lambda m: mask_query(m.group(0)), text)
    for user_id, name in (user_names or {}).items():
        text = text.replace(user_id, name)
    return replace(test, text=text, hidden=hidden)


def summary_of(test: ReportTest) -> str:
    """What a reader should know before running it: its steps, its parameters, what fails."""
    parts = [f"{test.steps} steps"]
    if test.parameters:
        parts.append(f"{len(test.parameters)} masked typed values are parameters at its top")
    if test.hidden:
        parts.append(
            f"{test.hidden} typed values the recording kept show as {HIDDEN}, masked like the "
            "rest of this report (the app's Replay › Export as Playwright Test… keeps them)"
        )
    if test.unlocated:
        parts.append(
            f"{len(test.unlocated)} steps could not be located: it fails there, saying why"
        )
    return "; ".join(parts)
