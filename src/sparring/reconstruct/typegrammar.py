"""The closed grammar of type expressions in the rendered tables, and their JSON Schema.

Table rows are recognised *only* when their type column parses here, which is what keeps
free-text continuation lines from being mistaken for rows. Two notations occur and both
are accepted (§8 case 7 of the inventory):

* parameter tables: ``integer(int64)``, ``string(date-time)``, ``array[integer]``;
* schema and body tables: ``integer (int64)``, ``[string]``, ``[Foo]``, ``Foo``.

Any of them may be followed by ``¦ null`` (nullable), which the row regex handles.
"""

from __future__ import annotations

import re
from typing import Any

from .model import TypeRef

PRIMITIVES = ("string", "integer", "number", "boolean", "object")
_FORMAT = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
_NAME = r"[A-Z][A-Za-z0-9_]*"
_ATOM = rf"(?:(?:{'|'.join(PRIMITIVES)}) ?\({_FORMAT}\)|{'|'.join(PRIMITIVES)}|{_NAME})"
#: a regex fragment matching one whole type expression (used inside the row regexes)
TYPE_PATTERN = rf"(?:array\[{_ATOM}\]|\[{_ATOM}\]|{_ATOM})"

_ATOM_RE = re.compile(rf"^(?P<prim>{'|'.join(PRIMITIVES)})(?: ?\((?P<fmt>{_FORMAT})\))?$|^(?P<name>{_NAME})$")


def parse_type(text: str, line: int | None = None) -> TypeRef:
    """Parse one type expression; raises ValueError when it is not in the grammar."""
    text = text.strip()
    inner = None
    if text.startswith("array[") and text.endswith("]"):
        inner = text[6:-1]
    elif text.startswith("[") and text.endswith("]"):
        inner = text[1:-1]
    if inner is not None:
        return TypeRef("array", items=_parse_atom(inner))
    return _parse_atom(text)


def _parse_atom(text: str) -> TypeRef:
    m = _ATOM_RE.match(text.strip())
    if not m:
        raise ValueError(f"not a type expression: {text!r}")
    if m.group("prim"):
        return TypeRef("primitive", m.group("prim"), m.group("fmt"))
    return TypeRef("ref", m.group("name"))


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def to_schema(t: TypeRef, nullable: bool = False, enum: list[str] | None = None) -> dict[str, Any]:
    """JSON Schema (OpenAPI 3.0 dialect) for a type; `enum` applies to the scalar (or the array items)."""
    if t.kind == "array":
        assert t.items is not None
        schema: dict[str, Any] = {"type": "array", "items": to_schema(t.items, enum=enum)}
        if nullable:
            schema["nullable"] = True
        return schema
    if t.kind == "ref":
        if nullable:  # a $ref ignores siblings in 3.0, so wrap it
            return {"allOf": [ref(t.name)], "nullable": True}
        return ref(t.name)
    schema = {"type": t.name}
    if t.format:
        schema["format"] = t.format
    if nullable:
        schema["nullable"] = True
    if enum is not None:
        # in 3.0 an enum must list null itself for `nullable` to let null through
        schema["enum"] = list(enum) + ([None] if nullable else [])
    return schema
