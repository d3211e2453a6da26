"""Routing (``http/routing.py``): connexion's routes looked up in an index, answering as its router does.

Every operation of every partner is reached at its own path (the journal names the operation the
request was routed to, before any credential check), and the paths the index leaves to connexion's
router (a method the path does not take, an unknown path, a trailing slash, a newline) get the
same answers as before it.
"""

from __future__ import annotations

import re

import pytest
from kit import operation_for
from starlette.testclient import TestClient

from sparring.app import create_app


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as client:
        yield client


def _routed(client: TestClient, response) -> str | None:
    entry = client.get(f"/__sparring/journal/{response.headers['x-sparring-journal-id']}").json()
    return entry["operation"]


def test_every_operation_of_every_partner_is_routed_to_itself(client):
    served = client.app.runtime.served
    assert len(served) == 5
    checked = 0
    for name, partner in ((n, s.partner) for n, s in served.items()):
        for op in partner.operations.values():
            path = partner.prefix + re.sub(r"\{[^}]+\}", "1", op.path)
            expected = operation_for(partner, op.method, path).id  # concrete paths before templates
            # no credentials: a 401 (or the token endpoint's 400) changes nothing
            response = client.request(op.method.upper(), path, follow_redirects=False)
            assert _routed(client, response) == expected, f"{name}: {op.method.upper()} {path}"
            checked += 1
    assert checked > 150


@pytest.mark.parametrize(("method", "path", "status", "header", "value"), [
    ("PATCH", "/Customer/ACME-CORP", 405, "allow", "DELETE, GET"),
    ("GET", "/Customer/ACME-CORP/", 307, "location", "http://testserver/inventorypro/api/v1/Customer/ACME-CORP"),
    ("GET", "/Nowhere", 404, "allow", None),
    ("GET", "/Customer/ACME%0A", 404, "allow", None),
])
def test_what_no_route_takes_is_answered_as_connexion_answers_it(client, method, path, status, header, value):
    response = client.request(method, "/inventorypro/api/v1" + path, follow_redirects=False)
    assert response.status_code == status
    assert response.headers.get(header) == value
    if status != 307:
        assert response.json()["statusCode"] == status  # InventoryPro's error body


def test_a_routed_request_carries_its_path_parameter(client):
    token = client.post("/inventorypro/api/v1/Token", data={
        "grant_type": "client_credentials", "client_id": "demo-warehouse",
        "client_secret": "demo-warehouse-secret"}).json()["access_token"]
    response = client.get("/inventorypro/api/v1/Customer/ACME-CORP", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["shortID"] == "ACME-CORP"
    assert _routed(client, response) == operation_for(client.app.runtime.served["inventorypro"].partner, "get",
                                                      "/inventorypro/api/v1/Customer/ACME-CORP").id
