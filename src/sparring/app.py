"""Composes the one ASGI app that serves every partner, each under its own prefix.

Outermost first: the ``/__sparring`` control API, the request size limit, then the HTTP adapter
(connexion: routing, security, validation; ``http/``) around the engine, which runs each
operation's declared action against the store (``engine/``).
"""

from __future__ import annotations

import typing as t

from sparring import lazyimports

lazyimports.defer()  # before connexion: see lazyimports.py

from starlette.types import ASGIApp, Receive, Scope, Send  # noqa: E402

from sparring import control  # noqa: E402
from sparring.catalog import Partner, SpecError, load_partners  # noqa: E402
from sparring.engine.store.select import default_store, store_from_url  # noqa: E402
from sparring.http import adapter  # noqa: E402
from sparring.http.endpoint import render_error  # noqa: E402
from sparring.http.limits import MAX_BODY_BYTES, declared_length, limited, too_large  # noqa: E402
from sparring.runtime import Runtime  # noqa: E402

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
    """The ASGI app serving the given partners (names or loaded), or every partner in ``spec/``.
    ``store``: a store, a URL (``memory``, ``redis://...``), or None for what ``SPARRING_STORE`` says."""
    loaded = [p for p in partners or [] if isinstance(p, Partner)]
    names = [p for p in partners or [] if isinstance(p, str)]
    if names or not loaded:
        found = load_partners(names or None)
        spec_only = [p.name for p in found if not p.servable]
        if names and spec_only:
            raise SpecError(f"{', '.join(spec_only)}: no operation declares an x-sparring action yet (spec only)")
        loaded += [p for p in found if p.servable]
    if store is None or isinstance(store, str):  # a URL, or SPARRING_STORE, or memory
        store = store_from_url(store, isolated=True) if store else default_store()
    runtime = Runtime(loaded, seed, store)
    return Sparring(runtime, adapter.build(runtime, validate_responses=validate_responses))
