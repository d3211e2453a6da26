"""Customers and their addresses as SKU.io keeps them.

A customer's root address fields (address1 ... country_code) show its default shipping address:
create makes that address from them, update writes them through to it, and choosing another
default shipping address copies its fields back. Emails are unique across every customer's
addresses; a customer with the same name, zip and address1 as another is a duplicate.
"""

from __future__ import annotations

import re
import typing as t

from sparring.engine.actions import Action
from sparring.engine.context import Call, Result
from sparring.engine.errors import ApiError
from sparring.engine.store import Namespace, Record
from sparring.partners.skuio.common import customer_of, money, now, where

ADDRESS_FIELDS = ("address1", "address2", "address3", "city", "province", "province_code", "zip", "country",
                  "country_code")
CONTACT_FIELDS = ("name", "company", "email", "phone", "fax")
ADDRESS_RECORD_FIELDS = ("label", *CONTACT_FIELDS, *ADDRESS_FIELDS)
SETTINGS = {  # field -> (collection it must name, what Laravel calls it in messages)
    "integration_instance_id": ("integration_instances", "integration instance id"),
    "default_sales_rep_id": ("sales_reps", "default sales rep id"),
    "product_pricing_tier_id": ("pricing_tiers", "product pricing tier id"),
    "store_id": ("stores", "store id"),
    "shipping_method_domestic_id": ("shipping_methods", "shipping method domestic id"),
    "shipping_method_international_id": ("shipping_methods", "shipping method international id"),
    "warehouse_id": ("warehouses", "warehouse id"),
}
# what a create sets; the default settings (pricing tier, store, shipping methods, warehouse) only an update does
CREATE_FIELDS = (*CONTACT_FIELDS, *ADDRESS_FIELDS, "integration_instance_id", "default_sales_rep_id")
CUSTOMER_FIELDS = (*CONTACT_FIELDS, *ADDRESS_FIELDS, *SETTINGS, "default_shipping_address_id",
                   "default_billing_address_id", "archived_at")


def norm(value: t.Any) -> str:
    """Text compared without case or extra spaces."""
    return re.sub(r"\s+", " ", str(value or "")).strip().casefold()


# -- reading -----------------------------------------------------------------------------------------


def detail(ns: Namespace, customer: Record) -> Record:
    """The customer as Get Customer shows it: addresses, defaults, sales rep, lifetime value."""
    addresses = where(ns["addresses"], "customer_id", customer["id"], sort="id")
    by_id = {a["id"]: a for a in addresses}
    rep = ns["sales_reps"].get(customer.get("default_sales_rep_id")) if customer.get("default_sales_rep_id") else None
    orders = where(ns["sales_orders"], "customer_id", customer["id"], copy=False)
    return {
        **customer,
        "addresses": addresses,
        "default_shipping_address": by_id.get(customer.get("default_shipping_address_id")),
        "default_billing_address": by_id.get(customer.get("default_billing_address_id")),
        "default_sales_rep": {"id": rep["id"], "name": rep["name"]} if rep else None,
        "lifetime_value": money(sum(o.get("total") or 0 for o in orders)),
    }


def get_customer(action: Action, call: Call) -> Result:
    return Result(200, detail(call.state, customer_of(call)))


# -- checks (all before any write) -------------------------------------------------------------------


def check_settings(ns: Namespace, body: dict, fields: t.Iterable[str], prefix: str = "") -> dict[str, list[str]]:
    """Laravel's ``exists`` rule on every id sent."""
    bad = {}
    for name in fields:
        value = body.get(name)
        if value is not None and value not in ns[SETTINGS[name][0]]:
            bad[prefix + name] = [f"The selected {SETTINGS[name][1]} is invalid."]
    return bad


def email_taken(ns: Namespace, email: t.Any, customer_id: int | None = None) -> bool:
    """Whether an address of another customer already uses this email. Looked up by the index as
    sent and in lower case (stored emails are lower case unless a client wrote mixed case)."""
    if not email:
        return False
    for candidate in dict.fromkeys([email, email.strip().lower()]):
        if any(a.get("customer_id") != customer_id for a in where(ns["addresses"], "email", candidate, copy=False)):
            return True
    return False


def duplicate_of(ns: Namespace, name: t.Any, zip_code: t.Any, address1: t.Any, skip: int | None = None) -> Record | None:
    """The customer with this name, zip and address1 (compared without case or extra spaces)."""
    if not name:
        return None
    for customer in where(ns["customers"], "zip", zip_code, copy=False):
        if customer["id"] != skip and norm(customer.get("name")) == norm(name) \
                and norm(customer.get("address1")) == norm(address1):
            return customer
    return None


def customer_exists(existing: Record) -> ApiError:
    """SKU.io's duplicate-customer refusal: a 422 with code CODE_CUSTOMER_EXISTS."""
    return ApiError(422, "A customer with this name, zip and address already exists.", "validation_error",
                    {"name": ["A customer with this name, zip and address1 already exists."]},
                    extra={"code": "CODE_CUSTOMER_EXISTS", "existing_customer_id": existing["id"]})


def create_checks(ns: Namespace, body: dict) -> dict[str, list[str]]:
    bad = check_settings(ns, body, ("integration_instance_id", "default_sales_rep_id"))
    if email_taken(ns, body.get("email")):
        bad["email"] = ["The email has already been taken."]
    billing = body.get("default_billing_address") or {}
    if billing.get("email") and norm(billing["email"]) != norm(body.get("email")) and email_taken(ns, billing["email"]):
        bad["default_billing_address.email"] = ["The default billing address.email has already been taken."]
    return bad


# -- writing -----------------------------------------------------------------------------------------


def add_address(ns: Namespace, stamp: str, customer_id: int, fields: dict) -> Record:
    record = {name: fields.get(name) for name in ADDRESS_RECORD_FIELDS}
    record.update(id=ns["addresses"].next_id(), customer_id=customer_id, created_at=stamp, updated_at=stamp)
    return ns["addresses"].put(record)


def new_customer(ns: Namespace, stamp: str, body: dict) -> Record:
    """Store a customer, its default shipping address and its optional billing address (checks done)."""
    customer = {name: body.get(name) if name in CREATE_FIELDS else None for name in CUSTOMER_FIELDS}
    customer.update(id=ns["customers"].next_id(), created_at=stamp, updated_at=stamp)
    shipping = add_address(ns, stamp, customer["id"], {**body, "label": "Default Shipping"})
    customer["default_shipping_address_id"] = customer["default_billing_address_id"] = shipping["id"]
    billing = body.get("default_billing_address")
    if billing:
        customer["default_billing_address_id"] = add_address(ns, stamp, customer["id"],
                                                             {**billing, "label": "Default Billing"})["id"]
    return ns["customers"].put(customer)


def create_customer(action: Action, call: Call) -> Result:
    ns, body = call.state, call.body if isinstance(call.body, dict) else {}
    existing = duplicate_of(ns, body.get("name"), body.get("zip"), body.get("address1"))
    if existing is not None:
        raise customer_exists(existing)
    bad = create_checks(ns, body)
    if bad:
        raise ApiError.validation(bad)
    return Result(201, detail(ns, new_customer(ns, now(action), body)))


def update_checks(ns: Namespace, customer: Record, body: dict) -> dict[str, list[str]]:
    bad = check_settings(ns, body, SETTINGS)
    if "name" in body and body["name"] is None:
        bad["name"] = ["The name field must be a string."]
    if email_taken(ns, body.get("email"), customer["id"]):
        bad["email"] = ["The email has already been taken."]
    billing = body.get("default_billing_address") or {}
    if billing.get("email") and email_taken(ns, billing["email"], customer["id"]):
        bad["default_billing_address.email"] = ["The default billing address.email has already been taken."]
    return bad


def apply_update(ns: Namespace, stamp: str, customer: Record, body: dict) -> Record:
    """Write the fields sent (checks done); root address fields go to the default shipping address."""
    for name in (*CONTACT_FIELDS, *ADDRESS_FIELDS, *SETTINGS):
        if name in body:
            customer[name] = body[name]
    customer["updated_at"] = stamp
    sent_address = {n: body[n] for n in (*CONTACT_FIELDS, *ADDRESS_FIELDS) if n in body}
    shipping = ns["addresses"].get(customer.get("default_shipping_address_id"))
    if shipping is None:
        customer["default_shipping_address_id"] = add_address(ns, stamp, customer["id"],
                                                              {**customer, "label": "Default Shipping"})["id"]
        if customer.get("default_billing_address_id") is None:
            customer["default_billing_address_id"] = customer["default_shipping_address_id"]
    elif sent_address:
        ns["addresses"].put({**shipping, **sent_address, "updated_at": stamp})
    billing = body.get("default_billing_address")
    if billing:
        current = customer.get("default_billing_address_id")
        if current is not None and current != customer["default_shipping_address_id"] and current in ns["addresses"]:
            ns["addresses"].put({**ns["addresses"].get(current), **billing, "updated_at": stamp})
        else:
            customer["default_billing_address_id"] = add_address(ns, stamp, customer["id"],
                                                                 {**billing, "label": "Default Billing"})["id"]
    return ns["customers"].put(customer)


def update_customer(action: Action, call: Call) -> Result:
    ns, body = call.state, call.body if isinstance(call.body, dict) else {}
    customer = customer_of(call)
    bad = update_checks(ns, customer, body)
    if bad:
        raise ApiError.validation(bad)
    return Result(200, detail(ns, apply_update(ns, now(action), customer, body)))


def copy_root_address(customer: Record, address: Record) -> None:
    """The customer's root address fields follow its default shipping address."""
    for name in ADDRESS_FIELDS:
        customer[name] = address.get(name)
