"""The web-order flow: a shop's cart becomes a prebook and an invoice.

``web-order.create`` opens a Pending (1) header; ``web-order-item.add`` appends lines to a
matching Pending order (same ship date, carrier, ship-to, location) or to ``webOrderId``, or opens
one, and takes the boxes from the inventory line; ``web-order-item.delete`` gives them back.
``web-order.checkout`` moves the order to checked out (2): Future Sales, Vendor Availability and
K2K lines become lines of an e-commerce prebook, On Hand lines lines of a Pending invoice (an open
e-commerce invoice of the customer for the same day and carrier takes them). ``web-order.delete``
cancels: prebook lines leave their prebook (the prebook stays), invoice lines leave their
invoice, which is voided unless it holds other lines, and the boxes go back. Every check runs
before the first write.
"""

from __future__ import annotations



from sparring.engine.errors import ApiError
from sparring.engine.store import Filter
from sparring.partners.komet import catalog, dates
from sparring.partners.komet.access import Ask, ok
from sparring.partners.komet.dates import refuse

PENDING, CHECKED_OUT = 1, 2
INVOICE_PENDING, INVOICE_CONFIRMED, INVOICE_VOIDED = 0, 1, 4
PREBOOK_ORIGINS = {2, 3, 4}  # Future Sales, Vendor Availability, K2K
HEADER = ("date", "carrierId", "shipToId", "companyLocationId")


def _order(ask: Ask, customer: dict) -> dict:
    """The web order ``webOrderId`` names, when it is this customer's; 404 otherwise."""
    order_id = ask.arg("webOrderId")
    order = ask.store["weborders"].get(order_id)
    if order is None or order["customerId"] != customer["id"]:
        raise ApiError(404, f"Web order {order_id} was not found for customer {customer['id']}.", "not_found")
    return order


def _totals(record: dict, lines_field: str, price_field: str = "total") -> dict:
    subtotal = catalog.money(sum(line[price_field] for line in record.get(lines_field) or []))
    record["subtotal"] = subtotal
    record["additionalCharges"] = catalog.money(sum(c["amount"] for c in record.get("additionalChargesDetails") or []))
    record["total"] = catalog.money(subtotal + record["additionalCharges"])
    return record


def _blank(ask: Ask, customer: dict, header: dict) -> dict:
    weborders = ask.store["weborders"]
    order_id = weborders.next_id()
    return {"id": order_id, "number": order_id, "statusId": PENDING, "customerId": customer["id"],
            "companyLocationId": header.get("companyLocationId"), "date": header.get("date"),
            "carrierId": header.get("carrierId"), "shipToId": header.get("shipToId"), "customerPo": None,
            "invoiceId": None, "prebookId": None, "subtotal": 0.0, "additionalCharges": 0.0, "total": 0.0,
            "items": [], "createdOn": dates.stamp(ask.now)}


# -- web-order.create ------------------------------------------------------------------------------


def create(ask: Ask) -> dict:
    customer = ask.own_customer()
    if ask.body.get("companyId") != ask.account:
        raise refuse(f"companyId {ask.body.get('companyId')} is not the company of X-ACCOUNT ({ask.account}).")
    order = _blank(ask, customer, {"companyLocationId": ask.body.get("companyLocationId")})
    ask.store["weborders"].put(order)
    return ok("Web order was successfully created.", webOrderId=order["id"])


# -- web-order-item.add ----------------------------------------------------------------------------


def _lines_to_sell(ask: Ask, on) -> list[dict]:
    """The inventory lines the body names: by ``inventoryIds`` and origin, or by product and box type."""
    body = ask.body
    origin = body.get("inventoryOrigin")
    if body.get("inventoryIds") not in (None, ""):
        if origin is None:
            raise refuse("inventoryOrigin is required with inventoryIds.")
        return catalog.lines_named(ask, catalog.parse_ids(body["inventoryIds"], "inventoryIds"), origin)
    code, product_id, box = body.get("productCode"), body.get("companyProductId"), body.get("boxTypeCode")
    if (code is None and product_id is None) or not box:
        raise refuse("inventoryIds, or productCode or companyProductId with boxTypeCode, is required.")
    products = [p for p in ask.store["products"].records()
                if (p["id"] == product_id if product_id is not None else p["code"].casefold() == str(code).casefold())]
    if not products:
        raise ApiError(404, f"Product {product_id if product_id is not None else code} was not found.", "not_found")
    if products[0]["boxType"].casefold() != str(box).casefold():
        raise refuse(f"Product {products[0]['code']} is not sold in box type {box}.")
    candidates = [line for line in ask.store["inventory"].records()
                  if line["productId"] == products[0]["id"] and line["inventoryOrigin"] == (origin or 1)
                  and catalog.window(line)[0] <= on <= catalog.window(line)[1] and line["boxes"] > 0]
    if not candidates:
        raise refuse(f"Product {products[0]['code']} is not available on {on}.")
    return [max(candidates, key=lambda line: (line["boxes"], -line["id"]))]


def add_items(ask: Ask) -> dict:
    body = ask.body
    customer = ask.own_customer()
    on = dates.day(body, "date", required=True)
    quantity = body["quantity"]
    carrier_id = body.get("carrierId")
    if ask.store["carriers"].get(carrier_id) is None:
        raise ApiError(404, f"Carrier {carrier_id} was not found.", "not_found")
    shipto_id = body.get("shipToId")
    if shipto_id is not None:
        shipto = ask.store["shiptos"].get(shipto_id)
        if shipto is None or shipto.get("customerId") != customer["id"]:
            raise ApiError(404, f"Ship-to {shipto_id} was not found for customer {customer['id']}.", "not_found")
    lines = _lines_to_sell(ask, on)
    for line in lines:
        low, high = catalog.window(line)
        if not low <= on <= high:
            raise refuse(f"Inventory line {line['id']} is available from {low} to {high}, not on {on}.")
        if line["boxes"] < quantity:
            raise refuse(f"Only {line['boxes']} boxes of inventory line {line['id']} are available; {quantity} were asked for.")
    header = {"date": dates.iso(on), "carrierId": carrier_id, "shipToId": shipto_id,
              "companyLocationId": body.get("companyLocationId")}
    if body.get("webOrderId") is not None:
        order = _order(ask, customer)
        if order["statusId"] != PENDING:
            raise refuse(f"Web order {order['id']} is checked out; lines can only be added to a Pending web order.")
        for name in ("date", "carrierId"):
            if order.get(name) is not None and order[name] != header[name]:
                raise refuse(f"Web order {order['id']} ships on {order['date']} with carrier {order['carrierId']}; "
                             f"these lines ask for {header['date']} with carrier {carrier_id}.")
        for name, value in header.items():
            if order.get(name) is None:
                order[name] = value
    else:
        mine, _ = ask.store["weborders"].query(where=[Filter.equal("customerId", customer["id"]),
                                                      Filter.equal("statusId", PENDING)])
        pending = [o for o in mine if all(o.get(n) == header[n] for n in HEADER)]
        order = pending[-1] if pending else _blank(ask, customer, header)
    next_item = max([order["id"] * 1000, *(i["webOrderItemId"] for i in order["items"])]) + 1
    for n, line in enumerate(lines):
        product = ask.store["products"].get(line["productId"]) or {}
        units = product.get("unitsPerBox", 1)
        item_id = next_item + n
        order["items"].append({
            "id": f"{order['id']}-{item_id}", "webOrderItemId": item_id, "inventoryLineId": line["id"],
            "inventoryOrigin": line["inventoryOrigin"], "productId": line["productId"],
            "productDescription": product.get("description", ""), "boxType": product.get("boxType", ""),
            "quantity": quantity, "unitsPerBox": units, "totalUnits": units * quantity, "price": catalog.money(body["price"]),
            "total": catalog.money(body["price"] * units * quantity), "markCode": body.get("markCode"),
            "unitType": product.get("unitType", "Stems"),
        })
        line["boxes"] -= quantity
        ask.store["inventory"].put(line)
    ask.store["weborders"].put(_totals(order, "items"))
    return ok("The items were successfully added.", webOrderId=order["id"])


# -- web-order-item.delete -------------------------------------------------------------------------


def _give_back(ask: Ask, item: dict) -> None:
    line = ask.store["inventory"].get(item["inventoryLineId"])
    if line is not None:
        line["boxes"] += item["quantity"]
        ask.store["inventory"].put(line)


def delete_item(ask: Ask) -> dict:
    customer = ask.own_customer()
    order = _order(ask, customer)
    item_id = ask.body.get("webOrderItemId")
    item = next((i for i in order["items"] if i["webOrderItemId"] == item_id), None)
    if item is None:
        raise ApiError(404, f"Web order item {item_id} was not found in web order {order['id']}.", "not_found")
    if order["statusId"] != PENDING:
        raise refuse(f"Web order {order['id']} is checked out; only a Pending web order can lose lines.")
    order["items"] = [i for i in order["items"] if i is not item]
    _give_back(ask, item)
    ask.store["weborders"].put(_totals(order, "items"))
    return ok("The item was successfully deleted.", webOrderId=order["id"])


# -- web-order-details.list ------------------------------------------------------------------------


def details(ask: Ask) -> dict:
    customer = ask.own_customer()
    order = _order(ask, customer)
    wanted = ask.params.get("statusId")
    shown = order["statusId"] == wanted if wanted is not None else order["statusId"] == PENDING
    view = {k: v for k, v in order.items() if k != "createdOn"}
    for item in view["items"]:
        item.pop("unitType", None)
    return ok(webOrders=[view] if shown else [])


# -- web-order.checkout ----------------------------------------------------------------------------


def _document_line(item: dict, detail_id: int, order: dict) -> dict:
    return {"detailId": detail_id, "productId": item["productId"], "productDescription": item["productDescription"],
            "boxType": item["boxType"], "totalBoxes": item["quantity"], "unitsPerBox": item["unitsPerBox"],
            "totalUnits": item["totalUnits"], "unitType": item.get("unitType", "Stems"), "unitPrice": item["price"],
            "totalPrice": item["total"], "markCode": item.get("markCode"), "webOrderId": order["id"]}


def _invoice_for(ask: Ask, customer: dict, order: dict) -> dict:
    """The customer's open e-commerce invoice for this day and carrier, or a new one."""
    for invoice in ask.store["invoices"].records():
        if (invoice["customerId"] == customer["id"] and invoice.get("isEcommerce") and invoice["status"] == INVOICE_PENDING
                and invoice.get("shipDate") == order["date"] and invoice.get("carrierId") == order["carrierId"]):
            return invoice
    invoices = ask.store["invoices"]
    carrier = ask.store["carriers"].get(order["carrierId"]) or {}
    numbers = [i["number"] for i in invoices.records()]
    invoice_id = invoices.next_id()
    autoconfirm = ask.company().get("autoconfirmOnCheckout")
    return {"id": invoice_id, "number": max(numbers, default=1000) + 1,
            "status": INVOICE_CONFIRMED if autoconfirm else INVOICE_PENDING, "shipDate": order["date"],
            "createdOn": dates.stamp(ask.now), "updatedOn": dates.stamp(ask.now), "customerId": customer["id"],
            "customerName": customer["name"], "customerCode": customer.get("code", ""), "carrierId": carrier.get("id"),
            "carrierName": carrier.get("name"), "salesPersonName": "E-commerce", "invoiceNotes": None,
            "isEcommerce": True, "locationId": None, "details": [], "additionalChargesDetails": []}


def _prebook_for(ask: Ask, customer: dict, order: dict) -> dict:
    for prebook in ask.store["prebooks"].records():
        if (prebook["customerId"] == customer["id"] and prebook.get("isEcommerce") and prebook.get("type") == "P"
                and prebook.get("truckDate") == order["date"] and prebook.get("carrierId") == order["carrierId"]):
            return prebook
    prebooks = ask.store["prebooks"]
    carrier = ask.store["carriers"].get(order["carrierId"]) or {}
    prebook_id = prebooks.next_id()
    return {"id": prebook_id, "number": max([p["number"] for p in prebooks.records()], default=5000) + 1, "type": "P",
            "customerId": customer["id"], "customerName": customer["name"], "customerCode": customer.get("code", ""),
            "truckDate": order["date"], "customerPONumber": order.get("customerPo"), "carrierId": carrier.get("id"),
            "carrierName": carrier.get("name"), "salesPersonId": None, "soNumber": None, "isEcommerce": True,
            "checkOutStatus": 1, "prebookStatus": "Checked Out", "comments": None, "details": []}


def _next_detail(record: dict) -> int:
    return max([record["id"] * 1000, *(d["detailId"] for d in record.get("details") or [])]) + 1


def checkout(ask: Ask) -> dict:
    customer = ask.own_customer()
    order = _order(ask, customer)
    if order["statusId"] != PENDING:
        raise refuse(f"Web order {order['id']} is already checked out.")
    if not order["items"]:
        raise refuse(f"Web order {order['id']} has no items to check out.")
    if ask.body.get("customerPo") is not None:
        order["customerPo"] = str(ask.body["customerPo"])
    on_hand = [i for i in order["items"] if i["inventoryOrigin"] not in PREBOOK_ORIGINS]
    booked = [i for i in order["items"] if i["inventoryOrigin"] in PREBOOK_ORIGINS]
    if on_hand:
        invoice = _invoice_for(ask, customer, order)
        for item in on_hand:
            invoice["details"].append(_document_line(item, _next_detail(invoice), order))
        invoice["updatedOn"] = dates.stamp(ask.now)
        if order.get("customerPo"):
            invoice["invoiceNotes"] = f"PO {order['customerPo']}"
        ask.store["invoices"].put(_totals(invoice, "details", "totalPrice"))
        order["invoiceId"] = invoice["id"]
    if booked:
        prebook = _prebook_for(ask, customer, order)
        for item in booked:
            line = _document_line(item, _next_detail(prebook), order)
            line.update(vendorId=None, vendorName=(ask.store["inventory"].get(item["inventoryLineId"]) or {}).get("vendorName"),
                        units=item["unitsPerBox"], bunches=item["totalUnits"] // max(1, _stems_bunch(ask, item)),
                        stemsBunch=_stems_bunch(ask, item))
            prebook["details"].append(line)
        ask.store["prebooks"].put(prebook)
        order["prebookId"] = prebook["id"]
    order["statusId"] = CHECKED_OUT
    ask.store["weborders"].put(order)
    return ok("The Web Order was successfully checked out.", webOrderId=order["id"])


def _stems_bunch(ask: Ask, item: dict) -> int:
    return (ask.store["products"].get(item["productId"]) or {}).get("stemsBunch", 1)


# -- web-order.delete ------------------------------------------------------------------------------


def cancel(ask: Ask) -> dict:
    customer = ask.own_customer()
    order = _order(ask, customer)
    invoice = ask.store["invoices"].get(order["invoiceId"]) if order.get("invoiceId") is not None else None
    if invoice is not None and invoice["status"] == INVOICE_CONFIRMED:
        raise refuse(f"Web order {order['id']} cannot be canceled: its invoice {invoice['number']} is confirmed.")
    if invoice is not None:
        invoice["details"] = [d for d in invoice["details"] if d.get("webOrderId") != order["id"]]
        if not invoice["details"]:
            invoice["status"] = INVOICE_VOIDED
        invoice["updatedOn"] = dates.stamp(ask.now)
        ask.store["invoices"].put(_totals(invoice, "details", "totalPrice"))
    prebook = ask.store["prebooks"].get(order["prebookId"]) if order.get("prebookId") is not None else None
    if prebook is not None:
        prebook["details"] = [d for d in prebook["details"] if d.get("webOrderId") != order["id"]]
        ask.store["prebooks"].put(prebook)
    for item in order["items"]:
        _give_back(ask, item)
    ask.store["weborders"].remove(order["id"])
    return ok("The Web Order was successfully canceled.", webOrderId=order["id"])


