"""``sparring serve --workers N --store redis://...``: several uvicorn worker processes, one state.

The parent prepares the store (clears this server's sparring keys and sets the seed, so a start is
as fresh as in memory) and hands the workers their settings through one environment variable;
each worker builds its app with :func:`worker_app` on the same key prefix, so they share records,
tokens, the clock and the seed.
"""

from __future__ import annotations

import json
import os
import typing as t

SETTINGS = "SPARRING_WORKER_SETTINGS"


def shared_store(url: str, seed: int, *, fresh: bool = True) -> t.Any:
    """The store every worker uses, cleared and seeded with ``seed`` when ``fresh``."""
    from sparring.engine.store.select import store_from_url

    store = store_from_url(url)
    if fresh and hasattr(store, "clear"):
        store.clear()
    store.shared.set("seed", seed)
    return store


def worker_app() -> t.Any:
    """The app of one worker (uvicorn calls it in each worker process)."""
    from sparring.app import create_app
    from sparring.engine.store.select import store_from_url

    from sparring.control.state import StateFile

    settings = json.loads(os.environ[SETTINGS])
    store = store_from_url(settings["store"], prefix=settings.get("prefix"))
    state = settings.get("state")
    return create_app(settings["partners"], seed=settings["seed"], store=store, strict=settings.get("strict", False),
                      admin_token=settings.get("admin_token"), read_timeout=settings.get("read_timeout"),
                      max_namespaces=settings.get("max_namespaces"), max_records=settings.get("max_records"),
                      journal_capacity=settings.get("journal_capacity"),
                      state_file=StateFile(state) if state else None)


def run_workers(*, partners: list[str] | None, seed: int, store: str, prefix: str, host: str, port: int,
                workers: int, log_level: str, access_log: bool, strict: bool = False, admin_token: str | None = None,
                read_timeout: float | None = None, max_namespaces: int | None = None, max_records: int | None = None,
                journal_capacity: int | None = None, state: str | None = None) -> None:
    """Serve with ``workers`` processes until Ctrl-C or SIGTERM. Each worker keeps its own journal,
    faults and coverage (the control API answers for the worker a request reaches); the data,
    tokens, clock, seed, namespace caps and the ``--state`` file (``POST /__sparring/state/save``
    on any worker writes it) are shared."""
    import uvicorn

    os.environ[SETTINGS] = json.dumps({"partners": partners, "seed": seed, "store": store, "prefix": prefix,
                                       "strict": strict, "admin_token": admin_token, "read_timeout": read_timeout,
                                       "max_namespaces": max_namespaces, "max_records": max_records,
                                       "journal_capacity": journal_capacity,
                                       "state": os.path.abspath(state) if state else None})
    uvicorn.run("sparring.serving:worker_app", factory=True, host=host, port=port, workers=workers,
                log_level=log_level, access_log=access_log, lifespan="off")
