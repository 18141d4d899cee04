"""Masked typed values as named parameters of the test, with plausible defaults.

Why: the recorder writes every typed value as ``*`` of the same length (unless the field
has ``data-record-unmask``; passwords always), and typing stars into a form reproduces
nothing (an e-mail field refuses them). The test gets ``EMAIL = os.environ.get("RI_EMAIL",
"user@example.com")`` instead: a default that passes the field's own checks, which the
developer replaces with the real value when it matters.
"""

from __future__ import annotations

import re

from app.reproduce import dom as page
from app.reproduce.model import Parameter
from app.rrweb.replay_dom import ReplayDom
from app.rrweb.replay_node import Node

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


class Parameters:
    """The parameters of one test, one per field (a field typed twice shares its name)."""

    def __init__(self) -> None:
        self.by_field: dict[str, Parameter] = {}

    @property
    def all(self) -> list[Parameter]:
        return list(self.by_field.values())

    def for_field(
        self, dom: ReplayDom, node: Node, length: int, default: str | None = None
    ) -> Parameter:
        key = page.attr(node, "name") or page.attr(node, "id") or page.accessible_name(dom, node)
        key = key or node.tag or "field"
        known = self.by_field.get(key)
        if known is not None:
            return known
        base = re.sub(r"[^A-Z0-9]+", "_", key.upper()).strip("_") or "FIELD"
        if base[0].isdigit():
            base = f"FIELD_{base}"
        name, index = base, 2
        taken = {p.name for p in self.by_field.values()}
        while name in taken or name in ("BASE_URL", "RECORDED_ERRORS"):
            name, index = f"{base}_{index}", index + 1
        label = page.accessible_name(dom, node) or key
        if default is None:
            default = default_value(node, length)
        parameter = Parameter(name, default, label, length)
        self.by_field[key] = parameter
        return parameter


def default_value(node: Node, length: int) -> str:
    """A value of the recorded length the field accepts: an address, digits or letters."""
    kind = page.input_type(node)
    length = max(length, 1)
    if kind == "email" or "email" in (page.attr(node, "autocomplete") or ""):
        return "user@example.com"
    numeric = kind in ("tel", "number") or page.attr(node, "inputmode") in ("numeric", "tel")
    if numeric:
        return ("4242" * length)[:length]
    return (_LETTERS * (length // 26 + 1))[:length]
