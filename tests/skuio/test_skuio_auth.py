"""Personal access tokens, scopes and the power-user gate."""

from __future__ import annotations

import pytest
from contract_check import assert_conforms


def test_no_token_or_an_unknown_one_is_401(api):
    r = api.client.get("/skuio/api/customers")
    assert r.status_code == 401 and "message" in r.json()
    assert_conforms(api.partner, r)
    r = api.client.get("/skuio/api/customers", headers={"Authorization": "Bearer 9|not-a-token"})
    assert r.status_code == 401
    assert_conforms(api.partner, r)


def test_a_read_only_token_cannot_write(api):
    readonly = api.as_("readonly")
    readonly.get("/1")
    body = readonly.put("/1/archive", status=403).json()
    assert "customers:write" in body["message"]
    readonly.post("", 403, json={"name": "Nope"})
    assert api.get("/1").json()["data"]["archived_at"] is None


@pytest.mark.parametrize("method,path,kwargs", [
    ("GET", "/1/addresses", {}),
    ("POST", "/1/addresses", {"json": {"address1": "1 Way"}}),
    ("DELETE", "/2", {}),
    ("DELETE", "", {"json": {"ids": [2]}}),
    ("POST", "/deletable", {"json": {"ids": [2]}}),
    ("GET", "/find-match", {"params": {"name": "a", "zip": "1", "address1": "b"}}),
    ("POST", "/import", {"files": {"file": ("c.csv", b"name\nA\n", "text/csv")}}),
    ("POST", "/import/preview", {"files": {"file": ("c.csv", b"name\nA\n", "text/csv")}}),
    ("GET", "/starshipit/submit-orders", {}),
    ("PUT", "/starshipit/update-order/2", {}),
    ("GET", "/starshipit/view-order/2", {}),
])
def test_power_user_operations_refuse_ordinary_users(api, method, path, kwargs):
    body = api.as_("user").call(method, path, 403, **kwargs).json()
    assert "power users" in body["message"]


def test_ordinary_users_may_do_the_rest(api):
    user = api.as_("user")
    user.get(params={"limit": 1})
    user.put("/2/archive")
    user.put("/2/unarchived")
    user.get("/1/unpaid-orders")
