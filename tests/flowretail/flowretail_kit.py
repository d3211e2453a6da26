"""Flow Retail's part of the test kit: the two tenants, the demo tokens by role, and the shared
PartnerApi with helpers to switch token and find customers."""

from __future__ import annotations

from kit import PartnerApi

BASE = "/flowretail/v2"
A, B = "nordlys-retail", "fjellsport"  # tenant A has external search, tenant B not
WHO = {  # short role names -> demo client ids (spec/flowretail.yaml)
    "a-backoffice": "nordlys-backoffice",
    "a-pos": "nordlys-pos",
    "a-device": "nordlys-device",
    "b-backoffice": "fjellsport-backoffice",
    "b-pos": "fjellsport-pos",
}


class FlowApi(PartnerApi):
    """PartnerApi as one demo token (tenant A's back office unless ``as_`` picks another); DELETE
    expects 204 unless told."""

    def as_(self, role: str) -> "FlowApi":
        other = object.__new__(FlowApi)
        other.__dict__.update(self.__dict__)
        other.default_who = WHO[role]
        return other

    def delete(self, path: str, status: int | None = 204, **kw):
        return self.call("DELETE", path, status, **kw)

    def customers(self, tenant: str = A, **params) -> list[dict]:
        return self.get(f"/tenants/{tenant}/customers", params={"pageSize": 500, **params}).json()["items"]

    def company(self, tenant: str = A) -> dict:
        return next(c for c in self.customers(tenant) if c["customerType"] == "COMPANY")

    def person(self, tenant: str = A) -> dict:
        return next(c for c in self.customers(tenant) if c["customerType"] == "PERSON")
