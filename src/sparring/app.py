"""Composes the one ASGI app that serves every partner, each under its own prefix.

Outermost first: the request size limit, the ``/__sparring`` control API, then the HTTP adapter
(connexion: routing, security, validation; ``http/``) around the engine, which runs each
operation's declared action against the store (``engine/``).
"""

from __future__ import annotations

import typing as t

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from sparring import control
from sparring.catalog import Partner, SpecError, load_partners
from sparring.control.access import AdminAccess
from sparring.engine.errors import ApiError
from sparring.http import adapter
from sparring.http.endpoint import render_error
from sparring.http.leniency import DEVIATIONS
from sparring.http.limits import MAX_BODY_BYTES, declared_length, limited, too_large
from sparring.runtime import Runtime

__all__ = ["MAX_BODY_BYTES", "Sparring", "create_app"]


class Sparring:
    """The outermost ASGI app: the body limits (for control routes too), control routes, then
    the partners."""

    def __init__(self, runtime: Runtime, inner: ASGIApp, admin_token: str | None = None,
                 read_timeout: float | None = None) -> None:
        self.runtime = runtime
        self.inner = inner
        self.read_timeout = read_timeout
        self.control = control.routes(runtime, AdminAccess(admin_token))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            # made here, so every copy of the scope further in shares them: what lenient mode
            # accepted although the docs do not allow it (http/leniency.py), for the journal
            scope.setdefault("extensions", {}).setdefault(DEVIATIONS, [])
            path = scope["path"]
            is_control = path == "/" or path.startswith(control.PREFIX)
            length = declared_length(scope)
            if length is not None and length > MAX_BODY_BYTES:
                return await self._error(too_large(), is_control, scope, receive, send)
            receive = limited(receive, self.read_timeout)
            if is_control:
                try:
                    return await self.control(scope, receive, send)
                except ApiError as error:  # the body limits, raised while a control route reads
                    return await self._error(error, True, scope, receive, send)
        await self.inner(scope, receive, send)

    async def _error(self, error: ApiError, is_control: bool, scope: Scope, receive: Receive, send: Send) -> None:
        """An error in the partner's shape, or in the control API's (``{"error": message}``)."""
        path = scope["path"]
        if is_control:
            response = JSONResponse({"error": error.message}, error.status, error.headers)
        else:
            response = render_error(error, self.runtime.style_for(path), path)
        await response(scope, receive, send)


def create_app(partners: t.Sequence[str] | t.Sequence[Partner] | None = None, *, seed: int = 0,
               validate_responses: bool = False, store: t.Any = None, strict: bool = False,
               admin_token: str | None = None, read_timeout: float | None = None) -> Sparring:
    """The ASGI app serving the given partners (names or loaded), or every partner in ``spec/``.

    ``strict``: refuse input the specs do not document instead of ignoring it (``http/leniency.py``);
    ``admin_token``: what the control API requires (``control/access.py``; None: open);
    ``read_timeout``: seconds a client may pause while sending a body (``http/limits.py``)."""
    loaded = [p for p in partners or [] if isinstance(p, Partner)]
    names = [p for p in partners or [] if isinstance(p, str)]
    if names or not loaded:
        found = load_partners(names or None)
        spec_only = [p.name for p in found if not p.servable]
        if names and spec_only:
            raise SpecError(f"{', '.join(spec_only)}: no operation declares an x-sparring action yet (spec only)")
        loaded += [p for p in found if p.servable]
    runtime = Runtime(loaded, seed, store)
    return Sparring(runtime, adapter.build(runtime, validate_responses=validate_responses, strict=strict), admin_token, read_timeout)
