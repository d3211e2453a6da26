"""connexion's and starlette's exceptions, as the engine's one error type, by exception type.

The partner's error style (``engine/errors.py``) then writes it in the vendor's shape.
"""

from __future__ import annotations

import logging
import typing as t

from starlette.exceptions import HTTPException

from sparring.engine.errors import ApiError
from sparring.http.security import InvalidCredential
from sparring.http.validation import FieldErrors, MalformedBody, MissingBody

_MESSAGES = {
    401: "Authentication is required: send a valid bearer token.",
    403: "You are not allowed to do this.",
    404: "No such resource.",
    405: "This method is not allowed here.",
    415: "This content type is not accepted here.",
}


def to_api_error(exc: Exception, allow: t.Callable[[str], str | None], path: str, *, bearer: bool = True) -> ApiError:
    """The :class:`ApiError` for an exception raised in front of the engine; ``allow(path)`` gives
    the Allow header of a 405; ``bearer``: the partner takes bearer tokens (else API keys, which
    have no ``WWW-Authenticate`` scheme)."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, FieldErrors):
        return ApiError.validation(exc.details)
    if isinstance(exc, MissingBody):
        return ApiError(400, "A request body is required.", "bad_request")
    if isinstance(exc, MalformedBody):
        return ApiError(400, exc.detail, "bad_request")
    if isinstance(exc, HTTPException):  # connexion's problems are starlette HTTPExceptions
        status = exc.status_code
        if isinstance(exc, InvalidCredential):
            message = "The bearer token is not valid or has expired." if bearer else \
                "The authentication token is not valid."
        elif status == 401 and not bearer:
            message = "An authentication token is required."
        else:
            message = _MESSAGES.get(status) or str(getattr(exc, "detail", "") or "") or "The request was not accepted."
        error = ApiError(status, message)
        if status == 405:
            allowed = allow(path)
            if allowed:
                error.headers["Allow"] = allowed
        elif status == 401 and bearer:
            error.headers["WWW-Authenticate"] = "Bearer"
        return error
    logging.getLogger("sparring").exception("unhandled error on %s", path, exc_info=exc)
    return ApiError(500, "The server failed to handle this request.")

