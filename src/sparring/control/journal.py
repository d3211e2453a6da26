"""The journal: every partner request with its outcome, and the middleware that writes it.

An entry has time, partner, namespace, method, path, matched operation, status, duration, any
fault injected, and the validation outcome: ``refused`` (the partner's error body for a 4xx, which
names the part that broke the spec) or the deviations sparring accepted in lenient mode (left by
request validation in ``scope["extensions"]["sparring.deviations"]`` as ``{part, name, problem}``).

Every response carries ``X-Sparring-Journal-Id``; a request that deviated also gets
``X-Sparring-Deviations`` (JSON, like Prism's ``sl-violations``), so a client test can assert it
sent nothing the partner would refuse. The journal is bounded: the oldest entries go first and
``dropped`` counts them. Coverage (``coverage.py``) is counted here too, but never dropped.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import threading
import time
import typing as t
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sparring.control.common import PREFIX, Operations, request_namespace

DEVIATIONS = "sparring.deviations"
ENTRY = "sparring.journal.entry"  # the open entry, for the fault layer to note its fault on
ENTRY_HEADER = "x-sparring-journal-id"
DEVIATIONS_HEADER = "x-sparring-deviations"
DEFAULT_CAPACITY = 2000
REFUSAL_BYTES = 4096


@dataclass(slots=True)
class Entry:
    """One journaled request. The time is kept as epoch seconds and written as ISO 8601, and the
    duration rounded, only when the journal is read: most entries are never read."""

    id: int
    epoch: float
    partner: str | None
    namespace: str
    method: str
    path: str
    query: str
    operation: str | None = None
    status: int | None = None
    duration_ms: float | None = None
    outcome: str = "in-flight"  # then accepted | deviated | refused | failed | fault | unanswered
    deviations: t.Sequence[dict] = ()
    refused: t.Any = None
    fault: str | None = None
    fault_answered: bool = False  # the fault answered (or broke the answer), not the partner

    @property
    def time(self) -> str:
        return _iso(self.epoch)

    def public(self) -> dict:
        return {"id": self.id, "time": self.time, "partner": self.partner, "namespace": self.namespace,
                "method": self.method, "path": self.path, "query": self.query, "operation": self.operation,
                "status": self.status,
                "duration_ms": None if self.duration_ms is None else round(self.duration_ms, 3), "outcome": self.outcome,
                "deviations": [dict(d) for d in self.deviations], "refused": self.refused, "fault": self.fault}


class Journal:
    """The last ``capacity`` entries, in order; thread-safe (test clients call from threads)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self._entries: collections.deque[Entry] = collections.deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._next = 1
        self.dropped = 0

    def open(self, partner: str | None, namespace: str, method: str, path: str, query: str) -> Entry:
        with self._lock:
            entry = Entry(self._next, time.time(), partner, namespace, method, path, query)
            self._next += 1
            if len(self._entries) == self.capacity:
                self.dropped += 1
            self._entries.append(entry)
            return entry

    def get(self, entry_id: int) -> Entry | None:
        with self._lock:
            return next((e for e in self._entries if e.id == entry_id), None)

    def find(self, *, partner: str | None = None, operation: str | None = None, status: int | None = None,
             namespace: str | None = None, since: float | None = None, until: float | None = None,
             limit: int | None = None) -> list[Entry]:
        with self._lock:
            found = [e for e in self._entries
                     if (partner is None or e.partner == partner)
                     and (operation is None or e.operation == operation)
                     and (status is None or e.status == status)
                     and (namespace is None or e.namespace == namespace)
                     and (since is None or e.epoch >= since)
                     and (until is None or e.epoch <= until)]
        return found[-limit:] if limit else found

    def clear(self, *, partner: str | None = None, namespace: str | None = None) -> int:
        with self._lock:
            keep = [e for e in self._entries
                    if not ((partner is None or e.partner == partner) and (namespace is None or e.namespace == namespace))]
            removed = len(self._entries) - len(keep)
            self._entries = collections.deque(keep, maxlen=self.capacity)
            if partner is None and namespace is None:
                self.dropped = 0
            return removed

    def __len__(self) -> int:
        return len(self._entries)


class JournalMiddleware:
    """Journals every request to a partner path and counts it for coverage."""

    def __init__(self, app: ASGIApp, journal: Journal, coverage: t.Any, operations: Operations) -> None:
        self.app = app
        self.journal = journal
        self.coverage = coverage
        self.operations = operations

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        partner = self.operations.partner(path) if not path.startswith(PREFIX) else None
        if partner is None:
            return await self.app(scope, receive, send)
        method = scope["method"]
        extensions = scope.setdefault("extensions", {})  # shared with connexion, which fills it in
        entry = self.journal.open(partner, request_namespace(scope["headers"]), method, path,
                                  scope.get("query_string", b"").decode("latin-1"))
        extensions[ENTRY] = entry
        started = time.perf_counter()
        refusal = bytearray()  # the start of a 4xx/5xx body, for the entry's "refused"

        async def journaled_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry.status = message["status"]
                routed = extensions.get("connexion_routing")
                if routed is not None and routed.get("operation_id"):
                    entry.operation = routed["operation_id"]
                deviations = extensions.get(DEVIATIONS)
                headers = [*message.get("headers", ()), (_ENTRY_HEADER, b"%d" % entry.id)]
                if deviations:
                    entry.deviations = list(deviations)
                    headers.append((_DEVIATIONS_HEADER, deviations_header(entry.deviations)))
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and entry.status and entry.status >= 400 \
                    and len(refusal) < REFUSAL_BYTES:
                refusal.extend(message.get("body", b"")[: REFUSAL_BYTES - len(refusal)])
            await send(message)

        try:
            await self.app(scope, receive, journaled_send)
        finally:
            entry.duration_ms = (time.perf_counter() - started) * 1000  # rounded when read
            if entry.operation is None:  # connexion did not route it (a fault answered, an unknown path)
                entry.operation = self.operations.operation(partner, method, path)
            entry.outcome = _outcome(entry)
            if refusal and entry.outcome == "refused":
                entry.refused = _parsed(bytes(refusal))
            if not entry.fault_answered and entry.operation and entry.status is not None:
                self.coverage.count(partner, entry.namespace, entry.operation, entry.status)


_ENTRY_HEADER = ENTRY_HEADER.encode()
_DEVIATIONS_HEADER = DEVIATIONS_HEADER.encode()


MAX_HEADER_BYTES = 4096


def deviations_header(deviations: list[dict]) -> bytes:
    """``[{"part": "query", "name": "limit", "problem": "..."}]`` as one ASCII header value; past
    4 KiB, the first deviations and ``{"more": N}`` (the journal entry has them all)."""
    shown = list(deviations)
    while True:
        rest = len(deviations) - len(shown)
        value = json.dumps(shown + ([{"more": rest}] if rest else []), ensure_ascii=True, separators=(",", ":"))
        if len(value) <= MAX_HEADER_BYTES or not shown:
            return value.encode("ascii")
        shown.pop()


def _outcome(entry: Entry) -> str:
    if entry.fault_answered:
        return "fault"
    if entry.status is None:
        return "unanswered"
    if entry.status >= 500:
        return "failed"
    if entry.status >= 400:
        return "refused"
    return "deviated" if entry.deviations else "accepted"


def _parsed(raw: bytes) -> t.Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def _iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(value: str | None, name: str) -> float | None:
    """An ISO 8601 time (``Z`` or an offset; naive means UTC) or epoch seconds, as epoch seconds."""
    from sparring.control.common import ControlError

    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ControlError(422, f"Query parameter {name} must be an ISO 8601 time or epoch seconds, got {value!r}.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.timestamp()


def routes(control: t.Any) -> list:
    """``GET /__sparring/journal`` (filters: partner, operation, status, namespace, since, until,
    limit), ``GET /__sparring/journal/{id}``, ``DELETE /__sparring/journal`` (partner, namespace)."""
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from sparring.control.common import ControlError, by_method, guarded, known_partner, namespace_name, query_int

    journal: Journal = control.journal

    def filters(request: Request) -> dict:
        q = request.query_params
        return {"partner": known_partner(control.runtime, q.get("partner")),
                "namespace": namespace_name(q.get("namespace"))}

    async def listing(request: Request) -> JSONResponse:
        q = request.query_params
        entries = journal.find(**filters(request), operation=q.get("operation") or None,
                               status=query_int(request, "status", low=100, high=599),
                               since=parse_time(q.get("since"), "since"), until=parse_time(q.get("until"), "until"),
                               limit=query_int(request, "limit", low=1, high=100_000))
        return JSONResponse({"entries": [e.public() for e in entries], "count": len(entries), "held": len(journal),
                             "capacity": journal.capacity, "dropped": journal.dropped})

    async def one(request: Request) -> JSONResponse:
        raw = request.path_params["entry"]
        entry = journal.get(int(raw)) if raw.isdigit() else None
        if entry is None:
            raise ControlError(404, f"No journal entry {raw} (dropped, cleared or never made).")
        return JSONResponse(entry.public())

    async def clear(request: Request) -> JSONResponse:
        return JSONResponse({"removed": journal.clear(**filters(request))})

    return [
        by_method(f"{PREFIX}/journal", {"GET": guarded(listing), "DELETE": guarded(clear)}),
        Route(f"{PREFIX}/journal/{{entry}}", guarded(one), methods=["GET"]),
    ]
