"""Komet's web-order flow through HTTP: create, add, remove, check out, cancel; the prebook and the
invoice it makes; the refusals of illegal moves; and the shop client's whole journey."""

from __future__ import annotations

from komet_kit import ACCOUNT, COMPANY, ME, OTHER, TOKENS, pdf_text, shared_day

ADD, DELETE_ITEM = "/api/web-order-item.add", "/api/web-order-item.delete"
CHECKOUT, CANCEL, CREATE = "/api/web-order.checkout", "/api/web-order.delete", "/api/web-order.create"


def left(api, line: dict, day: str) -> int:
    """Boxes inventory.get says are left of that line on that day."""
    return api.get("/api/ecommerce/inventory.get", params={
        "customerId": ME, "inventoryLineIds": str(line["inventoryLineId"]), "inventoryOrigin": line["inventoryOrigin"],
        "date": day, "availableFrom": day, "availableTo": day}).json()["inventory"][0]["availableQuantity"]


def add(api, line: dict, day: str, quantity: int = 2, status: int = 200, **extra):
    return api.post(ADD, status, json={"customerId": ME, "inventoryIds": str(line["inventoryLineId"]),
                                       "inventoryOrigin": line["inventoryOrigin"], "price": line["price"],
                                       "quantity": quantity, "carrierId": 2, "date": day, **extra})


def order(api, web_order_id: int, status_id: int | None = None) -> dict | None:
    params = {"customerId": ME, "webOrderId": web_order_id, **({"statusId": status_id} if status_id else {})}
    found = api.get("/api/web-order-details.list", params=params).json()["webOrders"]
    return found[0] if found else None


def test_create_opens_an_empty_pending_order(api):
    body = api.post(CREATE, json={"customerId": ME, "companyId": int(ACCOUNT)}).json()
    assert body["message"] == "Web order was successfully created."
    made = order(api, body["webOrderId"])
    assert made["statusId"] == 1 and made["items"] == [] and made["total"] == 0
    r = api.post(CREATE, 400, json={"customerId": ME, "companyId": 1})
    assert "companyId 1 is not the company" in r.json()["message"]
    api.post(CREATE, 403, json={"customerId": OTHER, "companyId": int(ACCOUNT)})
    api.post(CREATE, 404, json={"customerId": 999999, "companyId": int(ACCOUNT)}, who=COMPANY)


def test_adding_takes_boxes_and_matching_lines_share_an_order(api):
    day, lines = shared_day(api, (1,))
    line = lines[1]
    before = left(api, line, day)
    first = add(api, line, day, 2).json()
    assert first["message"] == "The items were successfully added."
    assert left(api, line, day) == before - 2
    again = add(api, line, day, 1).json()
    assert again["webOrderId"] == first["webOrderId"]  # same customer, day, carrier: the same Pending order
    other_carrier = api.post(ADD, json={"customerId": ME, "inventoryIds": str(line["inventoryLineId"]),
                                        "inventoryOrigin": 1, "price": line["price"], "quantity": 1, "carrierId": 4,
                                        "date": day}).json()
    assert other_carrier["webOrderId"] != first["webOrderId"]
    made = order(api, first["webOrderId"])
    assert [i["quantity"] for i in made["items"]] == [2, 1]
    units = made["items"][0]["unitsPerBox"]
    assert made["items"][0]["total"] == round(line["price"] * units * 2, 2)
    assert made["subtotal"] == made["total"] == round(sum(i["total"] for i in made["items"]), 2)


def test_selling_more_than_is_left_or_off_the_window_is_refused_and_changes_nothing(api):
    day, lines = shared_day(api, (1,))
    line = lines[1]
    before = left(api, line, day)
    r = add(api, line, day, before + 1, status=400)
    assert r.json() == {"status": 0, "message": f"Only {before} boxes of inventory line {line['inventoryLineId']} are "
                                                f"available; {before + 1} were asked for."}
    r = add(api, line, "2025-12-24", 1, status=400)
    assert "is available from" in r.json()["message"]
    assert left(api, line, day) == before
    api.post(ADD, 400, json={"customerId": ME, "price": 1.0, "quantity": 1, "carrierId": 2, "date": day})
    add(api, line, day, 1, status=404, carrierId=99)
    add(api, line, day, 1, status=404, shipToId=3)  # another customer's ship-to
    add(api, line, day, 1, status=404, webOrderId=999)
    assert left(api, line, day) == before


def test_add_by_product_code_and_to_a_named_order(api):
    day, lines = shared_day(api, (1,))
    line = lines[1]
    made = api.post(CREATE, json={"customerId": ME, "companyId": int(ACCOUNT)}).json()["webOrderId"]
    body = api.post(ADD, json={"customerId": ME, "productCode": line["productCode"], "boxTypeCode": line["boxType"],
                               "price": line["price"], "quantity": 1, "carrierId": 2, "date": day,
                               "webOrderId": made}).json()
    assert body["webOrderId"] == made
    got = order(api, made)
    assert got["items"][0]["productId"] == line["productId"] and got["date"] == day and got["carrierId"] == 2
    r = api.post(ADD, 400, json={"customerId": ME, "productCode": line["productCode"], "boxTypeCode": "ZZ",
                                 "price": 1.0, "quantity": 1, "carrierId": 2, "date": day})
    assert "box type ZZ" in r.json()["message"]


def test_deleting_an_item_gives_its_boxes_back(api):
    day, lines = shared_day(api, (1,))
    line = lines[1]
    before = left(api, line, day)
    web_order_id = add(api, line, day, 3).json()["webOrderId"]
    item = order(api, web_order_id)["items"][0]
    body = api.post(DELETE_ITEM, json={"customerId": ME, "webOrderId": web_order_id,
                                       "webOrderItemId": item["webOrderItemId"]}).json()
    assert body == {"status": 1, "message": "The item was successfully deleted.", "webOrderId": web_order_id}
    assert left(api, line, day) == before and order(api, web_order_id)["items"] == []
    api.post(DELETE_ITEM, 404, json={"customerId": ME, "webOrderId": web_order_id,
                                     "webOrderItemId": item["webOrderItemId"]})


def test_checkout_makes_a_prebook_and_an_invoice_and_then_refuses_changes(api):
    day, lines = shared_day(api, (1, 2))
    on_hand, future = lines[1], lines[2]
    web_order_id = add(api, on_hand, day, 2).json()["webOrderId"]
    assert add(api, future, day, 1).json()["webOrderId"] == web_order_id
    empty = api.post(CREATE, json={"customerId": ME, "companyId": int(ACCOUNT)}).json()["webOrderId"]
    assert "has no items" in api.post(CHECKOUT, 400, json={"customerId": ME, "webOrderId": empty}).json()["message"]
    body = api.post(CHECKOUT, json={"customerId": ME, "webOrderId": web_order_id, "customerPo": "PO-7781"}).json()
    assert body == {"status": 1, "message": "The Web Order was successfully checked out.", "webOrderId": web_order_id}
    assert order(api, web_order_id) is None  # only Pending orders by default
    done = order(api, web_order_id, 2)
    assert done["statusId"] == 2 and done["invoiceId"] and done["prebookId"] and done["customerPo"] == "PO-7781"

    invoices = api.get("/api/invoice.details.list", params={"orderId": done["invoiceId"]}).json()["invoices"]
    (invoice,) = invoices
    assert invoice["status"] == 0 and invoice["isEcommerce"] and invoice["shipDate"] == day
    assert [d["productId"] for d in invoice["details"]] == [on_hand["productId"]]
    assert invoice["total"] == done["items"][0]["total"]
    prebooks = api.get("/api/prebook.list", params={"dateFrom": day, "dateTo": day, "isEcommerce": 1}).json()["prebooks"]
    (prebook,) = [p for p in prebooks if p["id"] == done["prebookId"]]
    assert prebook["checkOutStatus"] == 1 and prebook["customerPONumber"] == "PO-7781"
    assert [d["productId"] for d in prebook["details"]] == [future["productId"]]

    assert "already checked out" in api.post(CHECKOUT, 400, json={"customerId": ME, "webOrderId": web_order_id}).json()["message"]
    assert "checked out" in add(api, on_hand, day, 1, status=400, webOrderId=web_order_id).json()["message"]
    item = done["items"][0]["webOrderItemId"]
    api.post(DELETE_ITEM, 400, json={"customerId": ME, "webOrderId": web_order_id, "webOrderItemId": item})


def test_cancel_a_pending_order_gives_everything_back(api):
    day, lines = shared_day(api, (1,))
    line = lines[1]
    before = left(api, line, day)
    web_order_id = add(api, line, day, 2).json()["webOrderId"]
    body = api.post(CANCEL, json={"customerId": ME, "webOrderId": web_order_id}).json()
    assert body["message"] == "The Web Order was successfully canceled."
    assert left(api, line, day) == before
    api.get("/api/web-order-details.list", 404, params={"customerId": ME, "webOrderId": web_order_id})
    api.post(CANCEL, 404, json={"customerId": ME, "webOrderId": web_order_id})


def test_cancel_after_checkout_voids_the_invoice_unless_it_holds_other_lines(api):
    day, lines = shared_day(api, (1, 2))
    on_hand, future = lines[1], lines[2]
    first = add(api, on_hand, day, 1).json()["webOrderId"]
    add(api, future, day, 1)
    api.post(CHECKOUT, json={"customerId": ME, "webOrderId": first})
    second = add(api, on_hand, day, 1).json()["webOrderId"]
    api.post(CHECKOUT, json={"customerId": ME, "webOrderId": second})
    invoice_id = order(api, first, 2)["invoiceId"]
    prebook_id = order(api, first, 2)["prebookId"]
    assert order(api, second, 2)["invoiceId"] == invoice_id  # the open invoice of that day and carrier took it

    api.post(CANCEL, json={"customerId": ME, "webOrderId": first})
    (invoice,) = api.get("/api/invoice.details.list", params={"orderId": invoice_id}).json()["invoices"]
    assert invoice["status"] == 0 and [d["webOrderId"] for d in invoice["details"]] == [second]
    prebook = [p for p in api.get("/api/prebook.list", params={"dateFrom": day, "dateTo": day}).json()["prebooks"]
               if p["id"] == prebook_id]
    assert prebook and prebook[0]["details"] == []  # the prebook stays, without this order's lines

    api.post(CANCEL, json={"customerId": ME, "webOrderId": second})
    (invoice,) = api.get("/api/invoice.details.list", params={"orderId": invoice_id}).json()["invoices"]
    assert invoice["status"] == 4 and invoice["details"] == [] and invoice["total"] == 0


def test_a_confirmed_invoice_keeps_its_web_order(api, app):
    day, lines = shared_day(api, (1,))
    web_order_id = add(api, lines[1], day, 1).json()["webOrderId"]
    api.post(CHECKOUT, json={"customerId": ME, "webOrderId": web_order_id})
    invoice_id = order(api, web_order_id, 2)["invoiceId"]
    state = app.runtime.store.namespace("komet")  # the salesperson confirms it in Komet's back office
    with state.transaction():
        invoice = state["invoices"].get(invoice_id)
        state["invoices"].put({**invoice, "status": 1})
    r = api.post(CANCEL, 400, json={"customerId": ME, "webOrderId": web_order_id})
    assert "is confirmed" in r.json()["message"]
    assert order(api, web_order_id, 2) is not None


def test_shop_journey(api):
    """Browse for a date, add two lines, remove one, check out, see the prebook and the invoice,
    download the invoice PDF and read it, and be refused another customer's data."""
    day, lines = shared_day(api, (1, 2))
    shown = api.get("/api/ecommerce/inventory.list", params={"customerId": ME, "availableDate": day, "rows": 200}).json()
    assert shown["total"] >= 2
    on_hand, future, spare = lines[1], lines[2], next(
        line for line in shown["inventory"] if line["inventoryLineId"] not in (lines[1]["inventoryLineId"],
                                                                                lines[2]["inventoryLineId"])
        and line["inventoryOrigin"] == 1)
    carriers = api.get("/api/ecommerce/customer-carriers.list", params={
        "customerId": ME, "date": day, "availableFrom": on_hand["availableFrom"], "availableTo": on_hand["availableTo"]}).json()
    assert carriers["carrierId"]
    web_order_id = add(api, on_hand, day, 2).json()["webOrderId"]
    add(api, future, day, 1)
    add(api, spare, day, 1)
    cart = order(api, web_order_id)
    assert len(cart["items"]) == 3
    spare_item = next(i for i in cart["items"] if i["inventoryLineId"] == spare["inventoryLineId"])
    api.post(DELETE_ITEM, json={"customerId": ME, "webOrderId": web_order_id, "webOrderItemId": spare_item["webOrderItemId"]})
    api.post(CHECKOUT, json={"customerId": ME, "webOrderId": web_order_id})
    done = order(api, web_order_id, 2)

    prebooks = api.get("/api/prebook.list", params={"dateFrom": day, "dateTo": day}).json()["prebooks"]
    assert any(p["id"] == done["prebookId"] and p["details"][0]["productId"] == future["productId"] for p in prebooks)
    invoices = api.get("/api/invoice.list", params={"orderDateFrom": day, "orderDateTo": day}).json()["invoices"]
    invoice = next(i for i in invoices if i["id"] == done["invoiceId"])
    pdf = api.post("/api/invoice.pdf.get", json={"authenticationToken": TOKENS["customer-token"],
                                                  "invoiceId": invoice["id"]}).json()
    text = pdf_text(pdf["file"])
    assert f"Invoice #{invoice['number']:06d}" in text and "Bloom Street Florist" in text
    assert on_hand["productDescription"] in text and f"${invoice['total']:,.2f}" in text
    assert spare["productDescription"] not in text or spare["productId"] == on_hand["productId"]

    api.get("/api/invoice.list", 403, params={"orderDateFrom": day, "orderDateTo": day, "customerId": OTHER})
    api.get("/api/ecommerce/inventory.list", 403, params={"customerId": OTHER})
    api.post(CREATE, 403, json={"customerId": OTHER, "companyId": int(ACCOUNT)})
