"""A reseed of one namespace (``Runtime.reset(seed, partner, namespace)``; the control API's reset
takes a seed only for everything) changes that namespace alone: every other namespace of the
partner keeps reading the data it started from, and a namespace opened afterwards starts from the
new seed. Runs on both stores (the Redis pass too), since Redis keeps old snapshots for their readers.
"""

from __future__ import annotations

import pytest

from kit import fresh
from sparring.app import create_app

IP = "/inventorypro/api/v1"
FLOW = "/flowretail/v2/tenants/nordlys-retail"
FLOW_AUTH = {"Authorization": "Bearer flow-nordlys-backoffice"}


@pytest.fixture(scope="module")
def app():
    return create_app(["inventorypro", "flowretail"], seed=0)


@pytest.fixture
def client(app):
    with fresh(app, 0) as c:
        yield c


def _inventorypro(client) -> dict[str, str]:
    r = client.post(f"{IP}/Token", data={"grant_type": "client_credentials", "client_id": "demo-warehouse",
                                          "client_secret": "demo-warehouse-secret"})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _customers(client, auth: dict, namespace: str) -> tuple[int, dict, dict]:
    """What a namespace reads: one seed-0 customer (status and body) and the first page."""
    headers = {**auth, "X-Sparring-Namespace": namespace}
    one = client.get(f"{IP}/Customer/BALDWIN", headers=headers)
    page = client.get(f"{IP}/Customer/All", headers=headers)
    assert page.status_code == 200, page.text
    return one.status_code, one.json(), page.json()


def test_reseeding_one_namespace_leaves_the_others_reading_what_they_read(app, client):
    auth = _inventorypro(client)
    before = _customers(client, auth, "keep")
    assert before[0] == 200 and _customers(client, auth, "reseeded") == before
    app.runtime.reset(1, "inventorypro", "reseeded")
    assert _customers(client, auth, "keep") == before  # nobody reset it: nothing changed, nothing lost
    reseeded, later = _customers(client, auth, "reseeded"), _customers(client, auth, "later")
    assert reseeded == later  # the reset one and one opened afterwards: the new seed's data
    assert later[0] == 404 and later[2] != before[2]
    # the untouched namespace still writes from what it read, then a full reset puts all on seed 0
    made = client.post(f"{IP}/Customer", json={"shortID": "KEEP-NEW", "name": "Kept"},
                       headers={**auth, "X-Sparring-Namespace": "keep"})
    assert made.status_code == 201, made.text
    status, _, page = _customers(client, auth, "keep")
    assert status == 200 and page["totalCount"] == before[2]["totalCount"] + 1
    app.runtime.reset(0)
    assert _customers(client, auth, "keep") == _customers(client, auth, "reseeded") == before


def _tenant(client, namespace: str) -> tuple[dict, dict]:
    """What a tenant's namespace (seeded from its own part of the snapshot) reads: a page, one record."""
    headers = {**FLOW_AUTH, "X-Sparring-Namespace": namespace}
    page = client.get(f"{FLOW}/customers", headers=headers, params={"pageSize": 500})
    assert page.status_code == 200, page.text
    first = page.json()["items"][0]["customerUid"]
    one = client.get(f"{FLOW}/customers/{first}", headers=headers)
    assert one.status_code == 200, one.text
    return page.json(), one.json()


def test_reseeding_one_tenants_namespace_leaves_the_other_tenant_parts_alone(app, client):
    before = _tenant(client, "keep")
    assert _tenant(client, "reseeded") == before
    app.runtime.reset(1, "flowretail", "reseeded/nordlys-retail")
    assert _tenant(client, "keep") == before
    reseeded, later = _tenant(client, "reseeded"), _tenant(client, "later")
    assert reseeded == later and later[0] != before[0]
    app.runtime.reset(0)
    assert _tenant(client, "keep") == _tenant(client, "later") == before
