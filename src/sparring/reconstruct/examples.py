"""Rebuild the lossy JSON examples of the rendered text (§8 case 6 of the inventory).

The rendering dropped every line that was only a brace or bracket, and with them the items
of most arrays. What is left is one ``"key": value`` per line with the original 2-space
indentation, which is enough to rebuild the nesting:

* ``"key": {`` opens an object whose keys sit 2 columns deeper;
* ``"key": [`` opens an array; objects in it sit 4 columns deeper (the ``{`` line is gone),
  scalars 2 deeper; when neither follows, the items were dropped and it becomes ``[]``;
* keys at column 2 are a top-level object, keys at column 4 a top-level array of objects
  (the bare-array responses).

A line that starts with ``{`` or ``[`` is an intact one-line JSON rendering; it wins, and the
indented copy that follows it is rebuilt too and must agree on the top-level keys.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .model import Example, ReconstructError

_KEYED = re.compile(r'^(?P<indent> *)"(?P<key>(?:[^"\\]|\\.)*)": ?(?P<value>.*?)\s*$')
_BARE = re.compile(r"^(?P<indent> *)(?P<value>\S.*?)\s*$")


def looks_like_json_example(text: str) -> bool:
    """True for the first line of an example in the rendered JSON layout."""
    if text.lstrip().startswith(("{", "[")):
        return True
    return text.startswith(" ") and bool(_KEYED.match(text))


def _scalar(raw: str, line: int) -> Any:
    for candidate in (raw, raw[:-1] if raw.endswith(",") else None):
        if candidate is None:
            continue
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    raise ReconstructError(line, f"example value is not JSON: {raw!r}")


class _Lines:
    def __init__(self, lines: list[tuple[int, str]]):
        self.items: list[tuple[int, int, str | None, str]] = []  # (lineno, indent, key, value)
        for lineno, text in lines:
            m = _KEYED.match(text)
            if m:
                self.items.append((lineno, len(m["indent"]), json.loads(f'"{m["key"]}"'), m["value"]))
                continue
            m = _BARE.match(text)
            if not m:
                raise ReconstructError(lineno, f"cannot read example line {text!r}")
            self.items.append((lineno, len(m["indent"]), None, m["value"]))
        self.pos = 0

    def peek(self):
        return self.items[self.pos] if self.pos < len(self.items) else None


def _value(lines: _Lines, lineno: int, indent: int, raw: str) -> Any:
    stripped = raw[:-1] if raw.endswith(",") else raw
    if stripped == "{":
        nxt = lines.peek()
        if nxt is not None and nxt[1] == indent + 2 and nxt[2] is not None:
            return _object(lines, indent + 2)
        return {}
    if stripped == "[":
        nxt = lines.peek()
        if nxt is not None and nxt[1] == indent + 4 and nxt[2] is not None:
            return _objects(lines, indent + 4)
        if nxt is not None and nxt[1] == indent + 2 and nxt[2] is None:
            return _scalars(lines, indent + 2)
        return []  # the items were dropped by the rendering
    return _scalar(raw, lineno)


def _object(lines: _Lines, indent: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    while (item := lines.peek()) is not None and item[1] >= indent:
        lineno, ind, key, raw = item
        if ind != indent or key is None:
            raise ReconstructError(lineno, "example line does not fit the indentation of its object")
        if key in out:
            return out  # a repeated key starts the next object of an array
        lines.pos += 1
        out[key] = _value(lines, lineno, indent, raw)
    return out


def _objects(lines: _Lines, indent: int) -> list[dict[str, Any]]:
    out = []
    while (item := lines.peek()) is not None and item[1] == indent and item[2] is not None:
        out.append(_object(lines, indent))
    return out


def _scalars(lines: _Lines, indent: int) -> list[Any]:
    out = []
    while (item := lines.peek()) is not None and item[1] == indent and item[2] is None:
        lines.pos += 1
        out.append(_value(lines, item[0], indent, item[3]))
    return out


def rebuild(lines: list[tuple[int, str]]) -> Any:
    """Rebuild one indented example (no blank lines) into a JSON value."""
    ls = _Lines(lines)
    first = ls.peek()
    if first is None:
        raise ReconstructError(None, "empty example")
    lineno, indent, key, _ = first
    if key is not None and indent == 2:
        value: Any = _object(ls, 2)
    elif key is not None and indent == 4:
        value = _objects(ls, 4)
    elif key is None and indent == 2:
        value = _scalars(ls, 2)
    else:
        raise ReconstructError(lineno, "example does not start at a known indentation")
    if ls.peek() is not None:
        raise ReconstructError(ls.peek()[0], "example line does not fit the indentation of its object")
    return value


def _keys(value: Any) -> list[str] | None:
    if isinstance(value, dict):
        return list(value)
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return list(value[0])
    return None


def read_example(lines: list[tuple[int, str]]) -> Example:
    """Read an example block: an optional one-line JSON followed by (or instead of) the indented copy."""
    if not lines:
        raise ReconstructError(None, "empty example")
    first_line, first = lines[0]
    raw = [t for _, t in lines]
    if first.lstrip().startswith(("{", "[")):
        try:
            value = json.loads(first)
        except ValueError as exc:
            raise ReconstructError(first_line, f"one-line JSON example does not parse: {exc}") from None
        if len(lines) > 1:
            rebuilt = rebuild(lines[1:])
            if _keys(rebuilt) != _keys(value):
                raise ReconstructError(lines[1][0], "indented example disagrees with the one-line JSON above it")
        return Example(first_line, value, raw)
    if first.startswith(" ") and (_KEYED.match(first) or first.lstrip().startswith('"')):
        return Example(first_line, rebuild(lines), raw)
    return Example(first_line, None, raw)  # not the JSON layout (e.g. a multipart form shown as YAML)
