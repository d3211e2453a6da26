"""Shared fixtures: one app per test module, reset to freshly seeded data before every test."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from sparring.app import create_app

IP = "/inventorypro/api/v1"
CLIENTS = {
    "warehouse": ("demo-warehouse", "demo-warehouse-secret"),
    "readonly": ("demo-readonly", "demo-readonly-secret"),
}


@pytest.fixture(scope="module")
def app():
    return create_app(["inventorypro"], seed=0)


@pytest.fixture
def client(app):
    app.runtime.reset(0)
    app.runtime.clock.reset()
    with TestClient(app) as c:
        yield c


def token(client: TestClient, who: str = "warehouse") -> str:
    client_id, secret = CLIENTS[who]
    r = client.post(f"{IP}/Token", data={"grant_type": "client_credentials", "client_id": client_id,
                                         "client_secret": secret})
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


@pytest.fixture
def auth(client):
    return {"Authorization": f"Bearer {token(client)}"}


@pytest.fixture
def readonly(client):
    return {"Authorization": f"Bearer {token(client, 'readonly')}"}
