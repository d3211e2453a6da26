"""Composes the one ASGI app that serves every partner, each under its own prefix.

Outermost first: the ``/__sparring`` control API, the request size limit, then the HTTP adapter
(connexion: routing, security, validation; ``http/``) around the engine, which runs each
operation's declared action against the store (``engine/``).
"""

from __future__ import annotations

import typing as t

from starlette.types import ASGIApp, Receive, Scope, Send

from sparring import control
from sparring.catalog import Partner, SpecError, load_partners
from sparring.http import adapter
from sparring.http.endpoint import render_error
from sparring.http.limits import MAX_BODY_BYTES, declared_length, limited, too_large
from sparring.runtime import Runtime

__all__ = ["MAX_BODY_BYTES", "Sparring", "create_app"]


class Sparring:
    """The outermost ASGI app: control routes, the body size limit, then the partners."""

    def __init__(self, runtime: Runtime, inner: ASGIApp) -> None:
        self.runtime = runtime
        self.inner = inner
        self.control = control.routes(runtime)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            if path == "/" or path.startswith(control.PREFIX):
                return await self.control(scope, receive, send)
            length = declared_length(scope)
            if length is not None and length > MAX_BODY_BYTES:
                response = render_error(too_large(), self.runtime.style_for(path), path)
                return await response(scope, receive, send)
            receive = limited(receive)
        await self.inner(scope, receive, send)


def create_app(partners: t.Sequence[str] | t.Sequence[Partner] | None = None, *, seed: int = 0,
               validate_responses: bool = False, store: t.Any = None) -> Sparring:
    """The ASGI app serving the given partners (names or loaded), or every partner in ``spec/``."""
    loaded = [p for p in partners or [] if isinstance(p, Partner)]
    names = [p for p in partners or [] if isinstance(p, str)]
    if names or not loaded:
        found = load_partners(names or None)
        spec_only = [p.name for p in found if not p.servable]
        if names and spec_only:
            raise SpecError(f"{', '.join(spec_only)}: no operation declares an x-sparring action yet (spec only)")
        loaded += [p for p in found if p.servable]
    runtime = Runtime(loaded, seed, store)
    return Sparring(runtime, adapter.build(runtime, validate_responses=validate_responses))
