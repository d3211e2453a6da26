"""Who may use the control API (``/__sparring/...``): the loopback rule and the admin token.

The control API resets data and moves the clock, so it must not be open to a network. The rule:

- ``sparring serve`` bound to loopback (127.0.0.1, ::1, localhost) and no ``--admin-token``: only
  processes on this machine can reach it, and it is open to them;
- bound to anything else (0.0.0.0, a LAN address) or with ``--admin-token``: every control route
  but the index ``GET /`` and ``GET /__sparring/health`` (a liveness probe) needs ``Authorization: Bearer TOKEN`` or
  ``X-Sparring-Admin-Token: TOKEN``. Without ``--admin-token`` one is generated and printed at start.

A missing or wrong token is a 401 (problem+json, with ``WWW-Authenticate``, like every control
error); the comparison takes constant time.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets

from starlette.requests import Request
from starlette.responses import JSONResponse

from sparring.control.common import problem

OPEN_PATHS = frozenset({"/", "/__sparring/health"})  # the index and a liveness probe
HEADER = "x-sparring-admin-token"


def is_loopback(host: str) -> bool:
    """True for a host name or address only this machine can reach."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def token_for(host: str, given: str | None) -> str | None:
    """The admin token a server bound to ``host`` requires: the one given, a new one when the host
    is not loopback, else None (open)."""
    if given:
        return given
    return None if is_loopback(host) else secrets.token_urlsafe(24)


class AdminAccess:
    """Checks a control request against the admin token (None: every request is let through)."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token

    def refusal(self, request: Request) -> JSONResponse | None:
        """None when the request may go on, else the 401 to send."""
        if self.token is None or request.url.path in OPEN_PATHS:
            return None
        sent = request.headers.get(HEADER)
        if sent is None:
            scheme, _, value = request.headers.get("authorization", "").partition(" ")
            sent = value.strip() if scheme.lower() == "bearer" else None
        if sent is not None and hmac.compare_digest(sent.encode(), self.token.encode()):
            return None
        refusal = problem(401, "The control API needs the admin token: send Authorization: Bearer TOKEN "
                               "(printed by sparring serve, or set with --admin-token).")
        refusal.headers["WWW-Authenticate"] = 'Bearer realm="sparring-control"'
        return refusal
