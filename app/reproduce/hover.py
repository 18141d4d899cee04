"""Hovers a test needs: the clicked element is only shown while an ancestor is hovered.

Why from the stylesheets: a person's pointer always crosses the ancestors of what they
click, so recorded mouse moves alone cannot tell a needed hover from a passing one; a rule
such as ``li:hover button { display: inline }`` can. Stylesheets are read from the mirror
(``<style>`` text and the ``_cssText`` rrweb inlines for ``<link>`` sheets); selectors are
matched compound by compound (tag, class, id, attribute), which covers the usual
"show on hover" rules.
"""

from __future__ import annotations

import re

from app.reproduce import dom as page
from app.reproduce.locators import matches_compound
from app.rrweb.replay_dom import ReplayDom
from app.rrweb.replay_node import ELEMENT, TEXT, Node, walk

_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SHOWING = re.compile(r"\b(display|visibility|opacity)\s*:")


def hover_rules(dom: ReplayDom) -> list[tuple[str, str]]:
    """(hovered compound, shown compound) of every rule that shows something on hover."""
    sheets: list[str] = []
    if dom.root is None:
        return []
    for node in walk(dom.root):
        if node.type != ELEMENT:
            continue
        if node.tag == "style":
            sheets.append(" ".join(c.text for c in node.children if c.type == TEXT))
        css = page.attr(node, "_cssText")
        if css:
            sheets.append(css)
    rules: list[tuple[str, str]] = []
    for sheet in sheets:
        sheet = re.sub(r"/\*.*?\*/", "", sheet, flags=re.S)
        for selectors, body in _RULE.findall(sheet):
            if ":hover" not in selectors or not _SHOWING.search(body):
                continue
            for selector in selectors.split(","):
                hovered, _, shown = selector.partition(":hover")
                hovered_compound = hovered.strip().split()[-1:] or [""]
                shown_compounds = shown.replace(">", " ").split()
                if hovered_compound[0] and shown_compounds:
                    rules.append((hovered_compound[0], shown_compounds[-1]))
    return rules


def hover_target(dom: ReplayDom, node: Node, rules: list[tuple[str, str]]) -> Node | None:
    """The ancestor to hover before clicking ``node``, if a hover rule shows ``node``."""
    chain = [node, *page.ancestors(node)]
    for hovered, shown in rules:
        for index, element in enumerate(chain):
            if not matches_compound(element, shown):
                continue
            for ancestor in chain[index + 1 :]:
                if matches_compound(ancestor, hovered):
                    return ancestor
    return None
