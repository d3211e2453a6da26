"""pytest plugin (registered through the ``pytest11`` entry point): a running sparring per test.

The ``sparring`` fixture gives each test a :class:`Sparring` handle on a running server, in its own
namespace, reset before the test: freshly seeded data, its journal entries and faults cleared.
The server is either

- started in this process on a free port, once per session (per worker under pytest-xdist), with
  ``--sparring-partner NAME`` (repeatable; default every partner) and ``--sparring-seed N``; or
- a shared ``sparring serve`` given by ``--sparring-url URL`` (or ``$SPARRING_URL``): every
  worker works in its own namespace (``pytest-gw0``, ``pytest-gw1`` ...), so parallel workers never
  see each other's writes, faults or journal.

Example::

    def test_client_retries(sparring):
        sparring.faults.add(partner="inventorypro", operation="getCustomer", status=429, retry_after=1, times=1)
        with sparring.client("inventorypro") as http:     # base URL and namespace header set
            ...
        assert [e["status"] for e in sparring.journal(operation="getCustomer")] == [429, 200]
        sparring.assert_no_deviations()

``contract`` (the schemathesis checks of ``sparring fuzz`` as pytest tests) is importable from here
too: ``from sparring.pytest_plugin import contract``.
"""

from __future__ import annotations

import os
import socket
import threading
import typing as t

import pytest

NAMESPACE_HEADER = "X-Sparring-Namespace"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sparring", "sparring: a stand-in partner API per test")
    group.addoption("--sparring-url", default=None, metavar="URL",
                    help="a running sparring serve to use (default $SPARRING_URL; else one is started in-process)")
    group.addoption("--sparring-partner", action="append", default=None, metavar="NAME",
                    help="partner the in-process sparring serves (repeatable; default every partner)")
    group.addoption("--sparring-seed", type=int, default=0, metavar="N", help="fixture seed of the in-process sparring")


class Faults:
    """The faults of one namespace (see ``sparring.control.faults`` for the fields)."""

    def __init__(self, handle: "Sparring") -> None:
        self._handle = handle

    def add(self, **spec: t.Any) -> dict:
        spec.setdefault("namespace", self._handle.namespace)
        return self._handle.control("POST", "/faults", json=spec, expect=201)

    def list(self) -> list[dict]:
        return self._handle.control("GET", "/faults", params={"namespace": self._handle.namespace})["faults"]

    def clear(self) -> int:
        return self._handle.control("DELETE", "/faults", params={"namespace": self._handle.namespace})["removed"]


class Sparring:
    """A running sparring as one test sees it: its URL, its namespace, and the control API."""

    def __init__(self, url: str, namespace: str, timeout: float = 10.0) -> None:
        import httpx

        self.url = url.rstrip("/")
        self.namespace = namespace
        self.headers = {NAMESPACE_HEADER: namespace}
        self.faults = Faults(self)
        self._http = httpx.Client(base_url=self.url + "/__sparring", timeout=timeout)
        self._partners: dict[str, dict] | None = None

    def control(self, method: str, path: str, *, expect: int = 200, **kwargs: t.Any) -> t.Any:
        response = self._http.request(method, path, **kwargs)
        if response.status_code != expect:
            raise AssertionError(f"sparring {method} /__sparring{path}: HTTP {response.status_code} {response.text[:500]}")
        return response.json() if response.content else None

    def partners(self) -> dict[str, dict]:
        if self._partners is None:
            self._partners = {p["name"]: p for p in self.control("GET", "/partners")["partners"]}
        return self._partners

    def base_url(self, partner: str) -> str:
        """Where the partner is served, e.g. ``http://127.0.0.1:8123/inventorypro/api/v1``."""
        try:
            return self.partners()[partner]["base_url"]
        except KeyError:
            raise LookupError(f"sparring does not serve {partner!r}; it serves {', '.join(self.partners())}") from None

    def client(self, partner: str, **kwargs: t.Any):
        """An ``httpx.Client`` on the partner's base URL that sends this test's namespace header."""
        import httpx

        headers = {**self.headers, **kwargs.pop("headers", {})}
        return httpx.Client(base_url=self.base_url(partner), headers=headers, **kwargs)

    def reset(self) -> None:
        """This namespace back to freshly seeded data; its journal entries and faults cleared."""
        self.control("POST", "/reset", json={"namespace": self.namespace, "include": ["journal", "faults"]})

    def journal(self, **filters: t.Any) -> list[dict]:
        """This namespace's journal entries, oldest first (filters: partner, operation, status, since, until, limit)."""
        params = {"namespace": self.namespace, **{k: v for k, v in filters.items() if v is not None}}
        return self.control("GET", "/journal", params=params)["entries"]

    def entry(self, response_or_id: t.Any) -> dict:
        """The journal entry of a response (its ``X-Sparring-Journal-Id``) or of an id."""
        entry_id = getattr(response_or_id, "headers", {}).get("x-sparring-journal-id", response_or_id)
        return self.control("GET", f"/journal/{entry_id}")

    def deviations(self) -> list[dict]:
        """Entries whose request broke the partner's spec, accepted (lenient) or refused."""
        return [e for e in self.journal() if e["deviations"] or e["outcome"] == "refused"]

    def assert_no_deviations(self) -> None:
        """Fail when a request of this test broke the partner's spec, even where sparring accepted it."""
        bad = [e for e in self.journal() if e["deviations"]]
        if bad:
            lines = [f"{e['method']} {e['path']}: " + "; ".join(f"{d.get('part')} {d.get('name')}: {d.get('problem')}"
                                                              for d in e["deviations"]) for e in bad]
            raise AssertionError("requests deviated from the partner's spec:\n  " + "\n  ".join(lines))

    def coverage(self, partner: str | None = None, *, every_namespace: bool = False) -> dict:
        """Operations and statuses exercised: this namespace's (the worker's, across its tests), or the server's."""
        params = {} if every_namespace else {"namespace": self.namespace}
        if partner:
            params["partner"] = partner
        return self.control("GET", "/coverage", params=params)

    def state(self, partner: str) -> dict:
        """This namespace's records of one partner, ``{collection: [records]}``."""
        document = self.control("GET", "/state", params={"partner": partner})
        space = document["partners"][partner]["namespaces"].get(self.namespace)
        return space["collections"] if space else {}

    def close(self) -> None:
        self._http.close()


class InProcessServer:
    """sparring's app on 127.0.0.1 at a free port, in a thread of this process."""

    def __init__(self, partners: t.Sequence[str] | None, seed: int) -> None:
        import uvicorn

        from sparring.app import create_app

        self.app = create_app(partners or None, seed=seed)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", lifespan="off", access_log=False))
        self.server.install_signal_handlers = lambda: None  # not the main thread
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True,
                                       name="sparring-server")
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the in-process sparring did not start")
            threading.Event().wait(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def worker_name() -> str:
    """``gw0``, ``gw1`` ... under pytest-xdist, ``main`` otherwise."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sparring_url(request: pytest.FixtureRequest) -> t.Iterator[str]:
    """The origin of the sparring the tests use: ``--sparring-url``/``$SPARRING_URL``, or one started here."""
    url = request.config.getoption("sparring_url") or os.environ.get("SPARRING_URL")
    if url:
        yield url.rstrip("/")
        return
    server = InProcessServer(request.config.getoption("sparring_partner"), request.config.getoption("sparring_seed"))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def sparring(sparring_url: str) -> t.Iterator[Sparring]:
    """A running sparring in this worker's namespace, reset before the test; faults cleared after it."""
    handle = Sparring(sparring_url, f"pytest-{worker_name()}")
    handle.reset()
    try:
        yield handle
    finally:
        try:
            handle.faults.clear()
        finally:
            handle.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> t.Iterator[None]:
    """A ``contract()`` test draws its cases as ``sparring fuzz`` does, whatever else the test process imported."""
    from sparring.contract.constants import MARK, spec_only

    if not (getattr(getattr(item, "obj", None), MARK, False) or getattr(getattr(item, "cls", None), MARK, False)):
        return (yield)
    with spec_only():
        return (yield)


def __getattr__(name: str) -> t.Any:
    if name == "contract":  # the schemathesis checks, without importing schemathesis for every pytest run
        from sparring.contract.pytest_checks import contract

        return contract
    raise AttributeError(name)
