"""Personal access tokens, scopes and the power-user gate."""

from __future__ import annotations

import pytest


def test_no_token_or_an_unknown_one_is_401_as_laravel_says_it(api):
    assert api.get("", 401, headers={}).json() == {"message": "Unauthenticated."}
    assert api.get("/1", 401, headers={"Authorization": "Bearer 9|not-a-token"}).json() == {"message": "Unauthenticated."}


def test_a_read_only_token_cannot_write(api):
    readonly = api.as_("readonly")
    readonly.get("/1")
    body = readonly.put("/1/archive", status=403).json()
    assert body["required_scope"] == "customers:write" and "customers:write" in body["message"]
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
    assert body == {"message": "Only power users may use this endpoint."}


def test_ordinary_users_may_do_the_rest(api):
    user = api.as_("user")
    user.get(params={"limit": 1})
    user.put("/2/archive")
    user.put("/2/unarchived")
    user.get("/1/unpaid-orders")
