"""Every operation of a partner resolves to one dispatcher, which runs the declared action.

``x-sparring: {action: ...}`` on an operation names a registered action (``engine/registry.py``):
a generic one, the token endpoint, or a ``rule`` from the partner's rules module. Actions are built
when the app starts, so a request only finds its operation, checks the caller's permission and
bindings, runs the action and wraps the answer in the partner's envelope.
"""

from __future__ import annotations

import dataclasses
import json
import typing as t

import orjson

from sparring.engine.actions import PartnerEnv
from sparring.engine.context import Call, Caller, Result
from sparring.engine.envelopes import Envelope, envelope
from sparring.engine.errors import ApiError, ErrorStyle
from sparring.engine.namespaces import NamespacePolicy
from sparring.engine.registry import ACTIONS

if t.TYPE_CHECKING:
    from sparring.catalog import Operation
    from sparring.declarations import BindingDeclaration


def json_bytes(body: t.Any) -> bytes:
    try:
        return orjson.dumps(body)
    except TypeError:  # e.g. a lone surrogate a client sent as \udXXX: valid JSON, invalid UTF-8
        return json.dumps(body, ensure_ascii=True, separators=(",", ":")).encode()


def error_parts(error: ApiError, style: ErrorStyle, instance: str) -> tuple[int, str | None, bytes]:
    """(status, media type or None, body) of an error in the partner's style."""
    body = style.render(error, instance)
    if body is None:
        return style.status(error), None, b""
    return style.status(error), style.media_type, json_bytes(body)


class Handler:
    """One operation, ready to run: its action, permission, bindings and envelope."""

    def __init__(self, operation: "Operation", env: PartnerEnv, envelope_: Envelope,
                 bindings: t.Sequence["BindingDeclaration"]) -> None:
        self.operation = operation
        self.action = ACTIONS.get(operation.declaration.action)(operation, env)
        self.permissions = operation.declaration.permissions
        self.require = env.auth.require
        self.token_info = env.auth.token_info
        self.credential_body = operation.declaration.credential_body
        self.envelope = envelope_
        names = set(operation.path_params) | {p["name"] for p in operation.spec.get("parameters", [])}
        for media in (operation.spec.get("requestBody") or {}).get("content", {}).values():
            names |= set((media.get("schema") or {}).get("properties") or {})
        self.bindings = [b for b in bindings if b.param in names]

    def __call__(self, call: Call) -> Result:
        if self.credential_body:
            self._caller_from_body(call)
        caller = call.caller
        self.require(caller, self.permissions)
        if caller is not None:
            body = call.body if isinstance(call.body, dict) else {}
            for b in self.bindings:
                bound = caller.bindings.get(b.binding)
                if bound is None:
                    continue
                for sent in (call.params.get(b.param), body.get(b.param)):
                    if sent is not None and str(sent) != str(bound):
                        raise ApiError(b.status, "This credential may not act on that resource.")
        result = self.action(call)
        if result.body is not None and 200 <= result.status < 300:
            result.body = self.envelope.wrap(result.body)
        return result

    def _caller_from_body(self, call: Call) -> None:
        """``credential: {body: FIELD}``: the caller is whoever the token in that body field
        belongs to; a missing or unknown token is a 401, as a bad header or query token is."""
        token = call.body.get(self.credential_body) if isinstance(call.body, dict) else None
        info = self.token_info(token) if isinstance(token, str) and token else None
        if info is None:
            raise ApiError(401, f"The {self.credential_body} in the request body is missing or not valid.",
                           "unauthorized")
        if call.context is not None:
            call.context = dataclasses.replace(call.context, caller=info["caller"])


class Dispatcher:
    """The handlers of one partner keyed by operationId, and how it picks a namespace."""

    def __init__(self, env: PartnerEnv, style: ErrorStyle) -> None:
        self.env = env
        self.style = style
        declared = env.partner.declarations
        self.namespaces = NamespacePolicy(declared.namespace)
        self.handlers: dict[str, Handler] = {}
        for op in env.partner.operations.values():
            if op.declaration is None:
                raise ValueError(f"{env.partner.name}: operation {op.id} has no x-sparring action")
            own = op.declaration.envelope
            chosen = own if own is not None else (None if op.declaration.action == "list" else declared.envelope)
            self.handlers[op.id] = Handler(op, env, envelope(chosen), declared.bind)

    def namespace_for(self, params: t.Mapping[str, t.Any], headers: t.Mapping[str, str],
                      caller: Caller | None) -> tuple[str, tuple[str, t.Any] | None]:
        """The namespace's name and the scope it is seeded from (see ``engine/namespaces.py``)."""
        return self.namespaces.resolve(params, headers, caller)
