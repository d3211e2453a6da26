"""Customers, ship-tos, invoices and prebooks as the classic list methods show them.

Exact filters compare ids and codes, name filters match part of the value; all ignore case. A
Customer token sees only its own customer's records.
"""

from __future__ import annotations

import typing as t

from sparring.partners.komet import dates
from sparring.partners.komet.access import Ask, ok
from sparring.partners.komet.dates import refuse

CUSTOMER_FIELDS = ("id", "name", "code", "customerType", "billAddress", "billCity", "billState", "billCountry",
                   "billZipCode", "shipAddress", "shipCity", "shipState", "shipCountry", "shipZipCode",
                   "emailForInvoices", "emailForStatements", "phone", "fax", "defaultPrice", "priceBMarkup",
                   "priceSellFastMarkup", "creditLimit", "chargeTax")
INVOICE_FIELDS = ("id", "number", "status", "shipDate", "createdOn", "updatedOn", "customerId", "customerName",
                  "customerCode", "carrierId", "carrierName", "salesPersonName", "invoiceNotes", "isEcommerce",
                  "locationId", "subtotal", "additionalCharges", "total")
NOT_FOUND = "Orders not found."


def _has(value: t.Any, needle: t.Any) -> bool:
    return str(needle).casefold() in str(value or "").casefold()


def customer_details(ask: Ask) -> dict:
    customer = ask.own_customer()
    return ok(customer=[{f: customer.get(f) for f in CUSTOMER_FIELDS if f in customer}])


def shipto_list(ask: Ask) -> dict:
    p = ask.params
    since = dates.day(p, "updateAsOf") or dates.day(p, "updatedAsOf")
    if p.get("customerId") is None and not p.get("name") and since is None:
        raise refuse("One of customerId, name or updateAsOf is required.")
    customer_id = ask.scope_filter()
    found = []
    for shipto in ask.store["shiptos"].records():
        if customer_id is not None and shipto.get("customerId") != customer_id:
            continue
        if p.get("id") is not None and shipto["id"] != p["id"]:
            continue
        if p.get("name") and not _has(shipto.get("name"), p["name"]):
            continue
        if since is not None and (shipto.get("updatedAsOf") or "") < dates.iso(since):
            continue
        found.append(shipto)
    return ok(shiptos=found)


# -- invoices --------------------------------------------------------------------------------------


def _invoice_matches(ask: Ask, invoice: dict, customer_id: int | None) -> bool:
    p = ask.params
    checks = [
        customer_id is None or invoice.get("customerId") == customer_id,
        p.get("status") is None or invoice.get("status") == p["status"],
        not p.get("customer") or _has(invoice.get("customerName"), p["customer"])
        or _has(invoice.get("customerCode"), p["customer"]),
        not p.get("carrierName") or _has(invoice.get("carrierName"), p["carrierName"]),
        p.get("carrierId") is None or invoice.get("carrierId") == p["carrierId"],
        not p.get("product") or any(_has(d.get("productDescription"), p["product"]) for d in invoice.get("details") or []),
        p.get("order") is None or invoice.get("number") == p["order"],
        p.get("orderId") is None or invoice.get("id") == p["orderId"],
        p.get("locationId") is None or invoice.get("locationId") == p["locationId"],
        not p.get("locationIds") or invoice.get("locationId") in {int(x) for x in str(p["locationIds"]).split(",")},
        p.get("isEcommerce") is None or bool(invoice.get("isEcommerce")) == bool(p["isEcommerce"]),
        not p.get("updatedAsOf") or (invoice.get("updatedOn") or "") >= p["updatedAsOf"],
    ]
    return all(checks)


def _invoices(ask: Ask, low, high) -> list[dict]:
    customer_id = ask.scope_filter()
    dates.moment(ask.params, "updatedAsOf")
    by_id = ask.params.get("order") is not None or ask.params.get("orderId") is not None
    found = []
    for invoice in ask.store["invoices"].records():
        if not by_id and not dates.iso(low) <= invoice.get("shipDate", "") <= dates.iso(high):
            continue
        if _invoice_matches(ask, invoice, customer_id):
            found.append(invoice)
    found.sort(key=lambda i: (i.get("shipDate", ""), i["number"]))
    return found


def invoice_list(ask: Ask) -> dict:
    """Headers by ship date; the range is ignored when order or orderId names the invoice."""
    low = dates.day(ask.params, "orderDateFrom", required=True)
    high = dates.day(ask.params, "orderDateTo", required=True)
    if ask.params.get("order") is None and ask.params.get("orderId") is None:
        dates.check_range(low, high, "orderDateFrom", "orderDateTo", months=6)
    found = [{f: i.get(f) for f in INVOICE_FIELDS} for i in _invoices(ask, low, high)]
    return ok(NOT_FOUND if not found else "OK", invoices=found)


def invoice_details_list(ask: Ask) -> dict:
    """Invoices with their lines: one ship date, or a range of four days at most."""
    p = ask.params
    on = dates.day(p, "orderDate")
    low, high = dates.day(p, "orderDateFrom"), dates.day(p, "orderDateTo")
    named = p.get("order") is not None or p.get("orderId") is not None
    if (low is None) != (high is None) and on is None and not named:
        raise refuse("orderDateFrom and orderDateTo go together.")
    if low is not None and high is not None:
        dates.check_range(low, high, "orderDateFrom", "orderDateTo", days=4)
    elif on is not None:
        low = high = on
    elif not named:
        raise refuse("orderDate is required unless orderDateFrom and orderDateTo, order or orderId is given.")
    found = []
    for invoice in _invoices(ask, low, high):
        invoice.setdefault("additionalChargesDetails", [])
        found.append({**{f: invoice.get(f) for f in INVOICE_FIELDS}, "details": invoice.get("details") or [],
                      "additionalChargesDetails": invoice["additionalChargesDetails"]})
    return ok(NOT_FOUND if not found else "OK", invoices=found)


# -- prebooks --------------------------------------------------------------------------------------


def prebook_list(ask: Ask) -> dict:
    p = ask.params
    low = dates.day(p, "dateFrom", required=True)
    high = dates.day(p, "dateTo", required=True)
    dates.check_range(low, high, "dateFrom", "dateTo", months=6)
    customer_id = ask.scope_filter()
    exact = {"prebook": "number", "carrierId": "carrierId", "salesPersonId": "salesPersonId", "soNumber": "soNumber",
             "customerPONumber": "customerPONumber", "CompanyLocationId": "locationId", "brandId": "brandId",
             "checkOutStatus": "checkOutStatus"}
    found = []
    for prebook in ask.store["prebooks"].records():
        if not dates.iso(low) <= prebook.get("truckDate", "") <= dates.iso(high):
            continue
        if customer_id is not None and prebook.get("customerId") != customer_id:
            continue
        if any(p.get(param) is not None and str(prebook.get(field)) != str(p[param]) for param, field in exact.items()):
            continue
        if p.get("customer") and not (_has(prebook.get("customerName"), p["customer"])
                                      or _has(prebook.get("customerCode"), p["customer"])):
            continue
        if p.get("carrierName") and not _has(prebook.get("carrierName"), p["carrierName"]):
            continue
        if p.get("prebookStatus") and str(prebook.get("prebookStatus", "")).casefold() != p["prebookStatus"].casefold():
            continue
        if p.get("isEcommerce") is not None and bool(prebook.get("isEcommerce")) != bool(p["isEcommerce"]):
            continue
        prebook.pop("locationId", None)
        prebook.pop("brandId", None)
        found.append(prebook)
    found.sort(key=lambda b: (b.get("truckDate", ""), b["number"]))
    return ok(prebooks=found)
