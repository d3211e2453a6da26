"""The in-process transport without a thread hop: sparring's app runs on the fuzzing thread.

schemathesis calls an ASGI app through one shared event-loop thread (an anyio blocking portal):
each request crosses threads twice, and on a busy machine each crossing waits for the GIL, which
made the transport cost more than sparring's own work per request. Within :func:`same_thread`,
every ``portal.call`` of schemathesis' ASGI adapter runs on an event loop owned by the calling
thread instead, and most requests skip that adapter altogether: within, schemathesis' transport
for the app is :mod:`sparring.contract.direct_transport`, which runs the app on that same loop
and hands schemathesis' adapter only what it does not cover. The app's lifespan still starts
once on the shared portal, as schemathesis does it.

The adapter's per-request client also stops reading the environment (``trust_env``). For every
request, requests scanned all environment variables for proxy settings and read the netrc file:
that cost more than building the request, and a netrc ``default`` entry (it names every host,
testserver too) replaced the partner's credentials with basic auth. In-process there is no
proxy, no TLS and no host a netrc file is meant for.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import threading
import typing as t

_LOCAL = threading.local()
_LOOPS: list[asyncio.AbstractEventLoop] = []
_GUARD = threading.Lock()


class ThreadPortal:
    """What the adapter needs of a blocking portal (``call``), on this thread's own event loop."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        with _GUARD:
            _LOOPS.append(self.loop)

    def call(self, function: t.Callable[..., t.Any], *args: t.Any) -> t.Any:
        async def run() -> t.Any:
            result = function(*args)
            return await result if inspect.isawaitable(result) else result

        return self.loop.run_until_complete(run())


def _client(original: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    def get_client(*args: t.Any, **kwargs: t.Any) -> t.Any:
        client = original(*args, **kwargs)
        client.trust_env = False
        return client

    return get_client


def _portal() -> ThreadPortal:
    portal = getattr(_LOCAL, "portal", None)
    if portal is None:
        portal = _LOCAL.portal = ThreadPortal()
    return portal


@contextlib.contextmanager
def same_thread(app: t.Any) -> t.Iterator[None]:
    """Within: schemathesis' in-process requests to ``app`` run on the calling thread."""
    from schemathesis import transport
    from schemathesis.python import asgi

    from sparring.contract.direct_transport import DIRECT_TRANSPORT

    asgi._start_lifespan(app)  # once, on schemathesis' shared portal
    original, get_client, get_transport = asgi._get_portal, asgi.get_client, transport.get
    asgi._get_portal, asgi.get_client = _portal, _client(get_client)
    transport.get = lambda target: DIRECT_TRANSPORT if target is app else get_transport(target)
    try:
        yield
    finally:
        asgi._get_portal, asgi.get_client, transport.get = original, get_client, get_transport
        with _GUARD:
            loops, _LOOPS[:] = list(_LOOPS), []
        for loop in loops:
            if not loop.is_running():
                loop.close()
        _LOCAL.__dict__.clear()


def loop() -> asyncio.AbstractEventLoop:
    """This thread's event loop, the one ``same_thread`` runs the app on."""
    return _portal().loop
