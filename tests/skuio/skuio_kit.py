"""SKU.io's test helpers on the shared kit: calls below /skuio/api/customers as one demo token."""

from __future__ import annotations

import typing as t

from kit import PartnerApi

BASE = "/api/customers"
WHO = {"power": "demo-poweruser", "user": "demo-user", "readonly": "demo-readonly"}


class Api(PartnerApi):
    """The shared PartnerApi with SKU.io's customers path and a default demo token to switch."""

    def __init__(self, client: t.Any, app: t.Any, who: str = "power") -> None:
        super().__init__(client, app, "skuio", WHO[who])

    def as_(self, who: str) -> "Api":
        other = Api.__new__(Api)
        other.__dict__.update(self.__dict__)
        other.default_who = WHO[who]
        return other

    def call(self, method: str, path: str = "", status: int | None = None, **kwargs: t.Any):
        return super().call(method, BASE + path, status, **kwargs)

    def get(self, path: str = "", status: int | None = 200, **kw: t.Any):
        return self.call("GET", path, status, **kw)

    def post(self, path: str = "", status: int | None = 200, **kw: t.Any):
        return self.call("POST", path, status, **kw)

    def put(self, path: str = "", status: int | None = 200, **kw: t.Any):
        return self.call("PUT", path, status, **kw)

    def delete(self, path: str = "", status: int | None = 200, **kw: t.Any):
        return self.call("DELETE", path, status, **kw)


def new_customer(api: Api, **fields: t.Any) -> dict:
    body = {"name": "Jane Smith", "company": "Smith Industries", "email": "jane.smith@smithindustries.example.com",
            "address1": "456 Commerce Ave", "city": "Los Angeles", "province": "California", "province_code": "CA",
            "zip": "90001", "country": "United States", "country_code": "US", **fields}
    return api.post("", 201, json=body).json()["data"]
