"""The Export as Playwright Test dialog: its choices become the generator's options.

A real dialog on screen, driven like a user drives it (combo boxes, fields, the Export
button); what it returns is what ``app.reproduce`` is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.export.reproduction import AFTER_FINDING_MS
from app.store.findings import Finding
from app.ui.reproduction_dialog import ReproductionDialog, ReproductionSubject

T0 = 1_700_000_000_000
USER = "ashley.parker@example.co.uk"


@pytest.fixture
def subject() -> ReproductionSubject:
    """A two-minute session with three findings (listed by time, as the store gives them)."""
    findings = [
        Finding("k", "s1", T0 + 20_000, "Cart stays empty", id="f1"),
        Finding("k", "s1", T0 + 65_000, "Checkout freezes", id="f2"),
        Finding("k", "s1", T0 + 100_000, "Gave up", id="f3"),
    ]
    return ReproductionSubject("s1", USER, T0, T0 + 120_000, "https://shop.example", findings)


def dialog_for(qtbot: Any, subject: ReproductionSubject, finding: str | None = None) -> Any:
    dialog = ReproductionDialog(subject, finding)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_defaults_export_the_whole_session_masked_to_a_file_named_after_the_user(
    qtbot: Any, subject: ReproductionSubject
) -> None:
    dialog = dialog_for(qtbot, subject)
    options = dialog.options()
    assert options.format == "playwright"
    assert (options.start_ms, options.end_ms) == (None, None)  # the whole session
    assert options.mask is True and options.expect_errors is False
    assert options.base_url is None  # the recorded origin
    assert "https://shop.example" in dialog.base_url.placeholderText()
    assert Path(dialog.path.text()).name == "test_ashley_parker.py"
    assert dialog.export_button.isEnabled()
    labels = [dialog.range_from.itemText(i) for i in range(dialog.range_from.count())]
    assert labels[1:] == [
        "Finding at 0:20.0 · Cart stays empty",
        "Finding at 1:05.0 · Checkout freezes",
        "Finding at 1:40.0 · Gave up",
    ]


def test_the_range_between_two_findings_reaches_the_options(
    qtbot: Any, subject: ReproductionSubject, tmp_path: Path
) -> None:
    dialog = dialog_for(qtbot, subject)
    dialog.range_from.setCurrentIndex(1)  # from "Cart stays empty"
    dialog.range_to.setCurrentIndex(2)  # to "Checkout freezes"
    dialog.format.setCurrentIndex(dialog.format.findData("playwright-ts"))
    dialog.base_url.setText("http://localhost:8000")
    dialog.mask.setChecked(False)
    dialog.expect_errors.setChecked(True)
    dialog.path.setText(str(tmp_path / "checkout.spec.ts"))
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)

    chosen = dialog.chosen
    assert chosen is not None and chosen.path == tmp_path / "checkout.spec.ts"
    options = chosen.options
    assert options.start_ms == T0 + 20_000
    assert options.end_ms == T0 + 65_000 + AFTER_FINDING_MS  # a little after the finding
    assert options.format == "playwright-ts"
    assert options.base_url == "http://localhost:8000"
    assert options.mask is False and options.expect_errors is True


def test_from_a_finding_to_the_end(qtbot: Any, subject: ReproductionSubject) -> None:
    dialog = dialog_for(qtbot, subject)
    dialog.range_from.setCurrentIndex(3)
    options = dialog.options()
    assert (options.start_ms, options.end_ms) == (T0 + 100_000, None)


def test_a_range_that_ends_before_it_starts_cannot_be_exported(
    qtbot: Any, subject: ReproductionSubject
) -> None:
    dialog = dialog_for(qtbot, subject)
    dialog.range_from.setCurrentIndex(3)  # 1:40
    dialog.range_to.setCurrentIndex(1)  # 0:20 (+5 s)
    assert not dialog.export_button.isEnabled()
    assert "ends before it starts" in dialog.range_problem.text()
    assert dialog.range_problem.isVisible()
    dialog.range_to.setCurrentIndex(0)  # to the end
    assert dialog.export_button.isEnabled() and not dialog.range_problem.isVisible()


@pytest.mark.parametrize("text", ["localhost:8000", "ftp://host/", "http://", "not a url"])
def test_a_base_url_must_be_a_url(qtbot: Any, subject: ReproductionSubject, text: str) -> None:
    dialog = dialog_for(qtbot, subject)
    dialog.base_url.setText(text)
    assert not dialog.export_button.isEnabled()
    assert "Not a URL" in dialog.url_problem.text()
    dialog.base_url.setText("https://staging.example:8443")
    assert dialog.export_button.isEnabled()


def test_a_finding_preselects_the_range_that_reproduces_it(
    qtbot: Any, subject: ReproductionSubject
) -> None:
    dialog = dialog_for(qtbot, subject, finding="f2")
    assert dialog.range_from.currentIndex() == 0  # from the start: the state the user built
    assert "Checkout freezes" in dialog.range_to.currentText()
    options = dialog.options()
    assert (options.start_ms, options.end_ms) == (None, T0 + 65_000 + AFTER_FINDING_MS)


def test_the_file_follows_the_format(qtbot: Any, subject: ReproductionSubject) -> None:
    dialog = dialog_for(qtbot, subject)
    stem = "test_ashley_parker"
    for fmt, name in (
        ("playwright-ts", f"{stem}.spec.ts"),
        ("devtools-recorder", f"{stem}.json"),
        ("playwright", f"{stem}.py"),
    ):
        dialog.format.setCurrentIndex(dialog.format.findData(fmt))
        assert Path(dialog.path.text()).name == name
    anonymous = ReproductionSubject("8f2c-11", None, T0, T0 + 1_000, "", [])
    assert Path(dialog_for(qtbot, anonymous).path.text()).name == "test_8f2c_11.py"


def test_choices_are_remembered(qtbot: Any, subject: ReproductionSubject, tmp_path: Path) -> None:
    dialog = dialog_for(qtbot, subject)
    dialog.format.setCurrentIndex(dialog.format.findData("devtools-recorder"))
    dialog.base_url.setText("http://localhost:5173")
    dialog.mask.setChecked(False)
    dialog.expect_errors.setChecked(True)
    dialog.path.setText(str(tmp_path / "out" / "flow.json"))
    dialog.range_from.setCurrentIndex(2)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)

    again = dialog_for(qtbot, subject)
    options = again.options()
    assert options.format == "devtools-recorder"
    assert options.base_url == "http://localhost:5173"
    assert options.mask is False and options.expect_errors is True
    assert options.start_ms is None  # a range belongs to its session: never remembered
    assert Path(again.path.text()) == tmp_path / "out" / "test_ashley_parker.json"
