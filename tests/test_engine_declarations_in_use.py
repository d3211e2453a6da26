"""Engine declarations no shipped partner exercises end to end, through a test-only spec
(tests/engine_specs/workshop.yaml): caller bindings on parameters and body fields, several permissions,
embedded children deleted with their parent, the `present` filter, the `data` envelope with
Laravel errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from sparring.app import create_app
from sparring.catalog import load_partner

SPEC = Path(__file__).parent / "engine_specs" / "workshop.yaml"


def bearer(who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {who}-token"}


@pytest.fixture
def client():
    with TestClient(create_app([load_partner(SPEC)])) as c:
        yield c


def make_job(client, who="north-admin", shop="north", **fields) -> dict:
    r = client.post("/workshop/jobs", json={"title": "Fix bike", "shop": shop, **fields}, headers=bearer(who))
    assert r.status_code == 201, r.text
    return r.json()["data"]


def test_a_caller_bound_to_a_shop_cannot_act_for_another(client):
    r = client.post("/workshop/jobs", json={"title": "x", "shop": "south"}, headers=bearer("north-admin"))
    assert r.status_code == 404 and r.json() == {"message": "This credential may not act on that resource."}
    assert client.get("/workshop/jobs?shop=south", headers=bearer("north-admin")).status_code == 404
    assert client.get("/workshop/jobs?shop=north", headers=bearer("north-admin")).status_code == 200
    assert client.get("/workshop/jobs?shop=south", headers=bearer("south-admin")).status_code == 200


def test_every_listed_permission_is_needed_and_the_first_missing_is_named(client):
    job = make_job(client)
    r = client.delete(f"/workshop/jobs/{job['id']}", headers=bearer("north-clerk"))
    assert r.status_code == 403
    assert r.json() == {"message": "This integration user lacks permission admin.", "required_scope": "admin"}
    assert client.get(f"/workshop/jobs/{job['id']}", headers=bearer("north-clerk")).status_code == 200


def test_embedded_children_show_on_every_read_and_go_with_their_parent(client):
    job = make_job(client)
    assert job["tasks"] == []
    task = client.post("/workshop/tasks", json={"job_id": job["id"], "what": "new chain"},
                       headers=bearer("north-admin")).json()["data"]
    shown = client.get(f"/workshop/jobs/{job['id']}", headers=bearer("north-admin")).json()["data"]
    assert shown["tasks"] == [task]
    listed = client.get("/workshop/jobs?shop=north", headers=bearer("north-admin")).json()["data"]
    assert listed[0]["tasks"] == [task]
    sent = client.post("/workshop/jobs", json={"title": "x", "shop": "north", "tasks": [{"job_id": 1, "what": "y"}]},
                       headers=bearer("north-admin")).json()["data"]
    assert sent["tasks"] == []  # a body never writes embedded children
    assert client.delete(f"/workshop/jobs/{job['id']}", headers=bearer("north-admin")).status_code == 204
    assert client.get(f"/workshop/tasks/{task['id']}", headers=bearer("north-admin")).status_code == 404


def test_present_filter_splits_open_and_closed(client):
    make_job(client, title="open one")
    make_job(client, title="closed one", closed_at="2026-01-01T00:00:00Z")
    open_ = client.get("/workshop/jobs?shop=north", headers=bearer("north-admin")).json()
    closed = client.get("/workshop/jobs?shop=north&closed=1", headers=bearer("north-admin")).json()
    assert [j["title"] for j in open_["data"]] == ["open one"] and open_["total"] == 1
    assert [j["title"] for j in closed["data"]] == ["closed one"]


def test_laravel_errors_under_a_data_envelope(client):
    r = client.post("/workshop/jobs", json={"shop": "north"}, headers=bearer("north-admin"))
    assert r.status_code == 422
    assert r.json() == {"message": "The given data was invalid.", "errors": {"title": ["This field is required."]}}
    assert client.get("/workshop/jobs/999", headers=bearer("north-admin")).json() == {"message": "The job was not found."}
    assert client.get("/workshop/jobs/1", headers={"Authorization": "Bearer nope"}).json() == {"message": "Unauthenticated."}
