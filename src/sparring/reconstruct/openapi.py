"""Build an OpenAPI 3.0.3 document from the checked model.

What the builder decides mechanically (everything else is the overlay's job):

* ``operationId`` = lower-case method + the path's segments in CamelCase, parameters as
  ``By<Name>`` (``GET /Accounts/{id}`` -> ``getAccountsById``): deterministic, unique or fail;
* one tag per operation: the first literal path segment;
* ``summary`` = the operation title; descriptions (operation, parameter, field, schema,
  response) only with ``keep_descriptions`` (vendor prose stays out of committed specs);
  response descriptions default to the HTTP reason phrase;
* path parameters are ``required``; string path parameters get ``minLength: 1`` (an empty
  segment is a different route);
* every response body is ``application/json`` (all examples in the text are JSON; the
  ``Accept: text/plain`` of some samples is a code-generator default, not a contract);
  request media types come from the curl sample's ``Content-Type``;
* ``¦ null`` -> ``nullable: true``; nothing is ``required`` (the text marks no field so);
* enum tables -> ``enum`` (values from the table, never from the prose lists);
* ``» additionalProperties`` under an ``object`` field -> ``additionalProperties``; other
  ``»`` rows in operation tables are expansions of a named schema and were only cross-checked;
* schema examples become the component's ``example``.

Pre-build hints (from the overlay's ``x-sparring-reconstruct``, see :mod:`overlay`) can strip
a base path into ``servers`` and rename path parameters; two operations whose templates
differ only in parameter names are an error until a rename resolves it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .model import Document, Operation, ReconstructError, Row, SchemaBlock
from .schemas import INLINE, NO_BODY, body_row
from .typegrammar import ref, to_schema

from sparring.catalog import HTTP_METHODS as METHOD_ORDER
JSON = "application/json"


@dataclass
class Hints:
    """Decisions that must be known before building (they change path keys)."""

    base_path: str | None = None
    renames: list[dict[str, str]] = field(default_factory=list)  # {operation, from, to}


def operation_id(method: str, path: str) -> str:
    parts = [method.lower()]
    for seg in path.strip("/").split("/"):
        if not seg:
            continue
        m = re.fullmatch(r"\{(.+)\}", seg)
        words = re.split(r"[^A-Za-z0-9]+", m[1] if m else seg)
        camel = "".join(w[:1].upper() + w[1:] for w in words if w)
        parts.append("By" + camel if m else camel)
    return "".join(parts)


def _template(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def _apply_hints(doc: Document, hints: Hints) -> dict[int, str]:
    """Path (after hints) per operation line; renames also rename the parameter rows."""
    paths = {op.line: op.path for op in doc.operations}
    by_key = {op.key: op for op in doc.operations}
    for r in hints.renames:
        op = by_key.get(r.get("operation", ""))
        if op is None:
            raise ReconstructError(None, f"x-sparring-reconstruct: rename names no operation {r.get('operation')!r}")
        old, new = "{" + r["from"] + "}", "{" + r["to"] + "}"
        if old not in op.path:
            raise ReconstructError(op.line, f"x-sparring-reconstruct: {op.key} has no parameter {r['from']}")
        paths[op.line] = paths[op.line].replace(old, new)
        for row in op.params:
            if row.name == r["from"] and row.location == "path":
                row.name = r["to"]
    if hints.base_path:
        base = "/" + hints.base_path.strip("/")
        for op in doc.operations:
            p = paths[op.line]
            if not (p == base or p.startswith(base + "/")):
                raise ReconstructError(op.line, f"path {p} does not start with the base path {base}")
            paths[op.line] = p[len(base):] or "/"
    return paths


def _check_paths(doc: Document, paths: dict[int, str]) -> None:
    seen_template: dict[str, tuple[str, int]] = {}
    seen_op: dict[tuple[str, str], int] = {}
    for op in doc.operations:
        p = paths[op.line]
        t = _template(p)
        if t in seen_template and seen_template[t][0] != p:
            other, line = seen_template[t]
            raise ReconstructError(
                op.line,
                f"path {p} clashes with {other} (line {line}): same template, different parameter names; "
                "rename one in the overlay's x-sparring-reconstruct.rename-path-parameters",
            )
        seen_template.setdefault(t, (p, op.line))
        k = (op.method, p)
        if k in seen_op:
            raise ReconstructError(op.line, f"{op.method} {p} is documented twice (also line {seen_op[k]})")
        seen_op[k] = op.line


class Builder:
    def __init__(self, doc: Document, keep_descriptions: bool, hints: Hints):
        self.doc = doc
        self.keep = keep_descriptions
        self.hints = hints

    # -- schemas ----------------------------------------------------------------------------

    def _describe(self, schema: dict[str, Any], text: str) -> dict[str, Any]:
        if self.keep and text:
            if "$ref" in schema:  # a $ref ignores siblings in 3.0
                return {"allOf": [schema], "description": text}
            schema = {"description": text, **schema}
        return schema

    def _property(self, row: Row, children: list[Row], enum: list[str] | None, expanded: bool = False) -> dict[str, Any]:
        schema = to_schema(row.type, row.nullable, enum)
        if children and expanded and row.type.refs():
            children = []  # an operation table repeating the named schema's fields: cross-checked only
        if children:
            if row.type.kind != "primitive" or row.type.name != "object":
                raise ReconstructError(children[0].line, f"nested rows under {row.name}, which is not an object")
            props: dict[str, Any] = {}
            for child, grandchildren in _tree(children):
                if child.name == "additionalProperties":
                    schema["additionalProperties"] = self._property(child, grandchildren, None, expanded)
                else:
                    props[child.name] = self._property(child, grandchildren, None, expanded)
            if props:
                schema["properties"] = props
        return self._describe(schema, row.description)

    def object_schema(self, rows: list[Row], enums, line: int, expanded: bool = False) -> dict[str, Any]:
        values: dict[str, list[str]] = {}
        for e in enums:
            if e.depth == 0:
                values.setdefault(e.name, []).append(e.value)
        props = {}
        for row, children in _tree(rows):
            if row.name in props:
                raise ReconstructError(row.line, f"field {row.name} is listed twice")
            props[row.name] = self._property(row, children, values.get(row.name), expanded)
        return {"type": "object", "properties": props}

    def component(self, block: SchemaBlock) -> dict[str, Any]:
        schema = self.object_schema(block.rows, block.enums, block.line)
        if self.keep and block.description:
            schema = {"description": block.description, **schema}
        if block.example.value is not None:
            schema["example"] = block.example.value
        return schema

    # -- operations -------------------------------------------------------------------------

    def parameter(self, op: Operation, row: Row) -> dict[str, Any]:
        if row.location == "path" and not row.required:
            raise ReconstructError(row.line, f"path parameter {row.name} is not marked required")
        enum = [e.value for e in op.param_enums if e.depth == 0 and e.name == row.name] or None
        schema = to_schema(row.type, row.nullable, enum)
        if row.location == "path" and schema.get("type") == "string":
            schema["minLength"] = 1
        param: dict[str, Any] = {"name": row.name, "in": row.location}
        desc = op.detailed.get(row.name) or row.description
        if self.keep and desc:
            param["description"] = desc
        if row.required:
            param["required"] = True
        param["schema"] = schema
        return param

    def request_body(self, op: Operation) -> dict[str, Any] | None:
        rows = [r for r in op.params if r.location == "body"]
        if not rows:
            return None
        named = body_row(op)
        if named is not None:
            schema = ref(named.type.name)
            desc = named.description
        else:
            enums = [e for e in op.param_enums if e.name in {r.name for r in rows}]
            schema = self.object_schema(rows, enums, rows[0].line, expanded=True)
            desc = ""
        body: dict[str, Any] = {}
        if self.keep and desc:
            body["description"] = desc
        media = op.content_type.split(";")[0].strip()
        body["content"] = {media: {"schema": schema}}
        return body

    def responses(self, op: Operation) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for st in sorted(op.statuses, key=lambda s: s.status):
            resp: dict[str, Any] = {"description": st.description if self.keep and st.description else st.meaning}
            if st.schema == INLINE:
                top, nested = op.inline_rows[0], op.inline_rows[1:]
                if top.type.refs():
                    schema = to_schema(top.type, top.nullable)
                else:
                    shifted = [Row(r.line, r.depth - 1, r.name, None, r.type, r.nullable, r.required, r.description) for r in nested]
                    schema = self.object_schema(shifted, op.inline_enums, top.line, expanded=True)
                resp["content"] = {JSON: {"schema": schema}}
            elif st.schema != NO_BODY:
                resp["content"] = {JSON: {"schema": ref(st.schema)}}
            out[str(st.status)] = resp
        return out

    def operation(self, op: Operation, path: str) -> dict[str, Any]:
        seg = next((s for s in path.strip("/").split("/") if s and not s.startswith("{")), "default")
        out: dict[str, Any] = {"tags": [seg]}
        if op.title:
            out["summary"] = op.title
        if self.keep and op.description:
            out["description"] = op.description
        out["operationId"] = operation_id(op.method, path)
        params = [self.parameter(op, r) for r in op.params if r.location != "body" and r.depth == 0]
        if params:
            out["parameters"] = params
        body = self.request_body(op)
        if body:
            out["requestBody"] = body
        out["responses"] = self.responses(op)
        return out

    def build(self) -> dict[str, Any]:
        doc = self.doc
        paths_of = _apply_hints(doc, self.hints)
        _check_paths(doc, paths_of)
        info: dict[str, Any] = {"title": doc.title or "Untitled API", "version": "0"}
        if doc.contact:
            info["contact"] = {"name": doc.contact}
        if doc.license:
            info["license"] = {"name": doc.license}
        spec: dict[str, Any] = {"openapi": "3.0.3", "info": info}
        if self.hints.base_path:
            spec["servers"] = [{"url": "/" + self.hints.base_path.strip("/")}]
        paths: dict[str, dict[str, Any]] = {}
        tags: list[str] = []
        ids: dict[str, int] = {}
        for op in doc.operations:
            path = paths_of[op.line]
            operation = self.operation(op, path)
            oid = operation["operationId"]
            if oid in ids:
                raise ReconstructError(op.line, f"operationId {oid} is derived twice (also line {ids[oid]})")
            ids[oid] = op.line
            paths.setdefault(path, {})[op.method.lower()] = operation
            if operation["tags"][0] not in tags:
                tags.append(operation["tags"][0])
        spec["tags"] = [{"name": t} for t in tags]
        spec["paths"] = {p: {m: item[m] for m in METHOD_ORDER if m in item} for p, item in paths.items()}
        spec["components"] = {"schemas": {b.name: self.component(b) for b in sorted(doc.schemas, key=lambda b: b.name)}}
        return spec


def _tree(rows: list[Row]) -> list[tuple[Row, list[Row]]]:
    """Group rows into (row, its deeper » rows), re-based to depth 0 for the children."""
    out: list[tuple[Row, list[Row]]] = []
    if rows:
        base = min(r.depth for r in rows)
        if rows[0].depth != base:
            raise ReconstructError(rows[0].line, "nested » row without a parent row")
    for r in rows:
        if out and r.depth > base:
            out[-1][1].append(r)
        else:
            out.append((r, []))
    return [(r, [Row(c.line, c.depth - r.depth - 1 + 0, c.name, c.location, c.type, c.nullable, c.required, c.description) for c in ch]) for r, ch in out]


def build(doc: Document, *, keep_descriptions: bool = False, hints: Hints | None = None) -> dict[str, Any]:
    return Builder(doc, keep_descriptions, hints or Hints()).build()
