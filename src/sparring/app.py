"""Composes the one ASGI app that serves every partner, each under its own prefix.

Outermost first: the ``/__sparring`` control API (``control/``: who may call it, ``access.py``;
its bodies under the same limits as partners'); for partner paths the journal and the fault
injection (``control/journal.py``, ``control/faults.py``), the request size limit, then the HTTP
adapter (connexion: routing, security, validation; ``http/``) around the engine, which runs each
operation's declared action against the store (``engine/``).
"""

from __future__ import annotations

import os
import typing as t

from sparring import lazyimports

lazyimports.defer()  # before connexion: see lazyimports.py

from starlette.requests import Request  # noqa: E402
from starlette.types import ASGIApp, Receive, Scope, Send  # noqa: E402

from sparring.catalog import Partner, SpecError, load_partners  # noqa: E402
from sparring.control import PREFIX, Control  # noqa: E402
from sparring.control.access import AdminAccess  # noqa: E402
from sparring.control.common import problem  # noqa: E402
from sparring.control.state import StateFile  # noqa: E402
from sparring.engine.errors import ApiError  # noqa: E402
from sparring.engine.store.memory import MemoryStore  # noqa: E402
from sparring.engine.store.select import ENVIRONMENT, store_from_url  # noqa: E402
from sparring.http import adapter, heap  # noqa: E402
from sparring.http.endpoint import render_error  # noqa: E402
from sparring.http.leniency import DEVIATIONS  # noqa: E402
from sparring.http.limits import MAX_BODY_BYTES, declared_length, limited, too_large  # noqa: E402
from sparring.runtime import Runtime  # noqa: E402

__all__ = ["MAX_BODY_BYTES", "MAX_STATE_BYTES", "Sparring", "create_app"]

# A state import (POST /__sparring/state) carries a whole partner's data; every other body, partner
# or control, is held to MAX_BODY_BYTES.
MAX_STATE_BYTES = 16 * 1024 * 1024


class Partners:
    """The partner APIs behind the body size limit and read timeout, errors in the partner's shape."""

    def __init__(self, runtime: Runtime, inner: ASGIApp, read_timeout: float | None = None) -> None:
        self.runtime = runtime
        self.inner = inner
        self.read_timeout = read_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            length = declared_length(scope)
            if length is not None and length > MAX_BODY_BYTES:
                return await render_error(too_large(), self.runtime.style_for(path), path)(scope, receive, send)
            receive = limited(receive, self.read_timeout)
        await self.inner(scope, receive, send)


class Sparring:
    """The outermost ASGI app: control routes, else journal and faults in front of the partners."""

    def __init__(self, runtime: Runtime, inner: ASGIApp, *, admin_token: str | None = None,
                 read_timeout: float | None = None, journal_capacity: int | None = None,
                 state_file: StateFile | None = None) -> None:
        self.runtime = runtime
        self.inner = inner
        self.read_timeout = read_timeout
        self.access = AdminAccess(admin_token)
        options = {"journal_capacity": journal_capacity} if journal_capacity else {}
        self.control = Control(runtime, state_file=state_file, **options)
        self.pipeline = self.control.wrap(Partners(runtime, inner, read_timeout))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            if path == "/" or path.startswith(PREFIX):
                return await self._control(scope, receive, send)
            # made here, so every copy of the scope further in shares it: what lenient mode
            # accepted although the docs do not allow it (http/leniency.py), for the journal
            scope.setdefault("extensions", {}).setdefault(DEVIATIONS, [])
        await self.pipeline(scope, receive, send)

    async def _control(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = self.access.refusal(Request(scope))
        if refusal is not None:
            return await refusal(scope, receive, send)
        limit = MAX_STATE_BYTES if scope["path"].startswith(f"{PREFIX}/state") else MAX_BODY_BYTES
        length = declared_length(scope)
        if length is not None and length > limit:
            return await problem(413, too_large(limit).message)(scope, receive, send)
        try:
            await self.control.router(scope, limited(receive, self.read_timeout, limit), send)
        except ApiError as error:  # the body limits, raised while a control route reads
            await problem(error.status, error.message)(scope, receive, send)

    def swap(self, other: "Sparring") -> None:
        """Serve another build's partners (a reload) keeping this app's journal, faults and coverage."""
        self.runtime, self.inner = other.runtime, other.inner
        self.control.rebind(other.runtime, Partners(other.runtime, other.inner, self.read_timeout))
        heap.refreeze()  # a serving process froze the old build's heap: let it go


def create_app(partners: t.Sequence[str] | t.Sequence[Partner] | None = None, *, seed: int = 0,
               validate_responses: bool = False, store: t.Any = None, strict: bool = False,
               admin_token: str | None = None, read_timeout: float | None = None,
               max_namespaces: int | None = None, max_records: int | None = None,
               journal_capacity: int | None = None, state_file: StateFile | None = None,
               clock_standing_at: float | None = None) -> Sparring:
    """The ASGI app serving the given partners (names or loaded), or every partner in ``spec/``.

    ``store``: a store, a URL (``memory``, ``redis://...``), or None for what ``SPARRING_STORE``
    says (memory when unset); ``strict``: refuse what the partner's docs do not allow instead of accepting and recording it;
    ``admin_token``: the control API then needs it (``control/access.py``); ``max_namespaces`` and
    ``max_records`` cap the store; ``state_file`` is where ``POST /__sparring/state/save``
    writes (loading it is the caller's: ``state_file.load(app.runtime)``); ``clock_standing_at``:
    server time stands at this moment (seconds since the epoch) and moves only when advanced.
    """
    loaded = [p for p in partners or [] if isinstance(p, Partner)]
    names = [p for p in partners or [] if isinstance(p, str)]
    if names or not loaded:
        found = load_partners(names or None)
        spec_only = [p.name for p in found if not p.servable]
        if names and spec_only:
            raise SpecError(f"{', '.join(spec_only)}: no operation declares an x-sparring action yet (spec only)")
        loaded += [p for p in found if p.servable]
    if store is None or isinstance(store, str):  # a URL, or SPARRING_STORE, or memory
        url = store or os.environ.get(ENVIRONMENT)
        if not url or url == "memory":
            store = MemoryStore(max_namespaces=max_namespaces, max_records=max_records)
        else:
            store = store_from_url(url, isolated=True)
    for cap, value in (("max_namespaces", max_namespaces), ("max_records", max_records)):
        if value is not None:  # a store handed in (a shared Redis one) takes the caps too
            setattr(store, cap, value)
    runtime = Runtime(loaded, seed, store, clock_standing_at)
    return Sparring(runtime, adapter.build(runtime, validate_responses=validate_responses, strict=strict),
                    admin_token=admin_token, read_timeout=read_timeout, journal_capacity=journal_capacity,
                    state_file=state_file)
