"""Parse a rendered API reference (Widdershins/Slate text with headings stripped) into the model.

Layout (see the inventory, §1): a title block with the OAuth2 scope table; then per operation
a preamble (title line, optional description paragraphs), ``Code samples``, the
``METHOD /path`` line and its sections; then the schema blocks (example JSON, optional
description, field table, optional enum table), whose name headings are gone.

The parser is a small state machine over lines. Principles, because the text is lossy:

* a table row is recognised only by a strict pattern with the closed type grammar of
  :mod:`typegrammar`; any other line (blank ones and ``- `` lists included) continues the
  previous row's description;
* a table ends at the next known section header; an operation's *last* table ends at its
  first blank line followed by text that is not part of it: those trailing paragraphs are
  the next operation's title and description (a row description that really ends with a
  separate paragraph there would be mis-assigned; the row/schema cross-checks catch that);
* everything else that does not fit raises :class:`ReconstructError` with the line number.

Operation boundaries are anchored on the ``Code samples`` lines, one per operation, each
followed by exactly one ``METHOD /path`` line; code samples are only mined for the media
types (curl headers) and the C# request type, never for examples.
"""

from __future__ import annotations

import re
from http import HTTPStatus

from .examples import looks_like_json_example, read_example
from .model import Document, EnumRow, Operation, ReconstructError, Row, SchemaBlock, StatusRow
from .typegrammar import TYPE_PATTERN, parse_type

METHOD_RE = re.compile(r"^(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|TRACE) (/\S*)$")
CODE_SAMPLES = "Code samples"
PARAM_HEADER = "Name In Type Required Description"
SCHEMA_HEADER = "Name Type Required Description"
STATUS_HEADER = "Status Meaning Description Schema"
ENUM_HEADER = "Enumerated Values"
ENUM_TABLE_HEADERS = ("Parameter Value", "Property Value")
SECTION_HEADERS = {
    "Body parameter",
    PARAM_HEADER,
    "Detailed descriptions",
    ENUM_HEADER,
    "Example responses",
    STATUS_HEADER,
    "Response Schema",
}
_ROW_TAIL = rf"(?P<type>{TYPE_PATTERN})(?P<null> ¦ null)? (?P<req>true|false)(?: (?P<desc>.*))?$"
PARAM_ROW = re.compile(rf"^(?P<marks>»+ )?(?P<name>[^\s»]+) (?P<in>path|query|header|cookie|body) {_ROW_TAIL}")
SCHEMA_ROW = re.compile(rf"^(?P<marks>»+ )?(?P<name>[^\s»]+) {_ROW_TAIL}")
ENUM_ROW = re.compile(r"^(?P<marks>»+ )?(?P<name>[^\s»]+) (?P<value>\S.*)$")
STATUS_ROW = re.compile(r"^(?P<code>[1-5]\d\d) (?P<rest>.*)$")
RESPONSE_EXAMPLE = re.compile(r"^(?P<code>[1-5]\d\d) Response$")
STATUS_CODE = re.compile(r"^Status Code (?P<code>[1-5]\d\d)$")
CURL = re.compile(r"^curl -X (?P<method>[A-Z]+) (?P<path>\S+)")
CURL_HEADER = re.compile(r"^\s*-H '(?P<name>[A-Za-z-]+): (?P<value>[^']*)'")
CSHARP_BODY = re.compile(r"SerializeObject\((?P<type>\w+) content\)")
DETAIL_ENTRY = re.compile(r"^(?P<name>(?:»+ )?[^\s:»]+): (?P<text>.*)$")
LANGUAGE_TABS = re.compile(r"^(cURL|Shell|HTTP|JavaScript|Node\.JS|Python|Ruby|Java|Go|PHP|C#)( |$)")
CONTACT = re.compile(r"^(?:(?:Email|Web): (?P<contact>.*?))?(?: ?License: (?P<license>.*))?$")


class _Lines:
    """The source lines with 1-based numbering."""

    def __init__(self, text: str):
        self.text = [line.rstrip("\r") for line in text.split("\n")]

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, i: int) -> str:
        return self.text[i]

    @staticmethod
    def no(i: int) -> int:
        return i + 1


def _skip_blank(lines: _Lines, i: int, end: int) -> int:
    while i < end and not lines[i].strip():
        i += 1
    return i


def _block(lines: _Lines, i: int, end: int) -> int:
    """End (exclusive) of the run of non-blank lines starting at i."""
    while i < end and lines[i].strip():
        i += 1
    return i


def _paragraphs(lines: _Lines, i: int, end: int) -> list[list[int]]:
    paras: list[list[int]] = []
    while (i := _skip_blank(lines, i, end)) < end:
        j = _block(lines, i, end)
        paras.append(list(range(i, j)))
        i = j
    return paras


def _row(m: re.Match, lineno: int) -> Row:
    desc = m["desc"] or ""
    return Row(
        line=lineno,
        depth=len(m["marks"].strip()) if m["marks"] else 0,
        name=m["name"],
        location=m.groupdict().get("in"),
        type=parse_type(m["type"]),
        nullable=bool(m["null"]),
        required=m["req"] == "true",
        description="" if desc == "none" else desc,
    )


def _starts_schema_block(lines: _Lines, i: int) -> bool:
    return i > 0 and not lines[i - 1].strip() and looks_like_json_example(lines[i])


def _read_rows(lines: _Lines, i: int, end: int, pattern: re.Pattern, stop) -> tuple[list[Row], int, bool]:
    """Read table rows from i; returns (rows, index after the table, whether a stop line ended it).

    When the region ends without a stop line, trailing paragraphs after the last row (those
    after its first blank line) are handed back as not belonging to the table.
    """
    rows: list[Row] = []
    desc: list[list[str]] = []
    stopped = False
    while i < end:
        text = lines[i]
        if stop(i):
            stopped = True
            break
        m = pattern.match(text)
        if m:
            rows.append(_row(m, lines.no(i)))
            desc.append([rows[-1].description])
        elif not rows:
            raise ReconstructError(lines.no(i), f"expected a table row, found {text[:60]!r}")
        else:
            desc[-1].append(text)
        i += 1
    if not stopped and rows:
        # keep only the immediate continuation of the last row
        tail = desc[-1]
        keep = 1
        while keep < len(tail) and tail[keep].strip():
            keep += 1
        i -= len(tail) - keep
        desc[-1] = tail[:keep]
    for row, parts in zip(rows, desc):
        row.description = "\n".join(parts).strip("\n").rstrip()
    return rows, i, stopped


def _read_enum_table(lines: _Lines, i: int, end: int) -> tuple[list[EnumRow], int]:
    """`Enumerated Values` / blank / `Property Value` or `Parameter Value` / rows until blank."""
    hdr = lines.no(i)
    i = _skip_blank(lines, i + 1, end)
    if i >= end or lines[i] not in ENUM_TABLE_HEADERS:
        raise ReconstructError(hdr, "'Enumerated Values' is not followed by a 'Property Value' table")
    i += 1
    out = []
    while i < end and lines[i].strip():
        m = ENUM_ROW.match(lines[i])
        if not m:
            raise ReconstructError(lines.no(i), f"malformed enum row {lines[i]!r}")
        depth = len(m["marks"].strip()) if m["marks"] else 0
        out.append(EnumRow(lines.no(i), m["name"], m["value"].strip(), depth))
        i += 1
    return out, i


def _read_status_table(lines: _Lines, i: int, end: int) -> tuple[list[StatusRow], int]:
    out: list[tuple[int, list[str]]] = []
    i += 1
    while i < end and lines[i].strip():
        m = STATUS_ROW.match(lines[i])
        if m:
            out.append((i, [lines[i]]))
        elif not out:
            raise ReconstructError(lines.no(i), "expected a status row")
        else:  # a row wrapped onto the next line
            out[-1][1].append(lines[i])
        i += 1
    rows = []
    for idx, parts in out:
        text = " ".join(p.strip() for p in parts)
        m = STATUS_ROW.match(text)
        code = int(m["code"])
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            raise ReconstructError(lines.no(idx), f"unknown HTTP status {code}") from None
        rest = m["rest"]
        if not (rest == phrase or rest.startswith(phrase + " ")):
            raise ReconstructError(lines.no(idx), f"status {code} row does not give the meaning {phrase!r}")
        rest = rest[len(phrase):].strip()
        if not rest:
            raise ReconstructError(lines.no(idx), f"status {code} row has no schema column")
        desc, _, schema = rest.rpartition(" ")
        rows.append(StatusRow(lines.no(idx), code, phrase, desc.strip(), schema))
    return rows, i


def _parse_header(lines: _Lines, doc: Document, end: int) -> int:
    """Title block up to the scope table; returns where the first operation's preamble starts."""
    paras = _paragraphs(lines, 0, end)
    header_end = 0
    k = 0
    if paras and len(paras[0]) == 1 and LANGUAGE_TABS.match(lines[paras[0][0]]):
        header_end = paras[0][-1] + 1
        k = 1
    if k < len(paras) and len(paras[k]) == 1:
        doc.title = lines[paras[k][0]].strip()
        header_end = paras[k][-1] + 1
        k += 1
    for para in paras[k:]:
        first = lines[para[0]]
        if first.startswith("Scroll down for code samples"):
            header_end = para[-1] + 1
        elif first.startswith(("Email: ", "Web: ", "License: ")) and len(para) == 1:
            m = CONTACT.match(first)
            doc.contact = m["contact"] if m else None
            doc.license = m["license"] if m else None
            header_end = para[-1] + 1
        elif first == "Scope Scope Description":
            for j in para[1:]:
                name, _, desc = lines[j].partition(" ")
                doc.scopes.append((name, desc.strip()))
            header_end = para[-1] + 1
    return header_end


def _set_preamble(lines: _Lines, op: Operation, start: int, end: int) -> None:
    paras = _paragraphs(lines, start, end)
    if not paras:
        return  # the source gives this operation no title (left to the overlay)
    title = paras[0]
    if len(title) != 1:
        raise ReconstructError(lines.no(title[0]), "operation title spans several lines; cannot tell title from text")
    op.title = lines[title[0]].strip()
    op.title_line = lines.no(title[0])
    op.description = "\n\n".join("\n".join(lines[j] for j in p) for p in paras[1:])


def _parse_code_samples(lines: _Lines, op: Operation, start: int, end: int) -> None:
    curl_seen = False
    for i in range(start, end):
        text = lines[i]
        m = CURL.match(text)
        if m and not curl_seen:
            curl_seen = True
            if (m["method"], m["path"]) != (op.method, op.path):
                raise ReconstructError(lines.no(i), f"curl sample says {m['method']} {m['path']}, the operation says {op.key}")
            j = i + 1
            while j < end and (h := CURL_HEADER.match(lines[j])):
                if h["name"].lower() == "content-type":
                    op.content_type = h["value"]
                elif h["name"].lower() == "accept":
                    op.accept = h["value"]
                j += 1
        m = CSHARP_BODY.search(text)
        if m and op.csharp_body_type is None:
            op.csharp_body_type = m["type"]


def _parse_details(lines: _Lines, op: Operation, i: int, end: int) -> int:
    names = {r.name for r in op.params}
    current: str | None = None
    i += 1
    while i < end and lines[i] not in SECTION_HEADERS:
        m = DETAIL_ENTRY.match(lines[i])
        if m and m["name"].lstrip("» ") in names:
            current = m["name"].lstrip("» ")
            op.detailed[current] = m["text"]
        elif current is not None:
            op.detailed[current] += "\n" + lines[i]
        elif lines[i].strip():
            raise ReconstructError(lines.no(i), "text in 'Detailed descriptions' before any parameter entry")
        i += 1
    for k in op.detailed:
        op.detailed[k] = op.detailed[k].strip()
    return i


def _parse_operation_body(lines: _Lines, op: Operation, i: int, end: int) -> int:
    """Sections after `METHOD /path`; returns where the trailing (next preamble) lines start."""

    def table_stop(j: int) -> bool:
        return lines[j] in SECTION_HEADERS or _starts_schema_block(lines, j)

    seen_status = False
    while (i := _skip_blank(lines, i, end)) < end:
        text = lines[i]
        if text == "Body parameter" and not op.params:
            j = _skip_blank(lines, i + 1, end)
            k = _block(lines, j, end)
            op.body_example = read_example([(lines.no(n), lines[n]) for n in range(j, k)])
            i = k
        elif text == PARAM_HEADER and not op.params:
            op.params, i, _ = _read_rows(lines, i + 1, end, PARAM_ROW, table_stop)
        elif text == "Detailed descriptions":
            i = _parse_details(lines, op, i, end)
        elif text == ENUM_HEADER:
            enums, i = _read_enum_table(lines, i, end)
            if op.inline_rows:
                op.inline_enums.extend(enums)
            elif seen_status:
                raise ReconstructError(lines.no(i), "enum table after the status table without a response schema")
            else:
                op.param_enums.extend(enums)
        elif text == "Example responses":
            i = _skip_blank(lines, i + 1, end)
            while i < end and (m := RESPONSE_EXAMPLE.match(lines[i])):
                code = int(m["code"])
                j = _skip_blank(lines, i + 1, end)
                if j < end and (RESPONSE_EXAMPLE.match(lines[j]) or lines[j] in SECTION_HEADERS):
                    i = j
                    continue
                k = _block(lines, j, end)
                op.examples[code] = read_example([(lines.no(n), lines[n]) for n in range(j, k)])
                i = _skip_blank(lines, k, end)
        elif text == STATUS_HEADER and not seen_status:
            op.statuses, i = _read_status_table(lines, i, end)
            seen_status = True
        elif text == "Response Schema" and seen_status and not op.inline_rows:
            j = _skip_blank(lines, i + 1, end)
            m = STATUS_CODE.match(lines[j]) if j < end else None
            if not m:
                raise ReconstructError(lines.no(i), "'Response Schema' is not followed by 'Status Code NNN'")
            op.inline_status = int(m["code"])
            j = _skip_blank(lines, j + 1, end)
            if j >= end or lines[j] != SCHEMA_HEADER:
                raise ReconstructError(lines.no(j), "expected the response schema table header")
            op.inline_line = lines.no(j)
            op.inline_rows, i, stopped = _read_rows(lines, j + 1, end, SCHEMA_ROW, table_stop)
            if not stopped:
                return i
        elif seen_status:
            return i  # the next operation's title/description, or the schema section
        else:
            raise ReconstructError(lines.no(i), f"unexpected text in operation {op.key}: {text[:60]!r}")
    return i


def _parse_schema_section(lines: _Lines, doc: Document, i: int, end: int) -> None:
    def stop(j: int) -> bool:
        return lines[j] == ENUM_HEADER or _starts_schema_block(lines, j)

    while (i := _skip_blank(lines, i, end)) < end:
        if not looks_like_json_example(lines[i]):
            raise ReconstructError(lines.no(i), f"expected a schema example (JSON), found {lines[i][:60]!r}")
        k = _block(lines, i, end)
        example = read_example([(lines.no(n), lines[n]) for n in range(i, k)])
        j = k
        while j < end and lines[j] != SCHEMA_HEADER:
            if lines[j] in SECTION_HEADERS or _starts_schema_block(lines, j):
                raise ReconstructError(lines.no(i), "schema example is not followed by a field table")
            j += 1
        if j >= end:
            raise ReconstructError(lines.no(i), "schema example is not followed by a field table")
        block = SchemaBlock(line=lines.no(j), example=example)
        block.description = "\n\n".join("\n".join(lines[n] for n in p) for p in _paragraphs(lines, k, j))
        block.rows, i, _ = _read_rows(lines, j + 1, end, SCHEMA_ROW, stop)
        if not block.rows:
            raise ReconstructError(block.line, "schema table has no rows")
        i = _skip_blank(lines, i, end)
        if i < end and lines[i] == ENUM_HEADER:
            block.enums, i = _read_enum_table(lines, i, end)
        doc.schemas.append(block)


def parse(text: str) -> Document:
    """Parse the whole document into the intermediate model (no names assigned to schemas yet)."""
    lines = _Lines(text)
    n = len(lines)
    code = [i for i in range(n) if lines[i] == CODE_SAMPLES]
    methods = [i for i in range(n) if METHOD_RE.match(lines[i])]
    if not methods:
        raise ReconstructError(None, "no 'METHOD /path' lines found; is this a rendered reference?")
    # every operation: one `Code samples` line, then exactly one METHOD line before the next one
    if len(code) != len(methods):
        raise ReconstructError(
            lines.no(methods[0] if len(methods) > len(code) else code[0]),
            f"{len(code)} 'Code samples' lines but {len(methods)} 'METHOD /path' lines",
        )
    for k, (c, m) in enumerate(zip(code, methods)):
        nxt = code[k + 1] if k + 1 < len(code) else n
        if not c < m < nxt:
            raise ReconstructError(lines.no(m), "'METHOD /path' line is not inside its own code-samples block")
    doc = Document()
    preamble = _parse_header(lines, doc, code[0])
    for k, (c, m) in enumerate(zip(code, methods)):
        mm = METHOD_RE.match(lines[m])
        op = Operation(line=lines.no(m), method=mm[1], path=mm[2])
        _set_preamble(lines, op, preamble, c)
        _parse_code_samples(lines, op, c + 1, m)
        end = code[k + 1] if k + 1 < len(code) else n
        preamble = _parse_operation_body(lines, op, m + 1, end)
        if not op.statuses:
            raise ReconstructError(op.line, f"operation {op.key} has no status table")
        doc.operations.append(op)
    _parse_schema_section(lines, doc, preamble, n)
    return doc
