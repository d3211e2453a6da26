"""The Starshipit shipping integration: pending Starshipit fulfillments are submitted once,
a submitted one can be sent again (update) and read back as the Starshipit order.

Starshipit itself is not called: the answer is the order sparring would have sent, built from the
fulfillment, its sales order and the customer's default shipping address.
"""

from __future__ import annotations

from sparring.engine.actions import Action
from sparring.engine.context import Call, Result
from sparring.engine.errors import ApiError
from sparring.engine.store import Namespace, Record
from sparring.partners.skuio.common import invalid, now, where

STARSHIPIT_IDS = 880000  # Starshipit's order id = this + the fulfillment id


def starshipit_order(ns: Namespace, fulfillment: Record) -> Record:
    order = ns["sales_orders"].get(fulfillment["sales_order_id"]) or {}
    customer = ns["customers"].get(order.get("customer_id")) or {}
    address = ns["addresses"].get(customer.get("default_shipping_address_id")) or {}
    return {
        "order_id": fulfillment["starshipit_order_id"],
        "order_number": fulfillment["fulfillment_number"],
        "reference": order.get("sales_order_number", ""),
        "status": "shipped" if fulfillment["status"] == "shipped" else "unshipped",
        "sales_order_fulfillment_id": fulfillment["id"],
        "sales_order_id": fulfillment["sales_order_id"],
        "shipping_method": fulfillment.get("shipping_method") or "",
        "tracking_number": fulfillment.get("tracking_number"),
        "destination": {
            "name": address.get("name") or customer.get("name"),
            "company": address.get("company"),
            "street": address.get("address1"),
            "suburb": address.get("address2"),
            "city": address.get("city"),
            "state": address.get("province_code"),
            "post_code": address.get("zip"),
            "country": address.get("country_code"),
            "email": address.get("email"),
            "phone": address.get("phone"),
        },
        "items": [{"sku": line["sku"], "description": line["description"], "quantity": line["quantity"]}
                  for line in fulfillment.get("lines") or []],
        "submitted_at": fulfillment["submitted_at"],
        "updated_at": fulfillment.get("starshipit_updated_at") or fulfillment["submitted_at"],
    }


def submit_starshipit_orders(action: Action, call: Call) -> Result:
    ns, stamp = call.state, now(action)
    sent = []
    for fulfillment in where(ns["fulfillments"], "status", "pending", sort="id"):
        if fulfillment.get("fulfillment_type") != "starshipit":
            continue
        fulfillment.update(status="submitted", starshipit_order_id=STARSHIPIT_IDS + fulfillment["id"],
                           submitted_at=stamp, starshipit_updated_at=stamp, updated_at=stamp)
        sent.append(starshipit_order(ns, ns["fulfillments"].put(fulfillment)))
    return Result(200, {"submitted": sent})


def _fulfillment(action: Action, call: Call) -> Record:
    key = call.params.get("sales_order_fulfillment")
    fulfillment = call.state["fulfillments"].get(key)
    if fulfillment is None:
        raise ApiError(404, f"No query results for model [App\\Models\\SalesOrderFulfillment] {key}", "not_found")
    return fulfillment


def update_starshipit_order(action: Action, call: Call) -> Result:
    fulfillment = _fulfillment(action, call)
    if fulfillment.get("starshipit_order_id") is None:
        raise invalid("sales_order_fulfillment", "This fulfillment has not been submitted to Starshipit.")
    stamp = now(action)
    fulfillment.update(starshipit_updated_at=stamp, updated_at=stamp)
    fulfillment = call.state["fulfillments"].put(fulfillment)
    return Result(200, starshipit_order(call.state, fulfillment))


def view_starshipit_order(action: Action, call: Call) -> Result:
    fulfillment = _fulfillment(action, call)
    if fulfillment.get("starshipit_order_id") is None:
        raise ApiError(404, f"Fulfillment {fulfillment['id']} has no Starshipit order.", "not_found")
    return Result(200, starshipit_order(call.state, fulfillment))
