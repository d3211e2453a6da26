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
    """The app of one worker (uvicorn calls it in each worker process): ``create_app`` with the
    options the parent passed, on the shared store under the parent's key prefix."""
    from sparring.app import create_app
    from sparring.control.state import StateFile
    from sparring.engine.store.select import store_from_url

    options = json.loads(os.environ[SETTINGS])
    store = store_from_url(options.pop("store"), prefix=options.pop("prefix"))
    state = options.pop("state")
    return create_app(options.pop("partners"), store=store, state_file=StateFile(state) if state else None, **options)


def run_workers(app_options: dict[str, t.Any], *, store: str, prefix: str, state: str | None, host: str, port: int,
                workers: int, log_level: str, access_log: bool) -> None:
    """Serve with ``workers`` processes until Ctrl-C or SIGTERM, each building its app from
    ``app_options`` (``create_app``'s keyword arguments, JSON-able: partners, seed, strict, ...).
    Each worker keeps its own journal, faults and coverage (the control API answers for the worker a
    request reaches); the data, tokens, clock, seed, namespace caps and the ``--state`` file
    (``POST /__sparring/state/save`` on any worker writes it) are shared."""
    import uvicorn

    os.environ[SETTINGS] = json.dumps({**app_options, "store": store, "prefix": prefix,
                                       "state": os.path.abspath(state) if state else None})
    uvicorn.run("sparring.serving:worker_app", factory=True, host=host, port=port, workers=workers,
                log_level=log_level, access_log=access_log, lifespan="off")
