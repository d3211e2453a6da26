"""Case-insensitive paths for partners whose servers route that way
(``x-sparring: {routing: {case-insensitive: true}}``).

ASP.NET routing, for one, ignores case: ``/api/v1/accounts`` and ``/api/v1/Accounts`` are one
operation there. For a partner that declares it, a request path is rewritten to the spelling its
spec uses before connexion routes it, so routing, validation, 405s and their ``Allow`` header,
docs and the engine all see the one canonical path. Only the literal segments are respelled;
parameter values stay as sent. Where two templates differ only in case (Yodify's ``/Orders/{id}``
and ``/orders/{orderId}/shipments``) each request still finds its own: a path is matched against
whole templates, literal segments before parameters, as routing does.

Nothing is installed when no partner declares it, and a request under another partner's prefix
costs one prefix comparison.
"""

from __future__ import annotations

import typing as t
from urllib.parse import quote

from starlette.types import ASGIApp, Receive, Scope, Send


class _Node:
    __slots__ = ("literals", "param", "template")

    def __init__(self) -> None:
        self.literals: dict[str, _Node] = {}  # lower-cased literal segment -> node
        self.param: _Node | None = None  # a {parameter} segment
        self.template: tuple[str | None, ...] | None = None  # canonical segments (None: a parameter)


class PathTable:
    """One partner's path templates, looked up without regard to case."""

    def __init__(self, prefix: str, templates: t.Iterable[str]) -> None:
        self.prefix = prefix.rstrip("/")
        self.folded_prefix = self.prefix.lower()
        self.root = _Node()
        for template in templates:
            segments = tuple(None if s.startswith("{") and s.endswith("}") else s for s in template.strip("/").split("/"))
            node = self.root
            for segment in segments:
                if segment is None:
                    node.param = node.param or _Node()
                    node = node.param
                else:
                    node = node.literals.setdefault(segment.lower(), _Node())
            node.template = segments

    def owns(self, path: str) -> bool:
        n = len(self.prefix)
        return path[:n].lower() == self.folded_prefix and (len(path) == n or path[n] == "/")

    def canonical(self, path: str) -> str:
        """The path as the spec spells it: the prefix always, the rest when a template matches."""
        rest = path[len(self.prefix):]
        segments = rest.strip("/").split("/") if rest.strip("/") else []
        template = _find(self.root, [s.lower() for s in segments], 0) if segments else None
        if template is None:
            return self.prefix + rest
        spelled = [s if canonical is None else canonical for s, canonical in zip(segments, template)]
        return self.prefix + "/" + "/".join(spelled) + ("/" if rest.endswith("/") else "")


def _find(node: _Node, folded: list[str], i: int) -> tuple[str | None, ...] | None:
    """The template matching ``folded[i:]`` below ``node``: a literal segment before a parameter."""
    if i == len(folded):
        return node.template
    child = node.literals.get(folded[i])
    if child is not None:
        found = _find(child, folded, i + 1)
        if found is not None:
            return found
    if node.param is not None and folded[i]:
        return _find(node.param, folded, i + 1)
    return None


class CaseInsensitivePaths:
    """ASGI middleware: respells the path of requests to the declaring partners."""

    def __init__(self, app: ASGIApp, tables: list[PathTable]) -> None:
        self.app = app
        self.tables = tables

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            for table in self.tables:
                if table.owns(path):
                    canonical = table.canonical(path)
                    if canonical != path:
                        scope = {**scope, "path": canonical, "raw_path": _raw(scope.get("raw_path"), path, canonical)}
                    break
        await self.app(scope, receive, send)


def _raw(raw: bytes | None, path: str, canonical: str) -> bytes:
    """``raw_path`` respelled like ``path``: literal segments replaced, encoded values kept."""
    old, new = path.split("/"), canonical.split("/")
    parts = raw.split(b"/") if raw else []
    if len(parts) != len(old) or len(old) != len(new):
        return quote(canonical).encode()
    return b"/".join(part if a == b else quote(b).encode() for part, a, b in zip(parts, old, new))


def case_insensitive(partners: t.Iterable[t.Any]) -> list[PathTable]:
    """The path tables of the partners that declare ``routing: {case-insensitive: true}``."""
    tables = []
    for partner in partners:
        if partner.declarations.case_insensitive_paths:
            tables.append(PathTable(partner.prefix, partner.methods_by_path()))
    return tables


def wrap(app: ASGIApp, partners: t.Iterable[t.Any]) -> ASGIApp:
    """``app`` behind case-insensitive paths for the partners that declare them (unchanged if none)."""
    tables = case_insensitive(partners)
    return CaseInsensitivePaths(app, tables) if tables else app
