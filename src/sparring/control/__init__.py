"""``/__sparring``: what a test harness or a demo needs besides the partner APIs.

- ``GET /`` and ``GET /__sparring/partners``: the partners served, their base and docs URLs.
- ``GET /__sparring/health``: liveness.
- ``POST /__sparring/reset`` (optional ``{"seed": N}``): back to freshly seeded data.
- ``POST /__sparring/clock`` ``{"advance": SECONDS}``: move server time on (token expiry ...);
  ``GET`` tells the current server time.
"""

from __future__ import annotations

import json
import typing as t

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, Router

if t.TYPE_CHECKING:
    from sparring.runtime import Runtime

PREFIX = "/__sparring"


def routes(runtime: "Runtime") -> Router:
    def partners(request: Request) -> JSONResponse:
        base = str(request.base_url).rstrip("/")
        return JSONResponse({
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
        })

    def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "partners": sorted(runtime.served)})

    async def reset(request: Request) -> JSONResponse:
        payload = await _json(request)
        seed = payload.get("seed")
        if seed is not None and not isinstance(seed, int):
            return JSONResponse({"error": "seed must be an integer"}, 400)
        runtime.reset(seed)
        return JSONResponse({"status": "reset", "seed": runtime.seed})

    async def clock(request: Request) -> JSONResponse:
        if request.method == "POST":
            payload = await _json(request)
            advance = payload.get("advance")
            if not isinstance(advance, (int, float)) or isinstance(advance, bool):
                return JSONResponse({"error": "advance must be a number of seconds"}, 400)
            runtime.clock.advance(advance)
        return JSONResponse({"now": runtime.clock.now().isoformat(), "offset_seconds": runtime.clock.offset})

    return Router([
        Route("/", partners),
        Route(f"{PREFIX}/partners", partners),
        Route(f"{PREFIX}/health", health),
        Route(f"{PREFIX}/reset", reset, methods=["POST"]),
        Route(f"{PREFIX}/clock", clock, methods=["GET", "POST"]),
    ])


async def _json(request: Request) -> dict:
    raw = await request.body()
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return {}
    return value if isinstance(value, dict) else {}
