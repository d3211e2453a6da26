"""Deterministic YAML for specs: canonical key order, no anchors or aliases.

The generated spec is committed and compared byte for byte in CI, so its text must depend
only on its content: mappings the builder and the overlay fill in different orders are put
into the usual OpenAPI reading order here, and repeated sub-trees (the same dict object used
twice) are written out in full instead of as ``&id001`` anchors.
"""

from __future__ import annotations

from typing import Any

import yaml

from .openapi import METHOD_ORDER

TOP = ("openapi", "info", "servers", "security", "tags", "paths", "components")
INFO = ("title", "description", "termsOfService", "contact", "license", "version")
OPERATION = (
    "tags", "summary", "description", "externalDocs", "operationId", "parameters", "requestBody",
    "responses", "callbacks", "deprecated", "security", "servers",
)
COMPONENTS = (
    "schemas", "responses", "parameters", "examples", "requestBodies", "headers", "securitySchemes", "links", "callbacks",
)


def _ordered(d: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    head = {k: d[k] for k in order if k in d}
    rest = {k: v for k, v in d.items() if k not in head}
    return {**head, **rest}


def _status_key(code: str) -> tuple[int, str]:
    return (1, code) if str(code) == "default" else (0, str(code))


def normalize(spec: dict[str, Any]) -> dict[str, Any]:
    """Canonical key order (a new dict tree; values are shared, not copied)."""
    out = _ordered(spec, TOP)
    if isinstance(out.get("info"), dict):
        out["info"] = _ordered(out["info"], INFO)
    paths = {}
    for p, item in (out.get("paths") or {}).items():
        item = {k: v for k, v in item.items() if k not in METHOD_ORDER} | {m: item[m] for m in METHOD_ORDER if m in item}
        for m in METHOD_ORDER:
            if m in item and isinstance(item[m], dict):
                op = _ordered(item[m], OPERATION)
                if isinstance(op.get("responses"), dict):
                    op["responses"] = {k: op["responses"][k] for k in sorted(op["responses"], key=_status_key)}
                item[m] = op
        paths[p] = item
    if "paths" in out:
        out["paths"] = paths
    comps = out.get("components")
    if isinstance(comps, dict):
        comps = _ordered(comps, COMPONENTS)
        for k in COMPONENTS:
            if isinstance(comps.get(k), dict):
                comps[k] = {name: comps[k][name] for name in sorted(comps[k])}
        out["components"] = comps
    return out


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(spec: dict[str, Any]) -> str:
    """Deterministic YAML text of a spec (canonical order, no aliases, unicode kept)."""
    return yaml.dump(
        normalize(spec), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )
