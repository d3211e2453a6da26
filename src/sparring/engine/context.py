"""What one request carries through the engine: partner, operation, caller and namespace.

The HTTP adapter builds it once per request from what routing, security and validation found;
actions and rules read it, and nothing in the engine looks at the web framework's request.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

if t.TYPE_CHECKING:
    from sparring.catalog import Operation
    from sparring.engine.store import Namespace


@dataclass(frozen=True)
class Caller:
    """Who is calling: the client the credential belongs to, what it may do, and what it is bound
    to (a tenant, a customer, an account), as the partner's auth declares for its demo clients."""

    client_id: str
    permissions: frozenset[str] = frozenset()
    scopes: tuple[str, ...] = ()
    bindings: t.Mapping[str, t.Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RequestContext:
    partner: str
    operation: "Operation"
    caller: Caller | None
    namespace: str


@dataclass
class Call:
    """One request, as an action sees it: parsed parameters and body, the context, and the state
    (the namespace's collections) it acts on."""

    params: dict[str, t.Any]
    body: t.Any = None
    context: RequestContext | None = None
    state: "Namespace | None" = None
    url: str = ""
    headers: t.Mapping[str, str] = field(default_factory=dict)

    @property
    def caller(self) -> Caller | None:
        return self.context.caller if self.context else None


@dataclass
class Result:
    """What an action answers: status, body (None for none) and headers."""

    status: int
    body: t.Any = None
    headers: dict[str, str] = field(default_factory=dict)
