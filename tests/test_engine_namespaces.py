"""Namespaces: a partner declares what picks one (here a header of a test-only spec); every request
may also name its own with X-Sparring-Namespace. Writes in one never show in another."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from inventorypro_kit import token
from sparring.app import create_app
from sparring.catalog import load_partner

SPEC = Path(__file__).parent / "engine_specs" / "notebook.yaml"


@pytest.fixture
def client():
    with TestClient(create_app([load_partner(SPEC)])) as c:
        yield c


def titles(client: TestClient, workspace: str, **headers: str) -> list[str]:
    r = client.get("/notebook/notes", headers={"X-Workspace": workspace, **headers})
    assert r.status_code == 200, r.text
    return [n["title"] for n in r.json()]


def test_two_workspaces_never_see_each_others_writes(client):
    for n in range(3):
        assert client.post("/notebook/notes", json={"title": f"a{n}"}, headers={"X-Workspace": "alpha"}).status_code == 201
    created = client.post("/notebook/notes", json={"title": "b0"}, headers={"X-Workspace": "beta"})
    assert created.status_code == 201 and created.json()["id"] == 1  # beta's ids start afresh
    assert titles(client, "alpha") == ["a0", "a1", "a2"]
    assert titles(client, "beta") == ["b0"]
    assert titles(client, "gamma") == []


def test_the_sparring_namespace_header_splits_a_workspace_again(client):
    client.post("/notebook/notes", json={"title": "shared"}, headers={"X-Workspace": "alpha"})
    client.post("/notebook/notes", json={"title": "job-1 only"},
                headers={"X-Workspace": "alpha", "X-Sparring-Namespace": "job-1"})
    assert titles(client, "alpha") == ["shared"]
    assert titles(client, "alpha", **{"X-Sparring-Namespace": "job-1"}) == ["job-1 only"]
    assert titles(client, "alpha", **{"X-Sparring-Namespace": "job-2"}) == []


def test_a_bad_namespace_name_is_a_400(client):
    r = client.get("/notebook/notes", headers={"X-Workspace": "alpha", "X-Sparring-Namespace": "../etc"})
    assert r.status_code == 400
    assert "X-Sparring-Namespace" in r.json()["errors"]


def test_reset_empties_every_namespace(client):
    client.post("/notebook/notes", json={"title": "x"}, headers={"X-Workspace": "alpha"})
    assert client.post("/__sparring/reset").status_code == 200
    assert titles(client, "alpha") == []


def test_inventorypro_namespaces_start_from_the_seeded_data():
    app = create_app(["inventorypro"], seed=0)
    with TestClient(app) as client:
        auth = {"Authorization": f"Bearer {token(client)}"}
        base = "/inventorypro/api/v1/Customer"
        assert client.delete(f"{base}/ACME-CORP", headers={**auth, "X-Sparring-Namespace": "one"}).status_code == 204
        one = client.get(f"{base}/ACME-CORP", headers={**auth, "X-Sparring-Namespace": "one"}).json()
        two = client.get(f"{base}/ACME-CORP", headers={**auth, "X-Sparring-Namespace": "two"}).json()
        default = client.get(f"{base}/ACME-CORP", headers=auth).json()
        assert one["active"] is False
        assert two["active"] is True and default["active"] is True
        assert two == default


def test_a_namespace_copied_on_its_first_write_keeps_every_index_in_order():
    """The first write copies the snapshot's collection with its sorted indexes as they are: pages
    sorted by each indexed field must match the untouched namespace's, plus the new record."""
    app = create_app(["inventorypro"], seed=0)
    with TestClient(app) as client:
        auth = {"Authorization": f"Bearer {token(client)}"}
        base = "/inventorypro/api/v1/Customer"
        copied = {**auth, "X-Sparring-Namespace": "copied"}
        assert client.post(base, json={"shortID": "MMM-NEW", "name": "Mmm New", "city": "Mmmtown"},
                           headers=copied).status_code == 201
        for sort in ("shortID", "name", "city", "modified"):
            for direction in ("ASC", "DESC"):
                query = {"pageSize": 250, "sort": sort, "direction": direction}
                untouched = [c["shortID"] for c in client.get(f"{base}/All", params=query, headers=auth).json()["value"]]
                mine = [c["shortID"] for c in client.get(f"{base}/All", params=query, headers=copied).json()["value"]]
                assert [s for s in mine if s != "MMM-NEW"] == untouched, (sort, direction)
                assert len(mine) == len(untouched) + 1
