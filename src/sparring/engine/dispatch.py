"""Every operation of every partner resolves to one dispatcher, which runs the declared action.

``x-sparring: {action: ...}`` on an operation names a generic action (see ``actions``), the
token endpoint, or a ``rule`` from the partner's module. The action objects are built when the
app starts, so a request only looks its action up, checks the caller's permission and runs it.
"""

from __future__ import annotations

import json
import logging
import typing as t

from starlette.responses import Response

from sparring.engine.actions import ACTIONS, Action, Call, PartnerEnv, Result
from sparring.engine.errors import ApiError, ErrorStyle

log = logging.getLogger("sparring.dispatch")

# Keys connexion adds to a handler's keyword arguments that are not request parameters.
_NOT_PARAMS = {"body", "token_info", "user"}


def _json(body: t.Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def render(result: Result) -> Response:
    if result.body is None and result.status in (204, 304):
        return Response(status_code=result.status, headers=result.headers)
    return Response(_json(result.body), result.status, result.headers, media_type="application/json")


def render_error(error: ApiError, style: ErrorStyle, instance: str) -> Response:
    return Response(_json(style.body(error, instance)), style.status(error), error.headers, media_type=style.media_type)


class Dispatcher:
    """The handlers of one partner, keyed by operationId: what connexion's resolver returns."""

    def __init__(self, env: PartnerEnv, style: ErrorStyle, extra_actions: dict[str, type] | None = None) -> None:
        self.env = env
        self.style = style
        registry = {**ACTIONS, **(extra_actions or {})}
        self.handlers: dict[str, t.Callable] = {}
        for op in env.partner.operations.values():
            name = op.declaration.get("action")
            if name is None:
                raise ValueError(f"{env.partner.name}: operation {op.id} has no x-sparring action")
            if name not in registry:
                raise ValueError(f"{env.partner.name}: operation {op.id} names unknown action {name!r}")
            self.handlers[op.id] = self._handler(registry[name](op, env), op.declaration.get("permission"))

    def resolve(self, operation_id: str) -> t.Callable:
        return self.handlers[operation_id]

    def _handler(self, action: Action, permission: str | None) -> t.Callable:
        require = self.env.auth.require
        style = self.style

        async def handle(**kwargs: t.Any) -> Response:
            from connexion import request

            token_info = kwargs.get("token_info")
            call = Call(
                params={k: v for k, v in kwargs.items() if k not in _NOT_PARAMS},
                body=kwargs.get("body"),
                token_info=token_info,
                url=str(request.url.replace(query="")),
                headers=request.headers,
            )
            try:
                require(token_info, permission)
                return render(action(call))
            except ApiError as error:
                return render_error(error, style, request.url.path)
            except Exception:
                log.exception("%s failed", action.operation.id)
                return render_error(ApiError(500, "The server failed to handle this request."), style, request.url.path)

        handle.__name__ = action.operation.id
        return handle
