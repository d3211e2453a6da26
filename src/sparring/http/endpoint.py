"""The ASGI end of the stack: turns what connexion routed and validated into a :class:`Call`,
runs the engine's handler and writes its :class:`Result` (or error) as the response.

connexion runs in front as middleware and leaves in the scope which operation matched, who called
(``token_info``) and the parameters and JSON body it parsed; nothing is parsed twice.
"""

from __future__ import annotations

import json
import logging
import typing as t
from urllib.parse import parse_qs

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from sparring.engine.context import Call, RequestContext, Result
from sparring.engine.dispatch import Dispatcher, Handler, error_parts, json_bytes
from sparring.engine.errors import ApiError, ErrorStyle
from sparring.http.headers import RequestHeaders
from sparring.http.security import BOUND_KEY
from sparring.http.validation import PARSED_BODY, PARSED_PARAMS

log = logging.getLogger("sparring.http")

JSON, FORM, MULTIPART = "json", "form", "multipart"


def raw_headers(headers: t.Mapping[str, str], status: int, body: bytes, media_type: str | None) -> list:
    """The response's header list as starlette's ``Response`` makes it (the given headers, then
    Content-Length and Content-Type unless given), built without a ``Response`` object."""
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()] if headers else []
    keys = [k for k, _ in raw] if raw else ()
    if b"content-length" not in keys and not (status < 200 or status in (204, 304)):
        raw.append((b"content-length", b"%d" % len(body)))
    if media_type is not None and b"content-type" not in keys:
        raw.append((b"content-type", media_type.encode("latin-1")))
    return raw


async def send_response(send: Send, status: int, headers: t.Mapping[str, str], body: bytes,
                        media_type: str | None) -> None:
    """The two ASGI messages of a complete response."""
    await send({"type": "http.response.start", "status": status,
                "headers": raw_headers(headers, status, body, media_type)})
    await send({"type": "http.response.body", "body": body})


def render(result: Result) -> tuple[int, t.Mapping[str, str], bytes, str | None]:
    if result.body is None and result.status in (204, 304):
        return result.status, result.headers, b"", None
    return result.status, result.headers, json_bytes(result.body), "application/json"


def error_response(error: ApiError, style: ErrorStyle, instance: str) -> tuple[int, t.Mapping[str, str], bytes, str | None]:
    if error.status == 401 and "WWW-Authenticate" not in error.headers:  # RFC 9110 15.5.2: a 401 names a scheme
        error.headers["WWW-Authenticate"] = "Bearer"
    status, media_type, body = error_parts(error, style, instance)
    return status, error.headers, body, media_type


def render_error(error: ApiError, style: ErrorStyle, instance: str) -> Response:
    status, headers, body, media_type = error_response(error, style, instance)
    return Response(body, status, headers, media_type=media_type)


def body_kind(media_type: str) -> str | None:
    media_type = media_type.split(";", 1)[0].strip().lower()
    if media_type == "application/x-www-form-urlencoded":
        return FORM
    if media_type.startswith("multipart/form-data"):
        return MULTIPART
    if media_type == "application/json" or media_type.endswith("+json") or "json" in media_type:
        return JSON
    return None


class Endpoint:
    """One operation: parameters, body and context in, handler, response out."""

    def __init__(self, handler: Handler, dispatcher: Dispatcher, store: t.Any) -> None:
        op = handler.operation
        self.handler = handler
        self.dispatcher = dispatcher
        self.store = store
        self.partner = dispatcher.env.partner.name
        self.style = dispatcher.style
        params = op.spec.get("parameters", [])
        self.defaults = {p["name"]: p["schema"]["default"] for p in params
                         if p.get("in") == "query" and "default" in p.get("schema", {})}
        self.headers = [p["name"] for p in params if p.get("in") == "header"]
        content = op.spec.get("requestBody", {}).get("content", {})
        # the body kinds this operation accepts, in the order its spec declares them
        self.kinds = list(dict.fromkeys(k for k in map(body_kind, content) if k))
        self.bound_keys = bool(dispatcher.env.auth.declaration.bound_keys)
        self.__name__ = op.id

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = RequestHeaders(scope["headers"])
        try:
            params = self._params(scope, headers)
            token_info = scope["extensions"].get("connexion_context", {}).get("token_info")
            caller = _caller(token_info)
            if self.bound_keys:  # only partners that declare auth.bound-keys pay for the check
                self.dispatcher.env.auth.check_bound_keys(caller, _bound_keys(token_info))
            namespace, seed_scope = self.dispatcher.namespace_for(params, headers, caller)
            call = Call(
                params=params,
                body=await self._body(scope, receive, headers) if self.kinds else None,
                context=RequestContext(self.partner, self.handler.operation, caller, namespace),
                state=self.store.namespace(self.partner, namespace, seed_scope),
                url=f"{scope.get('scheme', 'http')}://{headers.get('host', 'localhost')}{scope['path']}",
                headers=headers,
            )
            response = render(self.handler(call))
            if call.state.pending:  # a namespace opened on first use (Redis) that no action used: it exists, as in memory
                call.state.open()
        except ApiError as error:
            response = error_response(error, self.style, scope["path"])
        except Exception:
            log.exception("%s failed", self.handler.operation.id)
            response = error_response(ApiError(500, "The server failed to handle this request."), self.style,
                                      scope["path"])
        await send_response(send, *response)

    def _params(self, scope: Scope, headers: t.Mapping[str, str]) -> dict[str, t.Any]:
        params = dict(self.defaults)
        query, path = scope["extensions"][PARSED_PARAMS]  # parsed by request validation
        if query:
            params.update(query)
        params.update(path)
        for name in self.headers:
            if name in headers:
                params[name] = headers[name]
        return params

    async def _body(self, scope: Scope, receive: Receive, headers: t.Mapping[str, str]) -> t.Any:
        """The body parsed by the request's own Content-Type, among the kinds the operation takes
        (called only for an operation that takes a body)."""
        kind = body_kind(headers.get("content-type", ""))
        if kind not in self.kinds:
            kind = self.kinds[0]
        if kind == JSON and PARSED_BODY in scope["extensions"]:  # parsed (and validated) by request validation
            return scope["extensions"][PARSED_BODY]
        request = Request(scope, receive)
        if kind == JSON:
            raw = await request.body()
            try:
                return json.loads(raw) if raw else None
            except ValueError:  # connexion validated it; only a body it skipped can land here
                raise ApiError(400, "The request body is not valid JSON.", "bad_request") from None
        if kind == FORM:
            try:
                raw = (await request.body()).decode("utf-8")
            except UnicodeDecodeError:
                raise ApiError(400, "The form body is not valid UTF-8.", "bad_request") from None
            return {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        return await _multipart(request)


def _caller(token_info: t.Any) -> t.Any:
    """The caller a credential check found: ``token_info["caller"]``, or, where one security
    requirement names several schemes (a token and an account key), the first scheme's that has one."""
    if not isinstance(token_info, dict):
        return None
    if "caller" in token_info:
        return token_info["caller"]
    for info in token_info.values():
        if isinstance(info, dict) and "caller" in info:
            return info["caller"]
    return None


def _bound_keys(token_info: t.Any) -> dict[str, t.Any]:
    """The bound keys (``auth.bound-keys``) the request presented, by parameter name."""
    infos = [token_info] if isinstance(token_info, dict) and BOUND_KEY in token_info else \
        [i for i in (token_info.values() if isinstance(token_info, dict) else ()) if isinstance(i, dict)]
    return dict(i[BOUND_KEY] for i in infos if BOUND_KEY in i)


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

    def mount(self, base_path: str, dispatcher: Dispatcher, store: t.Any) -> None:
        for op_id, handler in dispatcher.handlers.items():
            self.endpoints[(base_path, op_id)] = Endpoint(handler, dispatcher, store)

    def resolver(self, base_path: str) -> t.Callable[[str], Endpoint]:
        """For connexion's resolver: every operation must resolve, or the app does not start."""
        return lambda operation_id: self.endpoints[(base_path, operation_id)]

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
