"""Sales credits and unpaid orders, and allocating a credit across orders.

Amounts are compared in cents. An allocation never takes more than what is left of the credit,
nor more than an order's balance; everything is checked before the credit and the orders are
written together, so a refused allocation changes nothing.
"""

from __future__ import annotations

from sparring.engine.actions import Action
from sparring.engine.context import Call, Result
from sparring.engine.errors import ApiError
from sparring.engine.store import Namespace, Record
from sparring.partners.skuio.common import cents, customer_of, not_found, now, where


def payment_status(order: Record) -> str:
    if cents(order["balance"]) <= 0:
        return "paid"
    return "partially_paid" if cents(order["paid_amount"]) > 0 else "unpaid"


def credit_status(credit: Record) -> str:
    if cents(credit["unallocated_amount"]) <= 0:
        return "allocated"
    return "partially_allocated" if cents(credit["allocated_amount"]) > 0 else "open"


def open_sales_credits(action: Action, call: Call) -> Result:
    customer = customer_of(call)
    credits = where(call.state["sales_credits"], "customer_id", customer["id"], sort="id")
    return Result(200, [c for c in credits if cents(c["unallocated_amount"]) > 0])


def unpaid_orders(action: Action, call: Call) -> Result:
    customer = customer_of(call)
    orders = where(call.state["sales_orders"], "customer_id", customer["id"], sort="id")
    return Result(200, [o for o in orders if cents(o["balance"]) > 0])


def _plan(ns: Namespace, customer: Record, credit: Record, lines: list) -> list[tuple[Record, int]]:
    """(order, cents) for each line, or a 422 naming the first line that cannot be allocated."""
    left = cents(credit["unallocated_amount"])
    if left <= 0:
        raise ApiError.validation({"sales_credit": [f"Sales credit {credit['sales_credit_number']} is fully allocated."]})
    plan, seen, total = [], set(), 0
    for n, line in enumerate(lines):
        order = ns["sales_orders"].get(line.get("id"))
        if order is None or order.get("customer_id") != customer["id"]:
            raise ApiError.validation({f"sales_orders.{n}.id": [f"The selected sales_orders.{n}.id is invalid."]})
        if order["id"] in seen:
            raise ApiError.validation({f"sales_orders.{n}.id": [f"Sales order {order['sales_order_number']} is listed twice."]})
        seen.add(order["id"])
        amount = cents(line.get("amount") or 0)
        if amount <= 0:
            raise ApiError.validation({f"sales_orders.{n}.amount": ["The amount must be at least 0.01."]})
        balance = cents(order["balance"])
        if amount > balance:
            raise ApiError.validation({f"sales_orders.{n}.amount": [
                f"Sales order {order['sales_order_number']} has a balance of {balance / 100:.2f}; "
                f"{amount / 100:.2f} cannot be allocated to it."]})
        total += amount
        if total > left:
            raise ApiError.validation({f"sales_orders.{n}.amount": [
                f"Allocating {amount / 100:.2f} to sales order {order['sales_order_number']} would exceed the "
                f"{left / 100:.2f} left on sales credit {credit['sales_credit_number']}."]})
        plan.append((order, amount))
    return plan


def allocate_credit(action: Action, call: Call) -> Result:
    ns, stamp = call.state, now(action)
    customer = customer_of(call)
    credit = ns["sales_credits"].get(call.params.get("salesCredit"))
    if credit is None or credit.get("customer_id") != customer["id"]:
        raise not_found("sales_credits", call.params.get("salesCredit"))
    body = call.body if isinstance(call.body, dict) else {}
    plan = _plan(ns, customer, credit, body.get("sales_orders") or [])
    orders = []
    for order, amount in plan:
        order["paid_amount"] = (cents(order["paid_amount"]) + amount) / 100
        order["balance"] = (cents(order["balance"]) - amount) / 100
        order["payment_status"] = payment_status(order)
        order["updated_at"] = stamp
        orders.append(ns["sales_orders"].put(order))
        credit["allocations"] = [*credit["allocations"], {"sales_order_id": order["id"], "amount": amount / 100}]
    allocated = sum(amount for _, amount in plan)
    credit["allocated_amount"] = (cents(credit["allocated_amount"]) + allocated) / 100
    credit["unallocated_amount"] = (cents(credit["unallocated_amount"]) - allocated) / 100
    credit["status"] = credit_status(credit)
    credit["updated_at"] = stamp
    credit = ns["sales_credits"].put(credit)
    return Result(200, {"sales_credit": credit, "sales_orders": orders})
