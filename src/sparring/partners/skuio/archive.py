"""Archiving, unarchiving and deleting customers, one at a time or in bulk.

A bulk request names customers by ``ids`` or selects them with ``apply_to_all`` and the list's
filters (``search``, ``archived``). A customer with sales orders or sales credits is never
deleted: single delete answers 400, bulk delete skips it and says why.
"""

from __future__ import annotations

import typing as t

from sparring.engine.actions import Action
from sparring.engine.context import Call, Result
from sparring.engine.errors import ApiError
from sparring.engine.store import Namespace, Record
from sparring.partners.skuio.common import customer_of, invalid, now, where
from sparring.partners.skuio.customers import detail
from sparring.partners.skuio.listing import selection


def delete_blocker(ns: Namespace, customer_id: int) -> str | None:
    """Why this customer cannot be deleted, or None."""
    if where(ns["sales_orders"], "customer_id", customer_id, limit=1, copy=False):
        return "The customer is linked to sales orders."
    if where(ns["sales_credits"], "customer_id", customer_id, limit=1, copy=False):
        return "The customer is linked to sales credits."
    return None


def remove_customer(ns: Namespace, customer_id: int) -> None:
    for address in where(ns["addresses"], "customer_id", customer_id):
        ns["addresses"].remove(address["id"])
    ns["customers"].remove(customer_id)


def set_archived(ns: Namespace, customer: Record, stamp: str, archived: bool) -> Record:
    if (customer.get("archived_at") is not None) == archived:
        return customer  # already in that state: nothing changes
    customer["archived_at"] = stamp if archived else None
    customer["updated_at"] = stamp
    return ns["customers"].put(customer)


def archive_customer(action: Action, call: Call) -> Result:
    customer = set_archived(call.state, customer_of(call), now(action), True)
    return Result(200, detail(call.state, customer))


def unarchive_customer(action: Action, call: Call) -> Result:
    customer = set_archived(call.state, customer_of(call), now(action), False)
    return Result(200, detail(call.state, customer))


def delete_customer(action: Action, call: Call) -> Result:
    customer = customer_of(call)
    reason = delete_blocker(call.state, customer["id"])
    if reason:
        raise ApiError(400, f"{reason} It cannot be deleted.", "bad_request")
    remove_customer(call.state, customer["id"])
    return Result(200, {"message": "Customer deleted."})


# -- bulk --------------------------------------------------------------------------------------------


def selected(ns: Namespace, body: t.Any, default_archived: int) -> list[Record]:
    """The customers a bulk body names: ``ids`` (each must exist) or all that ``filters`` select."""
    body = body if isinstance(body, dict) else {}
    if body.get("apply_to_all"):
        filters = body.get("filters") or {}
        found, _ = ns["customers"].query(where=selection(filters.get("archived", default_archived), filters.get("search")))
        return found
    ids = body.get("ids") or []
    if not ids:
        raise invalid("ids", "The ids field is required when apply to all is not true.")
    bad = {f"ids.{n}": [f"The selected ids.{n} is invalid."] for n, pk in enumerate(ids) if pk not in ns["customers"]}
    if bad:
        raise ApiError.validation(bad)
    return [ns["customers"].get(pk) for pk in dict.fromkeys(ids)]


def _bulk_archive(action: Action, call: Call, archived: bool) -> Result:
    ns, stamp = call.state, now(action)
    changed, skipped = [], []
    for customer in selected(ns, call.body, 0 if archived else 1):
        if (customer.get("archived_at") is not None) == archived:
            skipped.append({"id": customer["id"], "reason": "already archived" if archived else "not archived"})
        else:
            set_archived(ns, customer, stamp, archived)
            changed.append(customer["id"])
    return Result(200, {"ids": changed, "skipped": skipped})


def bulk_archive(action: Action, call: Call) -> Result:
    return _bulk_archive(action, call, True)


def bulk_unarchive(action: Action, call: Call) -> Result:
    return _bulk_archive(action, call, False)


def bulk_delete_customers(action: Action, call: Call) -> Result:
    ns = call.state
    deleted, skipped = [], []
    for customer in selected(ns, call.body, 0):
        reason = delete_blocker(ns, customer["id"])
        if reason:
            skipped.append({"id": customer["id"], "reason": reason})
        else:
            remove_customer(ns, customer["id"])
            deleted.append(customer["id"])
    return Result(200, {"ids": deleted, "skipped": skipped})


def check_deletable(action: Action, call: Call) -> Result:
    ns = call.state
    body = call.body if isinstance(call.body, dict) else {}
    ids = body.get("ids") or []
    bad = {f"ids.{n}": [f"The selected ids.{n} is invalid."] for n, pk in enumerate(ids) if pk not in ns["customers"]}
    if bad:
        raise ApiError.validation(bad)
    rows = []
    for pk in dict.fromkeys(ids):
        reason = delete_blocker(ns, pk)
        rows.append({"id": pk, "deletable": reason is None, "reason": reason})
    return Result(200, rows)


