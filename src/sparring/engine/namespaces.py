"""Which namespace (copy of a partner's state) a request acts on.

Every request may name its own with the ``X-Sparring-Namespace`` header (parallel test jobs that
must not see each other's writes); without it, the partner's ``default`` namespace. A partner can
add a key of its own with ``x-sparring: {namespace: {by: path-param | header | caller, name: N}}``
(a tenant in the path, a tenant header, a binding of the caller's credentials): the namespace is
then ``<base>/<key>``. With ``seed-field: F`` it starts from the seeded records whose ``F`` is the
key (and those without ``F``), so each tenant sees only its own fixtures.
"""

from __future__ import annotations

import re
import typing as t

from sparring.declarations.model import NamespaceDeclaration
from sparring.engine.context import Caller
from sparring.engine.errors import ApiError

HEADER = "x-sparring-namespace"
DEFAULT = "default"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class NamespacePolicy:
    def __init__(self, declaration: NamespaceDeclaration = NamespaceDeclaration()) -> None:
        self.by = declaration.by
        self.name = declaration.name
        self.seed_field = declaration.seed_field

    def resolve(self, params: t.Mapping[str, t.Any], headers: t.Mapping[str, str],
                caller: Caller | None) -> tuple[str, tuple[str, t.Any] | None]:
        """The namespace's name and, with ``seed-field``, the scope (field, key) it is seeded from."""
        name, key = self._resolve(params, headers, caller)
        if self.seed_field is None or key is None:
            return name, None
        return name, (self.seed_field, key)

    def _resolve(self, params: t.Mapping[str, t.Any], headers: t.Mapping[str, str],
                 caller: Caller | None) -> tuple[str, t.Any]:
        base = headers.get(HEADER) or DEFAULT
        if base is not DEFAULT and not _NAME.match(base):
            raise ApiError.validation({"X-Sparring-Namespace": [
                "A namespace name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit."]})
        if self.by == "partner":
            return base, None
        if self.by == "path-param":
            key = params.get(self.name)
        elif self.by == "header":
            key = headers.get(self.name.lower())
        else:
            key = (caller.bindings if caller else {}).get(self.name)
        return (base, None) if key in (None, "") else (f"{base}/{key}", key)
