"""Builds the one ASGI app that serves every partner, each under its own prefix.

Per partner: one connexion API (routing, parameter parsing, validation, security) whose every
operation resolves to the engine's dispatcher, a store namespace seeded from the fixture recipe,
and the partner's auth. Around them: errors rewritten into the partner's own shape, a request
size limit, and the ``/__sparring`` admin routes.
"""

from __future__ import annotations

import contextlib
import logging
import re
import typing as t

from connexion.exceptions import ExtraParameterProblem, ProblemException
from connexion.lifecycle import ConnexionResponse
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.main import ConnexionMiddleware
from connexion.middleware.response_validation import ResponseValidationMiddleware
from connexion.middleware.routing import RoutingMiddleware
from connexion.middleware.security import SecurityMiddleware
from connexion.middleware.server_error import ServerErrorMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.options import SwaggerUIOptions
from connexion.spec import Specification
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from sparring import admin
from sparring.auth import IssueToken
from sparring.catalog import Partner, SpecError, load_partners
from sparring.engine.dispatch import Dispatcher, Engine, error_parts, render_error
from sparring.engine.errors import ApiError
from sparring.runtime import Runtime, Served
from sparring.validation import VALIDATORS, FieldErrors, MalformedBody, RequestValidation

MAX_BODY_BYTES = 1024 * 1024

# connexion logs every 4xx at WARNING; under fuzzing that is thousands of lines of noise.
logging.getLogger("connexion.middleware.exceptions").setLevel(logging.ERROR)


def to_api_error(exc: Exception, served: Served | None, path: str) -> ApiError:
    """connexion's and starlette's exceptions, as the engine's one error type."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, FieldErrors):
        return ApiError.validation(exc.details)
    if isinstance(exc, ExtraParameterProblem):
        # connexion's own form-data validator raises it without the names as an attribute
        names = getattr(exc, "extra_params", None) or \
            re.sub(r"^.*parameter\(s\) (.*) not in spec$", r"\1", str(exc.detail)).split(",")
        return ApiError.validation({name: ["This parameter is not known."] for name in names})
    if isinstance(exc, MalformedBody):
        return ApiError(400, exc.detail, "bad_request")
    if isinstance(exc, HTTPException):
        status = exc.status_code
        messages = {
            401: "Authentication is required: send a valid bearer token.",
            403: "You are not allowed to do this.",
            404: "No such resource.",
            405: "This method is not allowed here.",
            415: "This content type is not accepted here.",
        }
        detail = str(getattr(exc, "detail", "") or "")
        if status == 401 and "not valid" in detail:
            message = "The bearer token is not valid or has expired."
        elif status == 400 and "RequestBody is required" in detail:
            message = "A request body is required."
        else:
            message = messages.get(status) or detail or "The request was not accepted."
        error = ApiError(status, message)
        if status == 405 and served is not None:
            for pattern, allow in served.allow:
                if pattern.match(path):
                    error.headers["Allow"] = allow
                    break
        elif status == 401:
            error.headers["WWW-Authenticate"] = "Bearer"
        return error
    logging.getLogger("sparring").exception("unhandled error on %s", path, exc_info=exc)
    return ApiError(500, "The server failed to handle this request.")


class Sparring:
    """The outermost ASGI app: admin routes, the body size limit, then connexion."""

    def __init__(self, runtime: Runtime, inner: ASGIApp) -> None:
        self.runtime = runtime
        self.inner = inner
        self.admin = admin.routes(runtime)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            if path == "/" or path.startswith(admin.PREFIX):
                return await self.admin(scope, receive, send)
            length = _content_length(scope)
            if length is not None and length > MAX_BODY_BYTES:
                return await self._too_large(scope, receive, send)
            receive = _limited(receive)
        await self.inner(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = ApiError(413, f"The request body is larger than {MAX_BODY_BYTES} bytes.")
        await render_error(error, self.runtime.style_for(scope["path"]), scope["path"])(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _limited(receive: Receive) -> Receive:
    """Stop a body sent without Content-Length (chunked) once it passes the limit."""
    seen = 0

    async def limited() -> t.MutableMapping[str, t.Any]:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > MAX_BODY_BYTES:
            raise ApiError(413, f"The request body is larger than {MAX_BODY_BYTES} bytes.")
        return message

    return limited


class DocsRoutes(SwaggerUIMiddleware):
    """connexion's Swagger UI and spec routes, consulted only for paths that can be docs.

    The stock middleware runs its router on every request before passing it on; here a prefix
    check sends API calls straight through.
    """

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app)
        self.doc_prefixes: tuple[str, ...] = ()

    def add_api(self, specification, base_path: str | None = None, **kwargs) -> None:
        super().add_api(specification, base_path=base_path, **kwargs)
        base = (base_path or "").rstrip("/")
        self.doc_prefixes += (f"{base}/ui", f"{base}/openapi.json", f"{base}/openapi.yaml")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(self.doc_prefixes):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


# connexion's default stack less response validation (off here), lifespan and context (the engine
# reads what it needs from the scope): each layer routes the request again.
MIDDLEWARES = [
    ServerErrorMiddleware,
    ExceptionMiddleware,
    DocsRoutes,
    RoutingMiddleware,
    SecurityMiddleware,
    RequestValidation,
]


def create_app(partners: t.Sequence[str] | t.Sequence[Partner] | None = None, *, seed: int = 0,
               validate_responses: bool = False) -> Sparring:
    """The ASGI app serving the given partners (names or loaded), or every partner in ``spec/``.

    connexion runs as middleware around the engine: it routes, checks credentials and validates,
    then the engine runs the operation's action.
    """
    loaded = [p for p in partners or [] if isinstance(p, Partner)]
    names = [p for p in partners or [] if isinstance(p, str)]
    if names or not loaded:
        found = load_partners(names or None)
        spec_only = [p.name for p in found if not p.servable]
        if names and spec_only:
            raise SpecError(f"{', '.join(spec_only)}: no operation declares an x-sparring action yet (spec only)")
        loaded += [p for p in found if p.servable]
    runtime = Runtime(loaded, seed)
    engine = Engine()
    middlewares = list(MIDDLEWARES)
    if validate_responses:
        middlewares.append(ResponseValidationMiddleware)
    app = ConnexionMiddleware(engine, import_name=__name__, middlewares=middlewares,
                              swagger_ui_options=SwaggerUIOptions(swagger_ui=True))

    def handle_error(request, exc: Exception):
        path = request.url.path
        served = runtime.partner_for(path)
        error = to_api_error(exc, served, path)
        status, media_type, body = error_parts(error, runtime.style_for(path), path)
        return ConnexionResponse(status_code=status, mimetype=media_type, content_type=media_type, body=body,
                                 headers=error.headers, is_streamed=False)

    # ProblemException too: connexion registers its own handler for it, which the MRO would prefer.
    for exc_class in (ProblemException, HTTPException, ApiError, Exception):
        app.add_error_handler(exc_class, handle_error)
    with _specs_already_validated():
        for served in runtime.served.values():
            dispatcher = Dispatcher(served.env, served.style, {"issue-token": IssueToken})
            engine.mount(served.partner.prefix, dispatcher)
            app.add_api(
                served.partner.spec,
                base_path=served.partner.prefix,
                resolver=dispatcher.resolve,
                strict_validation=True,
                validate_responses=validate_responses,
                validator_map=VALIDATORS,
                security_map=served.env.auth.security_map(),
                name=served.partner.name,
            )
        # Build the middleware stack (routes, validators, security handlers) now, not on the first request.
        app.app, app.middleware_stack = app._build_middleware_stack()
    return Sparring(runtime, app)


@contextlib.contextmanager
def _specs_already_validated() -> t.Iterator[None]:
    """connexion validates a spec again each time it copies it for a middleware layer; the catalog
    has validated every spec once already, and the resolved Yodify spec takes seconds a copy."""
    original = Specification.__dict__["_validate_spec"]
    Specification._validate_spec = classmethod(lambda cls, spec: None)
    try:
        yield
    finally:
        Specification._validate_spec = original
