"""What a recording masks, from its one written definition (``resources/recorder/masking.json``).

Why a file and not constants here: the recorder (JavaScript, running in the recorded page)
must apply exactly the rules this side applies — it masked text under ``maskTextSelector``
and ``rr-block`` in the rrweb stream but named clicks from the live text, so the hidden text
reached action names and reports. Both sides now follow the file: ``recorder.js`` carries it
verbatim (tests/recorder checks the two are equal), naming (:mod:`app.derive.naming`) and
export masking (:mod:`app.export.masking`) read it here. The explanations are in the file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.resources import resource_path

RULES_FILE = ("recorder", "masking.json")


@dataclass(frozen=True)
class ElementRule:
    """Elements marked by one of ``classes`` or carrying one of ``attributes``."""

    classes: tuple[str, ...]
    attributes: tuple[str, ...]

    def matches(self, attributes: Mapping[str, Any]) -> bool:
        classes = str(attributes.get("class", "")).split()
        return any(c in classes for c in self.classes) or any(
            a in attributes for a in self.attributes
        )

    def describe(self) -> str:
        """``class rr-mask, data-record-mask, data-private`` — for a report's header."""
        return ", ".join([*(f"class {c}" for c in self.classes), *self.attributes])


def _rule(section: Mapping[str, Any]) -> ElementRule:
    return ElementRule(tuple(section.get("classes", ())), tuple(section.get("attributes", ())))


def load_rules() -> dict[str, Any]:
    """The definition as written (explanations included)."""
    return json.loads(resource_path(*RULES_FILE).read_text(encoding="utf-8"))


_RULES = load_rules()
MASK_TEXT = _rule(_RULES["mask_text"])
BLOCK = _rule(_RULES["block"])
IGNORE = _rule(_RULES["ignore"])
MASK_CHARACTER: str = _RULES["mask_character"]


def mask_text(text: str) -> str:
    """``text`` as rrweb records masked text: every non-space character a star."""
    return "".join(c if c.isspace() else MASK_CHARACTER for c in text)
