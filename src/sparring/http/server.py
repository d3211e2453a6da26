"""uvicorn as ``sparring serve`` runs it: a read timeout for slow clients and a shutdown that ends.

- A client must send a request's headers within the read timeout of connecting (or of its first
  byte, on a kept-alive connection), else it gets a 408 and the connection is closed; the body has
  the same timeout per chunk (``http/limits.py``). A slow client cannot hold a connection forever.
- SIGTERM or Ctrl-C lets in-flight requests finish for at most the graceful-shutdown timeout, then
  closes what is left and exits 0; a second signal of either kind exits at once.
"""

from __future__ import annotations

import asyncio
import signal
import typing as t

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from sparring.http import heap

DEFAULT_READ_TIMEOUT = 30.0
DEFAULT_SHUTDOWN_TIMEOUT = 5.0

_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
    b"content-length: %d\r\n\r\n%s"
)


def timed_protocol(read_timeout: float) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol, closing connections whose headers do not arrive in time.

    One timer per connection, not one per request: a request only notes when it began; the timer,
    when it fires, closes the connection if headers are still awaited past the timeout, else sets
    itself for the deadline of the request now waiting (or lapses until the next one begins)."""

    class TimedProtocol(HttpToolsProtocol):
        _header_timer: asyncio.TimerHandle | None = None
        _waiting_since: float | None = None  # loop time the awaited headers began, None: none awaited

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._await_headers()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._await_headers()

        def on_headers_complete(self) -> None:
            self._waiting_since = None
            super().on_headers_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._waiting_since = None
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None
            super().connection_lost(exc)

        def _await_headers(self) -> None:
            self._waiting_since = now = self.loop.time()
            if self._header_timer is None:
                self._header_timer = self.loop.call_at(now + read_timeout, self._check_headers)

        def _check_headers(self) -> None:
            self._header_timer = None
            if self._waiting_since is None:
                return  # nothing awaited; the next request sets the timer again
            deadline = self._waiting_since + read_timeout
            if self.loop.time() < deadline:
                self._header_timer = self.loop.call_at(deadline, self._check_headers)
                return
            self._headers_too_slow()

        def _headers_too_slow(self) -> None:
            if self.transport.is_closing():
                return
            if self.cycle is None or self.cycle.response_complete:  # nothing is being answered
                body = b'{"error": "The request headers did not arrive within %g seconds."}' % read_timeout
                self.transport.write(_TIMEOUT_RESPONSE % (len(body), body))
            self.transport.close()

    return TimedProtocol


class Server(uvicorn.Server):
    """Exits 0 on a clean stop (uvicorn re-raises the signal after shutting down) and stops at
    once on a second SIGTERM as well as on a second Ctrl-C; the app's heap is frozen before it
    serves (``heap.py``)."""

    def run(self, sockets: t.Any = None) -> None:
        heap.freeze()
        super().run(sockets=sockets)

    def handle_exit(self, sig: int, frame: t.Any) -> None:
        if self.should_exit and sig in (signal.SIGINT, signal.SIGTERM):
            self.force_exit = True
        else:
            self.should_exit = True
        self._captured_signals.clear()


def config(app: t.Any, *, host: str, port: int, log_level: str, access_log: bool,
           read_timeout: float = DEFAULT_READ_TIMEOUT,
           shutdown_timeout: float = DEFAULT_SHUTDOWN_TIMEOUT) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=access_log,
                          lifespan="off", http=timed_protocol(read_timeout),
                          timeout_graceful_shutdown=shutdown_timeout)
