"""`sparring reconstruct`: documentation text -> OpenAPI 3.0.3 (issue 4).

Pipeline, one module per step:

* :mod:`.rendered_reference` parses the rendered reference text into :mod:`.model`;
* :mod:`.schemas` recovers the stripped schema names and checks the text against itself;
* :mod:`.openapi` builds the spec mechanically (with :mod:`.typegrammar` for types and
  :mod:`.examples` for the lossy JSON examples);
* :mod:`.overlay` layers the human decisions (an Overlay 1.0 file) on top;
* :mod:`.yamlout` writes deterministic YAML.

Anything the text does not settle is either an overlay decision or a
:class:`ReconstructError` naming the source line; the builder never guesses silently.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from sparring.catalog import HTTP_METHODS

from . import overlay as _overlay
from . import schemas as _schemas
from .model import ReconstructError
from .openapi import build as _build
from .rendered_reference import parse as _parse
from .yamlout import dump, normalize

__all__ = ["ReconstructError", "build_spec", "dump", "add_arguments", "main"]

FORMATS = ("rendered-reference",)


def _read_source(source: str | Path) -> str:
    """A Path (or a str without newlines) is a file to read; any other str is the text itself."""
    if isinstance(source, Path) or "\n" not in source:
        try:
            return Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise ReconstructError(None, f"cannot read {source}: {exc.strerror}") from None
    return source


def _check_refs(spec: dict[str, Any]) -> None:
    names = set((spec.get("components") or {}).get("schemas") or {})

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            r = node.get("$ref")
            if isinstance(r, str) and r.startswith("#/components/schemas/") and r.rsplit("/", 1)[1] not in names:
                raise ReconstructError(None, f"{where}: $ref to missing schema {r}")
            for k, v in node.items():
                walk(v, f"{where}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}/{i}")

    walk(spec, "#")
    _check_links(spec)
    templates: dict[str, str] = {}
    ids: set[str] = set()
    for path, item in (spec.get("paths") or {}).items():
        t = re.sub(r"\{[^}]*\}", "{}", path)
        if t in templates:
            raise ReconstructError(None, f"paths {templates[t]} and {path} clash (same template)")
        templates[t] = path
        for op in item.values():
            oid = op.get("operationId") if isinstance(op, dict) else None
            if oid in ids:
                raise ReconstructError(None, f"operationId {oid} is used twice")
            if oid:
                ids.add(oid)


def _check_links(spec: dict[str, Any]) -> None:
    """Every link names an existing operation and only parameters that operation has."""
    params: dict[str, set[str]] = {}
    for item in (spec.get("paths") or {}).values():
        for op in item.values():
            if isinstance(op, dict) and "operationId" in op:
                params[op["operationId"]] = {p.get("name") for p in op.get("parameters", []) if isinstance(p, dict)}
    for path, item in (spec.get("paths") or {}).items():
        for method, op in item.items():
            for code, resp in (op.get("responses") or {}).items() if isinstance(op, dict) else ():
                for name, link in (resp.get("links") or {}).items():
                    target = link.get("operationId")
                    if target not in params:
                        raise ReconstructError(None, f"{method.upper()} {path} {code} link {name}: no operation {target}")
                    unknown = set(link.get("parameters") or {}) - params[target]
                    if unknown:
                        raise ReconstructError(None, f"{method.upper()} {path} {code} link {name}: {target} has no {sorted(unknown)}")


def build_spec(source: str | Path, overlay: str | Path | None = None, *, keep_descriptions: bool = False) -> dict:
    """Parse, check, build, apply the overlay; returns the spec in canonical key order."""
    doc = _parse(_read_source(source))
    _schemas.assign_names(doc)
    _schemas.check(doc)
    ov, lines = _overlay.load(overlay) if overlay is not None else (None, None)
    spec = _build(doc, keep_descriptions=keep_descriptions, hints=_overlay.hints(ov))
    if ov is not None:
        spec = _overlay.apply(spec, ov, lines, source=str(overlay))
    _check_refs(spec)
    return normalize(spec)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of the `reconstruct` subcommand."""
    parser.add_argument("format", choices=FORMATS, help="layout of the source document")
    parser.add_argument("document", type=Path, help="the documentation text to reconstruct from")
    parser.add_argument("-o", "--output", type=Path, help="where to write the spec (default: stdout)")
    parser.add_argument("--overlay", type=Path, help="Overlay 1.0 file with the human decisions, applied on top")
    parser.add_argument(
        "--keep-descriptions",
        action="store_true",
        help="keep the source's description texts (never for committed specs: vendor prose)",
    )


def main(args: argparse.Namespace) -> int:
    """Run `reconstruct`; 0 on success, 2 when the source or overlay cannot be used."""
    try:
        spec = build_spec(args.document, args.overlay, keep_descriptions=args.keep_descriptions)
    except ReconstructError as exc:
        print(f"sparring reconstruct: {args.document}: {exc}", file=sys.stderr)
        return 2
    text = dump(spec)
    ops = sum(1 for item in spec.get("paths", {}).values() for k in item if k in _METHODS)
    n_schemas = len(spec.get("components", {}).get("schemas", {}))
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}: {ops} operations, {n_schemas} schemas")
    else:
        sys.stdout.write(text)
        print(f"{ops} operations, {n_schemas} schemas", file=sys.stderr)
    return 0


_METHODS = set(HTTP_METHODS)
