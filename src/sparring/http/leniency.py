"""Lenient by default, strict on demand: what sparring does with input the vendor docs do not list.

Both partners run on .NET, whose model binding ignores JSON members and query parameters it does
not know; a client written from the docs that sends one more field (a record read back and posted
again carries its server-owned fields) works against the vendor. So sparring accepts such input
and ignores it, and records each deviation in the request scope::

    scope["extensions"]["sparring.deviations"] = [
        {"part": "query", "name": "foo", "problem": "This query parameter is not documented; ignored."},
        {"part": "body", "name": "active", "problem": "This field is not documented; ignored."},
    ]

for the request journal to report. ``sparring serve --strict`` refuses the same input with a 400
naming each field, for a CI job that must catch a client sending what the docs do not allow.

"Not documented" for a body field means: not among the ``properties`` of an object schema (that
does not itself combine others with ``allOf``/``anyOf``/``oneOf``).
"""

from __future__ import annotations

import typing as t

import jsonschema_rs
from starlette.types import Scope

DEVIATIONS = "sparring.deviations"


def record(scope: Scope, part: str, name: str, problem: str) -> None:
    """Note one input the lenient mode accepted although the docs do not allow it."""
    scope.setdefault("extensions", {}).setdefault(DEVIATIONS, []).append(
        {"part": part, "name": name, "problem": problem})


def deviations(scope: Scope) -> list[dict[str, str]]:
    return scope.get("extensions", {}).get(DEVIATIONS, [])


def closed(schema: t.Any) -> t.Any:
    """A JSON Schema in which every plain object schema with ``properties`` refuses others."""
    if isinstance(schema, list):
        return [closed(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key in ("properties", "patternProperties", "definitions"):
            out[key] = {name: closed(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not"):
            out[key] = closed(value)
        else:  # allOf/anyOf/oneOf branches stay open: closing one would refuse its siblings' fields
            out[key] = value
    combined = any(k in schema for k in ("allOf", "anyOf", "oneOf"))
    if "properties" in schema and "additionalProperties" not in schema and not combined:
        out["additionalProperties"] = False
    return out


def unknown_fields(validator: jsonschema_rs.Draft4Validator, body: t.Any) -> list[tuple[list, str]]:
    """(path of the object, field name) of every field a closed schema does not name."""
    found = []
    for error in validator.iter_errors(body):
        info = error.kind.as_dict()
        if "unexpected" in info:
            found += [(list(error.instance_path), name) for name in info["unexpected"]]
    return found


def field_name(path: t.Sequence[t.Any], name: str) -> str:
    text = ""
    for part in [*path, name]:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def drop_unknown(validator: jsonschema_rs.Draft4Validator, body: t.Any, scope: Scope) -> t.Any:
    """The body without the fields the (closed) schema does not name, each recorded as a deviation."""
    if validator.is_valid(body):
        return body
    for path, name in unknown_fields(validator, body):
        target = body
        try:
            for part in path:
                target = target[part]
        except (KeyError, IndexError, TypeError):
            continue
        if isinstance(target, dict) and name in target:
            del target[name]
            record(scope, "body", field_name(path, name), "This field is not documented; ignored.")
    return body
