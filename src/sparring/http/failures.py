"""connexion's two exception layers (``ServerErrorMiddleware`` and ``ExceptionMiddleware``) as one,
with nothing made per request unless something is raised.

The stock pair wraps ``send`` twice and builds a request and two closures for every request only
to know, if an exception comes, whether the response had started. Here the exception is looked
up in the same handlers (connexion's and those ``add_error_handler`` registers, see
``adapter.py``) and answered; an exception after the response started still reaches the server,
which closes the connection, as before. A handler that fails itself gets connexion's plain 500,
as ``ServerErrorMiddleware`` gave it.
"""

from __future__ import annotations

import inspect
import logging
import typing as t

from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.server_error import ServerErrorMiddleware
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

log = logging.getLogger("sparring.http")


class Failures(ExceptionMiddleware):
    """Answers what the layers behind it raise with the registered handler (the partner's shape)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        scope["starlette.exception_handlers"] = (self._exception_handlers, self._status_handlers)
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            handler = self._handler(exc)
            if handler is None:
                raise
            request = Request(scope, receive, send)
            try:
                if inspect.iscoroutinefunction(handler):
                    response = await handler(request, exc)
                else:
                    response = await run_in_threadpool(handler, request, exc)
            except Exception as failure:
                log.exception("the error handler failed on %r", exc)
                fallback = await ServerErrorMiddleware.error_response(request, failure)
                await fallback(scope, receive, send)
                raise failure from exc
            if response is not None:
                await response(scope, receive, send)
            exc.__traceback__ = None  # reused exception instances would pile up tracebacks

    def _handler(self, exc: Exception) -> t.Any:
        """The handler for a status (an ``HTTPException``), else for the nearest class in the MRO."""
        if isinstance(exc, HTTPException) and exc.status_code in self._status_handlers:
            return self._status_handlers[exc.status_code]
        for cls in type(exc).__mro__:
            if cls in self._exception_handlers:
                return self._exception_handlers[cls]
        return None
