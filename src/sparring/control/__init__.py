"""``/__sparring``: the control API a test harness drives sparring with, one module per concern.

- ``basics``: partner index, health, reset (everything, a partner or a namespace), the clock;
- ``namespaces``: which namespaces exist, their caps, dropping idle ones;
- ``journal``: every partner request with its outcome (and the middleware that writes it);
- ``faults``: latency, errors, drops, broken bodies, rate limits (and the middleware applying them);
- ``coverage``: operations and statuses exercised, as JSON and HTML;
- ``state``: export and import of a partner's state, and the ``--state`` file;
- ``docs``: the control API's own OpenAPI document (``openapi.yaml``) and Swagger UI.

Requests flow: control routes, else journal, faults, then the partners (``app.py``).
"""

from __future__ import annotations

import typing as t

from starlette.requests import Request
from starlette.routing import Router
from starlette.types import ASGIApp

from sparring.control import basics, coverage, docs, faults, journal, namespaces, state
from sparring.control.common import PREFIX, Operations, problem

if t.TYPE_CHECKING:
    from sparring.runtime import Runtime

__all__ = ["PREFIX", "Control"]


class Control:
    """The control API and what it keeps besides the store: journal, faults, coverage, state file."""

    def __init__(self, runtime: "Runtime", *, journal_capacity: int = journal.DEFAULT_CAPACITY,
                 state_file: state.StateFile | None = None) -> None:
        self.runtime = runtime
        self.operations = Operations(runtime)
        self.journal = journal.Journal(journal_capacity)
        self.coverage = coverage.Coverage()
        self.faults = faults.Faults(runtime)
        self.state_file = state_file
        routes = []
        for module in (basics, namespaces, journal, faults, coverage, state, docs):
            routes += module.routes(self)
        self.router = Router(routes, default=_not_found)

    def wrap(self, partners: ASGIApp) -> ASGIApp:
        """The partner apps behind the journal (outermost, so it sees injected faults) and faults."""
        self.fault_layer = faults.FaultMiddleware(partners, self.faults, self.operations)
        self.journal_layer = journal.JournalMiddleware(self.fault_layer, self.journal, self.coverage, self.operations)
        return self.journal_layer

    def rebind(self, runtime: "Runtime", partners: ASGIApp) -> None:
        """After a reload: the same journal, faults and coverage, in front of the new partners."""
        self.runtime = runtime
        self.faults.runtime = runtime
        self.operations = self.fault_layer.operations = self.journal_layer.operations = Operations(runtime)
        self.fault_layer.app = partners


async def _not_found(scope, receive, send) -> None:
    path = Request(scope).url.path
    await problem(404, f"No control route {path}; see {PREFIX}/openapi.json.")(scope, receive, send)
