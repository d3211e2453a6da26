"""Finds the partner specs, resolves and validates them, and checks and parses their ``x-sparring``
declarations (:mod:`sparring.declarations`).

A partner is one file ``spec/<name>.yaml``. Everything sparring does for it (routes, validation,
state, fixtures, fuzzing, docs) is read from that file and its fixture recipe
``fixtures/<name>.yaml``; nothing about a partner is written in Python except its business rules.
"""

from __future__ import annotations

import os
import re
import typing as t
import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from sparring import declarations, parallel_resolve, speccache
from sparring.declarations import OperationDeclaration, PartnerDeclaration
from sparring.declarations.model import HTTP_METHODS


class SpecError(Exception):
    """A spec or fixture recipe that sparring cannot serve; the message names the file."""


def data_dir(kind: str) -> Path:
    """``spec`` or ``fixtures``: from $SPARRING_<KIND>_DIR, the source checkout, or the installed package."""
    override = os.environ.get(f"SPARRING_{kind.upper()}_DIR")
    if override:
        return Path(override)
    checkout = Path(__file__).resolve().parents[2] / kind
    if checkout.is_dir():
        return checkout
    return Path(__file__).resolve().parent / "_data" / kind


def path_pattern(template: str, *, trailing_slash: bool = False, flags: int = 0) -> re.Pattern:
    """A path template (``/Customer/{id}``) as a regex matching the concrete paths it routes: a
    parameter is one path segment. Match concrete templates before templated ones, as routing does
    (``/Customer/All`` is not ``/Customer/{id}``): :func:`by_routing_order`."""
    pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
    return re.compile(f"^{pattern}{'/?' if trailing_slash else ''}$", flags)


def by_routing_order(templates: t.Iterable[t.Any], path_of: t.Callable[[t.Any], str] = lambda x: x) -> list:
    """Concrete paths first, then by how many parameters they take."""
    return sorted(templates, key=lambda item: path_of(item).count("{"))


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    path: str
    spec: dict
    declaration: OperationDeclaration | None  # None: the operation declares no x-sparring action

    @property
    def path_params(self) -> list[str]:
        return [p["name"] for p in self.spec.get("parameters", []) if p.get("in") == "path"]


@dataclass
class Partner:
    name: str
    spec_path: Path
    spec: dict  # fully resolved: no $ref left
    fixture_path: Path | None = None
    operations: dict[str, Operation] = field(default_factory=dict)
    declarations: PartnerDeclaration = None  # set by load_partner: the checked, typed x-sparring

    @property
    def title(self) -> str:
        return self.spec.get("info", {}).get("title", self.name)

    @property
    def prefix(self) -> str:
        return self.declarations.prefix

    @property
    def servable(self) -> bool:
        """False for a spec no operation of which declares an ``x-sparring`` action yet (spec only)."""
        return self.declarations.servable

    @cached_property
    def fixture_recipe(self) -> dict:
        if self.fixture_path is None or not self.fixture_path.exists():
            return {}
        with open(self.fixture_path, encoding="utf-8") as fh:
            return yaml.safe_load(fh) or {}

    def methods_by_path(self) -> dict[str, list[str]]:
        """Spec path template -> the upper-case methods it declares (for 405 Allow headers)."""
        out: dict[str, list[str]] = {}
        for op in self.operations.values():
            out.setdefault(op.path, []).append(op.method.upper())
        return out


def _operations(spec: dict, source: Path) -> dict[str, Operation]:
    operations: dict[str, Operation] = {}
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            if method not in item:
                continue
            op = dict(item[method])
            names = {(p["name"], p["in"]) for p in op.get("parameters", [])}
            op["parameters"] = [p for p in shared if (p["name"], p["in"]) not in names] + op.get("parameters", [])
            op_id = op.get("operationId")
            if not op_id:
                raise SpecError(f"{source}: {method.upper()} {path} has no operationId")
            if op_id in operations:
                raise SpecError(f"{source}: operationId {op_id} is used twice")
            operations[op_id] = Operation(op_id, method, path, op, None)
    return operations


def load_partner(spec_path: Path, fixtures_dir: Path | None = None) -> Partner:
    """Parse, validate and resolve one spec (:func:`resolve_specs`) and read its declarations."""
    (spec,) = resolve_specs([spec_path])
    return _partner(spec_path, spec, fixtures_dir)


def resolve_specs(spec_paths: t.Sequence[Path]) -> list[dict | SpecError]:
    """Each spec checked and with every ``$ref`` resolved, or the SpecError that names its fault.

    A spec is validated as written (``$ref``s kept) with openapi-spec-validator, prance's OAS 3
    backend (its meta-schema pass in Rust: :mod:`sparring.openapi_check`), and then resolved with
    prance's resolver: validating the resolved document instead, as ``prance.ResolvingParser``
    does, checks every inlined copy of a schema again (about six times slower on Yodify's 84
    operations). The result is cached by content hash (:mod:`sparring.speccache`): a start with
    an unchanged spec skips all of it. Specs the cache lacks are resolved on every core at once
    (:mod:`sparring.parallel_resolve`).
    """
    looked_up = [_looked_up(path) for path in spec_paths]
    missing = [(path, content) for path, (content, _, found) in zip(spec_paths, looked_up) if found is None]
    resolved = iter(parallel_resolve.resolve_all(_resolved, missing, SpecError))
    specs = []
    for _, key, found in looked_up:
        if found is None:
            found = next(resolved)
            if key and not isinstance(found, SpecError):
                speccache.store(key, found)
        specs.append(found)
    return specs


def _looked_up(path: Path) -> tuple[bytes, str | None, dict | SpecError | None]:
    """The spec's bytes, its cache key (None: not cacheable) and what the cache holds for it, if any."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        return b"", None, SpecError(f"{path}: {exc.strerror or exc}")
    key = speccache.key_for(path, content) if speccache.cacheable(content) else None
    return content, key, speccache.load(key) if key else None


def _partner(spec_path: Path, spec: dict | SpecError, fixtures_dir: Path | None = None) -> Partner:
    if isinstance(spec, SpecError):
        raise spec
    name = spec_path.stem
    fixtures_dir = fixtures_dir or data_dir("fixtures")
    partner = Partner(name, spec_path, spec, fixtures_dir / f"{name}.yaml")
    operations = _operations(spec, spec_path)
    try:
        partner.declarations = declarations.parse_partner(spec, name, str(spec_path))
    except declarations.DeclarationError as exc:
        raise SpecError(str(exc)) from exc
    partner.operations = {op_id: dataclasses.replace(op, declaration=partner.declarations.operations.get(op_id))
                          for op_id, op in operations.items()}
    return partner


def _resolved(spec_path: Path, content: bytes) -> dict:
    """The spec checked (declarations first, then OpenAPI) and with every ``$ref`` resolved."""
    from sparring.openapi_check import validate
    from prance.util.resolver import RefResolver, permissive_object_on_recursion
    from prance.util.url import absurl

    try:
        raw = yaml.load(content, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except Exception as exc:
        raise SpecError(f"{spec_path}: {str(exc).splitlines()[0]}") from exc
    try:
        declarations.check_document(raw, str(spec_path))  # first: a typo is named by its path in the file
    except declarations.DeclarationError as exc:
        raise SpecError(str(exc)) from exc
    try:
        validate(raw)
        resolver = RefResolver(raw, absurl(str(spec_path.resolve())),
                               recursion_limit_handler=permissive_object_on_recursion)
        resolver.resolve_references()
    except Exception as exc:  # yaml, the validator and prance raise unrelated types
        where = "/".join(map(str, getattr(exc, "absolute_path", []) or []))
        message = getattr(exc, "message", None) or (str(exc).splitlines() or [type(exc).__name__])[0]
        raise SpecError(f"{spec_path}: {message}" + (f" (at {where})" if where else "")) from exc
    return _string_keys(resolver.specs)


def _string_keys(value: t.Any) -> t.Any:
    """Every mapping key a string (YAML reads ``200:`` as an integer; JSON and connexion want text)."""
    if isinstance(value, dict):
        return {str(k): _string_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_string_keys(v) for v in value]
    return value


def spec_paths(spec_dir: Path | None = None) -> list[Path]:
    spec_dir = spec_dir or data_dir("spec")
    return sorted(p for p in spec_dir.glob("*.yaml") if p.is_file())


def load_partners(names: t.Iterable[str] | None = None, spec_dir: Path | None = None) -> list[Partner]:
    """Every partner in the spec folder, or the named ones (unknown names are an error)."""
    paths = {p.stem: p for p in spec_paths(spec_dir)}
    wanted = list(names) if names else list(paths)
    unknown = [n for n in wanted if n not in paths]
    if unknown:
        raise SpecError(f"unknown partner(s): {', '.join(unknown)}; known: {', '.join(paths) or 'none'}")
    chosen = [paths[n] for n in wanted]
    return [_partner(path, spec) for path, spec in zip(chosen, resolve_specs(chosen))]
