"""Every operation of every partner resolves to one dispatcher, which runs the declared action.

``x-sparring: {action: ...}`` on an operation names a generic action (see ``actions``), the
token endpoint, or a ``rule`` from the partner's module. The action objects and their parameter
parsers are built when the app starts, so a request only looks its endpoint up, checks the
caller's permission and runs it.
"""

from __future__ import annotations

import json
import logging
import typing as t

import orjson

from urllib.parse import parse_qs

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from sparring.engine.actions import ACTIONS, Action, Call, PartnerEnv, Result
from sparring.engine.errors import ApiError, ErrorStyle
from sparring.validation import PARSED_BODY, PARSED_PARAMS

log = logging.getLogger("sparring.dispatch")

def json_bytes(body: t.Any) -> bytes:
    try:
        return orjson.dumps(body)
    except TypeError:  # e.g. a lone surrogate a client sent as \udXXX: valid JSON, invalid UTF-8
        return json.dumps(body, ensure_ascii=True, separators=(",", ":")).encode()


def render(result: Result) -> Response:
    if result.body is None and result.status in (204, 304):
        return Response(status_code=result.status, headers=result.headers)
    return Response(json_bytes(result.body), result.status, result.headers, media_type="application/json")


def error_parts(error: ApiError, style: ErrorStyle, instance: str) -> tuple[int, str | None, bytes]:
    """(status, media type or None, body) of an error in the partner's style."""
    body = style.render(error, instance)
    if body is None:
        return style.status(error), None, b""
    return style.status(error), style.media_type, json_bytes(body)


def render_error(error: ApiError, style: ErrorStyle, instance: str) -> Response:
    status, media_type, body = error_parts(error, style, instance)
    return Response(body, status, error.headers, media_type=media_type)


class Dispatcher:
    """The actions of one partner keyed by operationId, each wrapped as an ASGI endpoint.

    connexion runs in front as middleware (routing, security, validation) and leaves in the scope
    which operation matched and who called; the endpoint parses the parameters with a URI parser
    built once per operation, runs the action and writes the response.
    """

    def __init__(self, env: PartnerEnv, style: ErrorStyle, extra_actions: dict[str, type] | None = None) -> None:
        self.env = env
        self.style = style
        registry = {**ACTIONS, **(extra_actions or {})}
        self.endpoints: dict[str, Endpoint] = {}
        for op in env.partner.operations.values():
            name = op.declaration.get("action")
            if name is None:
                raise ValueError(f"{env.partner.name}: operation {op.id} has no x-sparring action")
            if name not in registry:
                raise ValueError(f"{env.partner.name}: operation {op.id} names unknown action {name!r}")
            self.endpoints[op.id] = Endpoint(registry[name](op, env), env, style)

    def resolve(self, operation_id: str) -> t.Callable:
        """For connexion's resolver: every operation must resolve, or the app does not start."""
        return self.endpoints[operation_id]


class Endpoint:
    """One operation: parameters in, action, response out."""

    def __init__(self, action: Action, env: PartnerEnv, style: ErrorStyle) -> None:
        op = action.operation
        self.action = action
        self.style = style
        self.require = env.auth.require
        self.permission = op.declaration.get("permission")
        params = op.spec.get("parameters", [])
        self.defaults = {p["name"]: p["schema"]["default"] for p in params
                         if p.get("in") == "query" and "default" in p.get("schema", {})}
        self.headers = [p["name"] for p in params if p.get("in") == "header"]
        content = op.spec.get("requestBody", {}).get("content", {})
        self.form = any(m.startswith("application/x-www-form-urlencoded") for m in content)
        self.json = any("json" in m for m in content)
        self.multipart = any(m.startswith("multipart/form-data") for m in content)
        self.__name__ = op.id

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            call = Call(
                params=await self._params(request),
                body=await self._body(request),
                token_info=scope.get("extensions", {}).get("connexion_context", {}).get("token_info"),
                url=f"{scope.get('scheme', 'http')}://{request.headers.get('host', 'localhost')}{scope['path']}",
                headers=request.headers,
            )
            self.require(call.token_info, self.permission)
            response = render(self.action(call))
        except ApiError as error:
            response = render_error(error, self.style, scope["path"])
        except Exception:
            log.exception("%s failed", self.action.operation.id)
            response = render_error(ApiError(500, "The server failed to handle this request."), self.style, scope["path"])
        await response(scope, receive, send)

    async def _params(self, request: Request) -> dict[str, t.Any]:
        params = dict(self.defaults)
        query, path = request.scope["extensions"][PARSED_PARAMS]  # parsed by request validation
        params.update(query)
        params.update(path)
        for name in self.headers:
            if name in request.headers:
                params[name] = request.headers[name]
        return params

    async def _body(self, request: Request) -> t.Any:
        if self.json:
            extensions = request.scope.get("extensions", {})
            if PARSED_BODY in extensions:  # parsed (and validated) by request validation
                return extensions[PARSED_BODY]
            raw = await request.body()
            try:
                return json.loads(raw) if raw else None
            except ValueError:  # connexion validated it; only a body it skipped can land here
                raise ApiError(400, "The request body is not valid JSON.", "bad_request") from None
        if self.form:
            raw = (await request.body()).decode()
            return {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        if self.multipart:
            return await _multipart(request)
        return None


async def _multipart(request: Request) -> dict[str, t.Any]:
    """A multipart/form-data body: text parts as strings, file parts as
    ``{filename, content_type, content}`` (bytes); a repeated name keeps its last part."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return {}
    try:
        form = await request.form()
    except Exception:  # a malformed multipart body (bad boundary, truncated part)
        raise ApiError(400, "The multipart body could not be read.", "bad_request") from None
    body: dict[str, t.Any] = {}
    for name, value in form.multi_items():
        if isinstance(value, str):
            body[name] = value
        else:
            body[name] = {"filename": value.filename, "content_type": value.content_type,
                          "content": await value.read()}
    return body


class Engine:
    """The ASGI app connexion wraps: finds the endpoint of the operation connexion routed to."""

    def __init__(self) -> None:
        self.endpoints: dict[tuple[str, str], Endpoint] = {}

    def mount(self, base_path: str, dispatcher: Dispatcher) -> None:
        for op_id, endpoint in dispatcher.endpoints.items():
            self.endpoints[(base_path, op_id)] = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":  # nothing to start or stop: state is built with the app
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        routing = scope.get("extensions", {}).get("connexion_routing", {})
        endpoint = self.endpoints.get((routing.get("api_base_path"), routing.get("operation_id")))
        if endpoint is None:  # connexion answers unknown paths and methods before this point
            raise HTTPException(404)
        await endpoint(scope, receive, send)
