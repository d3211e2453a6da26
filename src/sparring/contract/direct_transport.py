"""Sparring's app called in-process without requests' session machinery.

schemathesis sends an in-process case through requests: a session per request (with connection
pools nobody uses), its settings merged into the request, an adapter that runs the app on two
event-loop turns under anyio's cancel scopes, and a urllib3 response the answer is read back out
of. For sparring's app that cost about 430 µs per request against the app's own 25.

Here the case is serialized by schemathesis' own code and prepared by requests' own code from the
settings that session would have had, so the app receives the same request, byte for byte; the
app runs once on the calling thread's event loop (:mod:`sparring.contract.direct`), and
schemathesis' ``Response`` is built from what the app sent, with the fields requests would give
it. What this path does not cover goes to schemathesis' transport, decided before anything is
sent: a caller's own client, proxies, hooks, retries, a rate limit, client certificates, a body
that streams. An answer that requests would still work on (a redirect it follows, an encoded
body) is handed to requests the way schemathesis' adapter hands it over. Sparring's app sends no
event streams; one would be read to its end instead of being cut at schemathesis' event limit.
"""

from __future__ import annotations

import asyncio
import io
import time
import typing as t
from datetime import timedelta
from urllib.parse import unquote, urljoin, urlsplit

import requests
import urllib3
from requests.cookies import RequestsCookieJar, extract_cookies_to_jar
from requests.hooks import default_hooks
from requests.models import REDIRECT_STATI
from requests.structures import CaseInsensitiveDict
from requests.utils import default_headers, get_encoding_from_headers
from schemathesis.core.transport import Response
from schemathesis.generation.overrides import Override
from schemathesis.python import asgi
from schemathesis.transport.asgi import ASGI_TRANSPORT, ASGITransport
from schemathesis.transport.prepare import get_exclude_headers, normalize_base_url
from urllib3.exceptions import ReadTimeoutError

from sparring.contract import direct

# What requests.Session.request is given here; a send with any of _LEFT set goes to schemathesis.
_HANDLED = frozenset({"method", "url", "cookies", "headers", "params", "json", "data", "files", "auth", "verify",
                      "timeout", "allow_redirects"})
_LEFT = ("proxies", "hooks", "cert", "stream")


def _client_headers() -> CaseInsensitiveDict:
    """The headers schemathesis' ASGI client (a requests session) starts with."""
    headers = default_headers()
    headers.update({"user-agent": "testclient"})
    return headers


class _SessionSettings:
    """What ``requests.Session.prepare_request`` reads of the session schemathesis would have used:
    its headers emptied for the request (schemathesis does that), no environment, default hooks."""

    trust_env = False

    def __init__(self, auth: t.Any, cookies: t.Any) -> None:
        self.auth = auth
        self.cookies = cookies
        self.headers: dict = {}
        self.params: dict = {}
        self.hooks = default_hooks()


class DirectTransport(ASGITransport):
    """schemathesis' ASGI transport, with the common case sent straight to the app."""

    def send(self, case: t.Any, *, session: t.Any = None, **given: t.Any) -> Response:
        if not _covered(case, session, given):
            return super().send(case, session=session, **given)
        kwargs = dict(given)
        operation = case.operation
        config = operation.schema.config
        if kwargs.get("base_url") is None:
            kwargs["base_url"] = normalize_base_url(operation.base_url, host=asgi.HOST)
        app = kwargs.pop("app", operation.app)
        # ASGITransport.send: its client starts from the engine session's headers, auth and cookies
        client_headers = _client_headers()
        auth, cookies = None, RequestsCookieJar()
        if session is not None:
            client_headers.update(session.headers)
            auth = session.auth
            cookies.update(session.cookies)
        # RequestsTransport.send, from here on, with that client as its session
        max_redirects = kwargs.pop("max_redirects", None)
        if max_redirects is None:
            max_redirects = config.max_redirects_for(operation=operation)
        headers = dict(given.get("headers") or {})  # a copy: the engine reuses its dict for every case
        for name, value in client_headers.items():
            headers.setdefault(name, value)
        kwargs["headers"] = headers
        data = self._build_request_data(case, kwargs)
        if max_redirects == 0 or (
            max_redirects is None and any(code.startswith("3") for code in operation.responses.status_codes)
        ):
            data.setdefault("allow_redirects", False)
        if any(data[key] is not None for key in data.keys() - _HANDLED):
            return super().send(case, session=session, **given)
        if isinstance(auth, tuple) and "Authorization" in get_exclude_headers(case):
            auth = None
        request = requests.Session.prepare_request(_SessionSettings(auth, cookies), requests.Request(
            method=data["method"].upper(), url=urljoin(f"http://{asgi.HOST}", data["url"]),
            headers=data.get("headers"), files=data.get("files"), data=data.get("data") or {}, json=data.get("json"),
            params=data.get("params") or {}, auth=data.get("auth"), cookies=data.get("cookies")))
        if not isinstance(request.body, (bytes, str, type(None))):  # a body that streams
            return super().send(case, session=session, **given)
        asgi._start_lifespan(app)
        started = time.perf_counter()
        status, raw_headers, body = _call(app, request, data.get("timeout"))
        elapsed = time.perf_counter() - started
        verify = data.get("verify", True)
        override = Override.from_send_kwargs(kwargs)
        names = {name.lower() for name, _ in raw_headers}
        if "content-encoding" in names or (
                data.get("allow_redirects", True) and "location" in names and status in REDIRECT_STATI):
            with asgi.get_client(app, max_stream_events=config.max_stream_events_for(operation=operation)) as client:
                response = _through_requests(client, request, status, raw_headers, body, elapsed, auth, cookies,
                                             max_redirects, data)
            return Response.from_requests(response, verify=verify, _override=override)
        grouped: dict[str, list[str]] = {}
        for name, value in raw_headers:
            grouped.setdefault(name.lower(), []).append(value)
        return Response(status_code=status, headers=grouped, content=body, request=request, elapsed=elapsed,
                        verify=verify, message=asgi._reason_phrase(status), http_version="1.1",
                        encoding=get_encoding_from_headers(CaseInsensitiveDict(
                            {name: ", ".join(values) for name, values in grouped.items()})),
                        _override=override)


def _covered(case: t.Any, session: t.Any, kwargs: dict) -> bool:
    """Whether this path can send the case as schemathesis would (the rest is checked once the
    request is built, still before anything is sent)."""
    operation = case.operation
    config = operation.schema.config
    if isinstance(session, asgi.ASGIClient) or any(kwargs.get(name) is not None for name in _LEFT):
        return False
    if session is not None and (session.proxies or session.params or session.cert or any(session.hooks.values())):
        return False
    return not (config.rate_limit_for(operation=operation) or config.request_retries_for(operation=operation))


DIRECT_TRANSPORT = DirectTransport()
DIRECT_TRANSPORT._copy_serializers_from(ASGI_TRANSPORT)


def _call(app: t.Any, request: requests.PreparedRequest, timeout: t.Any) -> tuple[int, list[tuple[str, str]], bytes]:
    """Run the app for one request on this thread's event loop, as schemathesis' adapter builds it."""
    parts = urlsplit(request.url)
    default_port = {"http": 80, "https": 443}[parts.scheme]
    host = parts.hostname or ""
    port = parts.port or default_port
    header_host = f"[{host}]" if ":" in host else host
    if "host" in request.headers:
        headers: list[tuple[bytes, bytes]] = []
    elif port == default_port:
        headers = [(b"host", header_host.encode())]
    else:
        headers = [(b"host", f"{header_host}:{port}".encode())]
    headers += [(key.lower().encode("latin-1"), value.encode("latin-1")) for key, value in request.headers.items()]
    scope = {
        "type": "http", "http_version": "1.1", "method": request.method, "path": unquote(parts.path),
        "raw_path": parts.path.encode(), "root_path": "", "scheme": parts.scheme,
        "query_string": parts.query.encode(), "headers": headers, "client": ["testclient", 50000],
        "server": [host, port], "state": asgi._lifespan_state(app),
    }
    body = request.body.encode("utf-8") if isinstance(request.body, str) else request.body or b""
    head = request.method == "HEAD"
    read_timeout = timeout[1] if isinstance(timeout, tuple) else timeout  # requests' (connect, read) pair
    started: list = []
    chunks: list[bytes] = []
    received = False

    async def run() -> None:
        done = asyncio.Event()

        async def receive() -> dict:
            nonlocal received
            if received:
                await done.wait()
                return {"type": "http.disconnect"}
            received = True
            return {"type": "http.request", "body": body}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                assert not started, 'Received multiple "http.response.start" messages.'
                started.append(message["status"])
                started.append([(k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers", [])])
            elif message["type"] == "http.response.body":
                assert started, 'Received "http.response.body" without "http.response.start".'
                assert not done.is_set(), 'Received "http.response.body" after response completed.'
                if not head:
                    chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    done.set()

        async with asyncio.timeout(read_timeout):
            await app(scope, receive, send)

    try:
        direct.loop().run_until_complete(run())
    except TimeoutError:
        error = ReadTimeoutError(f"{parts.scheme}://{host}:{port}", request.url,  # type: ignore[arg-type]
                                 f"Read timed out. (read timeout={read_timeout})")
        raise requests.exceptions.ReadTimeout(error, request=request) from None
    assert started, "The application did not return a response."
    return started[0], started[1], b"".join(chunks)


def _through_requests(client: t.Any, request: requests.PreparedRequest, status: int, raw_headers: list,
                      body: bytes, elapsed: float, auth: t.Any, cookies: t.Any, max_redirects: t.Any,
                      data: dict) -> requests.Response:
    """The answer as requests.Session.send would leave it, on the client schemathesis would have used."""
    client.auth, client.cookies = auth, cookies
    client.headers = {}
    if max_redirects:
        client.max_redirects = max_redirects
    raw = urllib3.HTTPResponse(body=io.BytesIO(body), headers=raw_headers, status=status,
                               reason=asgi._reason_phrase(status), version=11, preload_content=False,
                               original_response=asgi._OriginalResponse(raw_headers), request_method=request.method)
    response = client.adapter.build_response(request, raw)
    response.elapsed = timedelta(seconds=elapsed)
    extract_cookies_to_jar(client.cookies, request, response.raw)
    if data.get("allow_redirects", True):
        options = {"stream": True, "timeout": data.get("timeout"), "verify": data.get("verify", True), "cert": None,
                   "proxies": {}}
        history = list(client.resolve_redirects(response, request, **options))
        if history:
            history.insert(0, response)
            response = history.pop()
            response.history = history
    response.content  # noqa: B018  (read now, as schemathesis does)
    return response
