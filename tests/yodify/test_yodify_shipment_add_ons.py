"""Yodify shipment add-ons and shipment deletion through HTTP.

Order item add-ons (OrderItemAddOn) are stored with ids and priced into the order; shipments
take them per item (ShipmentItemRequest.add_ons), checked against the order's items and what
remains (L19160-19163, L19256); deleting a shipment gives its quantities back and moves the
order's status back. Each result reads back through every endpoint that shows it.
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


def confirmed_order(api, *, confirm_stock: bool = False) -> dict:
    """Item 1: 3 units with a 2-unit add-on at 5.00 and a 3-unit one; item 2: 1 unit, no add-on."""
    order = api.post("/Orders", json={"items": [
        {"sku_id": 1, "quantity": 3, "price_per_unit": 10,
         "add_ons": [{"add_on_id": 7, "quantity": 2, "price_per_unit": 5, "model_number": "WARRANTY"},
                     {"add_on_id": 8, "price_per_unit": 1}]},
        {"sku_id": 2, "quantity": 1, "price_per_unit": 20}]}).json()
    return api.put(f"/Orders/confirm/{order['id']}", json={"confirm_stock": confirm_stock}).json()


def shipment_views(api, order_id: int, shipment_id: int) -> list[dict]:
    """The shipment as every endpoint that shows it returns it."""
    return [
        api.get(f"/orders/{order_id}/shipments/{shipment_id}").json(),
        next(s for s in api.get(f"/orders/{order_id}/shipments").json()["data"] if s["id"] == shipment_id),
        api.get(f"/Shipments/{shipment_id}").json(),
        api.get("/Shipments", params={"Ids": shipment_id}).json()[0],
        next(s for s in api.get(f"/Orders/{order_id}", params={"Expand": "shipments"}).json()["shipments"]
             if s["id"] == shipment_id),
    ]


def status(api, order_id: int) -> str:
    one = api.get(f"/Orders/{order_id}").json()["order_status"]
    listed = api.get("/Orders", params={"Ids": order_id}).json()[0]["order_status"]
    assert one == listed
    return one


def test_order_item_add_ons_are_stored_priced_and_returned(api):
    order = confirmed_order(api)
    warranty, extra = order["items"][0]["add_ons"]
    assert warranty["id"] != extra["id"]
    assert (warranty["object"], warranty["quantity"], warranty["seller_price_per_unit"], warranty["model_number"]) == \
        ("orderitem", 2, 5, "WARRANTY")
    assert extra["quantity"] == 3  # one per unit of its item when no quantity is sent
    assert order["subtotal"] == 3 * 10 + 2 * 5 + 3 * 1 + 20
    assert api.get(f"/Orders/{order['id']}").json()["items"] == order["items"]
    assert api.get("/Orders", params={"Ids": order["id"]}).json()[0]["items"] == order["items"]
    # an update that sends the add-on back keeps its id; a new one gets a new id
    items = order["items"]
    items[0]["add_ons"] = [warranty, {"add_on_id": 9, "quantity": 1, "price_per_unit": 2}]
    updated = api.put(f"/Orders/{order['id']}", json={"items": items}).json()
    kept, added = updated["items"][0]["add_ons"]
    assert kept["id"] == warranty["id"] and added["id"] not in (warranty["id"], extra["id"])
    assert updated["subtotal"] == 30 + 10 + 2 + 20


def test_shipments_carry_add_ons_checked_against_the_order(api):
    order = confirmed_order(api)
    oid = order["id"]
    first, second = order["items"]
    warranty, extra = first["add_ons"]
    shipment = api.post(f"/orders/{oid}/shipments", json={"items": [
        {"order_item_id": first["id"], "quantity": 1, "add_ons": [{"order_item_add_on_id": warranty["id"], "quantity": 1}]}]}).json()
    assert [(a["order_item_id"], a["order_item_add_on_id"], a["quantity"]) for a in shipment["add_ons"]] == \
        [(first["id"], warranty["id"], 1)]
    for view in shipment_views(api, oid, shipment["id"]):
        assert view["add_ons"] == shipment["add_ons"] and view["items"] == shipment["items"]
    assert status(api, oid) == "PartiallyShipped"

    count = api.get(f"/orders/{oid}/shipments").json()["total_items"]
    refused = [
        ([{"order_item_id": second["id"], "add_ons": [{"order_item_add_on_id": warranty["id"]}]}],
         "items[0].add_ons[0].order_item_add_on_id"),                       # another item's add-on
        ([{"order_item_id": first["id"], "quantity": 1, "add_ons": [{"order_item_add_on_id": warranty["id"], "quantity": 2}]}],
         "items[0].add_ons[0].quantity"),                                   # only 1 remains
        ([{"order_item_id": first["id"], "add_ons": [{"order_item_add_on_id": 424242}]}],
         "items[0].add_ons[0].order_item_add_on_id"),                       # no such add-on
    ]
    for items, field in refused:
        r = api.post(f"/orders/{oid}/shipments", 400, json={"items": items})
        assert list(r.json()["errors"]) == [field]
    assert api.get(f"/orders/{oid}/shipments").json()["total_items"] == count
    assert status(api, oid) == "PartiallyShipped"

    # no items: every remaining item and add-on
    rest = api.post(f"/orders/{oid}/shipments", json={}).json()
    assert sorted((i["order_item_id"], i["quantity"]) for i in rest["items"]) == [(first["id"], 2), (second["id"], 1)]
    assert sorted((a["order_item_add_on_id"], a["quantity"]) for a in rest["add_ons"]) == \
        sorted([(warranty["id"], 1), (extra["id"], 3)])
    for view in shipment_views(api, oid, rest["id"]):
        assert view["add_ons"] == rest["add_ons"]
    assert status(api, oid) == "Shipped"


def test_add_ons_left_after_their_item_shipped(api):
    order = confirmed_order(api)
    oid = order["id"]
    first, second = order["items"]
    warranty, extra = first["add_ons"]
    api.post(f"/orders/{oid}/shipments", json={"items": [{"order_item_id": first["id"]}, {"order_item_id": second["id"]}]})
    assert status(api, oid) == "PartiallyShipped"  # the add-ons have not shipped
    r = api.post(f"/orders/{oid}/shipments", 400, json={"items": [{"order_item_id": second["id"]}]})
    assert list(r.json()["errors"]) == ["items[0].quantity"]  # shipped in full, and it has no add-on left
    late = api.post(f"/orders/{oid}/shipments", json={"items": [
        {"order_item_id": first["id"], "add_ons": [{"order_item_add_on_id": warranty["id"]}, {"order_item_add_on_id": extra["id"]}]}]}).json()
    assert late["items"] == []
    assert sorted((a["order_item_add_on_id"], a["quantity"]) for a in late["add_ons"]) == sorted([(warranty["id"], 2), (extra["id"], 3)])
    assert status(api, oid) == "Shipped"


def test_updating_a_shipments_items_recomputes_add_ons_and_status(api):
    order = confirmed_order(api)
    oid = order["id"]
    first, second = order["items"]
    warranty = first["add_ons"][0]
    everything = api.post(f"/orders/{oid}/shipments", json={}).json()
    assert status(api, oid) == "Shipped"
    smaller = api.put(f"/orders/{oid}/shipments/{everything['id']}", json={"items": [
        {"order_item_id": first["id"], "quantity": 2, "add_ons": [{"order_item_add_on_id": warranty["id"], "quantity": 1}]}]}).json()
    assert [(i["order_item_id"], i["quantity"]) for i in smaller["items"]] == [(first["id"], 2)]
    assert [(a["order_item_add_on_id"], a["quantity"]) for a in smaller["add_ons"]] == [(warranty["id"], 1)]
    for view in shipment_views(api, oid, everything["id"]):
        assert view["items"] == smaller["items"] and view["add_ons"] == smaller["add_ons"]
    assert status(api, oid) == "PartiallyShipped"
    # fields other than items leave the lines alone
    tracked = api.put(f"/orders/{oid}/shipments/{everything['id']}", json={"tracking_number": "TRK9"}).json()
    assert tracked["add_ons"] == smaller["add_ons"] and tracked["items"] == smaller["items"]


def test_deleting_a_shipment_gives_its_quantities_back_and_moves_the_status_back(api):
    order = confirmed_order(api, confirm_stock=True)
    oid = order["id"]
    assert order["order_status"] == "StockConfirmed"
    first, second = order["items"]
    warranty = first["add_ons"][0]
    one = api.post(f"/orders/{oid}/shipments", json={"items": [
        {"order_item_id": first["id"], "quantity": 1, "add_ons": [{"order_item_add_on_id": warranty["id"], "quantity": 1}]}]}).json()
    two = api.post(f"/orders/{oid}/shipments", json={}).json()
    assert status(api, oid) == "Shipped"

    deleted = api.delete(f"/Shipments/{two['id']}").json()
    assert deleted["id"] == two["id"] and deleted["add_ons"] == two["add_ons"]
    assert status(api, oid) == "PartiallyShipped"
    api.get(f"/Shipments/{two['id']}", 404)
    api.get(f"/orders/{oid}/shipments/{two['id']}", 404)
    assert [s["id"] for s in api.get(f"/orders/{oid}/shipments").json()["data"]] == [one["id"]]
    assert oid in {o["id"] for o in api.get("/Orders", params={"Statuses": "PartiallyShipped", "Limit": 100}).json()}
    # the deleted quantities are to be shipped again, exactly them
    again = api.post(f"/orders/{oid}/shipments", json={}).json()
    assert sorted((i["order_item_id"], i["quantity"]) for i in again["items"]) == \
        sorted((i["order_item_id"], i["quantity"]) for i in two["items"])
    assert sorted((a["order_item_add_on_id"], a["quantity"]) for a in again["add_ons"]) == \
        sorted((a["order_item_add_on_id"], a["quantity"]) for a in two["add_ons"])
    assert status(api, oid) == "Shipped"

    api.delete(f"/Shipments/{again['id']}")
    api.delete(f"/Shipments/{one['id']}")
    assert status(api, oid) == "StockConfirmed"  # back to its confirmed status
    assert api.get(f"/Orders/{oid}", params={"Expand": "shipments"}).json()["shipments"] == []
    cancelled = api.put(f"/Orders/cancel/{oid}", json={"message": "changed our mind"}).json()  # no shipments: allowed again
    assert cancelled["order_status"] == "Cancelled"


def test_deleting_a_seeded_shipment(api):
    """Seeded shipments: a Processing order's status comes back; a Complete order keeps its own."""
    shipped = api.get("/Orders", params={"Statuses": "Shipped", "Expand": "shipments", "Limit": 1}).json()[0]
    for shipment in shipped["shipments"]:
        api.delete(f"/Shipments/{shipment['id']}")
    assert status(api, shipped["id"]) == "Processing"
    complete = api.get("/Orders", params={"Statuses": "Complete", "Expand": "shipments", "Limit": 1}).json()[0]
    api.delete(f"/Shipments/{complete['shipments'][0]['id']}")
    assert status(api, complete["id"]) == "Complete"


def test_seeded_orders_carry_add_ons_and_their_shipments_ship_them(api):
    orders = api.get("/Orders", params={"Limit": 100, "Expand": "shipments"}).json()
    with_add_ons = [o for o in orders if any(i["add_ons"] for i in o["items"])]
    assert with_add_ons
    shipped = [o for o in with_add_ons if o["order_status"] in ("Shipped", "RefundRequested") and o["shipments"]]
    assert shipped
    for o in shipped:
        add_on_ids = {a["id"] for i in o["items"] for a in i["add_ons"]}
        shipped_ids = {a["order_item_add_on_id"] for s in o["shipments"] for a in s["add_ons"]}
        assert shipped_ids == add_on_ids
