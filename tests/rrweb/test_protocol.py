"""rrweb's numbers are rrweb's, and the app spells them only through ``app.rrweb.protocol``.

Two kinds of checks. The enums are compared with the enums compiled into the rrweb build
the player runs (``app/web/vendor/rrweb.umd.min.js``, from npm): TypeScript compiles an
``enum`` to ``e[e.FullSnapshot=2]="FullSnapshot"``, so the real names and values are read
from the JavaScript itself. Then the app's source is scanned: no SQL string compares
``type`` or ``source`` with a bare number, no Python compares an event's ``"type"`` or
``"source"`` with one, and no module defines its own copy of a protocol constant. The
scanners are first run on the code they replaced, so they cannot pass by finding nothing.
"""

from __future__ import annotations

import ast
import re
from enum import IntEnum
from pathlib import Path

import pytest

from app.resources import vendor_path
from app.rrweb.protocol import (
    USER_INTERACTION_SOURCES,
    EventType,
    IncrementalSource,
    MediaInteraction,
    MouseInteraction,
    NodeType,
)
from tests.conftest import REPO

APP = REPO / "app"
PROTOCOL = APP / "rrweb" / "protocol.py"

# ---- the enums against the vendored rrweb ---------------------------------------------------
_JS_ENUM = re.compile(r'return\s+((?:(\w+)\[\2\.\w+=\d+\]="\w+",)+)\2\}')
_JS_MEMBER = re.compile(r'\[\w+\.(\w+)=(\d+)\]="\1"')


def _snake(js_name: str) -> str:
    """rrweb's ``IncrementalSnapshot`` → ``INCREMENTAL_SNAPSHOT`` (``CDATA`` stays)."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", js_name).upper()


def _vendored_enums() -> list[dict[str, int]]:
    js = vendor_path("rrweb.umd.min.js").read_text(encoding="utf-8")
    return [
        {_snake(name): int(value) for name, value in _JS_MEMBER.findall(body)}
        for body, _ in _JS_ENUM.findall(js)
    ]


@pytest.mark.parametrize(
    ("enum", "marker"),
    [
        (EventType, "FULL_SNAPSHOT"),
        (IncrementalSource, "STYLE_SHEET_RULE"),
        (MouseInteraction, "CONTEXT_MENU"),
        (MediaInteraction, "VOLUME_CHANGE"),
        (NodeType, "DOCUMENT_TYPE"),
    ],
)
def test_enum_is_the_vendored_rrweb_one(enum: type[IntEnum], marker: str) -> None:
    """Every member of rrweb's enum, and no other, with rrweb's value."""
    found = [js for js in _vendored_enums() if marker in js]
    assert found, f"no enum with {marker} in the vendored rrweb"
    for js in found:  # rrweb-snapshot's NodeType is bundled more than once: all must agree
        assert {m.name: int(m) for m in enum} == js


def test_user_interaction_is_rrwebs_is_user_interaction() -> None:
    """``Replayer.isUserInteraction``: source > Mutation and source <= Input, one range
    (``app.store.sql_constants.USER_INTERACTION`` writes it as ``BETWEEN``)."""
    js = vendor_path("rrweb.umd.min.js").read_text(encoding="utf-8")
    assert re.search(r"data\.source>\w+\.Mutation&&\w+\.data\.source<=\w+\.Input", js)
    expected = [
        s for s in IncrementalSource if IncrementalSource.MUTATION < s <= IncrementalSource.INPUT
    ]
    assert list(USER_INTERACTION_SOURCES) == expected
    assert list(USER_INTERACTION_SOURCES) == list(
        range(min(USER_INTERACTION_SOURCES), max(USER_INTERACTION_SOURCES) + 1)
    )


# ---- the app's source ------------------------------------------------------------------------
_SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\b")
_BARE_IN_SQL = re.compile(
    r"(?:\b(?:type|source)\b|\$\.(?:type|source)'[^()\n]*\)*)"
    r"\s*(?:=|!=|<>|<=|>=|<|>|\bIN\b|\bBETWEEN\b)\s*\(?\s*'?\d",
    re.IGNORECASE,
)
_PROTOCOL_NAMES = {m.name for e in (EventType, IncrementalSource, NodeType) for m in e} | {
    "FULL",
    "INCREMENTAL",
    "CLICK",
    "DBLCLICK",
    "DOCTYPE",
}


def _text(node: ast.AST) -> str | None:
    """A string literal's text; an f-string's with ``{}`` where its values go."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _sql_strings(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    parts = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    for node in ast.walk(tree):
        text = _text(node) if id(node) not in parts else None  # an f-string counts once
        if text is not None and _SQL.search(text):
            found.append((node.lineno, text))
    return found


def _bare_sql(source: str) -> list[str]:
    return [
        f"line {line}: {match.group(0)!r}"
        for line, text in _sql_strings(ast.parse(source))
        for match in _BARE_IN_SQL.finditer(text)
    ]


def _is_event_field(node: ast.AST) -> bool:
    """``x.get("type")``, ``x["type"]`` (or ``"source"``)."""
    key = None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "get" and node.args:
            key = node.args[0]
    elif isinstance(node, ast.Subscript):
        key = node.slice
    return isinstance(key, ast.Constant) and key.value in ("type", "source")


def _is_number(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int) and not isinstance(node.value, bool)
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_is_number(e) for e in node.elts)
    return False


def _bare_python(source: str) -> list[str]:
    """Comparisons of an event field with a number, and copies of protocol constants."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_is_event_field(s) for s in sides) and any(_is_number(s) for s in sides):
                found.append(f"line {node.lineno}: compares an event field with a number")
        elif isinstance(node, ast.Assign) and _is_number(node.value):
            names = [
                n.id
                for t in node.targets
                for n in ([t] if isinstance(t, ast.Name) else getattr(t, "elts", []))
                if isinstance(n, ast.Name)
            ]
            if any(name in _PROTOCOL_NAMES for name in names):
                found.append(f"line {node.lineno}: defines {', '.join(names)} as numbers")
    return found


def _app_sources() -> list[Path]:
    return [p for p in sorted(APP.rglob("*.py")) if p != PROTOCOL and "vendor" not in p.parts]


def test_the_scanners_find_what_they_replaced() -> None:
    """The old spellings, from before ``app.rrweb.protocol``, are all caught."""
    old_sql = '''
q = """SELECT 1 FROM events WHERE type = 3 AND source = 2
       AND json_extract_string(data, '$.type') = '2'"""
r = """SELECT 1 FROM events m WHERE (m.type = 3 AND m.source IN (0, 3)) OR m.type IN (2, 4)"""
s = f"""SELECT 1 FROM events WHERE TRY_CAST(data->>'$.type' AS INTEGER) IN (2, 4)
        AND source BETWEEN 1 AND 5 AND {x}"""
t = f"""INSERT INTO e SELECT CASE WHEN e.type != 3 THEN NULL END FROM {y}"""
'''
    assert len(_bare_sql(old_sql)) == 9
    assert not _bare_sql("q = f\"SELECT 1 FROM e WHERE type = {T} AND kind = 'load'\"")
    old_python = """
FULL, INCREMENTAL, MUTATION = 2, 3, 0
META = 4
if event.get("type") == 3 and data.get("source") in (0, 5):
    pass
if item["type"] == 2:
    pass
"""
    assert len(_bare_python(old_python)) == 5
    assert not _bare_python('if event.get("type") == EventType.META:\n    pass\n')


def test_no_query_in_the_app_compares_type_or_source_with_a_bare_number() -> None:
    problems, queries = [], 0
    for path in _app_sources():
        source = path.read_text(encoding="utf-8")
        queries += len(_sql_strings(ast.parse(source)))
        problems += [f"{path.relative_to(REPO)} {p}" for p in _bare_sql(source)]
    assert queries > 30, "the scan found almost no SQL: is it still looking at app/?"
    assert not problems, "use app.store.sql_constants:\n" + "\n".join(problems)


def test_no_python_in_the_app_spells_rrweb_numbers() -> None:
    problems = []
    for path in _app_sources():
        found = _bare_python(path.read_text(encoding="utf-8"))
        problems += [f"{path.relative_to(REPO)} {p}" for p in found]
    assert not problems, "use app.rrweb.protocol:\n" + "\n".join(problems)
