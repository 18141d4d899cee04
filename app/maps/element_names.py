"""What a person calls a clicked element: "Place order", not ``#btn_sell-421198``.

Why beside the selector: the selector says *which* element (the same in every session), the
name says *what it is*, and the Maps tab, the ``clickmap`` command and the reports lead with
the name. The name is the element's accessible name (:func:`app.reproduce.dom.accessible_name`),
else its text — and, as a browser's accessible name does, the text a page's style sheet
puts in its ``::before`` / ``::after`` (a button whose label lives in CSS, as the demo
shop's Place order does, has no text in the DOM at all).
"""

from __future__ import annotations

import re

from app.reproduce import dom as page
from app.reproduce.locators import matches_compound
from app.rrweb.replay_dom import ReplayDom
from app.rrweb.replay_node import ELEMENT, TEXT, Node, walk

LABEL_CHARS = 60
"""Names longer than this are cut (a link around a whole product card reads as its text)."""

_PSEUDO_RULE = re.compile(
    r"([^{}]+?)::?(before|after)\s*\{[^}]*?\bcontent\s*:\s*(\"([^\"]*)\"|'([^']*)')", re.S
)
"""A rule giving ``::before``/``::after`` a quoted ``content`` (selector list, which, text)."""

GeneratedContent = list[tuple[str, str, str]]
"""The page's ``(compound selector, "before"|"after", text)`` rules, in sheet order."""


def generated_content(dom: ReplayDom) -> GeneratedContent:
    """The quoted ``content`` of the page's ``::before``/``::after`` rules whose selector is
    one compound (``.place-order``, ``button.primary``): the ones a click's element can be
    matched against without a style engine."""
    rules: GeneratedContent = []
    sheets = walk(dom.root) if dom.root is not None else ()
    for element in sheets:
        if element.type != ELEMENT or element.tag not in ("style", "link"):
            continue
        css = page.attr(element, "_cssText") or "".join(
            child.text for child in element.children if child.type == TEXT
        )
        for match in _PSEUDO_RULE.finditer(css):
            text = match.group(4) if match.group(4) is not None else match.group(5)
            for selector in match.group(1).split(","):
                compound = selector.strip()
                if compound and not re.search(r"[\s>+~]", compound) and text.strip():
                    rules.append((compound, match.group(2), text))
    return rules


def _from_style(element: Node, rules: GeneratedContent) -> str:
    """The text ``rules`` put before and after ``element`` (the last matching rule wins)."""
    found: dict[str, str] = {}
    for compound, where, text in rules:
        if matches_compound(element, compound):
            found[where] = text
    return page.normalized(f"{found.get('before', '')} {found.get('after', '')}")


def label_for(dom: ReplayDom, element: Node, rules: GeneratedContent) -> str | None:
    """What a person calls ``element``; None when it has no name or the recording masked it
    (a masked name is asterisks, not a name)."""
    name = (
        page.accessible_name(dom, element)
        or page.text_of(element, LABEL_CHARS + 1)
        or _from_style(element, rules)
    )
    if not name or page.masked(name):
        return None
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1].rstrip() + "…"
