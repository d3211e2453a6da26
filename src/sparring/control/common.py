"""What every control route shares: the prefix, problem+json errors, strict JSON bodies and query
parsing, and which partner operation a request path is (for faults, the journal and coverage)."""

from __future__ import annotations

import json
import re
import typing as t

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sparring.catalog import by_routing_order, path_pattern
from sparring.engine.namespaces import DEFAULT, HEADER
from sparring.http.headers import first
from sparring.http.limits import BodyProblem, parse_json

if t.TYPE_CHECKING:
    from sparring.runtime import Runtime

PREFIX = "/__sparring"
# a header name, plus the partner's own key (printable ASCII but "/") where it declares one
NAMESPACE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}(/[!-.0-~]{1,128})?$")


class ControlError(Exception):
    """A control request that cannot be done; answered as RFC 7807 problem+json."""

    def __init__(self, status: int, detail: str, errors: list[str] | None = None, **extra: t.Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or []
        self.extra = extra  # more members of the problem body (min_advance ...)


def problem(status: int, detail: str, errors: list[str] | None = None, **extra: t.Any) -> JSONResponse:
    body: dict[str, t.Any] = {"type": "about:blank", "title": _TITLES.get(status, "Error"), "status": status,
                              "detail": detail, **extra}
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status, media_type="application/problem+json")


_TITLES = {400: "Bad Request", 404: "Not Found", 409: "Conflict", 413: "Content Too Large",
           415: "Unsupported Media Type", 429: "Too Many Requests"}


def guarded(handler: t.Callable[[Request], t.Awaitable[JSONResponse]]) -> t.Callable:
    """A route whose :class:`ControlError` becomes a problem response."""

    async def route(request: Request):
        try:
            return await handler(request)
        except ClientDisconnect:  # the client (or uvicorn, on a broken chunk) ended the request
            return Response(status_code=400)
        except ControlError as exc:
            return problem(exc.status, exc.detail, exc.errors, **exc.extra)

    route.__name__ = handler.__name__
    return route


async def json_object(request: Request, operation: str | None = None, *, required: bool = False) -> dict[str, t.Any]:
    """The request's JSON object body, checked against the request body schema of ``operation`` in
    the control API's own document; ``{}`` for none (unless required); 400 for anything else."""
    raw = await request.body()  # the size limit is the app's (app.py), as for partner bodies
    if not raw.strip():
        if required:
            raise ControlError(400, "A JSON object body is required.")
        return {}
    try:
        value = parse_json(raw)  # the partners' JSON limits: depth, number length, no NaN
        if b"\\ud" in raw.lower():  # an escaped surrogate: fine only as half of a pair
            json.dumps(value, ensure_ascii=False).encode("utf-8")
    except BodyProblem as exc:
        raise ControlError(exc.status, exc.message) from None
    except UnicodeEncodeError:
        raise ControlError(400, "The body holds an unpaired UTF-16 surrogate (\\uD800-\\uDFFF).") from None
    if not isinstance(value, dict):
        raise ControlError(400, "The body must be a JSON object.")
    if operation is not None:
        from sparring.control.docs import body_errors

        errors = body_errors(operation, value)
        if errors:
            raise ControlError(400, f"The body does not match {operation}'s schema in {PREFIX}/openapi.json.", errors)
    return value


def query_int(request: Request, name: str, *, low: int | None = None, high: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ControlError(400, f"Query parameter {name} must be an integer, got {raw!r}.") from None
    if (low is not None and value < low) or (high is not None and value > high):
        raise ControlError(400, f"Query parameter {name} must be between {low} and {high}.")
    return value


def known_partner(runtime: "Runtime", name: t.Any, *, field: str = "partner") -> str | None:
    if name is None:
        return None
    if not isinstance(name, str) or name not in runtime.served:
        raise ControlError(404 if isinstance(name, str) else 400,
                           f"{field}: unknown partner {name!r}; served: {', '.join(sorted(runtime.served))}.")
    return name


def namespace_name(value: t.Any, *, field: str = "namespace") -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not NAMESPACE_NAME.match(value):
        raise ControlError(400, f"{field}: a namespace name is 1 to 64 letters, digits, '.', '_' or '-', "
                                "starting with a letter or digit.")
    return value


def by_method(path: str, handlers: t.Mapping[str, t.Callable]) -> "Route":
    """One route for a path, whatever its methods: a 405 then lists them all in ``Allow``."""
    from starlette.routing import Route

    async def route(request: Request):
        return await handlers[request.method if request.method != "HEAD" else "GET"](request)

    return Route(path, route, methods=list(handlers))


_HEADER = HEADER.encode()


def request_namespace(headers: t.Iterable[tuple[bytes, bytes]]) -> str:
    """The namespace a partner request names in its header (the partner may add a key to it)."""
    value = first(headers, _HEADER)
    return (value.decode("latin-1") or DEFAULT) if value is not None else DEFAULT


class Operations:
    """Which partner and operation a method and path are, without running connexion's router:
    faults must decide before the partner sees the request. Concrete paths win over templated ones,
    as routing does."""

    def __init__(self, runtime: "Runtime") -> None:
        self.runtime = runtime
        self.table: dict[tuple[str, str], list[tuple[re.Pattern, str]]] = {}
        for name, served in runtime.served.items():
            for op in by_routing_order(served.partner.operations.values(), lambda op: op.path):
                pattern = path_pattern(served.partner.prefix + op.path, trailing_slash=True)
                self.table.setdefault((name, op.method.upper()), []).append((pattern, op.id))

    def partner(self, path: str) -> str | None:
        served = self.runtime.partner_for(path)
        return served.partner.name if served is not None else None

    def operation(self, partner: str, method: str, path: str) -> str | None:
        """The operationId, or None for a path and method of the partner no operation has."""
        for pattern, op_id in self.table.get((partner, method), ()):
            if pattern.match(path):
                return op_id
        return None

    def match(self, method: str, path: str) -> tuple[str | None, str | None]:
        partner = self.partner(path)
        return (partner, None) if partner is None else (partner, self.operation(partner, method, path))
