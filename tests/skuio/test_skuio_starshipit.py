"""Starshipit: submit pending fulfillments once, update and view a submitted one."""

from __future__ import annotations


def test_submit_sends_pending_starshipit_fulfillments_once(api):
    sent = api.get("/starshipit/submit-orders").json()["data"]["submitted"]
    assert sent and 1 in [o["sales_order_fulfillment_id"] for o in sent]
    first = next(o for o in sent if o["sales_order_fulfillment_id"] == 1)
    assert first["order_id"] == 880001 and first["reference"] == "SO-1003" and first["status"] == "unshipped"
    assert first["destination"]["post_code"] == "90210" and first["items"][0]["sku"] == "ACM-WIDGET-01"
    assert api.get("/starshipit/submit-orders").json()["data"]["submitted"] == []
    assert api.get("/starshipit/view-order/1").json()["data"]["order_id"] == 880001


def test_view_and_update_a_submitted_order(api):
    order = api.get("/starshipit/view-order/2").json()["data"]
    assert order["order_number"] == "SO-1003.2" and order["submitted_at"] == "2025-04-19T12:00:00.000000Z"
    updated = api.put("/starshipit/update-order/2").json()["data"]
    assert updated["order_id"] == order["order_id"] and updated["updated_at"] > order["updated_at"]
    assert api.get("/starshipit/view-order/2").json()["data"]["updated_at"] == updated["updated_at"]


def test_unknown_or_unsubmitted_fulfillments(api):
    api.get("/starshipit/view-order/9999", status=404)
    api.put("/starshipit/update-order/9999", status=404)
    api.get("/starshipit/view-order/1", status=404)  # pending: not at Starshipit yet
    body = api.put("/starshipit/update-order/1", status=422).json()
    assert "sales_order_fulfillment" in body["errors"]
