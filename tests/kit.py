"""The shared test kit: an HTTP helper per partner built from its declared demo credentials, and
the check that a response is what the partner's spec documents.

Every partner's tests use it the same way::

    api = PartnerApi(client, app, "yodify")              # the first demo client's credentials
    api.get("/Accounts/1", 200)                          # asserts the status and conformance
    api.post("/Accounts", 201, json={...}, who="demo-noscope")
"""

from __future__ import annotations

import typing as t

import jsonschema_rs
from starlette.testclient import TestClient

from sparring.catalog import Partner, by_routing_order, path_pattern
from sparring.http.validation import to_json_schema


def operation_for(partner: Partner, method: str, url_path: str):
    path = url_path[len(partner.prefix):].split("?")[0]
    # concrete paths before templated ones, as the router does (/customers/archive is not /customers/{id})
    for op in by_routing_order(partner.operations.values(), lambda o: o.path):
        if op.method == method.lower() and path_pattern(op.path).match(path):
            return op
    raise AssertionError(f"no operation for {method} {path}")


def assert_conforms(partner: Partner, response) -> str:
    """Raise AssertionError unless the response is what the spec documents; returns the operationId."""
    request = response.request
    op = operation_for(partner, request.method, request.url.path)
    status = str(response.status_code)
    documented = op.spec["responses"]
    assert status in documented, f"{op.id}: status {status} is not documented ({sorted(documented)})"
    content = documented[status].get("content")
    if not content:
        assert not response.content, f"{op.id}: {status} documents no body but got {response.content[:80]!r}"
        return op.id
    media = response.headers["content-type"].split(";")[0]
    assert media in content, f"{op.id}: {status} media type {media} not in {sorted(content)}"
    schema = content[media].get("schema")
    if schema:
        validator = jsonschema_rs.Draft4Validator(to_json_schema(schema), validate_formats=True)
        errors = [e.message for e in validator.iter_errors(response.json())]
        assert not errors, f"{op.id} {status}: {errors}"
    for name, header in documented[status].get("headers", {}).items():
        assert name.lower() in response.headers, f"{op.id}: header {name} missing"
    return op.id


class PartnerApi:
    """Calls one partner's API through a test client with a demo client's credentials, checking
    every response against the spec and recording which operations were called."""

    def __init__(self, client: TestClient, app: t.Any, partner: str, who: str | None = None) -> None:
        self.client = client
        served = app.runtime.served[partner]
        self.partner: Partner = served.partner
        self.prefix = self.partner.prefix
        self.auth_info = served.partner.declarations.auth.describe()
        self.clients = {c.client_id: c for c in served.partner.declarations.auth.clients}
        self.default_who = who or self.auth_info["clients"][0]["client_id"]
        self.seen: list[str] = []
        self._headers: dict[str, dict[str, str]] = {}

    def headers_for(self, who: str | None = None) -> dict[str, str]:
        """The Authorization header of a demo client: its fixed token, or one from the token endpoint."""
        who = who or self.default_who
        if who not in self._headers:
            client = next(c for c in self.auth_info["clients"] if c["client_id"] == who)
            token = client.get("token")
            if token is None:
                r = self.client.post(self.prefix + self.auth_info["token_path"],
                                     data={"grant_type": "client_credentials", "client_id": who,
                                           "client_secret": client["client_secret"]})
                assert r.status_code == 200, r.text
                token = r.json()["access_token"]
            self._headers[who] = {"Authorization": f"Bearer {token}"}
        return dict(self._headers[who])

    def credentials_for(self, method: str, path: str, who: str | None = None) -> tuple[dict[str, str], dict[str, str]]:
        """(headers, query parameters) carrying a demo client's credentials to this operation: its
        apiKey ``credentials`` where each scheme of the operation's security says (query or
        header: Komet's token and X-ACCOUNT), else the Authorization header."""
        declared = self.clients[who or self.default_who]
        if not declared.credentials:
            return self.headers_for(who), {}
        op = operation_for(self.partner, method, self.prefix + path)
        schemes = self.partner.spec.get("components", {}).get("securitySchemes", {})
        headers: dict[str, str] = {}
        params: dict[str, str] = {}
        for name in (op.spec.get("security", self.partner.spec.get("security")) or [{}])[0]:
            scheme = schemes[name]
            value = declared.credentials.get(name, declared.credentials.get(scheme.get("name")))
            if scheme.get("type") == "apiKey" and value is not None:
                (params if scheme.get("in") == "query" else headers)[scheme["name"]] = value
        return headers, params

    def call(self, method: str, path: str, status: int | None = None, *, who: str | None = None,
             conforms: bool = True, **kwargs: t.Any):
        if "headers" in kwargs:  # headers={}: no credentials
            headers = kwargs.pop("headers")
        else:
            headers, params = self.credentials_for(method, path, who)
            if params:
                kwargs["params"] = {**params, **(kwargs.get("params") or {})}
        r = self.client.request(method, self.prefix + path, headers=headers, **kwargs)
        if status is not None:
            assert r.status_code == status, (method, path, r.status_code, r.text[:500])
        if conforms:
            self.seen.append(assert_conforms(self.partner, r))
        return r

    def get(self, path: str, status: int | None = 200, **kw: t.Any):
        return self.call("GET", path, status, **kw)

    def post(self, path: str, status: int | None = 200, **kw: t.Any):
        return self.call("POST", path, status, **kw)

    def put(self, path: str, status: int | None = 200, **kw: t.Any):
        return self.call("PUT", path, status, **kw)

    def patch(self, path: str, status: int | None = 200, **kw: t.Any):
        return self.call("PATCH", path, status, **kw)

    def delete(self, path: str, status: int | None = 200, **kw: t.Any):
        return self.call("DELETE", path, status, **kw)


# partner -> operationId -> the test folders (tests/<folder>/) whose tests it answered with a 2xx
# during this session; read by the operation-coverage check (tests/operation_coverage.py), which
# also keeps CURRENT_FOLDER, the folder of the test running now.
CALLED: dict[str, dict[str, set[str | None]]] = {}
CURRENT_FOLDER: str | None = None


def _operation_or_none(partner: Partner, method: str, path: str):
    try:
        return operation_for(partner, method, path)
    except AssertionError:
        rest = path[len(partner.prefix):].split("?")[0].lower()
        for op in partner.operations.values():  # a path the vendor matches case-insensitively
            if op.method == method.lower() and path_pattern(op.path.lower()).match(rest):
                return op
        return None


def record_call(app: t.Any, response) -> None:
    """Note which operation answered this response, when it succeeded."""
    runtime = getattr(app, "runtime", None)
    if runtime is None or not 200 <= response.status_code < 300:
        return
    path = response.request.url.path
    for name, served in runtime.served.items():
        prefix = served.partner.prefix
        if path == prefix or path.startswith(prefix + "/"):
            op = _operation_or_none(served.partner, response.request.method, path)
            if op is not None:
                CALLED.setdefault(name, {}).setdefault(op.id, set()).add(CURRENT_FOLDER)
            return


class RecordingClient(TestClient):
    """A test client that records which partner operations answered it successfully."""

    def request(self, method: str, url: t.Any, *args: t.Any, **kwargs: t.Any):
        response = super().request(method, url, *args, **kwargs)
        record_call(self.app, response)
        return response


def fresh(app: t.Any, seed: int = 0) -> TestClient:
    """A (recording) test client on freshly seeded data and a clock back at real time."""
    app.runtime.reset(seed)
    app.runtime.clock.reset()
    return RecordingClient(app)
