"""SKU.io's seeded data: the same per seed, and consistent across customers, addresses, orders,
credits and fulfillments."""

from __future__ import annotations


def _data(app, seed: int) -> dict:
    app.runtime.reset(seed)
    return app.runtime.namespace("skuio").export()


def test_same_seed_same_data_other_seed_other_data(app):
    first = _data(app, 0)
    other = _data(app, 7)
    assert _data(app, 0) == first
    assert [c["name"] for c in other["customers"]] != [c["name"] for c in first["customers"]]
    assert other["customers"][:3] == first["customers"][:3]  # the pinned ones


def test_seeded_records_are_consistent(app):
    data = _data(app, 3)
    customers = {c["id"]: c for c in data["customers"]}
    addresses = {a["id"]: a for a in data["addresses"]}
    orders = {o["id"]: o for o in data["sales_orders"]}
    emails = [a["email"] for a in data["addresses"] if a["email"]]
    assert len(emails) == len(set(emails))
    for customer in customers.values():
        for role in ("shipping", "billing"):
            assert addresses[customer[f"default_{role}_address_id"]]["customer_id"] == customer["id"]
        shipping = addresses[customer["default_shipping_address_id"]]
        assert (shipping["address1"], shipping["zip"]) == (customer["address1"], customer["zip"])
    statuses = set()
    for order in orders.values():
        assert order["customer_id"] in customers
        assert round(order["paid_amount"] + order["balance"], 2) == order["total"]
        statuses.add(order["payment_status"])
    assert statuses == {"paid", "partially_paid", "unpaid"}
    for credit in data["sales_credits"]:
        assert credit["customer_id"] in customers
        allocated = round(sum(a["amount"] for a in credit["allocations"]), 2)
        assert allocated == credit["allocated_amount"]
        assert round(credit["allocated_amount"] + credit["unallocated_amount"], 2) == credit["total_credit"]
        assert all(orders[a["sales_order_id"]]["customer_id"] == credit["customer_id"] for a in credit["allocations"])
    for fulfillment in data["fulfillments"]:
        assert orders[fulfillment["sales_order_id"]]["fulfillment_status"] == "fulfilled"
        at_starshipit = fulfillment["starshipit_order_id"] is not None
        assert at_starshipit == (fulfillment["fulfillment_type"] == "starshipit" and fulfillment["status"] != "pending")
    assert {f["status"] for f in data["fulfillments"]} == {"pending", "submitted", "shipped"}
