"""What every SKU.io rule shares: the vendor's not-found answer, the clock, reading a customer
from the path, and amounts in cents."""

from __future__ import annotations

import typing as t

from sparring.engine.actions import Action
from sparring.engine.context import Call
from sparring.engine.errors import ApiError
from sparring.engine.store import Filter, Record

# Laravel names the model class in its not-found message; SKU.io's models live in App\Models.
MODELS = {
    "customers": "Customer",
    "addresses": "Address",
    "sales_orders": "SalesOrder",
    "sales_credits": "SalesCredit",
    "fulfillments": "SalesOrderFulfillment",
}


def not_found(collection: str, key: t.Any) -> ApiError:
    """Laravel's answer when route-model binding finds nothing."""
    return ApiError(404, f"No query results for model [App\\Models\\{MODELS[collection]}] {key}", "not_found")


def invalid(field: str, message: str) -> ApiError:
    """A 422 in Laravel's shape, naming one field (dot notation for nested ones)."""
    return ApiError.validation({field: [message]})


def now(action: Action) -> str:
    """The current server time as SKU.io writes it (Laravel: microseconds, Z)."""
    return action.env.now("customers")


def customer_of(call: Call) -> Record:
    key = call.params.get("customer")
    record = call.state["customers"].get(key)
    if record is None:
        raise not_found("customers", key)
    return record


def where(collection, field: str, value: t.Any, **kwargs: t.Any) -> list[Record]:
    """Records whose indexed ``field`` equals ``value``."""
    return collection.query(where=[Filter.equal(field, value)], **kwargs)[0]


def money(value: float) -> float:
    return round(float(value) + 0.0, 2)


def cents(value: float) -> int:
    return int(round(float(value) * 100))
