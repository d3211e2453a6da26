"""A bare Starlette app answering with fixed bytes: the ceiling sparring's serving is compared with.

``BARE_BODY_FILE`` names a file whose bytes every GET returns (sparring's own answer to the same
request, captured by ``ratios.py``); a POST reads the body and returns the same bytes with 200.
Run with uvicorn: ``uvicorn bench.bare_app:app``.
"""

from __future__ import annotations

import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

BODY = open(os.environ["BARE_BODY_FILE"], "rb").read() if os.environ.get("BARE_BODY_FILE") else b"{}"


async def answer(request: Request) -> Response:
    if request.method == "POST":
        await request.body()
    return Response(BODY, media_type="application/json")


app = Starlette(routes=[Route("/{path:path}", answer, methods=["GET", "POST"])])
