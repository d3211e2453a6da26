"""The intermediate model between the text parser and the OpenAPI builder.

Keeping the parsed facts in plain dataclasses (with the source line of each) lets the
builder and the consistency checks report *where* a problem is, and lets tests assert on
what was read without going through OpenAPI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class ReconstructError(Exception):
    """The source cannot be turned into a spec without guessing; the message names the line."""

    def __init__(self, line: int | None, message: str):
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


@dataclass(frozen=True)
class TypeRef:
    """One parsed type expression: a primitive (with format), a named schema, or an array of either."""

    kind: str  # "primitive" | "ref" | "array"
    name: str = ""  # primitive type name or schema name
    format: str | None = None
    items: TypeRef | None = None

    def refs(self) -> list[str]:
        if self.kind == "ref":
            return [self.name]
        if self.kind == "array" and self.items is not None:
            return self.items.refs()
        return []


@dataclass
class Row:
    """A row of a `Name [In] Type Required Description` table."""

    line: int
    depth: int  # number of leading » markers
    name: str
    location: str | None  # path/query/header/cookie/body for parameter tables, None for schema tables
    type: TypeRef
    nullable: bool
    required: bool
    description: str = ""


@dataclass
class EnumRow:
    line: int
    name: str
    value: str
    depth: int = 0  # leading » markers: values of a nested (expanded) field


@dataclass
class StatusRow:
    line: int
    status: int
    meaning: str
    description: str
    schema: str  # a schema name, "None" (no body) or "Inline" (see the response-schema table)


@dataclass
class Example:
    """An example as rebuilt from the text; `value` is None when it could not be read as JSON."""

    line: int
    value: Any
    raw: list[str] = field(default_factory=list)


@dataclass
class Operation:
    line: int  # line of `METHOD /path`
    method: str
    path: str
    title: str | None = None
    title_line: int | None = None
    description: str = ""
    content_type: str | None = None  # from the curl sample
    accept: str | None = None
    csharp_body_type: str | None = None  # SerializeObject(<Type> content)
    body_example: Example | None = None
    params: list[Row] = field(default_factory=list)
    detailed: dict[str, str] = field(default_factory=dict)
    param_enums: list[EnumRow] = field(default_factory=list)
    examples: dict[int, Example] = field(default_factory=dict)
    statuses: list[StatusRow] = field(default_factory=list)
    inline_status: int | None = None
    inline_line: int | None = None
    inline_rows: list[Row] = field(default_factory=list)
    inline_enums: list[EnumRow] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class SchemaBlock:
    line: int  # line of the `Name Type Required Description` header
    example: Example
    description: str = ""
    rows: list[Row] = field(default_factory=list)
    enums: list[EnumRow] = field(default_factory=list)
    name: str | None = None  # recovered later (headings are stripped)

    def top_rows(self) -> list[Row]:
        return [r for r in self.rows if r.depth == 0]


@dataclass
class Document:
    title: str | None = None
    contact: str | None = None
    license: str | None = None
    scopes: list[tuple[str, str]] = field(default_factory=list)
    operations: list[Operation] = field(default_factory=list)
    schemas: list[SchemaBlock] = field(default_factory=list)
