"""Inline ``style`` text edited the way CSSOM calls edit it, for the replay-exact mirror.

Why a module of its own: rrweb records a changed inline style either as new attribute text
or as a style object (``{prop: value | [value, priority] | false}``) that the replayer
applies with ``style.setProperty`` / ``removeProperty``. The mirror keeps attributes as
text, so those calls are done here on the declaration list; it is string work that knows
nothing of nodes or events.
"""

from __future__ import annotations

from typing import Any


def _split_declarations(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    quote = ""
    start = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


def parse_style(text: str) -> list[list[Any]]:
    """``style`` attribute text → ``[[property, value, important], …]`` in order."""
    declarations: list[list[Any]] = []
    for part in _split_declarations(text):
        name, sep, value = part.partition(":")
        if not sep or not name.strip():
            continue
        name = name.strip()
        if not name.startswith("--"):
            name = name.lower()
        value = value.strip()
        important = False
        bang = value.rfind("!")
        if bang >= 0 and value[bang + 1 :].strip().lower() == "important":
            important = True
            value = value[:bang].rstrip()
        declarations.append([name, value, important])
    return declarations


def format_style(declarations: list[list[Any]]) -> str:
    return " ".join(
        f"{name}: {value}{' !important' if important else ''};"
        for name, value, important in declarations
    )


def apply_style_object(attrs: dict[str, Any], changes: dict[str, Any]) -> None:
    """rrweb's styleOMValue: ``{prop: value | [value, priority] | false}`` via CSSOM calls."""
    current = attrs.get("style")
    declarations = parse_style(current) if isinstance(current, str) else []
    changed = False
    for prop, value in changes.items():
        name = prop if prop.startswith("--") else prop.lower()
        if value is False or value == "" or (isinstance(value, list) and value[:1] == [""]):
            kept = [d for d in declarations if d[0] != name and not d[0].startswith(name + "-")]
            if len(kept) != len(declarations):
                declarations, changed = kept, True
            continue
        if isinstance(value, list):
            text = value[0] if value and isinstance(value[0], str) else None
            priority = value[1] if len(value) > 1 and isinstance(value[1], str) else ""
        elif isinstance(value, str):
            text, priority = value, ""
        else:
            continue
        if text is None or priority.lower() not in ("", "important"):
            continue
        important = priority.lower() == "important"
        for declaration in declarations:
            if declaration[0] == name:
                declaration[1], declaration[2] = text.strip(), important
                break
        else:
            declarations.append([name, text.strip(), important])
        changed = True
    if changed:
        attrs["style"] = format_style(declarations)
