"""``/__sparring``: what a test harness or a demo needs besides the partner APIs.

- ``GET /`` and ``GET /__sparring/partners``: the partners served, their base and docs URLs.
- ``GET /__sparring/health``: liveness.
- ``POST /__sparring/reset`` (optional ``{"seed": N}``): back to freshly seeded data, and the
  clock back to real time.
- ``POST /__sparring/clock`` ``{"advance": SECONDS}``: move server time on (token expiry ...);
  ``GET`` tells the current server time.

Who may call them: ``access.py``. Bodies get the partner routes' limits (``http/limits.py``).
`GET /` answers a small HTML page to a browser, JSON to anything else.
"""

from __future__ import annotations

import html
import typing as t
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, Router

from sparring.control.access import AdminAccess
from sparring.engine.clock import ClockError
from sparring.http.limits import BodyProblem, parse_json

if t.TYPE_CHECKING:
    from sparring.runtime import Runtime

PREFIX = "/__sparring"


class BadBody(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def routes(runtime: "Runtime", access: AdminAccess | None = None) -> Router:
    access = access or AdminAccess()

    def guarded(endpoint: t.Callable) -> t.Callable:
        async def run(request: Request) -> Response:
            refusal = access.refusal(request)
            if refusal is not None:
                return refusal
            try:
                result = endpoint(request)
                return await result if hasattr(result, "__await__") else result
            except BadBody as exc:
                return JSONResponse({"error": exc.message}, 400)
        return run

    def index(request: Request) -> Response:
        if "text/html" in request.headers.get("accept", ""):
            return HTMLResponse(_index_html(partners_of(request)))
        return JSONResponse(partners_of(request))

    def partners(request: Request) -> JSONResponse:
        return JSONResponse(partners_of(request))

    def partners_of(request: Request) -> dict:
        base = str(request.base_url).rstrip("/")
        return {
            "seed": runtime.seed,
            "partners": [
                {
                    "name": name,
                    "title": s.partner.title,
                    "base_url": base + s.partner.prefix,
                    "docs_url": f"{base}{s.partner.prefix}/ui/",
                    "openapi_url": f"{base}{s.partner.prefix}/openapi.json",
                    "operations": len(s.partner.operations),
                }
                for name, s in runtime.served.items()
            ],
        }

    def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "partners": sorted(runtime.served)})

    async def reset(request: Request) -> JSONResponse:
        payload = await _json(request)
        seed = payload.get("seed")
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**63):
            return JSONResponse({"error": "seed must be an integer from 0 to 2**63-1"}, 400)
        runtime.reset(seed)
        runtime.clock.reset()
        return JSONResponse({"status": "reset", "seed": runtime.seed, "offset_seconds": runtime.clock.offset})

    async def clock(request: Request) -> JSONResponse:
        if request.method == "POST":
            payload = await _json(request)
            advance = payload.get("advance")
            if not isinstance(advance, (int, float)) or isinstance(advance, bool):
                return JSONResponse({"error": "advance must be a number of seconds"}, 400)
            try:
                runtime.clock.advance(advance)
            except ClockError as exc:
                low, high = runtime.clock.advance_range()
                return JSONResponse({"error": str(exc), "min_advance": low, "max_advance": high}, 400)
        return JSONResponse({"now": runtime.clock.now().isoformat(), "offset_seconds": runtime.clock.offset})

    return Router([
        Route("/", index),
        Route(f"{PREFIX}/partners", guarded(partners)),
        Route(f"{PREFIX}/health", health),
        Route(f"{PREFIX}/reset", guarded(reset), methods=["POST"]),
        Route(f"{PREFIX}/clock", guarded(clock), methods=["GET", "POST"]),
    ])


async def _json(request: Request) -> dict:
    """The JSON object of a control request's body ({} when there is none); :class:`BadBody` for
    anything else, with the same limits as partner bodies."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        value = parse_json(raw)
    except BodyProblem as exc:
        raise BadBody(exc.message) from None
    if not isinstance(value, dict):
        raise BadBody("The request body must be a JSON object.")
    return value


def _index_html(info: dict) -> str:
    rows = "".join(
        f"<li><b>{html.escape(p['title'])}</b> ({html.escape(p['name'])}, {p['operations']} operations): "
        f"<a href=\"{html.escape(urlsplit(p['docs_url']).path)}\">Swagger UI</a> · "
        f"<a href=\"{html.escape(urlsplit(p['openapi_url']).path)}\">openapi.json</a> · base URL <code>{html.escape(p['base_url'])}</code></li>"
        for p in info["partners"])
    return ("<!doctype html><html><head><meta charset=\"utf-8\"><title>sparring</title></head><body>"
            f"<h1>sparring</h1><p>Seed {info['seed']}. Partners served:</p><ul>{rows}</ul>"
            "<p>Demo credentials: <code>sparring credentials</code>. Control API: <code>/__sparring/...</code></p>"
            "</body></html>")
