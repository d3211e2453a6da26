"""Whose data a request sees: the ``X-Sparring-Namespace`` header (parallel test jobs), a partner's
own namespace key (the tenant in the path, tests/engine_specs/tenants.yaml) and caller bindings
that refuse a credential another tenant's data. A mistake here leaks one tenant's or one job's
writes into another's, so each test writes on one side and reads on the other.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from kit import PartnerApi

from sparring.app import create_app
from sparring.catalog import load_partner

SPECS = Path(__file__).parent / "engine_specs"
IP = "/inventorypro/api/v1"


@pytest.fixture(scope="module")
def app():
    return create_app(["inventorypro", load_partner(SPECS / "tenants.yaml", SPECS)], seed=0)


@pytest.fixture
def tenants(app, client):
    return PartnerApi(client, app, "tenants", who="operator")


def test_the_tenant_in_the_path_keeps_each_tenants_records_apart(tenants):
    made = tenants.post("/alpha/items", 201, who="alpha-user", json={"name": "alpha's"}).json()
    assert [i["name"] for i in tenants.get("/alpha/items", who="alpha-user").json()] == ["alpha's"]
    assert tenants.get("/beta/items", who="beta-user").json() == []
    tenants.get(f"/beta/items/{made['id']}", 404, who="beta-user")
    other = tenants.post("/beta/items", 201, who="beta-user", json={"name": "beta's"}).json()
    assert other["id"] == made["id"] == 1  # each tenant counts its own ids
    # a credential bound to no tenant sees each tenant's own records
    assert [i["name"] for i in tenants.get("/alpha/items").json()] == ["alpha's"]
    assert [i["name"] for i in tenants.get("/beta/items").json()] == ["beta's"]


def test_a_credential_bound_to_one_tenant_may_not_act_on_another(tenants):
    tenants.post("/beta/items", 201, who="beta-user", json={"name": "beta's"})
    r = tenants.get("/beta/items", 404, who="alpha-user")
    assert r.headers["content-type"].startswith("application/problem+json") and r.json()["status"] == 404
    tenants.get("/beta/items/1", 404, who="alpha-user")
    tenants.post("/beta/items", 404, who="alpha-user", json={"name": "planted by alpha"})
    assert [i["name"] for i in tenants.get("/beta/items", who="beta-user").json()] == ["beta's"]
    assert tenants.get("/alpha/items", who="alpha-user").json() == []


def _token(client) -> dict:
    r = client.post(f"{IP}/Token", data={"grant_type": "client_credentials", "client_id": "demo-warehouse",
                                          "client_secret": "demo-warehouse-secret"})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_the_namespace_header_keeps_a_jobs_writes_to_itself(client):
    auth = _token(client)
    job1, job2 = {**auth, "X-Sparring-Namespace": "job-1"}, {**auth, "X-Sparring-Namespace": "job-2"}
    assert client.post(f"{IP}/Customer", json={"shortID": "JOB-ONE", "name": "Job one"}, headers=job1).status_code == 201
    assert client.get(f"{IP}/Customer/JOB-ONE", headers=job1).json()["name"] == "Job one"
    assert client.get(f"{IP}/Customer/JOB-ONE", headers=job2).status_code == 404
    assert client.get(f"{IP}/Customer/JOB-ONE", headers=auth).status_code == 404
    assert client.delete(f"{IP}/Customer/ACME-CORP", headers=job2).status_code == 204
    assert client.get(f"{IP}/Customer/ACME-CORP", headers=auth).json()["active"] is True
    assert client.get(f"{IP}/Customer/ACME-CORP", headers=job1).json()["active"] is True
    assert client.get(f"{IP}/Customer/ACME-CORP", headers=job2).json()["active"] is False
    # every namespace starts from the same seeded data
    totals = {client.get(f"{IP}/Customer/All", headers=h).json()["totalCount"] for h in (auth, job1, job2)}
    assert totals == {48, 49}


@pytest.mark.parametrize("name", ["-leading-dash", "has space", "x" * 65, "slash/inside"])
def test_a_bad_namespace_name_is_a_400_in_the_vendors_shape(client, name):
    auth = _token(client)
    r = client.get(f"{IP}/Customer/All", headers={**auth, "X-Sparring-Namespace": name})
    assert r.status_code == 400
    assert r.json()["error"] == "validation_error" and "X-Sparring-Namespace" in r.json()["details"]
