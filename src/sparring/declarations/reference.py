"""The declaration reference in Markdown, written from ``schema.json`` alone.

The README's "Declaration reference" section is this text (a test compares them), so the
reference cannot drift from what the loader accepts. ``sparring declarations`` prints it.
"""

from __future__ import annotations

import json
import typing as t

from sparring.declarations.check import schema
from sparring.declarations.registered import KINDS, allowed_names

# The declaration objects, in reading order: partner, its parts, then an operation and its parts.
ORDER = ("partner", "errors", "auth", "client", "user", "contract", "namespace", "envelope", "binding", "collection",
         "timestamps", "soft-delete", "expansion", "embedded", "nested", "nested-write", "operation", "paging", "sorting",
         "filter", "parent", "lookup",
         "null-values")

# Which properties take a registered name, and of which kind (the schema cannot list them).
REGISTERED = {("errors", "style"): "errors", ("auth", "kind"): "auth",
              ("envelope", "style"): "envelope", ("timestamps", "style"): "timestamps",
              ("operation", "action"): "action", ("paging", "style"): "paging"}


def reference_markdown() -> str:
    """The reference: one table per declaration object, then the registered names."""
    defs = schema()["$defs"]
    missing = set(defs) - set(ORDER) - {"operation-holder", "names"}
    if missing:
        raise ValueError(f"schema.json defines {', '.join(sorted(missing))}, which the reference does not place")
    out = [
        "Generated from `src/sparring/declarations/schema.json` by `sparring declarations`; a test keeps",
        "this section equal to that output. Keys not listed are refused when the spec loads.",
        "",
    ]
    for name in ORDER:
        out += _section(name, defs[name])
    out += ["#### Registered names", "",
            "Values checked against what the code registers (not frozen in the schema):", ""]
    for kind in KINDS:
        names = allowed_names(kind)
        out.append(f"- {kind}: {', '.join(f'`{n}`' for n in names) if names else '(none registered yet)'}")
    return "\n".join(out) + "\n"


def _section(name: str, node: dict) -> list[str]:
    lines = [f"#### {node.get('title', name)}", "", node["description"], ""]
    variants = node.get("oneOf")
    if variants:
        for variant in variants:
            if variant.get("type") != "object":
                lines.append(f"- {_type(variant)}, or")
        objects = [v for v in variants if v.get("type") == "object"]
        for i, variant in enumerate(objects):
            lines += [f"- an object{' (one of these forms)' if len(objects) > 1 else ''}:", ""]
            lines += _table(name, variant)
            lines.append("")
        return lines
    lines += _table(name, node)
    extra = node.get("additionalProperties")
    if extra is True:
        lines.append("\nAny other key is an option of the style.")
    for clause in node.get("allOf", []):
        if "then" in clause and "description" in clause["then"]:
            lines.append(f"\nAlso: {clause['then']['description']}.")
    lines.append("")
    return lines


def _table(owner: str, node: dict) -> list[str]:
    required = set(node.get("required", []))
    rows = ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
    for key, prop in node.get("properties", {}).items():
        kind = REGISTERED.get((owner, key))
        shown = _type(prop) + (f" (registered {kind} name)" if kind and "oneOf" not in prop else "")
        default = "required" if key in required else (f"`{json.dumps(prop['default'])}`" if "default" in prop else "")
        rows.append(f"| `{key}` | {shown} | {default} | {prop.get('description', '')} |")
    return rows


def _type(prop: dict) -> str:
    if "$ref" in prop:
        target = prop["$ref"].rsplit("/", 1)[-1]
        if target == "names":
            return "list of strings"
        title = schema()["$defs"][target].get("title", target)
        return f"[{title.split(' (')[0].lower()}](#{_anchor(title)})"
    if "enum" in prop:
        return " \\| ".join(f"`{v}`" for v in prop["enum"])
    if "oneOf" in prop:
        return " or ".join(_type(v) for v in prop["oneOf"])
    kind = prop.get("type")
    if kind == "array":
        items = prop.get("items", {})
        plain = items.get("type")
        if plain is not None and "enum" not in items:
            return "list of " + " or ".join(f"{k}s" for k in (plain if isinstance(plain, list) else [plain]))
        return f"list of {_type(items)}"
    if kind == "object":
        values = prop.get("additionalProperties")
        if isinstance(values, dict):
            return f"map of {_type(values)}"
        if "properties" in prop:
            return "{" + ", ".join(prop["properties"]) + "}"
        return "object"
    if isinstance(kind, list):
        return " or ".join(kind)
    return kind or "any"


def _anchor(title: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    text = "".join(c for c in title.lower() if c.isalnum() or c in " -_")
    return text.replace(" ", "-")


def main() -> None:  # pragma: no cover - for python -m
    print(reference_markdown(), end="")


if __name__ == "__main__":  # pragma: no cover
    main()


def replace_section(path: str, reference: str) -> None:
    """Rewrite the body of the ``### Declaration reference`` section of a Markdown file."""
    import re
    from pathlib import Path

    file = Path(path)
    text = file.read_text(encoding="utf-8")
    pattern = re.compile(r"(^### Declaration reference\n\n)(.*?)(?=^#{2,3} )", re.S | re.M)
    if not pattern.search(text):
        raise ValueError(f"{path} has no '### Declaration reference' section followed by another section")
    file.write_text(pattern.sub(lambda m: m.group(1) + reference.rstrip("\n") + "\n\n", text, count=1), encoding="utf-8")
