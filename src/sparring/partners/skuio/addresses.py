"""A customer's addresses: listing them by role, adding one (de-duplicated) and choosing defaults.

An address belongs to one customer; naming another customer's address is a 404, as SKU.io's
scoped route-model binding answers, never a silent success.
"""

from __future__ import annotations

from sparring.engine.actions import Action
from sparring.engine.context import Call, Result
from sparring.engine.errors import ApiError
from sparring.engine.store import Namespace, Record
from sparring.partners.skuio.common import customer_of, not_found, now, where
from sparring.partners.skuio.customers import ADDRESS_RECORD_FIELDS, add_address as store_address, copy_root_address, \
    detail, email_taken, norm

# What makes two addresses the same one (the label and the phone do not).
IDENTITY = ("name", "company", "address1", "address2", "address3", "city", "province_code", "zip", "country_code")


def get_addresses(action: Action, call: Call) -> Result:
    customer = customer_of(call)
    addresses = where(call.state["addresses"], "customer_id", customer["id"], sort="id")
    by_id = {a["id"]: a for a in addresses}
    defaults = {customer.get("default_shipping_address_id"), customer.get("default_billing_address_id")}
    return Result(200, {
        "default_shipping_address": by_id.get(customer.get("default_shipping_address_id")),
        "default_billing_address": by_id.get(customer.get("default_billing_address_id")),
        "other_addresses": [a for a in addresses if a["id"] not in defaults],
    })


def same_address(ns: Namespace, customer_id: int, fields: dict) -> Record | None:
    wanted = tuple(norm(fields.get(f)) for f in IDENTITY)
    for address in where(ns["addresses"], "customer_id", customer_id, sort="id"):
        if tuple(norm(address.get(f)) for f in IDENTITY) == wanted:
            return address
    return None


def make_default(ns: Namespace, customer: Record, address: Record, role: str, stamp: str) -> Record:
    """Set the default shipping or billing address; shipping carries the root address fields."""
    customer[f"default_{role}_address_id"] = address["id"]
    if role == "shipping":
        copy_root_address(customer, address)
    customer["updated_at"] = stamp
    return ns["customers"].put(customer)


def add_address(action: Action, call: Call) -> Result:
    ns, stamp = call.state, now(action)
    body = call.body if isinstance(call.body, dict) else {}
    customer = customer_of(call)
    fields = {name: body.get(name) for name in ADDRESS_RECORD_FIELDS}
    if not any(str(fields.get(f) or "").strip() for f in ("address1", "name", "company")):
        raise ApiError.validation({"address1": ["The address1 field is required when name and company are not present."]})
    if email_taken(ns, fields.get("email"), customer["id"]):
        raise ApiError.validation({"email": ["The email has already been taken."]})
    address = same_address(ns, customer["id"], fields)
    status = 200
    if address is None:
        address, status = store_address(ns, stamp, customer["id"], fields), 201
    for role in ("shipping", "billing"):
        if body.get(f"is_default_{role}"):
            customer = make_default(ns, customer, address, role, stamp)
    return Result(status, address)


def _set_default(action: Action, call: Call, role: str) -> Result:
    ns = call.state
    customer = customer_of(call)
    address = ns["addresses"].get(call.params.get("address_id"))
    if address is None or address.get("customer_id") != customer["id"]:
        raise not_found("addresses", call.params.get("address_id"))
    customer = make_default(ns, customer, address, role, now(action))
    return Result(200, detail(ns, customer))


def set_default_shipping(action: Action, call: Call) -> Result:
    return _set_default(action, call, "shipping")


def set_default_billing(action: Action, call: Call) -> Result:
    return _set_default(action, call, "billing")
