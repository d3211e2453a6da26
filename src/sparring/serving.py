"""``sparring serve --workers N --store redis://...``: several uvicorn worker processes, one state.

The parent prepares the store (clears this server's sparring keys and sets the seed, so a start is
as fresh as in memory) and hands the workers their settings through one environment variable;
each worker builds its app with :func:`worker_app` on the same key prefix, so they share records,
tokens, the clock and the seed.
"""

from __future__ import annotations

import json
import os
import socket
import sys
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
    options = dict(factory=True, host=host, port=port, workers=workers, log_level=log_level, access_log=access_log,
                   lifespan="off")
    if not spreads_connections():
        uvicorn.run("sparring.serving:worker_app", **options)
        return
    spreading_supervisor()(uvicorn.Config("sparring.serving:worker_app", **options)).run()


def spreads_connections() -> bool:
    """Whether the kernel spreads new connections over sockets sharing a port (Linux' SO_REUSEPORT)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def spreading_supervisor() -> type:
    """uvicorn's multiprocess supervisor, giving each worker a socket of its own (imported late:
    uvicorn's supervisors are only needed with several workers)."""
    from uvicorn.supervisors.multiprocess import Multiprocess

    class Supervisor(Multiprocess):
        """uvicorn's supervisor, with a listening socket of its own for each worker.

        uvicorn's workers accept on one shared socket, and asyncio takes every pending connection at
        each wakeup: one worker could take most of a burst of keep-alive connections (what a load
        test opens) and leave the others idle. Here every worker it starts, restarts or adds gets a
        new socket on the same port with ``SO_REUSEPORT``, and the kernel spreads new connections
        over them. The parent closes its copy once the worker runs, so a socket lives as long as
        its worker.
        """

        def __init__(self, config: t.Any) -> None:
            super().__init__(config, sockets=[])
            self.handed: list[socket.socket] = []

        @property
        def sockets(self) -> list[socket.socket]:  # read once for each worker uvicorn starts
            sock = bound_socket(self.config.host, self.config.port, reuse_port=True)
            sock.listen(self.config.backlog)
            self.config.port = sock.getsockname()[1]  # port 0: the port the first one got, for all
            self.handed.append(sock)
            return [sock]

        @sockets.setter
        def sockets(self, value: list[socket.socket]) -> None:
            pass  # uvicorn's constructor sets the shared list; each worker gets its own instead

        def keep_subprocess_alive(self) -> None:
            for sock in self.handed:  # the workers started by now hold their own copies
                sock.close()
            self.handed.clear()
            super().keep_subprocess_alive()

    return Supervisor


def bound_socket(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    """A TCP socket bound to host:port, inheritable by worker processes; with ``reuse_port``, one
    of several on the same port (``SO_REUSEPORT``). Raises OSError when the port cannot be had."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock
