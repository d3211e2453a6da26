"""The error bodies partners send, and the one exception the engine raises to produce them.

Actions and validators never build an error body themselves: they raise :class:`ApiError` with a
*kind* (``validation_error``, ``not_found`` ...) and the partner's declared style turns it into the
vendor's own shape. Adding a partner with a new error shape means adding one style here.

A spec names its style, ``errors: validation-problem-details``, or declares it with the statuses
the vendor answers without a body: ``errors: {style: validation-problem-details, no-body: [403, 429], media-type: application/json}``
(``media-type`` where the vendor documents another than the style's own).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus

from sparring.declarations.model import ErrorsDeclaration
from sparring.engine.registry import ERRORS

Details = dict[str, list[str]]

# The kind an HTTP status falls back to when the raiser gave none.
KIND_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    501: "not_implemented",
}


@dataclass
class ApiError(Exception):
    """A failure to report to the client in the partner's error format."""

    status: int
    message: str
    kind: str | None = None
    details: Details | None = None
    headers: dict[str, str] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)  # vendor fields the laravel and message styles add (required_scope, code)

    def __post_init__(self) -> None:
        super().__init__(self.message)
        if self.kind is None:
            self.kind = KIND_BY_STATUS.get(self.status, "bad_request" if self.status < 500 else "internal_error")

    @classmethod
    def validation(cls, details: Details, message: str = "The request is not valid.") -> "ApiError":
        return cls(400, message, "validation_error", details)

    @classmethod
    def not_found(cls, what: str = "resource") -> "ApiError":
        return cls(404, f"The {what} was not found.", "not_found")


class ErrorStyle:
    """How one vendor writes an error: its media type, body and (rarely) its own status codes."""

    media_type = "application/json"
    no_body: frozenset[int] = frozenset()
    fixed_status: int | None = None
    max_message: int | None = None

    def status(self, error: ApiError) -> int:
        return self.fixed_status or error.status

    def body(self, error: ApiError, instance: str) -> dict:
        raise NotImplementedError

    def render(self, error: ApiError, instance: str) -> dict | None:
        """The body to send, or None for a status the vendor answers without one."""
        return None if self.status(error) in self.no_body else self.body(error, instance)


@ERRORS.register("status-error-message")
class StatusErrorMessage(ErrorStyle):
    """``{statusCode, error, message, details}``: InventoryPro (CISS)."""

    media_type = "application/json"

    def body(self, error: ApiError, instance: str) -> dict:
        return {
            "statusCode": error.status,
            "error": error.kind,
            "message": error.message,
            "details": error.details if error.kind == "validation_error" else None,
        }


@ERRORS.register("problem-details")
class ProblemDetails(ErrorStyle):
    """RFC 7807 ``application/problem+json``."""

    media_type = "application/problem+json"

    def body(self, error: ApiError, instance: str) -> dict:
        body = {
            "type": "about:blank",
            "title": _title(error.status),
            "status": error.status,
            "detail": error.message,
            "instance": instance,
        }
        if error.details:
            body["errors"] = error.details
        return body


@ERRORS.register("validation-problem-details")
class ValidationProblemDetails(ErrorStyle):
    """ASP.NET Core's ``ValidationProblemDetails``: problem details with per-field ``errors``."""

    media_type = "application/problem+json"

    def body(self, error: ApiError, instance: str) -> dict:
        title = "One or more validation errors occurred." if error.details else _title(error.status)
        return {
            "type": f"https://tools.ietf.org/html/rfc9110#section-15.{_rfc_section(error.status)}",
            "title": title,
            "status": error.status,
            "detail": error.message,
            "instance": instance,
            "errors": error.details or {},
        }


@ERRORS.register("laravel")
class LaravelErrors(ErrorStyle):
    """Laravel: ``{message, errors}`` with 422 for validation failures."""

    def status(self, error: ApiError) -> int:
        return self.fixed_status or (422 if error.kind == "validation_error" else error.status)

    def body(self, error: ApiError, instance: str) -> dict:
        if error.kind == "validation_error":
            return {"message": "The given data was invalid.", "errors": error.details or {}, **error.extra}
        if error.status == 401:  # Laravel's own answer to a missing or bad token
            return {"message": "Unauthenticated.", **error.extra}
        return {"message": error.message, **error.extra}


@ERRORS.register("message")
class MessageErrors(ErrorStyle):
    """``{message}``, with ``errors: {field: [messages]}`` when fields are at fault (Flow Retail)."""

    def body(self, error: ApiError, instance: str) -> dict:
        body = {"message": error.message, **error.extra}
        if error.details:
            body["errors"] = error.details
        return body


@ERRORS.register("status-zero")
class StatusZero(ErrorStyle):
    """``{status: 0, message}``: a vendor that reports failure in the body (Komet). The HTTP status
    is the error's own unless the declaration fixes one (``http-status: 200``); ``max-message``
    cuts messages to the length the vendor documents (a validation message quotes what was sent)."""

    def body(self, error: ApiError, instance: str) -> dict:
        message = error.message
        if error.details:
            message += " " + " ".join(f"{name}: {' '.join(msgs)}" for name, msgs in error.details.items())
        if self.max_message and len(message) > self.max_message:
            message = message[:self.max_message - 3] + "..."
        return {"status": 0, "message": message}


def style_named(declaration: "ErrorsDeclaration | str") -> ErrorStyle:
    """The error style a partner declares (``errors``: a name, or ``{style, no-body, media-type,
    http-status, max-message}``)."""
    if isinstance(declaration, str):
        declaration = ErrorsDeclaration(declaration)
    style = ERRORS.get(declaration.style)()
    style.no_body = declaration.no_body
    style.media_type = declaration.media_type or style.media_type
    style.fixed_status = declaration.http_status
    style.max_message = declaration.max_message
    return style


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _rfc_section(status: int) -> str:
    return {400: "5.1", 401: "5.2", 403: "5.4", 404: "5.5", 405: "5.6", 409: "5.10", 413: "5.14",
            415: "5.16", 422: "5.21", 500: "6.1"}.get(status, "5.1")
