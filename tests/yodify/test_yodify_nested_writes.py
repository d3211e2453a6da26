"""Yodify nested writes through HTTP: a discount level with its brand discounts and accounts, an
account with its users (L17217, L17762, L17765). Each child reads back through the parent and
through its own endpoints; a request with one invalid child is refused whole and changes nothing.
"""

from __future__ import annotations

import pytest
from kit import PartnerApi, fresh

from sparring.app import create_app


@pytest.fixture(scope="module")
def app():
    return create_app(["yodify"], seed=0)


@pytest.fixture
def api(app):
    with fresh(app) as client:
        yield PartnerApi(client, app, "yodify")


def total(api, path: str) -> int:
    return api.get(path, params={"Limit": 1}).json()["total_items"]


def snapshot(api) -> dict:
    """Everything a nested write could touch, as the API shows it."""
    return {path: api.get(path, params={"Limit": 100, "Expand": "brand_discounts,accounts,user_accounts"}).json()["data"]
            for path in ("/DiscountLevels", "/BrandDiscounts", "/Accounts", "/AccountUsers")}


def test_a_new_level_creates_its_brand_discounts_accounts_and_their_users(api):
    body = {"name": "Distributors", "description": "Resellers.",
            "brand_discounts": [{"brand_id": 3, "percent_discount": 12.5}, {"brand_id": 4, "percent_discount": 7}],
            "accounts": [{"name": "Acme Resale", "account_number": "AR-1", "payment_terms": "NET30",
                          "user_accounts": [{"email": "buyer@acme-resale.example.com", "first_name": "Bea"}]}]}
    created = api.post("/DiscountLevels", 201, json=body).json()
    level = created["id"]
    assert [(d["brand_id"], d["percent_discount"], d["discount_level_id"]) for d in created["brand_discounts"]] == \
        [(3, 12.5, level), (4, 7, level)]
    [account] = created["accounts"]
    assert (account["name"], account["account_number"], account["discount_level_id"]) == ("Acme Resale", "AR-1", level)

    # through the parent: by id, by name, in the list
    expand = {"Expand": "brand_discounts,accounts"}
    by_id = api.get(f"/DiscountLevels/{level}", params=expand).json()
    assert by_id["brand_discounts"] == created["brand_discounts"] and by_id["accounts"] == created["accounts"]
    assert api.get("/DiscountLevels/GetByName/Distributors", params=expand).json() == by_id
    [listed] = api.get("/DiscountLevels", params={"Ids": level, **expand}).json()["data"]
    assert listed == by_id
    assert "brand_discounts" not in api.get(f"/DiscountLevels/{level}").json()  # children only when asked for

    # through their own endpoints
    for discount in created["brand_discounts"]:
        own = api.get(f"/BrandDiscounts/{discount['id']}", params={"Expand": "discount_level"}).json()
        assert own["discount_level"]["name"] == "Distributors" and own["percent_discount"] == discount["percent_discount"]
    ids = ",".join(str(d["id"]) for d in created["brand_discounts"])
    assert api.get("/BrandDiscounts", params={"Ids": ids}).json()["total_items"] == 2
    own_account = api.get(f"/Accounts/{account['id']}", params={"Expand": "user_accounts,discount_level"}).json()
    assert own_account["discount_level"]["id"] == level
    [user] = own_account["user_accounts"]
    assert (user["email"], user["first_name"], user["account_id"]) == ("buyer@acme-resale.example.com", "Bea", account["id"])
    # the user takes the account's discount level, as a user created on its own does
    own_user = api.get(f"/AccountUsers/{user['id']}", params={"Expand": "account"}).json()
    assert own_user["discount_level_id"] == level and own_user["account"]["name"] == "Acme Resale"


def test_updating_a_level_updates_matched_children_links_accounts_and_adds_new_ones(api):
    level = api.post("/DiscountLevels", 201, json={"name": "Resellers",
                                                   "brand_discounts": [{"brand_id": 3, "percent_discount": 10}]}).json()
    lid = level["id"]
    [first] = level["brand_discounts"]
    moved = api.get("/Accounts/1").json()  # seeded on another level
    assert moved["discount_level_id"] != lid
    old_level = moved["discount_level_id"]
    by_name = api.get("/Accounts/3").json()

    updated = api.put(f"/DiscountLevels/{lid}", json={
        "description": "Updated.",
        "brand_discounts": [{"brand_id": 3, "percent_discount": 15},                       # same brand on this level
                            {"brand_discount_id": first["id"], "brand_id": 3, "percent_discount": 16},  # by id
                            {"brand_id": 5, "percent_discount": 4}],                       # new
        "accounts": [{"account_number": moved["account_number"], "industry": "Resale"},    # linked by number
                     {"name": by_name["name"], "city": "Tulsa"}],                          # linked by name
    }).json()
    assert updated["description"] == "Updated."
    assert [(d["id"] == first["id"], d["brand_id"], d["percent_discount"]) for d in updated["brand_discounts"]] == \
        [(True, 3, 16), (False, 5, 4)]
    assert {a["id"] for a in updated["accounts"]} == {1, 3}

    assert api.get(f"/BrandDiscounts/{first['id']}").json()["percent_discount"] == 16
    account = api.get("/Accounts/1", params={"Expand": "discount_level"}).json()
    assert (account["industry"], account["discount_level"]["id"], account["name"]) == ("Resale", lid, moved["name"])
    assert api.get("/Accounts/3").json()["city"] == "Tulsa"
    previous = api.get(f"/DiscountLevels/{old_level}", params={"Expand": "accounts"}).json()
    assert 1 not in {a["id"] for a in previous["accounts"]}  # moved, not copied
    assert total(api, "/Accounts") == 20 and total(api, "/BrandDiscounts") == 14


def test_one_invalid_child_refuses_the_whole_request_and_changes_nothing(api):
    level = api.post("/DiscountLevels", 201, json={"name": "Stable", "description": "Before.",
                                                   "brand_discounts": [{"brand_id": 3, "percent_discount": 10}]}).json()
    lid = level["id"]
    before = snapshot(api)
    taken = api.get("/Accounts/2").json()["name"]
    r = api.put(f"/DiscountLevels/{lid}", 400, json={
        "description": "After.",
        "brand_discounts": [{"brand_id": 3, "percent_discount": 50},           # valid, and would update
                            {"brand_id": 999999, "percent_discount": 5}],       # no such brand
        "accounts": [{"name": "Fresh Account", "account_number": "FR-1",
                      "user_accounts": [{"email": "new@fresh.example.com"}]},   # valid, and would create
                     {"name": taken, "account_number": "FR-2"}],                # name in use
    })
    errors = r.json()["errors"]
    assert set(errors) == {"brand_discounts[1].brand_id", "accounts[1].name"}
    assert snapshot(api) == before
    assert api.get(f"/DiscountLevels/{lid}").json()["description"] == "Before."

    # a refused create leaves no level behind either
    api.post("/DiscountLevels", 400, json={"name": "Ghost", "brand_discounts": [{"brand_id": 999999}]})
    api.get("/DiscountLevels/GetByName/Ghost", 404)
    r = api.put(f"/DiscountLevels/{lid}", 400, json={"brand_discounts": [{"brand_discount_id": 999999, "percent_discount": 1}]})
    assert "brand_discounts[0].brand_discount_id" in r.json()["errors"]
    # a nested user whose e-mail another account's user has
    used = api.get("/AccountUsers/1").json()["email"]
    r = api.post("/DiscountLevels", 400, json={"name": "Deep", "accounts": [
        {"name": "Deep Co", "account_number": "DP-1", "user_accounts": [{"email": used}]}]})
    assert set(r.json()["errors"]) == {"accounts[0].user_accounts[0].email"}
    assert snapshot(api) == before


def test_account_users_written_with_their_account(api):
    created = api.post("/Accounts", json={"name": "Initech", "account_number": "IN-1", "discount_level_id": 2,
                                          "user_accounts": [{"email": "peter@initech.example.com", "first_name": "Peter"},
                                                            {"email": "milton@initech.example.com", "first_name": "Milton"}]}).json()
    aid = created["id"]
    assert [u["first_name"] for u in created["user_accounts"]] == ["Peter", "Milton"]
    users = api.get("/AccountUsers", params={"Limit": 100}).json()["data"]
    mine = [u for u in users if u["account_id"] == aid]
    assert [(u["email"], u["discount_level_id"]) for u in mine] == \
        [("peter@initech.example.com", 2), ("milton@initech.example.com", 2)]

    # the same e-mail on this account updates that user; a new one is added
    updated = api.put(f"/Accounts/{aid}", json={"user_accounts": [
        {"email": "peter@initech.example.com", "title": "Engineer"},
        {"email": "bill@initech.example.com", "first_name": "Bill"}]}).json()
    assert [u["first_name"] for u in updated["user_accounts"]] == ["Peter", "Milton", "Bill"]
    peter = next(u for u in mine if u["first_name"] == "Peter")
    assert api.get(f"/AccountUsers/{peter['id']}").json()["title"] == "Engineer"
    expanded = api.get(f"/Accounts/{aid}", params={"Expand": "user_accounts"}).json()
    assert expanded["user_accounts"] == updated["user_accounts"]

    # an e-mail another account's user has: refused, the account unchanged
    other = api.get("/AccountUsers/1").json()
    r = api.put(f"/Accounts/{aid}", 400, json={"industry": "Software", "user_accounts": [{"email": other["email"]}]})
    assert set(r.json()["errors"]) == {"user_accounts[0].email"}
    assert api.get(f"/Accounts/{aid}").json()["industry"] is None
    assert api.get(f"/AccountUsers/{other['id']}").json() == other
