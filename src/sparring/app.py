"""Composes the one ASGI app that serves every partner, each under its own prefix.

Outermost first: the ``/__sparring`` control API (``control/``); for partner paths the journal and
the fault injection (``control/journal.py``, ``control/faults.py``), the request size limit, then
the HTTP adapter (connexion: routing, security, validation; ``http/``) around the engine, which
runs each operation's declared action against the store (``engine/``).
"""

from __future__ import annotations

import typing as t

from starlette.types import ASGIApp, Receive, Scope, Send

from sparring.catalog import Partner, SpecError, load_partners
from sparring.control import PREFIX, Control
from sparring.control.state import StateFile
from sparring.engine.store.memory import MemoryStore
from sparring.http import adapter
from sparring.http.endpoint import render_error
from sparring.http.limits import MAX_BODY_BYTES, declared_length, limited, too_large
from sparring.runtime import Runtime

__all__ = ["MAX_BODY_BYTES", "Sparring", "create_app"]


class Partners:
    """The partner APIs behind the body size limit."""

    def __init__(self, runtime: Runtime, inner: ASGIApp) -> None:
        self.runtime = runtime
        self.inner = inner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            length = declared_length(scope)
            if length is not None and length > MAX_BODY_BYTES:
                response = render_error(too_large(), self.runtime.style_for(path), path)
                return await response(scope, receive, send)
            receive = limited(receive)
        await self.inner(scope, receive, send)


class Sparring:
    """The outermost ASGI app: control routes, else journal and faults in front of the partners."""

    def __init__(self, runtime: Runtime, inner: ASGIApp, *, journal_capacity: int | None = None,
                 state_file: StateFile | None = None) -> None:
        self.runtime = runtime
        self.inner = inner
        options = {"journal_capacity": journal_capacity} if journal_capacity else {}
        self.control = Control(runtime, state_file=state_file, **options)
        self.pipeline = self.control.wrap(Partners(runtime, inner))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (scope["path"] == "/" or scope["path"].startswith(PREFIX)):
            return await self.control.router(scope, receive, send)
        await self.pipeline(scope, receive, send)

    def swap(self, other: "Sparring") -> None:
        """Serve another build's partners (a reload) keeping this app's journal, faults and coverage."""
        self.runtime, self.inner = other.runtime, other.inner
        self.control.rebind(other.runtime, Partners(other.runtime, other.inner))


def create_app(partners: t.Sequence[str] | t.Sequence[Partner] | None = None, *, seed: int = 0,
               validate_responses: bool = False, store: t.Any = None, max_namespaces: int | None = None,
               max_records: int | None = None, journal_capacity: int | None = None,
               state_file: StateFile | None = None) -> Sparring:
    """The ASGI app serving the given partners (names or loaded), or every partner in ``spec/``.

    ``max_namespaces`` and ``max_records`` cap the memory store; ``state_file`` is where
    ``POST /__sparring/state/save`` writes (loading it is the caller's: ``state_file.load(app.runtime)``).
    """
    loaded = [p for p in partners or [] if isinstance(p, Partner)]
    names = [p for p in partners or [] if isinstance(p, str)]
    if names or not loaded:
        found = load_partners(names or None)
        spec_only = [p.name for p in found if not p.servable]
        if names and spec_only:
            raise SpecError(f"{', '.join(spec_only)}: no operation declares an x-sparring action yet (spec only)")
        loaded += [p for p in found if p.servable]
    if store is None:
        store = MemoryStore(max_namespaces=max_namespaces, max_records=max_records)
    runtime = Runtime(loaded, seed, store)
    return Sparring(runtime, adapter.build(runtime, validate_responses=validate_responses),
                    journal_capacity=journal_capacity, state_file=state_file)
