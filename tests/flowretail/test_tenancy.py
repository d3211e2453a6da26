"""Tokens: three bearer kinds, one tenant each, tenant permissions; another tenant is a 404."""

from __future__ import annotations

import pytest
from flowretail_kit import A, B


def test_three_token_kinds_are_accepted(api, partner):
    kinds = {c.scheme for c in partner.declarations.auth.clients}
    assert kinds == {"accessToken", "authToken", "integrationToken"}
    for who, tenant in (("a-device", A), ("a-pos", A), ("b-backoffice", B)):
        api.as_(who).get(f"/tenants/{tenant}/customers", params={"pageSize": 1})


def test_no_token_or_a_bad_one_is_401(api):
    assert "message" in api.get(f"/tenants/{A}/customers", 401, headers={}).json()
    api.get(f"/tenants/{A}/customers", 401, headers={"Authorization": "Bearer nope"})


def _other_tenant_paths(api):
    """Every operation, pointed at tenant B's real records, as tenant A's back-office token."""
    b = api.as_("b-backoffice")
    cust = b.company(B)
    contact = b.get(f"/tenants/{B}/customers/{cust['customerUid']}/contacts").json()["items"]
    ct = contact[0]["customerContactUid"] if contact else "none"
    c = f"/tenants/{B}/customers/{cust['customerUid']}"
    return [
        ("GET", f"/tenants/{B}/customers", None),
        ("POST", f"/tenants/{B}/customers", {"customerType": "PERSON", "firstname": "Mallory"}),
        ("POST", f"/tenants/{B}/customers/search", {}),
        ("POST", f"/tenants/{B}/customers/search/external", {}),
        ("GET", c, None),
        ("PATCH", c, {"internalNote": "x"}),
        ("DELETE", c, None),
        ("POST", f"{c}/extensions", {"extensionCode": "TWO_INVOICE", "organizationUid": "1"}),
        ("DELETE", f"{c}/extensions/TWO_INVOICE", None),
        ("GET", f"/tenants/{B}/stores/fjellsport-trondheim/customers/{cust['customerUid']}", None),
        ("GET", f"/tenants/{B}/stores", None),
        ("GET", f"{c}/contacts", None),
        ("POST", f"{c}/contacts", {"firstname": "Mallory", "lastname": "X"}),
        ("GET", f"{c}/contacts/{ct}", None),
        ("PATCH", f"{c}/contacts/{ct}", {"firstname": "M"}),
        ("DELETE", f"{c}/contacts/{ct}", None),
        ("POST", f"{c}/contacts/{ct}/extensions", {"extensionCode": "TWO_INVOICE", "organizationUid": "1"}),
        ("DELETE", f"{c}/contacts/{ct}/extensions/TWO_INVOICE", None),
        ("GET", f"/tenants/{B}/customer-groups", None),
        ("POST", f"/tenants/{B}/customer-groups", {"name": "Mallory"}),
        ("GET", f"/tenants/{B}/customer-groups/fjellsport-klubb", None),
        ("PUT", f"/tenants/{B}/customer-groups/fjellsport-klubb", {"name": "Mallory"}),
    ], cust


def test_another_tenants_data_is_404_on_every_operation(api, partner):
    calls, cust = _other_tenant_paths(api)
    assert len({(m, p.replace(cust["customerUid"], "{c}")) for m, p, _ in calls}) == len(partner.operations)
    before = api.as_("b-backoffice").get(f"/tenants/{B}/customers", params={"pageSize": 500}).json()
    for method, path, body in calls:
        r = api.call(method, path, 404, json=body)
        assert r.json() == {"message": "This credential may not act on that resource."}, (method, path)
        assert cust["customerUid"] not in r.text
    after = api.as_("b-backoffice").get(f"/tenants/{B}/customers", params={"pageSize": 500}).json()
    assert after == before


@pytest.mark.parametrize("who", ["a-pos", "b-backoffice"])
def test_unknown_tenant_is_404(api, who):
    api.as_(who).get("/tenants/no-such-tenant/customers", 404)


def test_permissions_reads_and_writes_need_access_deletes_backoffice(api):
    pos = api.as_("a-pos")
    c = pos.company(A)
    pos.patch(f"/tenants/{A}/customers/{c['customerUid']}", json={"internalNote": "kunde siden 2021"})
    pos.post(f"/tenants/{A}/customers", 201, json={"customerType": "PERSON", "firstname": "Ola"})
    contacts = pos.get(f"/tenants/{A}/customers/{c['customerUid']}/contacts").json()["items"]
    for path in [f"/tenants/{A}/customers/{c['customerUid']}",
                 *(f"/tenants/{A}/customers/{c['customerUid']}/contacts/{x['customerContactUid']}" for x in contacts[:1])]:
        assert "TENANT.BACKOFFICE" in pos.delete(path, 403).json()["message"]
    api.get(f"/tenants/{A}/customers/{c['customerUid']}")


def test_each_tenant_is_its_own_namespace_seeded_with_its_own_records(api):
    mine = {c["customerUid"] for c in api.customers(A)}
    theirs = {c["customerUid"] for c in api.as_("b-pos").customers(B)}
    assert len(mine) == len(theirs) == 30 and not mine & theirs
    # a parallel job's copy (X-Sparring-Namespace) of tenant A: A's records, its own writes
    job = {"X-Sparring-Namespace": "job-1", **api.headers_for()}
    assert {c["customerUid"] for c in api.get(f"/tenants/{A}/customers", params={"pageSize": 500},
                                              headers=job).json()["items"]} == mine
    api.post(f"/tenants/{A}/customers", 201, json={"customerType": "PERSON", "firstname": "Jobb"}, headers=job)
    assert len(api.customers(A)) == 30
    assert api.get(f"/tenants/{A}/customers", headers=job).json()["paging"]["totalCount"] == 31


def test_credentials_print_each_token_with_its_tenant(capsys):
    from sparring.cli import main

    assert main(["credentials", "flowretail"]) == 0
    lines = capsys.readouterr().out.splitlines()
    pos = next(line for line in lines if "flow-nordlys-pos" in line)
    assert "bindings tenant=nordlys-retail" in pos and "TENANT.ACCESS" in pos and "BACKOFFICE" not in pos
    assert any("flow-fjellsport-backoffice" in line and "tenant=fjellsport" in line for line in lines)
