"""Every response sparring sends, success or error, is what the partner's spec documents."""

from __future__ import annotations

import base64

from inventorypro_kit import IP, token
from kit import assert_conforms


def test_every_inventorypro_operation_answers_as_documented(app, client):
    partner = app.runtime.served["inventorypro"].partner
    auth = {"Authorization": f"Bearer {token(client)}"}
    readonly = {"Authorization": f"Bearer {token(client, 'readonly')}"}
    basic = base64.b64encode(b"demo-warehouse:demo-warehouse-secret").decode()
    calls = [
        client.post(f"{IP}/Token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}),
        client.post(f"{IP}/Token", data={"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"}),
        client.post(f"{IP}/Token", data={"grant_type": "refresh_token"}),
        client.get(f"{IP}/Customer/All", headers=auth),
        client.get(f"{IP}/Customer/All", params={"page": 2, "pageSize": 10, "sort": "city", "direction": "DESC",
                                                 "modifiedSince": "2024-01-01T00:00:00"}, headers=auth),
        client.get(f"{IP}/Customer/All", params={"pageSize": 999}, headers=auth),
        client.get(f"{IP}/Customer/All"),
        client.get(f"{IP}/Customer/ACME-CORP", headers=auth),
        client.get(f"{IP}/Customer/NOPE", headers=auth),
        client.get(f"{IP}/Customer/bad%20id", headers=auth),
        client.post(f"{IP}/Customer", json={"shortID": "NEWCO", "name": "NewCo"}, headers=auth),
        client.post(f"{IP}/Customer", json={"shortID": "NEWCO", "zip": "10001"}, headers=auth),
        client.post(f"{IP}/Customer", json={"shortID": 7}, headers=auth),
        client.post(f"{IP}/Customer", json={"shortID": "NEWCO"}, headers=readonly),
        client.delete(f"{IP}/Customer/NEWCO", headers=auth),
        client.delete(f"{IP}/Customer/NEWCO", headers=readonly),
        client.delete(f"{IP}/Customer/NOPE", headers=auth),
        client.delete(f"{IP}/Customer/ACME-CORP"),
    ]
    seen = {(assert_conforms(partner, r), r.status_code) for r in calls}
    assert {op for op, _ in seen} == set(partner.operations)
    assert {s for _, s in seen} >= {200, 201, 204, 400, 401, 403, 404}
