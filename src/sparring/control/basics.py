"""The partner index, health, reset and the server clock.

- ``GET /`` and ``GET /__sparring/partners``: the partners served, their base and docs URLs (``GET /``
  answers a small HTML page to a browser, JSON to anything else).
- ``GET /__sparring/health``: liveness.
- ``POST /__sparring/reset`` ``{seed?, partner?, namespace?, include?}``: back to freshly seeded data,
  everything, one partner or one namespace; a ``seed`` regenerates every partner's data;
  ``include: [journal, faults, coverage]`` clears those for the same partner and namespace too.
  A reset of everything also puts the clock back to real time.
- ``POST /__sparring/clock`` ``{"advance": SECONDS}``: move server time on; ``GET`` tells it. Time
  stays between 1970 and 9999: an advance past either end, or not finite, is a 400 naming the range.
"""

from __future__ import annotations

import html
import math
import typing as t
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from sparring.control.common import PREFIX, ControlError, guarded, json_object, known_partner, namespace_name
from sparring.engine.clock import ClockError

ALSO = ("journal", "faults", "coverage")
MAX_ADVANCE = 316224000  # seconds: ten years of 366 days, one call's most (openapi.yaml says the same)


def routes(control: t.Any) -> list:
    def index(request: Request) -> dict:
        runtime = control.runtime
        base = str(request.base_url).rstrip("/")
        return {
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
        }

    async def partners(request: Request) -> Response:
        if request.url.path == "/" and "text/html" in request.headers.get("accept", ""):
            return HTMLResponse(_index_html(index(request)))
        return JSONResponse(index(request))

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "partners": sorted(control.runtime.served)})

    async def reset(request: Request) -> JSONResponse:
        payload = await json_object(request, "reset")
        seed = payload.get("seed")
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**63):
            raise ControlError(400, "seed must be an integer from 0 to 2**63-1")
        partner = known_partner(control.runtime, payload.get("partner"))
        namespace = namespace_name(payload.get("namespace"))
        if seed is not None and (partner or namespace):
            raise ControlError(409, "seed applies to every partner and namespace; send it without partner or namespace.")
        include = payload.get("include", [])
        if not isinstance(include, list) or any(i not in ALSO for i in include):
            raise ControlError(400, f"include must be a list of {', '.join(ALSO)}.")
        control.runtime.reset(seed, partner, namespace)
        if partner is None and namespace is None:
            control.runtime.clock.reset()
        for what in include:
            getattr(control, what).clear(partner=partner, namespace=namespace)
        return JSONResponse({"status": "reset", "seed": control.runtime.seed, "partner": partner,
                             "namespace": namespace, "cleared": include,
                             "offset_seconds": control.runtime.clock.offset})

    async def clock(request: Request) -> JSONResponse:
        clock = control.runtime.clock
        if request.method == "POST":
            advance = (await json_object(request, required=True)).get("advance")
            low, high = clock.advance_range()
            low, high = max(low, -MAX_ADVANCE), min(high, MAX_ADVANCE)
            if isinstance(advance, (int, float)) and not isinstance(advance, bool) and \
                    not (math.isfinite(advance) and low <= advance <= high):
                raise ControlError(400, f"advance must be a finite number of seconds between {low} and {high}: "
                                        "one call moves time at most ten years, and time stays between "
                                        "1970-01-01T00:00:00Z and 9999-01-01T00:00:00Z",
                                   min_advance=low, max_advance=high)
            await json_object(request, "advanceClock", required=True)  # the rest of the document's schema
            try:
                clock.advance(advance)
            except ClockError as exc:
                raise ControlError(400, str(exc)) from None
        return JSONResponse({"now": clock.now().isoformat(), "offset_seconds": clock.offset})

    return [
        Route("/", guarded(partners), methods=["GET"]),
        Route(f"{PREFIX}/partners", guarded(partners), methods=["GET"]),
        Route(f"{PREFIX}/health", guarded(health), methods=["GET"]),
        Route(f"{PREFIX}/reset", guarded(reset), methods=["POST"]),
        Route(f"{PREFIX}/clock", guarded(clock), methods=["GET", "POST"]),
    ]


def _index_html(info: dict) -> str:
    rows = "".join(
        f"<li><b>{html.escape(p['title'])}</b> ({html.escape(p['name'])}, {p['operations']} operations): "
        f"<a href=\"{html.escape(urlsplit(p['docs_url']).path)}\">Swagger UI</a> · "
        f"<a href=\"{html.escape(urlsplit(p['openapi_url']).path)}\">openapi.json</a> · "
        f"base URL <code>{html.escape(p['base_url'])}</code></li>"
        for p in info["partners"])
    control = info["control"]
    return ("<!doctype html><html><head><meta charset=\"utf-8\"><title>sparring</title></head><body>"
            f"<h1>sparring</h1><p>Seed {info['seed']}. Partners served:</p><ul>{rows}</ul>"
            "<p>Demo credentials: <code>sparring credentials</code>. Control API: "
            f"<a href=\"{html.escape(urlsplit(control['docs_url']).path)}\">Swagger UI</a>, "
            f"<a href=\"{html.escape(urlsplit(control['coverage_url']).path)}\">coverage</a>.</p>"
            "</body></html>")
