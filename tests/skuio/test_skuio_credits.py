"""Open sales credits, unpaid orders and allocating a credit across orders."""

from __future__ import annotations


def test_open_credits_and_unpaid_orders(api):
    credits = api.get("/1/open-sales-credits").json()["data"]
    assert [(c["sales_credit_number"], c["unallocated_amount"], c["status"]) for c in credits] == [("SC-501", 400.0, "open")]
    orders = api.get("/1/unpaid-orders").json()["data"]
    assert [(o["sales_order_number"], o["balance"], o["payment_status"]) for o in orders] == [
        ("SO-1001", 500.0, "unpaid"), ("SO-1002", 200.0, "partially_paid")]
    assert api.get("/2/open-sales-credits").json()["data"] == []
    api.get("/9999/unpaid-orders", status=404)
    api.get("/9999/open-sales-credits", status=404)


def test_allocate_across_two_orders_updates_both_sides(api):
    body = api.post("/1/sales-credits/1/allocate",
                    json={"sales_orders": [{"id": 1, "amount": 250}, {"id": 2, "amount": 100.5}]}).json()["data"]
    credit = body["sales_credit"]
    assert (credit["allocated_amount"], credit["unallocated_amount"], credit["status"]) == (350.5, 49.5, "partially_allocated")
    assert credit["allocations"] == [{"sales_order_id": 1, "amount": 250.0}, {"sales_order_id": 2, "amount": 100.5}]
    assert [(o["balance"], o["paid_amount"], o["payment_status"]) for o in body["sales_orders"]] == [
        (250.0, 250.0, "partially_paid"), (99.5, 200.5, "partially_paid")]
    orders = {o["id"]: o for o in api.get("/1/unpaid-orders").json()["data"]}
    assert orders[1]["balance"] == 250.0 and orders[2]["balance"] == 99.5


def test_allocating_the_whole_balance_pays_the_order_and_closes_the_credit(api):
    api.post("/1/sales-credits/1/allocate", json={"sales_orders": [{"id": 2, "amount": 200}, {"id": 1, "amount": 200}]})
    assert [o["id"] for o in api.get("/1/unpaid-orders").json()["data"]] == [1]
    assert api.get("/1/open-sales-credits").json()["data"] == []
    body = api.post("/1/sales-credits/1/allocate", 422, json={"sales_orders": [{"id": 1, "amount": 1}]}).json()
    assert "sales_credit" in body["errors"]


def test_over_allocation_names_the_order_and_changes_nothing(api):
    body = api.post("/1/sales-credits/1/allocate", 422,
                    json={"sales_orders": [{"id": 1, "amount": 300}, {"id": 2, "amount": 150}]}).json()
    assert list(body["errors"]) == ["sales_orders.1.amount"]
    assert "SO-1002" in body["errors"]["sales_orders.1.amount"][0]
    body = api.post("/1/sales-credits/1/allocate", 422, json={"sales_orders": [{"id": 2, "amount": 250}]}).json()
    assert "SO-1002" in body["errors"]["sales_orders.0.amount"][0] and "200.00" in body["errors"]["sales_orders.0.amount"][0]
    assert api.get("/1/open-sales-credits").json()["data"][0]["unallocated_amount"] == 400.0
    assert [o["balance"] for o in api.get("/1/unpaid-orders").json()["data"]] == [500.0, 200.0]


def test_allocation_refusals(api):
    api.post("/1/sales-credits/1/allocate", 422, json={"sales_orders": [{"id": 3, "amount": 10}]})  # paid order
    body = api.post("/1/sales-credits/1/allocate", 422, json={"sales_orders": [{"id": 9999, "amount": 10}]}).json()
    assert "sales_orders.0.id" in body["errors"]
    api.post("/1/sales-credits/1/allocate", 422, json={"sales_orders": [{"id": 1, "amount": 5}, {"id": 1, "amount": 5}]})
    api.post("/1/sales-credits/1/allocate", 422, json={"sales_orders": [{"id": 1, "amount": 0}]})
    api.post("/1/sales-credits/1/allocate", 422, json={"sales_orders": []})
    api.post("/2/sales-credits/1/allocate", 404, json={"sales_orders": [{"id": 1, "amount": 5}]})  # not its credit
    api.post("/1/sales-credits/999/allocate", 404, json={"sales_orders": [{"id": 1, "amount": 5}]})
    assert api.get("/1/open-sales-credits").json()["data"][0]["allocations"] == []
