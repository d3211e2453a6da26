"""Request limits, applied before anything trusts a body: size, JSON nesting and number length,
form field counts, and how long a client may take to send its body.

Every limit answers a clear 4xx in the partner's error shape (413 for size, 400 otherwise); none
lets a hostile body reach a parser or validator that would fail with a server error.

========================  ==========  ==================================================
limit                     value       why
========================  ==========  ==================================================
body size                 1 MiB       ``Content-Length`` or the bytes of a chunked body
JSON nesting depth        64          ``System.Text.Json``'s default maximum depth, the
                                      .NET stacks both partners run on
JSON number literal       1,000 chars  past Python's integer parsing limit (4,300 digits)
                                      nothing reaches it; no schema here needs more
non-finite JSON numbers   refused     ``NaN``, ``Infinity`` and ``1e400`` are not JSON
form / multipart fields   1,000       starlette's own limit, answered as a 400
body read timeout         30 s        a client that stops sending mid-body is answered
                                      408 and does not hold the connection forever
========================  ==========  ==================================================
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import typing as t

from starlette.types import Receive, Scope

from sparring.engine.errors import ApiError
from sparring.http.headers import first

MAX_BODY_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 64
MAX_NUMBER_CHARS = 1000
MAX_FORM_FIELDS = 1000
BODY_READ_TIMEOUT = 30.0


class BodyProblem(ValueError):
    """A body refused before or while parsing it; ``status`` is 400 or 413."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def too_large(limit: int = MAX_BODY_BYTES) -> ApiError:
    return ApiError(413, f"The request body is larger than {limit} bytes.")


def declared_length(scope: Scope) -> int | None:
    value = first(scope["headers"], b"content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def limited(receive: Receive, timeout: float | None = None, limit: int = MAX_BODY_BYTES) -> Receive:
    """Stop a body sent without Content-Length (chunked) once it passes the size limit, and one
    that stops arriving for ``timeout`` seconds (408). Nothing is set up until a request reads its
    body (a GET never does), and then a timer on the loop, not a task per read."""
    seen = 0
    wait = BODY_READ_TIMEOUT if timeout is None else timeout

    async def receive_limited() -> t.MutableMapping[str, t.Any]:
        nonlocal seen
        try:
            async with asyncio.timeout(wait):
                message = await receive()
        except TimeoutError:
            raise ApiError(408, f"The request body did not arrive within {wait:g} seconds.") from None
        seen += len(message.get("body", b""))
        if seen > limit:
            raise too_large(limit)
        return message

    return receive_limited


# -- JSON ----------------------------------------------------------------------------------

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth_exceeded(raw: bytes) -> bool:
    """True when the body's arrays and objects nest deeper than :data:`MAX_JSON_DEPTH`.

    A body with fewer opening brackets than the limit cannot exceed it (the common case costs two
    counts); otherwise strings are blanked out and the brackets counted."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_JSON_DEPTH:
        return False
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub(b'""', raw)):
        if match.group() in (b"[", b"{"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        else:
            depth -= 1
    return False


def _refuse_constant(name: str) -> t.NoReturn:
    raise BodyProblem(f"The request body is not valid JSON: {name} is not a JSON value.")


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise BodyProblem(f"The request body holds a number longer than {MAX_NUMBER_CHARS} characters.")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise BodyProblem(f"The request body holds a number longer than {MAX_NUMBER_CHARS} characters.")
    value = float(text)
    if not math.isfinite(value):
        raise BodyProblem(f"The request body holds a number out of range: {text[:40]}.")
    return value


def parse_json(raw: bytes, encoding: str = "utf-8") -> t.Any:
    """The JSON value of a body, or :class:`BodyProblem` naming what is wrong with it: bad
    encoding, bad syntax, ``NaN``/``Infinity`` literals, numbers out of range or too long,
    nesting deeper than :data:`MAX_JSON_DEPTH`."""
    if json_depth_exceeded(raw):
        raise BodyProblem(f"The request body nests arrays and objects deeper than {MAX_JSON_DEPTH} levels.")
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise BodyProblem(f"The request body is not valid {encoding} text.") from None
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_int=_int, parse_float=_float)
    except BodyProblem:
        raise
    except json.JSONDecodeError as exc:
        raise BodyProblem(f"The request body is not valid JSON: {exc}.") from None
    except RecursionError:  # unreachable below the depth limit; kept as a backstop
        raise BodyProblem(f"The request body nests arrays and objects deeper than {MAX_JSON_DEPTH} levels.") from None
    except ValueError as exc:  # a number Python will not convert
        raise BodyProblem(f"The request body holds a number that cannot be read: {str(exc)[:80]}.") from None
