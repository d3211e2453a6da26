"""Faults: a partner that misbehaves on purpose, set through the control API or one request header.

A fault is scoped to a partner, an operation and/or a namespace (each optional) and does, in this order:
latency (fixed ms or a ``[min, max]`` range), then one of an error ``status`` in the partner's own
error shape (``429`` carries ``Retry-After``, as does any status given ``retry_after``), a dropped
``connection``, or a ``body`` that is ``malformed`` (complete, not JSON) or ``truncated`` (the
connection closes mid-body). ``rate_limit: {requests: N, seconds: S}`` is a sliding window: past N
calls in S seconds a 429 (or ``status``) whose ``Retry-After`` says when a call is admitted again. ``rate`` makes it fire on
a fraction of the matching calls, ``times`` on the next N only ("fail the next 2, then succeed").
Faults are consulted in the order they were added; the first that matches and fires is used.
Random choices come from a generator seeded by the fault's ``seed`` (default: the server's seed),
so the same calls see the same faults.

``X-Sparring-Fault: status=503`` (or ``latency=200``, ``latency=100-300``, ``status=429;retry-after=2``,
``connection=drop``, ``body=truncated``) applies a fault to that request alone.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import json
import logging
import math
import random
import threading
import time
import typing as t
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sparring.control.common import PREFIX, ControlError, Operations, namespace_name, request_namespace
from sparring.control.journal import ENTRY
from sparring.engine.errors import ApiError
from sparring.http.endpoint import render_error
from sparring.http.headers import first

if t.TYPE_CHECKING:
    from sparring.runtime import Runtime

HEADER = "x-sparring-fault"
_HEADER = HEADER.encode()
BODIES = ("malformed", "truncated")
FIELDS = ("partner", "operation", "namespace", "latency_ms", "status", "retry_after", "connection", "body", "rate_limit",
          "rate", "times", "seed")
MAX_LATENCY_MS = 60_000


class DroppedConnection(Exception):
    """Raised inside the ASGI app to make the server close the connection (an injected fault)."""


class _QuietDrops(logging.Filter):
    """uvicorn logs an app exception with its traceback; an injected drop is not an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, DroppedConnection)


logging.getLogger("uvicorn.error").addFilter(_QuietDrops())


@dataclass
class Fault:
    id: int
    partner: str | None = None
    operation: str | None = None
    namespace: str | None = None
    latency_ms: int | list[int] | None = None
    status: int | None = None
    retry_after: int | None = None
    connection: str | None = None
    body: str | None = None
    rate: float = 1.0
    rate_limit: dict | None = None  # {"requests": N, "seconds": S}: past N calls in S seconds, a 429
    times: int | None = None
    seed: int | None = None
    fired: int = 0
    random: random.Random = field(default_factory=random.Random, repr=False)
    _admitted: collections.deque = field(default_factory=collections.deque, repr=False)

    def public(self) -> dict:
        out = {name: getattr(self, name) for name in ("id", *FIELDS, "fired")}
        return {k: v for k, v in out.items() if v is not None}

    def matches(self, partner: str, operation: str | None, namespace: str) -> bool:
        return ((self.partner is None or self.partner == partner)
                and (self.operation is None or self.operation == operation)
                and (self.namespace is None or self.namespace == namespace)
                and (self.times is None or self.times > 0))

    def fires(self) -> bool:
        if self.rate_limit is not None:
            return self._over_limit()
        return self.rate >= 1 or self.random.random() < self.rate

    def _over_limit(self) -> bool:
        """A sliding window: the call is admitted (the fault does not fire) while fewer than
        ``requests`` were admitted in the last ``seconds``; otherwise a 429 whose Retry-After is
        when the oldest admitted call leaves the window."""
        now = time.monotonic()
        window = self.rate_limit["seconds"]
        while self._admitted and self._admitted[0] <= now - window:
            self._admitted.popleft()
        if len(self._admitted) < self.rate_limit["requests"]:
            self._admitted.append(now)
            return False
        self.retry_after = max(1, math.ceil(self._admitted[0] + window - now))
        return True

    def latency(self) -> float:
        if self.latency_ms is None:
            return 0.0
        if isinstance(self.latency_ms, list):
            return self.random.uniform(*self.latency_ms) / 1000
        return self.latency_ms / 1000

    def describe(self) -> str:
        parts = []
        if self.latency_ms is not None:
            parts.append(f"latency={self.latency_ms}")
        if self.status is not None:
            parts.append(f"status={self.status}")
        if self.connection:
            parts.append(f"connection={self.connection}")
        if self.body:
            parts.append(f"body={self.body}")
        if self.rate_limit:
            parts.append(f"rate_limit={self.rate_limit['requests']}/{self.rate_limit['seconds']}s")
        return f"fault {self.id}: " + " ".join(parts) if self.id else "header fault: " + " ".join(parts)


def build(spec: t.Mapping[str, t.Any], fault_id: int, runtime: "Runtime", default_seed: int) -> Fault:
    """A fault from its JSON declaration; :class:`ControlError` (400/404) names what is wrong."""
    unknown = sorted(set(spec) - set(FIELDS))
    if unknown:
        raise ControlError(400, f"Unknown fault field(s): {', '.join(unknown)}; allowed: {', '.join(FIELDS)}.")
    errors = []

    def text(name: str) -> str | None:
        value = spec.get(name)
        if value is not None and (not isinstance(value, str) or not value):
            errors.append(f"{name} must be a non-empty string")
            return None
        return value

    def integer(name: str, low: int, high: int) -> int | None:
        value = spec.get(name)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors.append(f"{name} must be an integer from {low} to {high}")
            return None
        return value

    partner, operation, namespace = text("partner"), text("operation"), text("namespace")
    if namespace is not None:
        namespace_name(namespace)
    if partner is not None and partner not in runtime.served:
        raise ControlError(404, f"partner: unknown partner {partner!r}; served: {', '.join(sorted(runtime.served))}.")
    if operation is not None:
        owners = [p for p, s in runtime.served.items() if operation in s.partner.operations and partner in (None, p)]
        if not owners:
            raise ControlError(404, f"operation: no served partner{' ' + partner if partner else ''} has an operation {operation!r}.")
    latency = spec.get("latency_ms")
    if latency is not None:
        if isinstance(latency, list) and len(latency) == 2 and all(_int(v) and 0 <= v <= MAX_LATENCY_MS for v in latency):
            latency = sorted(latency)
        elif not _int(latency) or not 0 <= latency <= MAX_LATENCY_MS:
            errors.append(f"latency_ms must be milliseconds from 0 to {MAX_LATENCY_MS}, or [min, max]")
    status = integer("status", 400, 599)
    retry_after = integer("retry_after", 0, 86400)
    times = integer("times", 1, 1_000_000)
    seed = integer("seed", -(2**63) + 1, 2**63 - 1)
    connection = spec.get("connection")
    if connection not in (None, "drop"):
        errors.append("connection must be \"drop\"")
    body = spec.get("body")
    if body not in (None, *BODIES):
        errors.append(f"body must be one of {', '.join(BODIES)}")
    rate = spec.get("rate", 1.0)
    if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not 0 < rate <= 1:
        errors.append("rate must be a number above 0 and at most 1")
    if errors:
        raise ControlError(400, "The fault is not valid.", errors)
    rate_limit = spec.get("rate_limit")
    if rate_limit is not None:
        if not (isinstance(rate_limit, dict) and set(rate_limit) == {"requests", "seconds"}
                and _int(rate_limit["requests"]) and 0 <= rate_limit["requests"] <= 1_000_000
                and isinstance(rate_limit["seconds"], (int, float)) and not isinstance(rate_limit["seconds"], bool)
                and 0 < rate_limit["seconds"] <= 86400):
            raise ControlError(400, "The fault is not valid.",
                               ["rate_limit wants {\"requests\": N (0 or more), \"seconds\": S (above 0, at most 86400)}"])
        if status is None:
            status = 429
        rate_limit = dict(rate_limit)
    effects = [v for v in (latency, status, connection, body, rate_limit) if v is not None]
    if not effects:
        raise ControlError(400, "A fault needs at least one of latency_ms, status, connection, body, rate_limit.")
    if status == 429 and retry_after is None:
        retry_after = 1
    fault = Fault(fault_id, partner, operation, namespace, latency, status, retry_after, connection, body,
                  float(rate), rate_limit, times, seed)
    # Seeded by the seed and the declaration, not the id: the same fault set again draws the same.
    fault.random = random.Random(f"{default_seed if seed is None else seed}:{json.dumps(spec, sort_keys=True)}")
    return fault


def _int(value: t.Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def from_header(value: str, runtime: "Runtime", default_seed: int) -> Fault:
    """``status=503;retry-after=2`` (``;`` or ``,`` between, ``-`` or ``_`` in names) as a one-off fault."""
    spec: dict[str, t.Any] = {}
    for part in value.replace(",", ";").split(";"):
        if not part.strip():
            continue
        name, _, raw = part.partition("=")
        name = name.strip().lower().replace("-", "_")
        raw = raw.strip()
        name = {"latency": "latency_ms"}.get(name, name)
        if name == "latency_ms" and "-" in raw:
            low, _, high = raw.partition("-")
            spec[name] = [_number(low), _number(high)]
        elif name in ("latency_ms", "status", "retry_after", "seed"):
            spec[name] = _number(raw)
        elif name == "rate":
            try:
                spec[name] = float(raw)
            except ValueError:
                spec[name] = raw
        else:
            spec[name] = raw
    for scoped in ("partner", "operation", "namespace", "times", "rate_limit"):
        if scoped in spec:
            raise ControlError(400, f"X-Sparring-Fault applies to its own request; {scoped} is not allowed there.")
    return build(spec, 0, runtime, default_seed)


def _number(raw: str) -> t.Any:
    try:
        return int(raw)
    except ValueError:
        return raw


class Faults:
    """The faults set through the control API, in the order they were added."""

    def __init__(self, runtime: "Runtime") -> None:
        self.runtime = runtime
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    @property
    def active(self) -> bool:
        """Any fault set (spent ones included): a request without the header skips matching otherwise."""
        return bool(self._faults)

    def add(self, spec: t.Mapping[str, t.Any]) -> Fault:
        fault = build(spec, next(self._ids), self.runtime, self.runtime.seed)
        with self._lock:
            self._faults.append(fault)
        return fault

    def list(self, namespace: str | None = None) -> list[Fault]:
        with self._lock:
            return [f for f in self._faults if namespace is None or f.namespace == namespace]

    def remove(self, fault_id: int) -> bool:
        with self._lock:
            before = len(self._faults)
            self._faults = [f for f in self._faults if f.id != fault_id]
            return len(self._faults) != before

    def clear(self, *, partner: str | None = None, namespace: str | None = None) -> int:
        with self._lock:
            keep = [f for f in self._faults
                    if not ((partner is None or f.partner == partner) and (namespace is None or f.namespace == namespace))]
            removed = len(self._faults) - len(keep)
            self._faults = keep
            return removed

    def pick(self, partner: str, operation: str | None, namespace: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(partner, operation, namespace) and fault.fires():
                    fault.fired += 1
                    if fault.times is not None:
                        fault.times -= 1
                    return fault
        return None


class FaultMiddleware:
    """Applies the fault a partner request draws, before the partner sees it (so it changes no state),
    except ``body`` faults, which break the partner's real answer."""

    def __init__(self, app: ASGIApp, faults: Faults, operations: Operations) -> None:
        self.app = app
        self.faults = faults
        self.operations = operations

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(PREFIX):
            return await self.app(scope, receive, send)
        raw = first(scope["headers"], _HEADER)
        header = raw.decode("latin-1") if raw is not None else None
        if header is None and not self.faults.active:
            return await self.app(scope, receive, send)
        partner, operation = self.operations.match(scope["method"], scope["path"])
        if partner is None:
            return await self.app(scope, receive, send)
        runtime = self.faults.runtime
        try:
            fault = from_header(header, runtime, runtime.seed) if header is not None else \
                self.faults.pick(partner, operation, request_namespace(scope["headers"]))
        except ControlError as exc:
            error = ApiError(400, f"X-Sparring-Fault: {exc.detail} {' '.join(exc.errors)}".strip())
            return await render_error(error, runtime.style_for(scope["path"]), scope["path"])(scope, receive, send)
        if fault is None:
            return await self.app(scope, receive, send)
        entry = scope.setdefault("extensions", {}).get(ENTRY)
        if entry is not None:
            entry.operation = entry.operation or operation
            entry.fault = fault.describe()
            entry.fault_answered = fault.status is not None or bool(fault.connection or fault.body)
        delay = fault.latency()
        if delay:
            await asyncio.sleep(delay)
        if fault.status is not None:
            error = ApiError(fault.status, f"Injected fault: the partner answered {fault.status}.")
            if fault.retry_after is not None:
                error.headers["Retry-After"] = str(fault.retry_after)
            return await render_error(error, runtime.style_for(scope["path"]), scope["path"])(scope, receive, send)
        if fault.connection == "drop":
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", b"64")]})
            raise DroppedConnection("injected fault: connection dropped")
        if fault.body:
            return await self._broken_body(fault.body, scope, receive, send)
        await self.app(scope, receive, send)

    async def _broken_body(self, kind: str, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the partner, then send its answer malformed (complete but not JSON) or truncated
        (half the body, then the connection closes)."""
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        if kind == "malformed":
            broken = b"{\"injected\": malformed" + body[: len(body) // 2]
            headers.append((b"content-length", str(len(broken)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": broken})
            return
        headers.append((b"content-length", str(max(len(body), 2)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
        raise DroppedConnection("injected fault: body truncated")


def routes(control: t.Any) -> list:
    """``GET|POST|DELETE /__sparring/faults``, ``DELETE /__sparring/faults/{id}``."""
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from sparring.control.common import by_method, guarded, json_object, known_partner, namespace_name

    faults: Faults = control.faults

    async def listing(request: Request) -> JSONResponse:
        namespace = namespace_name(request.query_params.get("namespace"))
        return JSONResponse({"faults": [f.public() for f in faults.list(namespace)]})

    async def add(request: Request) -> JSONResponse:
        spec = await json_object(request, required=True)
        build(spec, 0, control.runtime, 0)  # the fault's own checks first: their messages are clearer
        await json_object(request, "addFault", required=True)  # then the document's schema, as a backstop
        fault = faults.add(spec)
        return JSONResponse(fault.public(), 201)

    async def clear(request: Request) -> JSONResponse:
        q = request.query_params
        return JSONResponse({"removed": faults.clear(partner=known_partner(control.runtime, q.get("partner")),
                                                     namespace=namespace_name(q.get("namespace")))})

    async def remove(request: Request) -> Response:
        raw = request.path_params["fault"]
        if not raw.isdigit() or not faults.remove(int(raw)):
            raise ControlError(404, f"No fault {raw}.")
        return Response(status_code=204)

    return [
        by_method(f"{PREFIX}/faults", {"GET": guarded(listing), "POST": guarded(add), "DELETE": guarded(clear)}),
        Route(f"{PREFIX}/faults/{{fault}}", guarded(remove), methods=["DELETE"]),
    ]
