"""Apply an OpenAPI Overlay 1.0 document: the human decisions layered on a generated spec.

Format::

    overlay: 1.0.0
    info: {title: ..., version: ...}
    x-sparring-reconstruct:          # optional pre-build hints (they change path keys,
      base-path: /api/v1             #  which an action cannot do)
      rename-path-parameters:
        - {operation: "POST /api/v1/Things/{thingId}", from: thingId, to: id}
    actions:
      - target: <JSONPath>
        update: <value>              # merged into every match
      - target: <JSONPath>
        remove: true                 # every match is deleted

Semantics: actions run in order, each on the result of the previous one. ``update`` on a
mapping merges recursively (nested mappings merge, any other value - lists included - is
replaced); on a list it appends the value (or extends with a list value). Scalars cannot be
updated in place: target their parent. An action whose target matches nothing is an error,
so a stale overlay fails loudly instead of silently doing nothing.

JSONPath subset (enough for spec surgery, nothing more):

=========================  =================================================================
``$``                      the document root (every path starts with it)
``.name``                  a mapping member; ``name`` of letters, digits, ``_``, ``-``, ``$``
``['name']`` ``["name"]``  a mapping member with any characters (``\\'`` escapes a quote)
``.*`` ``[*]``             every member of a mapping / every item of a list
``[N]``                    list item N (negative counts from the end)
``[?(@.key=='value')]``    items of a list (or values of a mapping) that are mappings whose
                           ``key`` equals the literal: quoted string, number, true/false/null
=========================  =================================================================

Example: ``$.paths['/Orders'].get.parameters[?(@.name=='Limit')].schema``.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import yaml

from .model import ReconstructError
from .openapi import Hints

_NAME = re.compile(r"\.([A-Za-z0-9_$-]+)")
_QUOTED = re.compile(r"""\[\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]""")
_INDEX = re.compile(r"\[\s*(-?\d+)\s*\]")
_WILD = re.compile(r"\.\*|\[\s*\*\s*\]")
_FILTER = re.compile(
    r"""\[\s*\?\(\s*@\.([A-Za-z0-9_$-]+)\s*==\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null)\s*\)\s*\]"""
)


def parse_path(path: str) -> list[tuple[str, Any]]:
    """JSONPath text -> steps: ("key", name) | ("index", n) | ("wild", None) | ("filter", (key, value))."""
    if not path.startswith("$"):
        raise ValueError(f"JSONPath must start with '$': {path!r}")
    steps: list[tuple[str, Any]] = []
    i = 1
    while i < len(path):
        for kind, rx in (("wild", _WILD), ("key", _NAME), ("quoted", _QUOTED), ("index", _INDEX), ("filter", _FILTER)):
            m = rx.match(path, i)
            if m:
                break
        else:
            raise ValueError(f"unsupported JSONPath syntax at {path[i:]!r} in {path!r}")
        if kind == "wild":
            steps.append(("wild", None))
        elif kind == "key":
            steps.append(("key", m[1]))
        elif kind == "quoted":
            raw = m[1] if m[1] is not None else m[2]
            steps.append(("key", re.sub(r"\\(.)", r"\1", raw)))
        elif kind == "index":
            steps.append(("index", int(m[1])))
        else:
            lit = m[2]
            value = re.sub(r"\\(.)", r"\1", lit[1:-1]) if lit[0] in "'\"" else json.loads(lit)
            steps.append(("filter", (m[1], value)))
        i = m.end()
    return steps


def select(doc: Any, path: str) -> list[tuple[Any, Any]]:
    """Every match of `path` as (parent container, key/index); the root is (None, None)."""
    current: list[tuple[Any, Any, Any]] = [(None, None, doc)]  # (parent, key, value)
    for kind, arg in parse_path(path):
        nxt = []
        for _, _, value in current:
            if kind == "key" and isinstance(value, dict) and arg in value:
                nxt.append((value, arg, value[arg]))
            elif kind == "index" and isinstance(value, list) and -len(value) <= arg < len(value):
                nxt.append((value, arg % len(value), value[arg]))
            elif kind == "wild":
                items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
                nxt.extend((value, k, v) for k, v in items)
            elif kind == "filter":
                key, lit = arg
                items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
                nxt.extend((value, k, v) for k, v in items if isinstance(v, dict) and key in v and v[key] == lit)
        current = nxt
    return [(parent, key) for parent, key, _ in current]


def merge(target: Any, update: Any) -> Any:
    """Overlay `update` semantics on one target; returns the new value for that slot."""
    if isinstance(target, dict) and isinstance(update, dict):
        for k, v in update.items():
            if k in target and isinstance(target[k], dict) and isinstance(v, dict):
                merge(target[k], v)
            else:
                target[k] = copy.deepcopy(v)
        return target
    if isinstance(target, list):
        target.extend(copy.deepcopy(update) if isinstance(update, list) else [copy.deepcopy(update)])
        return target
    raise TypeError("an update must target a mapping or a list (target the parent of a scalar)")


def load(path: str | Path) -> tuple[dict[str, Any], list[int]]:
    """Read an overlay file; returns it and the source line of each action (for error messages)."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise ReconstructError(None, f"{path}: not YAML: {exc}") from None
    if not isinstance(data, dict) or str(data.get("overlay", "")).split(".")[0] != "1":
        raise ReconstructError(None, f"{path}: not an Overlay 1.x document (missing 'overlay: 1.0.0')")
    if not isinstance(data.get("info"), dict) or not {"title", "version"} <= set(data["info"]):
        raise ReconstructError(None, f"{path}: overlay 'info' needs a title and a version")
    if not isinstance(data.get("actions"), list) or not data["actions"]:
        raise ReconstructError(None, f"{path}: overlay has no 'actions' list")
    lines: list[int] = []
    for key, value in node.value:
        if key.value == "actions":
            lines = [item.start_mark.line + 1 for item in value.value]
    return data, lines


def hints(overlay: dict[str, Any] | None) -> Hints:
    raw = (overlay or {}).get("x-sparring-reconstruct") or {}
    unknown = set(raw) - {"base-path", "rename-path-parameters"}
    if unknown:
        raise ReconstructError(None, f"x-sparring-reconstruct: unknown keys {sorted(unknown)}")
    renames = raw.get("rename-path-parameters") or []
    for r in renames:
        if not isinstance(r, dict) or set(r) != {"operation", "from", "to"}:
            raise ReconstructError(None, f"x-sparring-reconstruct: a rename needs operation, from, to: {r!r}")
    return Hints(base_path=raw.get("base-path"), renames=renames)


def apply(spec: dict[str, Any], overlay: dict[str, Any], lines: list[int] | None = None, source: str = "overlay") -> dict[str, Any]:
    """Apply the overlay's actions to a copy of `spec`."""
    doc = copy.deepcopy(spec)
    for n, action in enumerate(overlay.get("actions") or [], start=1):
        where = f"{source}:{lines[n - 1]}" if lines and n <= len(lines) else f"{source} action {n}"
        if not isinstance(action, dict) or not isinstance(action.get("target"), str):
            raise ReconstructError(None, f"{where}: action needs a 'target' string")
        target = action["target"]
        has_update, remove = "update" in action, action.get("remove") is True
        if has_update == remove:
            raise ReconstructError(None, f"{where}: action on {target} needs exactly one of 'update' or 'remove: true'")
        try:
            matches = select(doc, target)
        except ValueError as exc:
            raise ReconstructError(None, f"{where}: {exc}") from None
        if not matches:
            raise ReconstructError(None, f"{where}: target {target} matches nothing")
        if remove:
            if (None, None) in matches:
                raise ReconstructError(None, f"{where}: cannot remove the document root")
            # delete list items from the highest index down so earlier indexes stay valid
            for parent, key in sorted(matches, key=lambda m: (id(m[0]), m[1] if isinstance(m[1], int) else 0), reverse=True):
                del parent[key]
            continue
        for parent, key in matches:
            try:
                if parent is None:
                    doc = merge(doc, action["update"])
                else:
                    parent[key] = merge(parent[key], action["update"])
            except TypeError as exc:
                raise ReconstructError(None, f"{where}: {target}: {exc}") from None
    return doc
