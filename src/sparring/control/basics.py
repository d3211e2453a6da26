"""The partner index, health, reset and the server clock.

- ``GET /`` and ``GET /__sparring/partners``: the partners served, their base and docs URLs.
- ``GET /__sparring/health``: liveness.
- ``POST /__sparring/reset`` ``{seed?, partner?, namespace?, include?}``: back to freshly seeded data,
  everything, one partner or one namespace; a ``seed`` regenerates every partner's data;
  ``include: [journal, faults, coverage]`` clears those for the same partner and namespace too.
- ``POST /__sparring/clock`` ``{"advance": SECONDS}``: move server time on; ``GET`` tells it.
"""

from __future__ import annotations

import typing as t

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sparring.control.common import PREFIX, ControlError, guarded, json_object, known_partner, namespace_name

ALSO = ("journal", "faults", "coverage")


def routes(control: t.Any) -> list:
    async def partners(request: Request) -> JSONResponse:
        runtime = control.runtime
        base = str(request.base_url).rstrip("/")
        return JSONResponse({
            "seed": runtime.seed,
            "control": {"openapi_url": f"{base}{PREFIX}/openapi.json", "docs_url": f"{base}{PREFIX}/ui/",
                        "coverage_url": f"{base}{PREFIX}/coverage.html"},
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

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "partners": sorted(control.runtime.served)})

    async def reset(request: Request) -> JSONResponse:
        payload = await json_object(request, "reset")
        seed = payload.get("seed")
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or abs(seed) >= 2**63):
            raise ControlError(400, "seed must be an integer")
        partner = known_partner(control.runtime, payload.get("partner"))
        namespace = namespace_name(payload.get("namespace"))
        if seed is not None and (partner or namespace):
            raise ControlError(409, "seed applies to every partner and namespace; send it without partner or namespace.")
        include = payload.get("include", [])
        if not isinstance(include, list) or any(i not in ALSO for i in include):
            raise ControlError(400, f"include must be a list of {', '.join(ALSO)}.")
        control.runtime.reset(seed, partner, namespace)
        for what in include:
            getattr(control, what).clear(partner=partner, namespace=namespace)
        return JSONResponse({"status": "reset", "seed": control.runtime.seed, "partner": partner,
                             "namespace": namespace, "cleared": include})

    async def clock(request: Request) -> JSONResponse:
        clock = control.runtime.clock
        if request.method == "POST":
            payload = await json_object(request, "advanceClock", required=True)
            advance = payload.get("advance")
            if not isinstance(advance, (int, float)) or isinstance(advance, bool) or abs(advance) > 10 * 366 * 86400:
                raise ControlError(400, "advance must be a number of seconds (at most ten years either way)")
            clock.advance(advance)
        return JSONResponse({"now": clock.now().isoformat(), "offset_seconds": clock.offset})

    return [
        Route("/", guarded(partners), methods=["GET"]),
        Route(f"{PREFIX}/partners", guarded(partners), methods=["GET"]),
        Route(f"{PREFIX}/health", guarded(health), methods=["GET"]),
        Route(f"{PREFIX}/reset", guarded(reset), methods=["POST"]),
        Route(f"{PREFIX}/clock", guarded(clock), methods=["GET", "POST"]),
    ]
