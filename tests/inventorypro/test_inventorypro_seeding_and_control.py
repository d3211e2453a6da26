"""Fixtures are deterministic per seed; the admin routes reset, reseed and move the clock."""

from __future__ import annotations

from starlette.testclient import TestClient

from inventorypro_kit import IP, token
from sparring.app import create_app


def snapshot(client: TestClient) -> list[dict]:
    auth = {"Authorization": f"Bearer {token(client)}"}
    return client.get(f"{IP}/Customer/All", params={"pageSize": 250}, headers=auth).json()["value"]


def test_same_seed_gives_the_same_customers():
    first = snapshot(TestClient(create_app(["inventorypro"], seed=7)))
    again = snapshot(TestClient(create_app(["inventorypro"], seed=7)))
    other = snapshot(TestClient(create_app(["inventorypro"], seed=8)))
    assert first == again
    assert first != other
    assert len(other) == 48 and {"ACME-CORP", "BRIGHT-MFG"} <= {c["shortID"] for c in other}


def test_reset_discards_changes(client):
    auth = {"Authorization": f"Bearer {token(client)}"}
    seeded = snapshot(client)
    client.post(f"{IP}/Customer", json={"shortID": "TEMP"}, headers=auth)
    client.delete(f"{IP}/Customer/ACME-CORP", headers=auth)
    assert snapshot(client) != seeded
    r = client.post("/__sparring/reset")
    assert r.status_code == 200 and r.json()["seed"] == 0
    assert snapshot(client) == seeded


def test_reset_with_a_seed_reseeds(client):
    seeded = snapshot(client)
    assert client.post("/__sparring/reset", json={"seed": 3}).json()["seed"] == 3
    reseeded = snapshot(client)
    assert reseeded != seeded
    assert reseeded == snapshot(TestClient(create_app(["inventorypro"], seed=3)))
    assert client.post("/__sparring/reset", json={"seed": "x"}).status_code == 400


def test_partner_index_lists_base_and_docs_urls(client):
    body = client.get("/").json()
    (partner,) = body["partners"]
    assert partner["name"] == "inventorypro"
    assert partner["base_url"].endswith("/inventorypro/api/v1")
    assert partner["operations"] == 5
    assert client.get("/__sparring/health").json()["status"] == "ok"


def test_swagger_ui_and_spec_are_served(client):
    ui = client.get(f"{IP}/ui/")
    assert ui.status_code == 200 and "swagger" in ui.text.lower()
    spec = client.get(f"{IP}/openapi.json").json()
    assert "/Customer/All" in spec["paths"]


def test_clock_moves_forward(client):
    before = client.get("/__sparring/clock").json()
    after = client.post("/__sparring/clock", json={"advance": 3600}).json()
    assert after["offset_seconds"] == before["offset_seconds"] + 3600
    assert client.post("/__sparring/clock", json={"advance": "soon"}).status_code == 400
