"""Fixture hooks: what the recipe (``fixtures/skuio.yaml``) cannot say field by field.

Each customer gets its default shipping address from its root fields (and sometimes a separate
billing address and another one); orders get balances that match their payment status; credits
an allocation that really lowers an order's balance; fulfillments the Starshipit state of their
status, and their order becomes fulfilled. Same seed, same records.
"""

from __future__ import annotations

import typing as t

from sparring.engine.store import Namespace, Record
from sparring.partners.skuio.common import cents, where
from sparring.partners.skuio.credits import credit_status, payment_status
from sparring.partners.skuio.customers import ADDRESS_FIELDS, CONTACT_FIELDS

from sparring.partners.skuio.starshipit import STARSHIPIT_IDS


def _address(namespace: Namespace, customer: Record, label: str, fields: dict) -> int:
    addresses = namespace["addresses"]
    record = {"id": addresses.next_id(), "customer_id": customer["id"], "label": label,
              **{f: fields.get(f) for f in (*CONTACT_FIELDS, *ADDRESS_FIELDS)},
              "created_at": customer["created_at"], "updated_at": customer["created_at"]}
    addresses.put(record)
    return record["id"]


def fixture_customer(record: Record, fake: t.Any, namespace: Namespace) -> Record:
    record["email"] = (record.get("email") or "").lower() or None
    record["address2"] = record.get("address2") or None
    record["updated_at"] = max(record["updated_at"], record["created_at"])
    if record.get("archived_at"):
        record["archived_at"] = record["updated_at"]
    shipping = _address(namespace, record, "Default Shipping", record)
    record["default_shipping_address_id"] = record["default_billing_address_id"] = shipping
    if fake.random.random() < 0.4:
        state = fake.state_abbr(include_territories=False, include_freely_associated_states=False)
        record["default_billing_address_id"] = _address(namespace, record, "Default Billing", {
            "name": record["name"], "company": record["company"], "email": f"billing.{record['id']}@{record['email'].split('@')[1]}",
            "phone": record["phone"], "address1": f"{fake.building_number()} {fake.street_name()}",
            "city": fake.city(), "province": state, "province_code": state, "zip": fake.zipcode_in_state(state),
            "country": "United States", "country_code": "US"})
    if fake.random.random() < 0.3:
        _address(namespace, record, "Warehouse", {
            "name": record["name"], "company": record["company"], "address1": f"{fake.building_number()} Industrial Way",
            "city": record["city"], "province": record["province"], "province_code": record["province_code"],
            "zip": record["zip"], "country": "United States", "country_code": "US"})
    return record


def fixture_order(record: Record, fake: t.Any, namespace: Namespace) -> Record:
    record["sales_order_number"] = f"SO-{1000 + record['id']}"
    record["order_date"] = record["created_at"]
    record["total"] = round(record["total"], 2)
    status = record.get("payment_status")
    paid = {"paid": cents(record["total"]), "partially_paid": cents(record["total"]) * 2 // 5}.get(status, 0)
    record["paid_amount"] = paid / 100
    record["balance"] = (cents(record["total"]) - paid) / 100
    record["payment_status"] = payment_status(record)
    record["fulfillment_status"] = "unfulfilled"
    record["updated_at"] = max(record["updated_at"], record["created_at"])
    return record


def fixture_credit(record: Record, fake: t.Any, namespace: Namespace) -> Record:
    record["sales_credit_number"] = f"SC-{500 + record['id']}"
    record["credit_date"] = record["created_at"]
    record["total_credit"] = round(record["total_credit"], 2)
    record["allocations"] = []
    record["allocated_amount"] = 0.0
    record["unallocated_amount"] = record["total_credit"]
    record["updated_at"] = max(record["updated_at"], record["created_at"])
    if fake.random.random() < 0.5:  # part of it already went to one of the customer's unpaid orders
        orders = [o for o in where(namespace["sales_orders"], "customer_id", record["customer_id"], sort="id")
                  if cents(o["balance"]) > 0]
        if orders:
            order = fake.random_element(orders)
            amount = min(cents(order["balance"]), cents(record["total_credit"]) // 2)
            if amount > 0:
                order["paid_amount"] = (cents(order["paid_amount"]) + amount) / 100
                order["balance"] = (cents(order["balance"]) - amount) / 100
                order["payment_status"] = payment_status(order)
                namespace["sales_orders"].put(order)
                record["allocations"] = [{"sales_order_id": order["id"], "amount": amount / 100}]
                record["allocated_amount"] = amount / 100
                record["unallocated_amount"] = (cents(record["total_credit"]) - amount) / 100
    record["status"] = credit_status(record)
    return record


def fixture_fulfillment(record: Record, fake: t.Any, namespace: Namespace) -> Record:
    record["fulfillment_number"] = f"SO-{1000 + record['sales_order_id']}.{record['id']}"
    record["updated_at"] = max(record["updated_at"], record["created_at"])
    if record["fulfillment_type"] == "manual" and record["status"] == "submitted":
        record["status"] = "shipped"
    at_starshipit = record["fulfillment_type"] == "starshipit" and record["status"] != "pending"
    record["starshipit_order_id"] = STARSHIPIT_IDS + record["id"] if at_starshipit else None
    record["submitted_at"] = record["created_at"] if at_starshipit else None
    record["starshipit_updated_at"] = record["created_at"] if at_starshipit else None
    record["tracking_number"] = fake.bothify("TRK##########") if record["status"] == "shipped" else None
    order = namespace["sales_orders"].get(record["sales_order_id"])
    if order is not None:
        order["fulfillment_status"] = "fulfilled"
        namespace["sales_orders"].put(order)
    return record
