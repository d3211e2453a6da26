"""Recover the stripped schema names and check the document against itself.

Names (§8 case 1 of the inventory): the schema blocks come in ordinal (code-point) order of
their names, and every name is referenced somewhere (status tables, body rows, field
types, C# samples). So the sorted set of referenced names lines up 1:1 with the blocks,
*if and only if* the counts agree; when they do not, we stop instead of guessing.

After naming, the cross-checks below must all hold, each failing with the source line:
example keys equal the field table, body rows and inline response rows equal the named
schema's fields, enum rows name a field of their table, C# request type equals the body row.
A misaligned name shows up here as a field mismatch.
"""

from __future__ import annotations

from typing import Any

from .model import Document, Example, Operation, ReconstructError, Row, SchemaBlock

NO_BODY = "None"
INLINE = "Inline"


def referenced_names(doc: Document) -> dict[str, int]:
    """Every schema name the text refers to, with the first line that does."""
    seen: dict[str, int] = {}

    def add(name: str, line: int) -> None:
        seen.setdefault(name, line)

    for op in doc.operations:
        for row in op.params + op.inline_rows:
            for name in row.type.refs():
                add(name, row.line)
        for st in op.statuses:
            if st.schema not in (NO_BODY, INLINE):
                add(st.schema, st.line)
        if op.csharp_body_type and op.csharp_body_type != "undefined":
            add(op.csharp_body_type, op.line)
    for block in doc.schemas:
        for row in block.rows:
            for name in row.type.refs():
                add(name, row.line)
    return seen


def assign_names(doc: Document) -> None:
    refs = referenced_names(doc)
    names = sorted(refs)  # Python sorts str by code point, which is the order of the blocks
    blocks = doc.schemas
    if len(names) != len(blocks):
        first = blocks[0].line if blocks else None
        raise ReconstructError(
            first,
            f"{len(blocks)} schema blocks (first table at this line) but {len(names)} referenced schema names; "
            "the stripped names cannot be recovered by order",
        )
    for name, block in zip(names, blocks):
        block.name = name


def _keys(example: Example) -> list[str] | None:
    v: Any = example.value
    if isinstance(v, list):
        v = v[0] if v else None
    return list(v) if isinstance(v, dict) else None


def _check_example(example: Example | None, fields: list[str], what: str) -> None:
    if example is None or example.value is None:
        return
    if isinstance(example.value, list) and not example.value:
        return
    keys = _keys(example)
    if keys is None:
        raise ReconstructError(example.line, f"example of {what} is not an object")
    if keys != fields:
        extra = [k for k in keys if k not in fields]
        missing = [f for f in fields if f not in keys]
        detail = f"extra {extra}, missing {missing}" if extra or missing else "same keys, different order"
        raise ReconstructError(example.line, f"example keys disagree with the field table of {what}: {detail}")


def _check_enums(rows: list[Row], enums, what: str) -> None:
    names = {(r.depth, r.name) for r in rows}
    for e in enums:
        if (e.depth, e.name) not in names:
            raise ReconstructError(e.line, f"enum value for {e.name!r}, which is not a field of {what}")


def _body_rows(op: Operation) -> list[Row]:
    return [r for r in op.params if r.location == "body"]


def body_row(op: Operation) -> Row | None:
    """The `body body X` row naming the request schema, if any."""
    rows = _body_rows(op)
    if rows and rows[0].name == "body" and rows[0].depth == 0:
        return rows[0]
    return None


def check(doc: Document) -> None:
    by_name = {b.name: b for b in doc.schemas}
    for block in doc.schemas:
        fields = [r.name for r in block.top_rows()]
        if len(set(fields)) != len(fields):
            raise ReconstructError(block.line, f"schema {block.name} lists a field twice")
        _check_example(block.example, fields, f"schema {block.name}")
        _check_enums(block.top_rows(), block.enums, f"schema {block.name}")
    for op in doc.operations:
        _check_operation(op, by_name)


def _fields_of(by_name: dict[str, SchemaBlock], name: str, line: int) -> list[str]:
    if name not in by_name:
        raise ReconstructError(line, f"schema {name} is referenced but has no block")
    return [r.name for r in by_name[name].top_rows()]


def _check_operation(op: Operation, by_name: dict[str, SchemaBlock]) -> None:
    body = body_row(op)
    rows = _body_rows(op)
    if body is not None:
        if body.type.kind != "ref":
            raise ReconstructError(body.line, "body row type is not a schema name")
        name = body.type.name
        if op.csharp_body_type not in (None, "undefined", name):
            raise ReconstructError(body.line, f"body row says {name}, the C# sample says {op.csharp_body_type}")
        expected = _fields_of(by_name, name, body.line)
        got = [r.name for r in rows[1:] if r.depth == 0]
        if got != expected:
            raise ReconstructError(body.line, f"body rows of {op.key} disagree with the fields of {name}")
        if op.content_type and "json" in op.content_type:
            _check_example(op.body_example, expected, f"request body {name}")
    elif rows:
        if op.csharp_body_type not in (None, "undefined"):
            raise ReconstructError(rows[0].line, f"C# sample names {op.csharp_body_type} but there is no body row")
        if op.content_type and "json" in op.content_type:
            _check_example(op.body_example, [r.name for r in rows if r.depth == 0], f"request body of {op.key}")
    if rows and not op.content_type:
        raise ReconstructError(rows[0].line, f"{op.key} has a body but its curl sample gives no Content-Type")
    _check_enums(op.params, op.param_enums, f"the parameters of {op.key}")

    statuses = {s.status: s for s in op.statuses}
    if len(statuses) != len(op.statuses):
        raise ReconstructError(op.statuses[0].line, f"{op.key} lists a status twice")
    inline = [s for s in op.statuses if s.schema == INLINE]
    if inline and (op.inline_status is None or [s.status for s in inline] != [op.inline_status]):
        raise ReconstructError(inline[0].line, "'Inline' response without a matching 'Response Schema' table")
    if op.inline_rows:
        if not inline:
            raise ReconstructError(op.inline_line, "response schema table for a status that is not 'Inline'")
        top = op.inline_rows[0]
        if top.depth != 0 or any(r.depth == 0 for r in op.inline_rows[1:]):
            raise ReconstructError(op.inline_line, "response schema table must have one top row and » rows")
        if top.type.refs():
            expected = _fields_of(by_name, top.type.refs()[0], top.line)
            got = [r.name for r in op.inline_rows[1:] if r.depth == 1]
            if got != expected:
                raise ReconstructError(top.line, f"» rows disagree with the fields of {top.type.refs()[0]}")
        _check_enums([Row(r.line, r.depth - 1, r.name, None, r.type, r.nullable, r.required) for r in op.inline_rows], op.inline_enums, f"the response of {op.key}")
    for code, example in op.examples.items():
        st = statuses.get(code)
        if st is None:
            raise ReconstructError(example.line, f"example for status {code}, which the status table does not list")
        if st.schema in by_name:
            _check_example(example, _fields_of(by_name, st.schema, st.line), f"response {code} ({st.schema})")
        elif st.schema == INLINE and op.inline_rows and op.inline_rows[0].type.refs():
            name = op.inline_rows[0].type.refs()[0]
            _check_example(example, _fields_of(by_name, name, st.line), f"response {code} ([{name}])")
