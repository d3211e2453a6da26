"""connexion's Swagger UI and spec routes, consulted only for paths that can be docs.

The stock middleware runs its router on every request before passing it on; here a prefix check
sends API calls straight through.
"""

from __future__ import annotations

from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send


class DocsRoutes(SwaggerUIMiddleware):
    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app)
        self.doc_prefixes: tuple[str, ...] = ()

    def add_api(self, specification, base_path: str | None = None, **kwargs) -> None:
        super().add_api(specification, base_path=base_path, **kwargs)
        base = (base_path or "").rstrip("/")
        self.doc_prefixes += (f"{base}/ui", f"{base}/openapi.json", f"{base}/openapi.yaml")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(self.doc_prefixes):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)
