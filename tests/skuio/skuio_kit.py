"""SKU.io over HTTP: an API helper per demo token that checks every response against the spec."""

from __future__ import annotations

from contract_check import assert_conforms
from starlette.testclient import TestClient


BASE = "/skuio/api/customers"
TOKENS = {
    "power": "1|skuio-demo-poweruser-token",
    "user": "2|skuio-demo-user-token",
    "readonly": "3|skuio-demo-readonly-token",
}


class Api:
    """Requests below /skuio/api/customers as one demo token; asserts the status when given."""

    def __init__(self, client: TestClient, partner, who: str = "power") -> None:
        self.client, self.partner, self.who = client, partner, who
        self.seen: set[str] = set()

    def as_(self, who: str) -> "Api":
        other = Api(self.client, self.partner, who)
        other.seen = self.seen
        return other

    def call(self, method: str, path: str = "", status: int | None = None, **kwargs):
        headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
        if self.who:
            headers.setdefault("Authorization", f"Bearer {TOKENS[self.who]}")
        r = self.client.request(method, BASE + path, headers=headers, **kwargs)
        if status is not None:
            assert r.status_code == status, (method, path, r.status_code, r.text[:600])
        self.seen.add(assert_conforms(self.partner, r))
        return r

    def get(self, path="", status=200, **kw):
        return self.call("GET", path, status, **kw)

    def post(self, path="", status=200, **kw):
        return self.call("POST", path, status, **kw)

    def put(self, path="", status=200, **kw):
        return self.call("PUT", path, status, **kw)

    def delete(self, path="", status=200, **kw):
        return self.call("DELETE", path, status, **kw)


def new_customer(api: Api, **fields) -> dict:
    body = {"name": "Jane Smith", "company": "Smith Industries", "email": "jane.smith@smithindustries.example.com",
            "address1": "456 Commerce Ave", "city": "Los Angeles", "province": "California", "province_code": "CA",
            "zip": "90001", "country": "United States", "country_code": "US", **fields}
    return api.post("", 201, json=body).json()["data"]
