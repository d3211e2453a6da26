"""Request size limits, applied before anything reads a body."""

from __future__ import annotations

import typing as t

from starlette.types import Receive, Scope

from sparring.engine.errors import ApiError

MAX_BODY_BYTES = 1024 * 1024


def too_large() -> ApiError:
    return ApiError(413, f"The request body is larger than {MAX_BODY_BYTES} bytes.")


def declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def limited(receive: Receive) -> Receive:
    """Stop a body sent without Content-Length (chunked) once it passes the limit."""
    seen = 0

    async def receive_limited() -> t.MutableMapping[str, t.Any]:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > MAX_BODY_BYTES:
            raise too_large()
        return message

    return receive_limited
