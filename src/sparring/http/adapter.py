"""The one place that assembles connexion: one API per partner under its prefix, in front of the engine.

connexion routes, checks credentials (``security.py``) and validates (``validation.py``); the
engine (``endpoint.py``) runs the operation. Every connexion internal this relies on is listed in
``tests/test_private_names.py``, which fails with a clear message when an upgrade removes one.
"""

from __future__ import annotations

import contextlib
import logging
import typing as t

from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionResponse
from connexion.middleware.main import ConnexionMiddleware
from connexion.middleware.response_validation import ResponseValidationMiddleware
from connexion.options import SwaggerUIOptions
from connexion.spec import Specification
from starlette.exceptions import HTTPException

from sparring.engine.dispatch import error_parts
from sparring.engine.errors import ApiError
from sparring.http import fastbuild
from sparring.http.docs import DOCS_ALLOW, DocsRoutes, swagger_ui_options
from sparring.http.endpoint import Engine
from sparring.http import paths
from sparring.http.errors import to_api_error
from sparring.http.failures import Failures
from sparring.http.routing import IndexedRouting
from sparring.http.security import Security, security_map
from sparring.http.validation import VALIDATORS, RequestValidation

if t.TYPE_CHECKING:
    from sparring.runtime import Runtime

# connexion logs every 4xx at WARNING; under fuzzing that is thousands of lines of noise.
logging.getLogger("connexion.middleware.exceptions").setLevel(logging.ERROR)

# connexion's default stack less response validation (off here), lifespan and context (the engine
# reads what it needs from the scope): each layer routes the request again.
MIDDLEWARES = [
    Failures,  # connexion's ServerErrorMiddleware and ExceptionMiddleware, in one layer
    DocsRoutes,
    IndexedRouting,  # connexion's, with the route looked up in an index
    Security,  # connexion's, with a direct path for a valid bearer token
    RequestValidation,
]


def build(runtime: "Runtime", *, validate_responses: bool = False, strict: bool = False) -> t.Any:
    """connexion as middleware around the engine, with every partner's API added and the
    middleware stack (routes, validators, security handlers) built now, not on the first request;
    in front of it, case-insensitive paths for the partners that declare them (``paths.py``).

    ``strict``: refuse query parameters and body fields the spec does not name (``leniency.py``);
    by default they are ignored and recorded as deviations."""
    engine = Engine()
    middlewares = list(MIDDLEWARES)
    if validate_responses:
        middlewares.append(ResponseValidationMiddleware)
    app = ConnexionMiddleware(engine, import_name=__name__, middlewares=middlewares,
                              swagger_ui_options=SwaggerUIOptions(swagger_ui=True))

    docs = tuple(f"{s.partner.prefix}/{name}" for s in runtime.served.values() for name in ("ui", "openapi."))

    def allow(path: str) -> str | None:
        return runtime.allow_header(path) or (DOCS_ALLOW if path.startswith(docs) else None)

    async def handle_error(request, exc: Exception):  # a coroutine: connexion runs plain functions on a thread
        path = request.url.path
        served = runtime.partner_for(path)
        bearer = served is None or served.partner.declarations.auth.kind != "api-key"
        error = to_api_error(exc, allow, path, bearer=bearer)
        status, media_type, body = error_parts(error, runtime.style_for(path), path)
        return ConnexionResponse(status_code=status, mimetype=media_type, content_type=media_type, body=body,
                                 headers=error.headers, is_streamed=False)

    # ProblemException too: connexion registers its own handler for it, which the MRO would prefer.
    for exc_class in (ProblemException, HTTPException, ApiError, Exception):
        app.add_error_handler(exc_class, handle_error)
    with _specs_already_validated(), fastbuild.resolved_specs():
        for served in runtime.served.values():
            prefix = served.partner.prefix
            engine.mount(prefix, served.dispatcher, runtime.store)
            app.add_api(
                served.partner.spec,
                base_path=prefix,
                resolver=engine.resolver(prefix),
                strict_validation=strict,
                validate_responses=validate_responses,
                validator_map=VALIDATORS,
                security_map=security_map(served.env.auth.token_info, served.env.auth.declaration.bound_keys),
                name=served.partner.name,
                swagger_ui_options=swagger_ui_options(served.partner.spec),
            )
        app.app, app.middleware_stack = app._build_middleware_stack()
        for layer in app.middleware_stack:
            if isinstance(layer, IndexedRouting):
                layer.link()
    return paths.wrap(app, [served.partner for served in runtime.served.values()])


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
