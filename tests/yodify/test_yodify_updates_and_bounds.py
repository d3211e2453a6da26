"""Yodify at its edges: the checks a create makes hold on update too, list filters keep records at
their exact bounds (alone, combined, with ``Ids``), the last page of a list, error bodies, and
the business rules at their boundaries (a sale at the list price, a shipment of nothing, an order
discount, a percentage above 100).

Every refused request is also checked to have changed nothing.
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


# -- uniqueness and references on update ---------------------------------------------------------


def test_update_to_another_records_unique_value_is_refused(api):
    first, second = api.get("/Accounts/1").json(), api.get("/Accounts/2").json()
    for field in ("name", "account_number"):
        r = api.put("/Accounts/1", status=400, json={field: second[field]})
        assert list(r.json()["errors"]) == [field]
    assert api.get("/Accounts/1").json() == first
    # its own value again is no clash
    assert api.put("/Accounts/1", json={"name": first["name"], "industry": "Mining"}).json()["industry"] == "Mining"
    sku1, sku2 = api.get("/SKUs/1").json(), api.get("/SKUs/2").json()
    r = api.put("/SKUs/1", status=400, json={"sku_identifier": sku2["sku_identifier"]})
    assert list(r.json()["errors"]) == ["sku_identifier"]
    assert api.get("/SKUs/1").json()["sku_identifier"] == sku1["sku_identifier"]
    level2 = api.get("/DiscountLevels/2").json()
    r = api.put("/DiscountLevels/1", status=400, json={"name": level2["name"]})
    assert list(r.json()["errors"]) == ["name"]


def test_update_to_a_missing_reference_is_refused(api):
    user = api.get("/AccountUsers/1").json()
    r = api.put("/AccountUsers/1", status=400, json={"account_id": 9999})
    assert list(r.json()["errors"]) == ["account_id"]
    assert api.get("/AccountUsers/1").json() == user
    discount = api.get("/BrandDiscounts/1").json()
    r = api.put("/BrandDiscounts/1", status=400, json={"brand_id": 9999})
    assert list(r.json()["errors"]) == ["brand_id"]
    r = api.put("/BrandDiscounts/1", status=400, json={"discount_level_id": 9999})
    assert list(r.json()["errors"]) == ["discount_level_id"]
    assert api.get("/BrandDiscounts/1").json() == discount
    r = api.put("/Accounts/1", status=400, json={"discount_level_id": 9999})
    assert list(r.json()["errors"]) == ["discount_level_id"]
    # an existing one is fine, and is stored
    assert api.put("/AccountUsers/1", json={"account_id": 2}).json()["account_id"] == 2
    assert api.get("/AccountUsers/1").json()["account_id"] == 2


# -- filters at their exact bounds ---------------------------------------------------------------


def _orders(api, **params) -> list[int]:
    return [o["id"] for o in api.get("/Orders", params={"Limit": 100, **params}).json()]


# Orders show no created_on; a seeded order's ordered_date is its creation time, which is what
# CreatedOnMin/CreatedOnMax compare (the seeded orders are all that these tests filter).
CREATED = "ordered_date"


def _expected(orders, ids=None, low=None, high=None, since=None, statuses=None) -> list[int]:
    return [o["id"] for o in orders
            if (ids is None or o["id"] in ids) and (low is None or o[CREATED] >= low)
            and (high is None or o[CREATED] <= high) and (since is None or o["id"] > since)
            and (statuses is None or o["order_status"] in statuses)]


def test_order_filters_keep_records_at_their_exact_bounds(api):
    orders = api.get("/Orders", params={"Limit": 100}).json()
    assert len(orders) == 40
    by_time = sorted(orders, key=lambda o: o[CREATED])
    picks = [by_time[0], by_time[7], by_time[20], by_time[-1]]
    for pick in picks:
        at = pick[CREATED]
        # one bound alone, then both bounds at the same instant
        assert _orders(api, CreatedOnMin=at) == _expected(orders, low=at)
        assert _orders(api, CreatedOnMax=at) == _expected(orders, high=at)
        both = _orders(api, CreatedOnMin=at, CreatedOnMax=at)
        assert pick["id"] in both and both == _expected(orders, low=at, high=at)
        # a range on time with a range on the id, each at a record's exact value
        assert _orders(api, CreatedOnMin=at, SinceId=pick["id"] - 1) == _expected(orders, low=at, since=pick["id"] - 1)
        assert _orders(api, CreatedOnMax=at, SinceId=pick["id"] - 1) == _expected(orders, high=at, since=pick["id"] - 1)
        # a status with a time bound
        status = [pick["order_status"]]
        assert _orders(api, Statuses=status, CreatedOnMin=at) == _expected(orders, low=at, statuses=status)
        assert _orders(api, Statuses=status, CreatedOnMax=at) == _expected(orders, high=at, statuses=status)


def test_ids_combined_with_a_filter_keep_records_at_the_bound(api):
    orders = api.get("/Orders", params={"Limit": 100}).json()
    by_time = sorted(orders, key=lambda o: o[CREATED])
    for a, b, c in [(by_time[3], by_time[10], by_time[30]), (by_time[0], by_time[1], by_time[-1])]:
        ids = [a["id"], b["id"], c["id"]]
        for params, expected in [
            ({"CreatedOnMin": b[CREATED]}, _expected(orders, ids=ids, low=b[CREATED])),
            ({"CreatedOnMax": b[CREATED]}, _expected(orders, ids=ids, high=b[CREATED])),
            ({"CreatedOnMin": b[CREATED], "CreatedOnMax": b[CREATED]},
             _expected(orders, ids=ids, low=b[CREATED], high=b[CREATED])),
            ({"SinceId": min(ids)}, _expected(orders, ids=ids, since=min(ids))),
        ]:
            got = [o["id"] for o in api.get("/Orders", params=[("Ids", i) for i in ids] + list(params.items())).json()]
            assert got == expected, params
            assert b["id"] in got or "SinceId" in params


def test_products_and_skus_brand_with_a_time_bound(api):
    products = api.get("/Products", params={"Limit": 100}).json()
    pick = sorted(products, key=lambda p: p["created_on"])[len(products) // 2]
    got = api.get("/Products", params={"Limit": 100, "BrandId": pick["brand_id"], "CreatedOnMin": pick["created_on"]}).json()
    expected = [p["id"] for p in products if p["brand_id"] == pick["brand_id"] and p["created_on"] >= pick["created_on"]]
    assert [p["id"] for p in got] == expected and pick["id"] in expected
    got = api.get("/Products", params={"Limit": 100, "BrandId": pick["brand_id"], "CreatedOnMax": pick["created_on"]}).json()
    expected = [p["id"] for p in products if p["brand_id"] == pick["brand_id"] and p["created_on"] <= pick["created_on"]]
    assert [p["id"] for p in got] == expected and pick["id"] in expected
    skus = api.get("/SKUs", params={"Limit": 100}).json()["data"]
    sku = skus[len(skus) // 2]
    body = api.get("/SKUs", params={"Limit": 100, "SinceId": sku["id"] - 1, "CreatedOnMin": sku["created_on"]}).json()
    expected = [s["id"] for s in skus if s["id"] > sku["id"] - 1 and s["created_on"] >= sku["created_on"]]
    assert [s["id"] for s in body["data"]] == expected and body["total_items"] == len(expected)


# -- the last page --------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [5, 6, 7, 10, 20, 100])
def test_last_page_has_no_more_and_counts_its_own_items(api, limit):
    pages = -(-20 // limit)
    seen = []
    for page in range(1, pages + 1):
        body = api.get("/Accounts", params={"Limit": limit, "Page": page}).json()
        last = page == pages
        expected = 20 - limit * (pages - 1) if last else limit
        assert (body["count"], len(body["data"]), body["has_more"]) == (expected, expected, not last), (limit, page)
        assert body["total_items"] == 20
        seen += [a["id"] for a in body["data"]]
    assert seen == list(range(1, 21))
    after = api.get("/Accounts", params={"Limit": limit, "Page": pages + 1}).json()
    assert (after["count"], after["data"], after["has_more"]) == (0, [], False)


# -- error bodies --------------------------------------------------------------------------------


RFC = "https://tools.ietf.org/html/rfc9110#section-"


def test_error_bodies_name_the_right_rfc_section_and_title(api):
    r = api.get("/Accounts/99999", status=404)
    assert r.headers["content-type"].startswith("application/json")  # the media type the docs give
    body = r.json()
    assert body["type"] == RFC + "15.5.5" and body["title"] == "Not Found" and body["status"] == 404
    assert body["errors"] == {} and body["instance"] == "/yodify/api/v1/Accounts/99999"
    body = api.get("/Accounts", status=401, headers={}).json()
    assert body["type"] == RFC + "15.5.2" and body["title"] == "Unauthorized"
    body = api.post("/BrandDiscounts", status=400, json={"brand_id": 1, "discount_level_id": 1,
                                                         "percent_discount": 101}).json()
    assert body["type"] == RFC + "15.5.1" and body["title"] == "One or more validation errors occurred."
    assert list(body["errors"]) == ["percent_discount"]


def test_a_missing_required_body_field_is_named(api):
    body = api.put("/SKUs/AdjustInventory/1", status=400, json={"reason": "count"}).json()
    assert body["errors"] == {"inventory_adjustment": ["This field is required."]}


# -- rules at their boundaries -------------------------------------------------------------------


def test_a_sale_price_equal_to_the_list_price_is_no_sale(api):
    at = api.put("/SKUs/UpdatePrice/4", json={"list_price": 100, "sale_price": 100, "is_on_sale": True}).json()
    assert at["is_on_sale"] is False
    assert api.get("/SKUs/4").json()["is_on_sale"] is False
    below = api.put("/SKUs/UpdatePrice/4", json={"sale_price": 99.99}).json()
    assert below["is_on_sale"] is True
    # an order takes the sale price only while the sale holds
    order = api.post("/Orders", json={"items": [{"sku_id": 4, "quantity": 1}]}).json()
    assert order["items"][0]["price_per_unit"] == 99.99
    api.put("/SKUs/UpdatePrice/4", json={"sale_price": 100})
    order = api.post("/Orders", json={"items": [{"sku_id": 4, "quantity": 1}]}).json()
    assert order["items"][0]["price_per_unit"] == 100


def test_a_shipment_item_of_quantity_zero_is_refused_and_nothing_ships(api):
    order = api.post("/Orders", json={"items": [{"sku_id": 1, "quantity": 3}]}).json()
    api.put(f"/Orders/confirm/{order['id']}", json={})
    item = order["items"][0]["id"]
    for quantity in (0, -1, 4):
        r = api.post(f"/orders/{order['id']}/shipments", status=400,
                     json={"items": [{"order_item_id": item, "quantity": quantity}]})
        assert list(r.json()["errors"]) == ["items[0].quantity"], quantity
    assert api.get(f"/orders/{order['id']}/shipments").json()["data"] == []
    assert api.get(f"/Orders/{order['id']}").json()["order_status"] == "Processing"
    shipped = api.post(f"/orders/{order['id']}/shipments", json={"items": [{"order_item_id": item, "quantity": 3}]})
    assert [i["quantity"] for i in shipped.json()["items"]] == [3]


def test_an_order_discount_is_taken_off_the_total(api):
    order = api.post("/Orders", json={"items": [{"sku_id": 1, "quantity": 2, "price_per_unit": 10}],
                                      "discount": 5, "freight": 7.5, "tax": 1.25}).json()
    assert order["subtotal"] == 20 and order["total"] == 23.75
    assert order["seller_total"] == 23.75 and order["seller_discount"] == 5
    assert api.get(f"/Orders/{order['id']}").json()["total"] == 23.75
    changed = api.put(f"/Orders/{order['id']}", json={"discount": 20}).json()
    assert changed["total"] == 8.75
    assert api.get(f"/Orders/{order['id']}").json()["total"] == 8.75


PERCENT_WRITES = [
    ("POST", "/BrandDiscounts", lambda p: {"brand_id": 3, "discount_level_id": 2, "percent_discount": p}, "/BrandDiscounts"),
    ("PUT", "/BrandDiscounts/1", lambda p: {"percent_discount": p}, "/BrandDiscounts"),
    ("POST", "/PriceDiscounts/7", lambda p: {"discount_level_id": 2, "percent_discount": p}, "/PriceDiscounts"),
    ("PUT", "/PriceDiscounts/{pd}/{sku}", lambda p: {"percent_discount": p}, "/PriceDiscounts"),
    ("POST", "/QuantityDiscounts", lambda p: {"name": "Tiered", "tiers": [{"quantity": 10, "percent_discount": p}]},
     "/QuantityDiscounts"),
    ("PUT", "/QuantityDiscounts/1", lambda p: {"tiers": [{"quantity": 5, "percent_discount": p}]}, "/QuantityDiscounts"),
]


@pytest.mark.parametrize("method, path, body, listing", PERCENT_WRITES, ids=[f"{m} {p}" for m, p, _, _ in PERCENT_WRITES])
def test_a_percentage_above_100_is_refused_everywhere(api, method, path, body, listing):
    pd = api.post("/PriceDiscounts/7", json={"discount_level_id": 1, "percent_discount": 5}).json()
    path = path.format(pd=pd["id"], sku=7)
    before = api.get(listing, params={"Limit": 100}).json()
    for bad in (100.01, 101, 1000, -0.5):
        r = api.call(method, path, 400, json=body(bad))
        assert "percent_discount" in str(r.json()["errors"]), bad
    assert api.get(listing, params={"Limit": 100}).json() == before
    # the bounds themselves are fine
    for good in (0, 100):
        r = api.call(method, path, None, json=body(good))
        assert r.status_code in (200, 201), r.text
        written = r.json()
        stored = written["tiers"][0] if "tiers" in written else written
        assert stored["percent_discount"] == good


def test_percentages_written_read_back(api):
    made = api.post("/BrandDiscounts", json={"brand_id": 3, "discount_level_id": 2, "percent_discount": 100}).json()
    assert api.get(f"/BrandDiscounts/{made['id']}").json()["percent_discount"] == 100
    tiers = [{"quantity": 1, "percent_discount": 0}, {"quantity": 50, "percent_discount": 100}]
    qd = api.post("/QuantityDiscounts", status=201, json={"name": "Edges", "tiers": tiers}).json()
    assert [t["percent_discount"] for t in api.get(f"/QuantityDiscounts/{qd['id']}").json()["tiers"]] == [0, 100]


# -- rules that fire on update too ---------------------------------------------------------------


def test_free_shipping_set_by_an_update_zeroes_the_rates(api):
    rate = api.post("/ShippingRates", json={"name": "Ground", "shipping_economy": 12, "shipping_economy_additional": 3,
                                            "shipping_priority": 20}).json()
    assert rate["shipping_economy"] == 12
    updated = api.put(f"/ShippingRates/{rate['id']}", json={"is_free_shipping": True}).json()
    assert (updated["shipping_economy"], updated["shipping_economy_additional"]) == (0, 0)
    assert updated["shipping_priority"] == 20  # only the flagged pair
    stored = api.get(f"/ShippingRates/{rate['id']}").json()
    assert (stored["shipping_economy"], stored["shipping_economy_additional"], stored["is_free_shipping"]) == (0, 0, True)


def test_a_shipment_update_checks_the_carrier_and_quantities_and_changes_nothing_when_refused(api):
    order = api.post("/Orders", json={"items": [{"sku_id": 1, "quantity": 3}]}).json()
    api.put(f"/Orders/confirm/{order['id']}", json={})
    item = order["items"][0]["id"]
    shipment = api.post(f"/orders/{order['id']}/shipments", json={"items": [{"order_item_id": item, "quantity": 1}]}).json()
    path = f"/orders/{order['id']}/shipments/{shipment['id']}"
    r = api.put(path, status=400, json={"shipment_type": "Tracked", "carrier": "Pony Express"})
    assert list(r.json()["errors"]) == ["carrier"]
    r = api.put(path, status=400, json={"items": [{"order_item_id": item, "quantity": 4}]})
    assert list(r.json()["errors"]) == ["items[0].quantity"]
    assert api.get(path).json() == shipment
    # within what remains (3, this shipment's own 1 included), an update may change the quantity
    changed = api.put(path, json={"items": [{"order_item_id": item, "quantity": 3}]}).json()
    assert [i["quantity"] for i in changed["items"]] == [3]
    assert [i["quantity"] for i in api.get(path).json()["items"]] == [3]


def test_a_user_moved_to_another_account_without_a_level_keeps_a_level(api):
    user = api.post("/AccountUsers", json={"account_id": 3, "email": "mover@example.com"}).json()
    assert user["discount_level_id"] == api.get("/Accounts/3").json()["discount_level_id"]
    moved = api.put(f"/AccountUsers/{user['id']}", json={"account_id": 4}).json()
    assert moved["account_id"] == 4 and moved["discount_level_id"]


# -- credentials ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method, path, body", [
    ("GET", "/Accounts", None),
    ("POST", "/Accounts", {"name": "Sneaky Co"}),
    ("PUT", "/Accounts/1", {"name": "Sneaky Co"}),
    ("DELETE", "/Accounts/1", None),
    ("PUT", "/Orders/confirm/1", {}),
])
def test_a_token_without_the_scope_or_an_unknown_token_changes_nothing(api, method, path, body):
    before = api.get("/Accounts", params={"Limit": 100}).json()
    order = api.get("/Orders/1").json()
    kwargs = {"json": body} if body is not None else {}
    r = api.call(method, path, 403, headers={"Authorization": "Bearer yodify-noscope-token"}, **kwargs)
    assert r.content == b""
    for token in ("yodify-demo-token-x", "YODIFY-DEMO-TOKEN", "yodify-demo-toke"):
        r = api.call(method, path, 401, headers={"Authorization": f"Bearer {token}"}, **kwargs)
        assert r.json()["status"] == 401
    assert api.get("/Accounts", params={"Limit": 100}).json() == before
    assert api.get("/Orders/1").json() == order
