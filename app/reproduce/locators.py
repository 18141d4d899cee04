"""Choosing how a generated test finds an element: the most readable locator that is unique
in the document as it was at that moment.

Order (issue 18): ``data-testid``/``data-test``/``data-cy`` → role + accessible name →
label → placeholder → a stable id → text; each counted against every element of the
mirror and kept only if exactly one matches. When none is unique, the same rules scoped
under the nearest ancestor that has a unique locator, then a CSS selector of stable classes
and attributes, then ``.nth(i)`` of the best candidate, and last a positional CSS path.
Generated class names (CSS-modules hashes, ``sc-…``, ``css-…``) and masked text are never
used. Every locator also carries a CSS selector (the DevTools Recorder's second choice).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable

from app.reproduce import dom as page
from app.reproduce.model import Locator, Part
from app.rrweb.replay_dom import ReplayDom
from app.rrweb.replay_node import ELEMENT, Node, walk

TEST_ID_ATTRIBUTES = ("data-testid", "data-test", "data-cy")
_GOOD_ROLES = frozenset(
    {"button", "link", "checkbox", "radio", "textbox", "searchbox", "combobox", "listbox",
     "spinbutton", "slider", "heading", "img", "tab", "menuitem", "option", "switch"}
)  # fmt: skip
_GENERATED_CLASS = re.compile(
    r"^(sc-|css-|jsx-|emotion-|svelte-|tw-)|^[a-zA-Z]{1,3}[0-9][a-zA-Z0-9]{3,}$"
)
_HASH_TAIL = re.compile(r"[_-]([a-zA-Z0-9]{5,})$")
_CSS_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_TEXT_LIMIT = 80

Matcher = Callable[[Node], bool]


def generated_id(value: str) -> bool:
    """Ids a framework made up: hex or digit runs without a word, React's ``:r1:``, uuids.

    ``btn_sell-421198`` is stable (a word prefix names it); ``a3f9c2e1``, ``:r5:``,
    ``ember123`` and ``9f1c…-…`` are not.
    """
    if ":" in value or re.fullmatch(r"[0-9a-fA-F_-]{6,}", value) or value[:1].isdigit():
        return True
    if re.fullmatch(
        r"(ember|react|rc|mui|radix|headlessui|ext-gen|yui_)[-_]?[\w-]*\d[\w-]*", value
    ):
        return True
    return bool(re.search(r"[0-9a-f]{10,}", value))


def generated_class(value: str) -> bool:
    """Class names a build tool made up: ``sc-…``/``css-…`` prefixes, or a CSS-modules hash
    tail (``Button_primary__3xK9q``: a digit or an inner capital). ``place-order`` and
    ``btn-primary`` are words, kept."""
    if _GENERATED_CLASS.search(value):
        return True
    tail = _HASH_TAIL.search(value)
    return tail is not None and bool(re.search(r"[0-9]|.[A-Z]", tail.group(1)))


def choose(dom: ReplayDom, node: Node) -> Locator:
    """The locator of ``node`` in ``dom`` as it is now (see the module docstring)."""
    scope = _all(dom)
    candidates = list(_candidates(dom, node))
    for kind, parts, matcher, aria in candidates:
        if _count(scope, matcher) == 1:
            return Locator(parts, kind, css_path(dom, node), aria, _describe(parts))
    scoped = _scoped(dom, node, candidates)
    if scoped is not None:
        return scoped
    css = stable_css(dom, node)
    if css is not None:
        return Locator((Part("locator", (css,)),), "css", css, None, css)
    path = css_path(dom, node)
    if candidates:
        kind, parts, matcher, aria = candidates[0]
        matches = [n for n in scope if matcher(n)]
        if node in matches:
            nth = (*parts, Part("nth", (matches.index(node),)))
            return Locator(nth, "nth", path, aria, _describe(nth))
    return Locator((Part("locator", (path,)),), "css", path, None, path)


def _all(dom: ReplayDom) -> list[Node]:
    return list(page.elements(dom))


def _count(nodes: Iterable[Node], matcher: Matcher) -> int:
    count = 0
    for node in nodes:
        if matcher(node):
            count += 1
            if count > 1:
                return count
    return count


def _candidates(
    dom: ReplayDom, node: Node
) -> Iterable[tuple[str, tuple[Part, ...], Matcher, str | None]]:
    for name in TEST_ID_ATTRIBUTES:
        value = page.attr(node, name)
        if value:
            parts = (
                (Part("get_by_test_id", (value,)),)
                if name == "data-testid"
                else (Part("locator", (f"[{name}={json.dumps(value)}]",)),)
            )
            yield "test-id", parts, _has_attr(name, value), None
    role = page.role(node)
    name = page.accessible_name(dom, node) if role in _GOOD_ROLES else ""
    if role in _GOOD_ROLES and name and not page.masked(name) and len(name) <= _TEXT_LIMIT:
        yield from _role_candidates(dom, role, name)
    if node.tag in ("input", "textarea", "select"):
        label = page.label_text(dom, node) or page.normalized(page.attr(node, "aria-label") or "")
        if label and not page.masked(label):

            def same_label(other: Node, label: str = label) -> bool:
                return other.tag in ("input", "textarea", "select") and label in (
                    page.label_text(dom, other),
                    page.normalized(page.attr(other, "aria-label") or ""),
                )

            yield "label", (Part("get_by_label", (label,), (("exact", True),)),), same_label, label
        placeholder = page.normalized(page.attr(node, "placeholder") or "")
        if placeholder and not page.masked(placeholder):
            parts = (Part("get_by_placeholder", (placeholder,), (("exact", True),)),)
            yield "placeholder", parts, _has_attr("placeholder", placeholder), None
    node_id = page.attr(node, "id")
    if node_id and not generated_id(node_id):
        selector = f"#{node_id}" if _CSS_IDENT.match(node_id) else f"[id={json.dumps(node_id)}]"
        yield "id", (Part("locator", (selector,)),), _has_attr("id", node_id), None
    text = page.text_of(node, _TEXT_LIMIT + 1)
    if text and len(text) <= _TEXT_LIMIT and not page.masked(text) and _own_text(node):
        yield "text", (Part("get_by_text", (text,), (("exact", True),)),), _text_is(text), None
    if node.tag and node.tag not in ("html", "body"):
        fragment = _longest_text(node)
        if fragment and not page.masked(fragment):
            parts = (Part("locator", (node.tag,)), Part("filter", (), (("has_text", fragment),)))
            yield "text", parts, _tag_has_text(node.tag, fragment), None


def _role_candidates(
    dom: ReplayDom, role: str, name: str
) -> Iterable[tuple[str, tuple[Part, ...], Matcher, str | None]]:
    """``get_by_role(role, name=…)``: first as Playwright's default substring match, then exact.

    Why the substring match first: the mirror has no style sheets, so a name it computes
    misses CSS generated content (the demo shop's checkout link reads "Go to checkout" in
    the DOM but is named "Go to checkout Place order" through ``.place-order::after``). A
    name that no other element of the role contains still finds the element; when it is
    part of another's name (size "S" and "XS"), only the exact match is unique.
    """
    lowered = name.lower()

    def same_role(other: Node, exact: bool) -> bool:
        if page.role(other) != role or page.hidden(other):
            return False
        other_name = page.accessible_name(dom, other)
        return other_name == name if exact else lowered in other_name.lower()

    yield (
        "role",
        (Part("get_by_role", (role,), (("name", name),)),),
        lambda other: same_role(other, exact=False),
        name,
    )
    yield (
        "role",
        (Part("get_by_role", (role,), (("name", name), ("exact", True))),),
        lambda other: same_role(other, exact=True),
        name,
    )


def _own_text(node: Node) -> bool:
    """No child element holds text. Why: Playwright reads an element's text as its text
    nodes joined without spaces ("Buy stove fuel" + "Delete" is "Buy stove fuelDelete");
    the mirror cannot know where the page shows a space, so a whole text is matched only
    when it is one element's own; a composite one is found by a fragment (``has_text``)."""
    return not any(
        child.type == ELEMENT and page.text_of(child, 1)
        for child in walk(node)
        if child is not node
    )


def _has_attr(name: str, value: str) -> Matcher:
    return lambda other: page.attr(other, name) == value


def _text_is(text: str) -> Matcher:
    """Playwright's exact text match: the innermost elements whose whole text is ``text``."""

    def matcher(other: Node) -> bool:
        if page.text_of(other, _TEXT_LIMIT + 1) != text:
            return False
        return not any(
            child.type == ELEMENT and page.text_of(child, _TEXT_LIMIT + 1) == text
            for child in other.children
        )

    return matcher


def _tag_has_text(tag: str, fragment: str) -> Matcher:
    lowered = fragment.lower()
    return lambda other: other.tag == tag and lowered in page.text_of(other, 2000).lower()


def _longest_text(node: Node) -> str:
    texts = [page.normalized(n.text) for n in walk(node) if n.type == 3]
    texts = [t for t in texts if t and not page.masked(t)]
    return max(texts, key=len)[:_TEXT_LIMIT] if texts else ""


def _scoped(dom: ReplayDom, node: Node, candidates: list) -> Locator | None:
    """A candidate unique inside the nearest ancestor that has a unique locator of its own."""
    scope_all = _all(dom)
    for ancestor in page.ancestors(node):
        if ancestor.tag in ("html", "body"):
            break
        inside = [n for n in walk(ancestor) if n.type == ELEMENT and n is not ancestor]
        usable = [c for c in candidates if _count(inside, c[2]) == 1]
        if not usable:
            continue
        for kind, parts, matcher, _aria in _candidates(dom, ancestor):
            if (
                kind in ("test-id", "role", "label", "id", "text")
                and _count(scope_all, matcher) == 1
            ):
                chain = (*parts, *usable[0][1])
                return Locator(chain, "scoped", css_path(dom, node), usable[0][3], _describe(chain))
    return None


def _compound(node: Node) -> str:
    """``tag.class[attr="v"]`` of stable classes and telling attributes (no position)."""
    tag = node.tag or "*"
    classes = [c for c in (page.attr(node, "class") or "").split() if not generated_class(c)]
    selector = tag + "".join(f".{c}" for c in classes if _CSS_IDENT.match(c))
    for name in ("name", "type", "data-size", "value", "aria-label", "title"):
        value = page.attr(node, name)
        if value and not page.masked(value) and len(value) < 60:
            selector += f"[{name}={json.dumps(value)}]"
            break
    return selector


def stable_css(dom: ReplayDom, node: Node) -> str | None:
    """A unique selector without positions: the element's compound, under its parents'."""
    nodes = _all(dom)
    selector = _compound(node)
    for ancestor in [None, *list(page.ancestors(node))[:3]]:
        if ancestor is not None:
            if ancestor.tag in ("html", "body"):
                break
            selector = f"{_compound(ancestor)} {selector}"
        matches = [n for n in nodes if _matches_descendant(n, selector)]
        if matches == [node]:
            return selector
    return None


def _matches_descendant(node: Node, selector: str) -> bool:
    """Matches ``A B C`` (descendant combinators of compounds as :func:`_compound` writes)."""
    compounds = _split_compounds(selector)
    if not compounds or not _matches_compound(node, compounds[-1]):
        return False
    current: Node | None = node.parent
    for compound in reversed(compounds[:-1]):
        while current is not None and not (
            current.type == ELEMENT and _matches_compound(current, compound)
        ):
            current = current.parent
        if current is None:
            return False
        current = current.parent
    return True


_COMPOUND = re.compile(r'(?:[^\s"]|"(?:[^"\\]|\\.)*")+')
_PIECE = re.compile(
    r'^([\w*-]+)?|\.([\w-]+)|#([\w-]+)|\[([\w-]+)(?:=("(?:[^"\\]|\\.)*"|[^\]]*))?\]'
)


def _split_compounds(selector: str) -> list[str]:
    return _COMPOUND.findall(selector)


def matches_compound(node: Node, compound: str) -> bool:
    return _matches_compound(node, compound)


def _matches_compound(node: Node, compound: str) -> bool:
    """A simple compound selector: tag, ``.class``, ``#id``, ``[attr]``, ``[attr="v"]``."""
    position = 0
    classes = (page.attr(node, "class") or "").split()
    for match in _PIECE.finditer(compound):
        if match.start() != position:
            return False
        position = match.end()
        tag, cls, ident, name, value = match.groups()
        if tag and tag != "*" and tag != node.tag:
            return False
        if cls and cls not in classes:
            return False
        if ident and page.attr(node, "id") != ident:
            return False
        if name:
            actual = page.attr(node, name)
            if actual is None:
                return False
            if value is not None:
                expected = json.loads(value) if value.startswith('"') else value.strip("'")
                if actual != expected:
                    return False
        if match.end() == match.start():
            position += 0
    return position == len(compound) or compound[position:].startswith(":")


def css_path(dom: ReplayDom, node: Node) -> str:
    """A positional path from the nearest ancestor with a stable unique id (or ``body``)."""
    segments: list[str] = []
    current: Node | None = node
    while current is not None and current.type == ELEMENT and current.tag not in ("html", "body"):
        node_id = page.attr(current, "id")
        if (
            node_id
            and not generated_id(node_id)
            and _CSS_IDENT.match(node_id)
            and _count(_all(dom), _has_attr("id", node_id)) == 1
        ):
            segments.append(f"#{node_id}")
            break
        siblings = [
            s for s in (current.parent.children if current.parent else []) if s.tag == current.tag
        ]
        segment = current.tag or "*"
        if len(siblings) > 1:
            segment += f":nth-of-type({siblings.index(current) + 1})"
        segments.append(segment)
        current = current.parent
    else:
        segments.append("body")
    return " > ".join(reversed(segments))


def _describe(parts: tuple[Part, ...]) -> str:
    def call(part: Part) -> str:
        arguments = [*(repr(a) for a in part.args), *(f"{k}={v!r}" for k, v in part.options)]
        return f"{part.method}({', '.join(arguments)})"

    return ".".join(call(p) for p in parts)
