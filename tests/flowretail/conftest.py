"""Flow Retail through HTTP: one app per module, fresh data per test, every response checked
against the spec."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from sparring.app import create_app

BASE = "/flowretail/v2"
A, B = "nordlys-retail", "fjellsport"  # tenant A has external search, tenant B not
TOKENS = {
    "a-backoffice": "flow-nordlys-backoffice",
    "a-pos": "flow-nordlys-pos",
    "a-device": "flow-nordlys-device",
    "b-backoffice": "flow-fjellsport-backoffice",
    "b-pos": "flow-fjellsport-pos",
}


@pytest.fixture(scope="module")
def app():
    return create_app(["flowretail"], seed=0)


@pytest.fixture(scope="module")
def partner(app):
    return app.runtime.served["flowretail"].partner


class Api:
    """Calls as one demo token; asserts the status when given and that the response conforms."""

    def __init__(self, client: TestClient, partner, who: str = "a-backoffice") -> None:
        self.client, self.partner, self.who = client, partner, who

    def as_(self, who: str) -> "Api":
        return Api(self.client, self.partner, who)

    def call(self, method: str, path: str, status: int | None = None, **kwargs):
        from contract_check import assert_conforms

        headers = kwargs.pop("headers", None)
        if headers is None:
            headers = {"Authorization": f"Bearer {TOKENS[self.who]}"} if self.who else {}
        r = self.client.request(method, BASE + path, headers=headers, **kwargs)
        if status is not None:
            assert r.status_code == status, (method, path, r.status_code, r.text[:500])
        assert_conforms(self.partner, r)
        return r

    def get(self, path, status=200, **kw):
        return self.call("GET", path, status, **kw)

    def post(self, path, status=200, **kw):
        return self.call("POST", path, status, **kw)

    def patch(self, path, status=200, **kw):
        return self.call("PATCH", path, status, **kw)

    def put(self, path, status=200, **kw):
        return self.call("PUT", path, status, **kw)

    def delete(self, path, status=204, **kw):
        return self.call("DELETE", path, status, **kw)

    # -- data helpers ---------------------------------------------------------------------------

    def customers(self, tenant: str = A, **params) -> list[dict]:
        return self.get(f"/tenants/{tenant}/customers", params={"pageSize": 500, **params}).json()["items"]

    def company(self, tenant: str = A) -> dict:
        return next(c for c in self.customers(tenant) if c["customerType"] == "COMPANY")

    def person(self, tenant: str = A) -> dict:
        return next(c for c in self.customers(tenant) if c["customerType"] == "PERSON")


@pytest.fixture
def api(app, partner):
    app.runtime.reset(0)
    app.runtime.clock.reset()
    with TestClient(app) as client:
        yield Api(client, partner)
