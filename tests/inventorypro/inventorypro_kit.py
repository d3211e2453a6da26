"""InventoryPro's base path and demo clients, for its tests and the cross-partner ones that use it."""

from __future__ import annotations

from starlette.testclient import TestClient

IP = "/inventorypro/api/v1"
CLIENTS = {
    "warehouse": ("demo-warehouse", "demo-warehouse-secret"),
    "readonly": ("demo-readonly", "demo-readonly-secret"),
}


def token(client: TestClient, who: str = "warehouse") -> str:
    client_id, secret = CLIENTS[who]
    r = client.post(f"{IP}/Token", data={"grant_type": "client_credentials", "client_id": client_id,
                                         "client_secret": secret})
    assert r.status_code == 200, r.text
    return r.json()["access_token"]
