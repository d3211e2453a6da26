"""What a fuzz run talks to: sparring's own app in-process, or whatever answers at a URL.

A target knows its base URL (the partner's base, what the spec's ``servers`` stand for), how to
post a form to it (the token exchange), how to go back to a known state between scenarios, and
which base URL a reproduction command should use.
"""

from __future__ import annotations

import os
import typing as t

IN_PROCESS_HOST = "http://testserver"  # what schemathesis' ASGI transport calls the app
DEFAULT_SERVE_URL = "http://127.0.0.1:8000"  # sparring serve's default, for reproduction commands


class TargetError(Exception):
    """The target cannot be used: unreachable, or its reset endpoint fails."""


# Server time in an in-process run: it stands at this moment and moves only when advanced, so the
# timestamps the app writes are the same every run and the cases drawn from its answers too.
IN_PROCESS_CLOCK = 1_767_225_600.0  # 2026-01-01T00:00:00Z


class InProcess:
    """``sparring serve``'s app for one partner, called through ASGI: no network, no port."""

    kind = "in-process"

    def __init__(self, partner: t.Any, seed: int = 0, app: t.Any = None) -> None:
        from sparring.app import create_app
        from sparring.engine.store.select import ENVIRONMENT

        if app is None:
            try:
                app = create_app([partner], seed=seed, clock_standing_at=IN_PROCESS_CLOCK)
            except Exception as exc:  # redis.ConnectionError and kin, from SPARRING_STORE: say what, not a traceback
                if not os.environ.get(ENVIRONMENT):
                    raise
                raise TargetError(f"cannot use the store {ENVIRONMENT}={os.environ[ENVIRONMENT]}: {exc}") from exc
        self.app = app
        self.seed = seed
        self.prefix = partner.prefix
        self.base_url = IN_PROCESS_HOST + self.prefix
        self.repro_base_url = DEFAULT_SERVE_URL + self.prefix
        self.description = f"sparring's own app, in-process (fixture seed {seed})"

    def post_form(self, url: str, form: dict[str, str]) -> tuple[int, t.Any]:
        from starlette.testclient import TestClient

        if not url.startswith(IN_PROCESS_HOST + "/"):
            raise TargetError(f"{url} is not served in-process; fuzz a deployment with --url")
        with TestClient(self.app) as client:
            response = client.post(url[len(IN_PROCESS_HOST):], data=form)
        return response.status_code, _json(response)

    def reset(self) -> None:
        self.app.runtime.reset(self.seed)

    @property
    def resets(self) -> bool:
        return True


class Remote:
    """A deployment at a URL: a partner's real API, a staging copy, or a running ``sparring serve``."""

    kind = "url"

    def __init__(self, base_url: str, reset_url: str | None = None, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.repro_base_url = self.base_url
        self.reset_url = reset_url
        self.timeout = timeout
        self.description = self.base_url + (f" (reset via POST {reset_url})" if reset_url else "")

    def post_form(self, url: str, form: dict[str, str]) -> tuple[int, t.Any]:
        import httpx

        try:
            response = httpx.post(url, data=form, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise TargetError(f"POST {url}: {exc}") from exc
        return response.status_code, _json(response)

    def reset(self) -> None:
        if not self.reset_url:
            return
        import httpx

        try:
            response = httpx.post(self.reset_url, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise TargetError(f"reset at POST {self.reset_url}: {exc}") from exc
        if response.status_code >= 300:
            raise TargetError(f"reset at POST {self.reset_url} answered HTTP {response.status_code}")

    @property
    def resets(self) -> bool:
        return bool(self.reset_url)


def _json(response: t.Any) -> t.Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:200]
