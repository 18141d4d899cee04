"""Masked text never reaches an action name: the recorder and the importer follow one
definition (``resources/recorder/masking.json``) and are held to one case table
(``tests/data/masking_cases.json``), in a real page recorded with the real rrweb."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from app.archive.model import SessionMeta
from app.archive.writer import ArchiveWriter
from app.derive.masking_rules import load_rules
from app.derive.rum import RumDeriver
from app.export.documents import report_html, report_markdown
from app.export.masking import ReportMasking
from app.export.report import build_report
from app.store.findings import Finding
from app.store.open import open_store
from tests.recorder.conftest import RecordedPage

pytestmark = pytest.mark.webengine

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parents[1] / "data" / "masking_cases.json").read_text(encoding="utf-8")
)["cases"]


def _without_explanations(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_explanations(v) for k, v in value.items() if k != "about"}
    return value


WARM_UP = "<p id='warm-up'>warm-up</p>"
WARM_UP_NAME = "click on 'warm-up'"


def _act(page: RecordedPage, case: dict[str, Any]) -> str:
    """Do the case's input as a user would; the trigger of the action it should make.

    A click on the page's warm-up paragraph comes first: the first input after a page has
    loaded is sometimes lost before it reaches the page (its action is left out after)."""
    page.click("#warm-up")
    if "click" in case:
        page.click(case["click"])
        return "click"
    selector, text = case["type"]
    page.type(selector, text)
    return "input"


def _derived(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    deriver = RumDeriver()
    for event in events:
        deriver.feed(event)
    return [r for r in deriver.finish() if r["kind"] == "action"]


def test_the_recorder_carries_the_written_definition(recorded_page: RecordedPage) -> None:
    recorded_page.load("<p>rules</p>")
    assert recorded_page.js("window.ReplayRecorder.masking") == _without_explanations(load_rules())


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_recorder_and_importer_name_actions_by_the_same_masking_rules(
    recorded_page: RecordedPage, case: dict[str, Any]
) -> None:
    recorded_page.load(WARM_UP + case["body"], case.get("options"))
    trigger = _act(recorded_page, case)
    batches = recorded_page.batches(final=True)
    rum = [r for b in batches for r in b["rum"]]
    events = [e for b in batches for e in b["events"]]
    actions = [a for a in rum if a["kind"] == "action" and a["name"] != WARM_UP_NAME]
    recorded = [a["name"] for a in actions if a["trigger"] == trigger]
    derived = [
        a["name"] for a in _derived(events) if a["trigger"] == trigger and a["name"] != WARM_UP_NAME
    ]

    assert recorded == ([case["recorder"]] if case["recorder"] else [])
    assert derived == ([case["importer"]] if case["importer"] else [])
    everything = json.dumps([rum, events, derived], ensure_ascii=False)
    for secret in case["secrets"]:
        assert secret not in everything, secret


def test_a_report_of_a_recording_with_masked_and_blocked_text_shows_none_of_it(
    recorded_page: RecordedPage, tmp_path: Path
) -> None:
    """Every case on one page, each input made, the recording written as an archive the way
    a collector would, and a finding after the last input exported as a report."""
    body = "".join(f"<div>{case['body']}</div>" for case in CASES).replace("id='t'", "")
    options = {k: v for case in CASES for k, v in (case.get("options") or {}).items()}
    recorded_page.load(body, options)
    recorded_page.click("body > div:nth-of-type(1) button")  # the first input may be lost
    for index, case in enumerate(CASES, 1):
        target = case.get("click") or case["type"][0]
        if target == "#t":  # the cases' shared id: the case's own element instead
            kind = "button" if "click" in case else "input"
            target = f"body > div:nth-of-type({index}) {kind}"
        if "click" in case:
            recorded_page.click(target)
        else:
            recorded_page.type(target, case["type"][1])
    batches = recorded_page.batches(final=True)
    events = [e for b in batches for e in b["events"]]
    rum = [r for b in batches for r in b["rum"]]
    start, end = events[0]["timestamp"], events[-1]["timestamp"]
    archive = tmp_path / "masked.webreplay"
    with ArchiveWriter(archive) as writer:
        meta = SessionMeta("s1", user_id="ashley", started_at_ms=start, ended_at_ms=end)
        writer.add_session(meta, events, rum)
    store, _ = open_store(archive, tmp_path / "masked.duckdb")
    with store:
        report = build_report(store, Finding("k", "s1", end, "Masked"), masking=ReportMasking())
    text = report_html([report], "Masked", ReportMasking()) + report_markdown(
        [report], "Masked", tmp_path / "frames", ReportMasking()
    )
    names = [name for _ts, _kind, name in report.steps]
    assert "click on 'Pay as ******'" in names and "click on 'div.card-form'" in names
    assert "change on 'Card holder'" in names
    for case in CASES:
        for secret in case["secrets"]:
            # a digits-only secret ("4111") as a number of its own, not inside a timestamp of
            # the clip's events (1796224864111 failed this test about one run in ten)
            pattern = re.escape(secret)
            pattern = rf"(?<!\d){pattern}(?!\d)" if secret.isdigit() else pattern
            assert not re.search(pattern, text), secret
