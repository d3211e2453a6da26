"""Which store a running sparring uses, from a URL: ``memory`` (the default) or ``redis://HOST:PORT/DB``.

``SPARRING_STORE`` names the store an app gets when its caller names none (``create_app`` in a
test, a pytest fixture): each such app then has state of its own on that server, as each new
in-memory app does. ``sparring serve --workers N --store URL`` instead gives every worker the same
prefix, so they share one state.
"""

from __future__ import annotations

import os
import typing as t

ENVIRONMENT = "SPARRING_STORE"


def store_from_url(url: str | None, *, isolated: bool = False, prefix: str | None = None) -> t.Any:
    """A store for ``url``; ``isolated`` gives a Redis store a fresh key prefix of its own."""
    if not url or url == "memory":
        from sparring.engine.store.memory import MemoryStore

        return MemoryStore()
    if url.startswith(("redis://", "rediss://", "unix://")):
        from sparring.engine.store import redis as redis_store

        if isolated:
            store = redis_store.isolated(url)
        else:
            store = redis_store.RedisStore.from_url(url, prefix)
        return store
    raise ValueError(f"unknown store {url!r}: use 'memory' or 'redis://HOST:PORT/DB'")


def default_store() -> t.Any:
    """The store ``SPARRING_STORE`` names (memory when unset), isolated from every other app's."""
    return store_from_url(os.environ.get(ENVIRONMENT), isolated=True)
