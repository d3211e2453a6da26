"""Broken targets for negative controls: sparring's InventoryPro or Yodify with one deliberately
broken piece.

Each is the real app behind a small ASGI wrapper that breaks exactly one promise of the spec (or,
for a broken business rule, the real app with that one rule replaced), so that ``sparring fuzz``
must report exactly that failure. ``serve(app)`` runs one on a free port.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import typing as t

from sparring.app import create_app

PREFIX = "/inventorypro/api/v1"
CUSTOMER = re.compile(rf"^{re.escape(PREFIX)}/Customer/(?!All$)[^/]+$")
YODIFY = "/yodify/api/v1"


class Wrapper:
    """Passes everything to the sparring app; subclasses break one thing. Admin routes stay intact."""

    partner = "inventorypro"
    prefix = PREFIX

    def __init__(self) -> None:
        self.app = create_app([self.partner], seed=0)
        self.runtime = self.app.runtime

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefix):
            await self.handle(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def handle(self, scope, receive, send) -> None:
        await self.app(scope, receive, send)


async def _buffered(app, scope, receive) -> tuple[int, list, bytes]:
    """Run the app and keep its answer instead of sending it."""
    status, headers, body = 500, [], b""

    async def keep(message) -> None:
        nonlocal status, headers, body
        if message["type"] == "http.response.start":
            status, headers = message["status"], list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            body += message.get("body", b"")

    await app(scope, receive, keep)
    return status, headers, body


async def _send(send, status: int, headers: list, body: bytes) -> None:
    headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
    if body or status not in (204, 304):
        headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class IgnoresAuth(Wrapper):
    """Every request is served as the demo integration user, whatever credentials it carries."""

    def __init__(self) -> None:
        super().__init__()
        auth = self.runtime.served["inventorypro"].env.auth
        self.token = auth.issue(auth.clients["demo-warehouse"])["access_token"]

    async def handle(self, scope, receive, send) -> None:
        headers = [(k, v) for k, v in scope["headers"] if k != b"authorization"]
        if not scope["path"].endswith("/Token"):
            headers.append((b"authorization", f"Bearer {self.token}".encode()))
        await self.app({**scope, "headers": headers}, receive, send)


class DeleteKeeps(Wrapper):
    """DELETE /Customer/{id} checks everything a read checks, answers 204, and changes nothing."""

    async def handle(self, scope, receive, send) -> None:
        if scope["method"] != "DELETE" or not CUSTOMER.match(scope["path"]):
            return await self.app(scope, receive, send)
        status, headers, body = await _buffered(self.app, {**scope, "method": "GET"}, receive)
        if status == 200:
            return await _send(send, 204, [], b"")
        await _send(send, status, headers, body)


class CrashesOnLargePages(Wrapper):
    """GET /Customer/All with the largest page size the spec allows (250) answers 500."""

    async def handle(self, scope, receive, send) -> None:
        query = scope.get("query_string", b"").decode()
        if scope["path"] == f"{PREFIX}/Customer/All" and re.search(r"(^|&)pageSize=250(&|$)", query):
            body = json.dumps({"statusCode": 500, "error": "internal_error", "message": "boom",
                               "details": None}).encode()
            return await _send(send, 500, [(b"content-type", b"application/json")], body)
        await self.app(scope, receive, send)


class LosesEmail(Wrapper):
    """GET /Customer/{id} leaves out ``email``, which the Customer schema requires."""

    async def handle(self, scope, receive, send) -> None:
        if scope["method"] != "GET" or not CUSTOMER.match(scope["path"]):
            return await self.app(scope, receive, send)
        status, headers, body = await _buffered(self.app, scope, receive)
        if status == 200:
            record = json.loads(body)
            record.pop("email", None)
            body = json.dumps(record).encode()
        await _send(send, status, headers, body)


class MiscountsTotalHeader(Wrapper):
    """GET /Customer/All sends ``X-Total-Count: many``; the spec documents an integer there."""

    async def handle(self, scope, receive, send) -> None:
        if scope["method"] != "GET" or scope["path"] != f"{PREFIX}/Customer/All":
            return await self.app(scope, receive, send)
        status, headers, body = await _buffered(self.app, scope, receive)
        headers = [(k, b"many" if k.lower() == b"x-total-count" else v) for k, v in headers]
        await _send(send, status, headers, body)


class YodifyBareAccountsList(Wrapper):
    """Yodify's GET /Accounts answers the bare array of accounts instead of its list object
    (``{object: "list", data, has_more, ...}``): the wrong envelope."""

    partner = "yodify"
    prefix = YODIFY

    async def handle(self, scope, receive, send) -> None:
        if scope["method"] != "GET" or scope["path"] != f"{YODIFY}/Accounts":
            return await self.app(scope, receive, send)
        status, headers, body = await _buffered(self.app, scope, receive)
        if status == 200:
            body = json.dumps(json.loads(body)["data"]).encode()
        await _send(send, status, headers, body)


class YodifyBrokenRule(Wrapper):
    """Yodify's stock adjustment rule (PUT /SKUs/AdjustInventory/{id}) with a bug: it stores the
    SKU's stock as text, so its answer breaks the Sku schema (inventory is an integer)."""

    partner = "yodify"
    prefix = YODIFY

    def __init__(self) -> None:
        super().__init__()
        action = self.runtime.served["yodify"].dispatcher.handlers["putSKUsAdjustInventoryById"].action
        rule = action.function

        def broken(action, call):
            result = rule(action, call)
            if isinstance(result.body, dict) and "inventory" in result.body:
                result.body = {**result.body, "inventory": str(result.body["inventory"])}
            return result

        action.function = broken


CONTROLS: dict[str, type[Wrapper]] = {
    "ignores-auth": IgnoresAuth,
    "delete-keeps": DeleteKeeps,
    "crashes-on-large-pages": CrashesOnLargePages,
    "loses-email": LosesEmail,
    "miscounts-total-header": MiscountsTotalHeader,
    "yodify-bare-accounts-list": YodifyBareAccountsList,
    "yodify-broken-rule": YodifyBrokenRule,
}


@contextlib.contextmanager
def serve(app: t.Any) -> t.Iterator[str]:
    """Serve the app on 127.0.0.1 at a free port in a thread; yields its origin."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error", lifespan="off"))
    server.install_signal_handlers = lambda: None  # not the main thread
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("control server did not start")
            threading.Event().wait(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
