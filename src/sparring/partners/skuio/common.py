"""What every SKU.io rule shares: the vendor's not-found and validation answers, the clock, the
power-user gate, and reading a customer from the path."""

from __future__ import annotations

import typing as t

from sparring.engine.actions import Action, Call, Result
from sparring.engine.errors import ApiError
from sparring.engine.store import Range, Record

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


def ok(body: t.Any, status: int = 200) -> Result:
    return Result(status, body)


def now(action: Action) -> str:
    """The current server time as SKU.io writes it (Laravel: microseconds, Z)."""
    return action.env.collections["customers"].format_time(action.clock.now())


def require_power_user(action: Action, call: Call) -> None:
    """Operations behind SKU.io's IsPowerUserAccess middleware refuse other users with 403."""
    if not action.decl.get("power-user") or call.token_info is None:
        return
    client = call.token_info.get("client")
    if client is None or "power-user" not in client.permissions:
        raise ApiError(403, "This action is only available to power users.", "forbidden")


def customer_of(action: Action, call: Call) -> Record:
    key = call.params.get("customer")
    record = action.namespace["customers"].get(key)
    if record is None:
        raise not_found("customers", key)
    return record


def where(collection, field: str, value: t.Any, **kwargs: t.Any) -> list[Record]:
    """Records whose indexed ``field`` equals ``value``."""
    return collection.query(where=[Range.equal(field, value)], **kwargs)[0]


def money(value: float) -> float:
    return round(float(value) + 0.0, 2)


def cents(value: float) -> int:
    return int(round(float(value) * 100))
