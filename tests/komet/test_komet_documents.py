"""Komet's classic methods through HTTP: customers, ship-tos, invoices (with the PDF) and prebooks.

The token travels in the query (in the JSON body for invoice.pdf.get); every response is checked
against the spec by the kit.
"""

from __future__ import annotations

from komet_kit import COMPANY, INVOICES, ME, OTHER, TOKENS, pdf_text

HALF = {"orderDateFrom": "2025-01-01", "orderDateTo": "2025-06-30"}


# -- customers and ship-tos -------------------------------------------------------------------------


def test_customer_details_is_a_one_element_array_of_the_customer(api):
    body = api.get("/api/customer.details.get", params={"customerId": ME}).json()
    assert body["status"] == 1 and body["message"] == "OK"
    (customer,) = body["customer"]
    assert customer["id"] == ME and customer["name"] == "Bloom Street Florist" and customer["code"] == "BSF"
    assert customer["defaultPrice"] == "A" and customer["billCity"] == "Atlanta"
    assert "daysOfService" not in customer  # kept by the server, not shown


def test_customer_details_unknown_customer_is_404_for_a_company_token(api):
    r = api.get("/api/customer.details.get", 404, params={"customerId": 999999}, who=COMPANY)
    assert r.json() == {"status": 0, "message": "Customer 999999 was not found."}


def test_shipto_list_needs_a_filter_and_shows_only_the_token_customer(api):
    r = api.get("/api/customer.shipto.list", 400, params={})
    assert r.json()["status"] == 0 and "customerId, name or updateAsOf" in r.json()["message"]
    mine = api.get("/api/customer.shipto.list", params={"customerId": ME}).json()["shiptos"]
    assert {"BSF-MAIN", "BSF-DECATUR"} <= {s["shipToCode"] for s in mine}
    assert all(s["customerId"] == ME for s in mine)
    # a name filter alone still only shows this token's customer
    by_name = api.get("/api/customer.shipto.list", params={"name": "decatur"}).json()["shiptos"]
    assert [s["id"] for s in by_name] == [2]
    since = api.get("/api/customer.shipto.list", params={"updateAsOf": "2025-04-01"}).json()["shiptos"]
    assert 2 in [s["id"] for s in since] and 1 not in [s["id"] for s in since]
    assert all(s["updatedAsOf"] >= "2025-04-01" and s["customerId"] == ME for s in since)
    assert api.get("/api/customer.shipto.list", params={"updatedAsOf": "2025-04-01"}).json()["shiptos"] == since
    api.get("/api/customer.shipto.list", 403, params={"customerId": OTHER})
    everyone = api.get("/api/customer.shipto.list", params={"updateAsOf": "2025-01-01"}, who=COMPANY).json()["shiptos"]
    assert len({s["customerId"] for s in everyone}) > 2


# -- invoices ---------------------------------------------------------------------------------------


def test_invoice_list_filters_and_limits(api):
    body = api.get("/api/invoice.list", params=HALF).json()
    assert body["invoices"] and all(i["customerId"] == ME for i in body["invoices"])
    assert [i["shipDate"] for i in body["invoices"]] == sorted(i["shipDate"] for i in body["invoices"])
    everyone = api.get("/api/invoice.list", params=HALF, who=COMPANY).json()["invoices"]
    assert len({i["customerId"] for i in everyone}) > 2
    confirmed = api.get("/api/invoice.list", params={**HALF, "status": 1}, who=COMPANY).json()["invoices"]
    assert confirmed and all(i["status"] == 1 for i in confirmed)
    some = everyone[3]
    by_number = api.get("/api/invoice.list", params={"orderDateFrom": "2020-01-01", "orderDateTo": "2020-01-02",
                                                     "order": some["number"]}, who=COMPANY).json()["invoices"]
    assert [i["id"] for i in by_number] == [some["id"]]  # the date range is ignored with order
    by_carrier = api.get("/api/invoice.list", params={**HALF, "carrierName": "armellini"}, who=COMPANY).json()
    assert by_carrier["invoices"] and all(i["carrierName"] == "Armellini Express" for i in by_carrier["invoices"])
    by_customer = api.get("/api/invoice.list", params={**HALF, "customer": "bloom street"}, who=COMPANY).json()
    assert {i["customerId"] for i in by_customer["invoices"]} == {ME}


def test_invoice_list_refusals_change_nothing_and_name_the_problem(api):
    too_long = api.get("/api/invoice.list", 400, params={"orderDateFrom": "2025-01-01", "orderDateTo": "2025-07-02"})
    assert too_long.json() == {"status": 0, "message": "orderDateFrom..orderDateTo: the range may not exceed six months."}
    api.get("/api/invoice.list", 200, params={"orderDateFrom": "2025-01-01", "orderDateTo": "2025-07-01"})
    reversed_ = api.get("/api/invoice.list", 400, params={"orderDateFrom": "2025-03-01", "orderDateTo": "2025-02-01"})
    assert "orderDateTo must not be earlier than orderDateFrom" in reversed_.json()["message"]
    missing = api.get("/api/invoice.list", 400, params={"orderDateFrom": "2025-03-01"})
    assert missing.json()["status"] == 0 and "orderDateTo" in missing.json()["message"]
    bad_day = api.get("/api/invoice.list", 400, params={"orderDateFrom": "2025-02-30", "orderDateTo": "2025-03-01"})
    assert "orderDateFrom" in bad_day.json()["message"]
    other = api.get("/api/invoice.list", 403, params={**HALF, "customerId": OTHER})
    assert other.json()["status"] == 0


def test_invoice_list_without_matches_says_orders_not_found(api):
    body = api.get("/api/invoice.list", params={"orderDateFrom": "2024-01-01", "orderDateTo": "2024-02-01"}).json()
    assert body == {"status": 1, "message": "Orders not found.", "invoices": []}


def test_invoice_details_list_one_day_or_four_days_at_most(api):
    r = api.get("/api/invoice.details.list", 400, params={})
    assert r.json()["message"].startswith("orderDate is required unless")
    r = api.get("/api/invoice.details.list", 400, params={"orderDateFrom": "2025-03-01", "orderDateTo": "2025-03-06"})
    assert r.json()["message"] == "orderDateFrom..orderDateTo: the range may not exceed four days."
    every = api.get("/api/invoice.list", params=HALF, who=COMPANY).json()["invoices"]
    some = every[5]
    day = api.get("/api/invoice.details.list", params={"orderDate": some["shipDate"]}, who=COMPANY).json()["invoices"]
    match = next(i for i in day if i["id"] == some["id"])
    assert match["details"] and match["total"] == some["total"]
    assert round(sum(d["totalPrice"] for d in match["details"]) + match["additionalCharges"], 2) == match["total"]
    window = api.get("/api/invoice.details.list", params={"orderDateFrom": "2025-01-01", "orderDateTo": "2025-01-05"},
                     who=COMPANY).json()["invoices"]
    assert all("2025-01-01" <= i["shipDate"] <= "2025-01-05" for i in window)
    product = match["details"][0]["productDescription"].split()[0]
    found = api.get("/api/invoice.details.list", params={"order": some["number"], "product": product.lower()},
                    who=COMPANY).json()["invoices"]
    assert [i["id"] for i in found] == [some["id"]]


def test_invoice_pdf_is_a_real_pdf_of_the_invoice(api, client):
    invoice = api.get("/api/invoice.list", params=HALF).json()["invoices"][0]
    body = api.post("/api/invoice.pdf.get", json={"authenticationToken": TOKENS["customer-token"],
                                                   "invoiceId": invoice["id"]}).json()
    assert body["message"] == "The invoice was successfully generated"
    assert body["suggestedFileName"] == f"Invoice #{invoice['number']:06d}.pdf"
    assert body["file"].startswith("37, 80, 68, 70, 45")  # %PDF-
    values = [int(v) for v in body["file"].split(",")]
    assert min(values) < 0 and all(-128 <= v <= 127 for v in values)  # Java's signed bytes
    text = pdf_text(body["file"])
    details = api.get("/api/invoice.details.list", params={"order": invoice["number"]}).json()["invoices"][0]
    assert f"Invoice #{invoice['number']:06d}" in text and "Bloom Street Florist" in text
    assert details["details"][0]["productDescription"] in text
    assert f"${invoice['total']:,.2f}" in text


def test_invoice_pdf_token_rules(api):
    other = api.get("/api/invoice.list", params={**HALF, "customerId": OTHER}, who=COMPANY).json()["invoices"][0]
    r = api.post("/api/invoice.pdf.get", 403, json={"authenticationToken": TOKENS["customer-token"], "invoiceId": other["id"]})
    assert r.json()["status"] == 0
    r = api.post("/api/invoice.pdf.get", 401, json={"authenticationToken": "no-such-token", "invoiceId": other["id"]})
    assert r.json()["status"] == 0
    api.post("/api/invoice.pdf.get", 404, json={"authenticationToken": TOKENS["company-token"], "invoiceId": 999999})
    ok = api.post("/api/invoice.pdf.get", json={"authenticationToken": TOKENS[INVOICES], "invoiceId": other["id"]})
    assert "Garden Gate Events" in pdf_text(ok.json()["file"])


def test_invoice_pdf_can_spread_additional_charges(api):
    everyone = api.get("/api/invoice.details.list", params={"orderDateFrom": "2025-01-01", "orderDateTo": "2025-01-05"},
                       who=COMPANY).json()["invoices"]
    everyone += api.get("/api/invoice.list", params=HALF, who=COMPANY).json()["invoices"]
    charged = next(i for i in everyone if i["additionalCharges"] > 0)
    token = TOKENS[COMPANY]
    plain = pdf_text(api.post("/api/invoice.pdf.get", json={"authenticationToken": token, "invoiceId": charged["id"]}).json()["file"])
    spread = pdf_text(api.post("/api/invoice.pdf.get", json={"authenticationToken": token, "invoiceId": charged["id"],
                                                            "enableDistributeAdditionalCharges": True}).json()["file"])
    shown = pdf_text(api.post("/api/invoice.pdf.get", json={"authenticationToken": token, "invoiceId": charged["id"],
                                                           "enableDistributeAdditionalCharges": True,
                                                           "addAdditionalChargesInUnitPrice": True}).json()["file"])
    assert "Box charge" in plain and "Box charge" not in spread and "Box charge (in unit prices)" in shown
    total = f"${charged['total']:,.2f}"
    assert total in plain and total in spread and total in shown


# -- prebooks ---------------------------------------------------------------------------------------


def test_prebook_list_range_filters_and_token_scope(api):
    params = {"dateFrom": "2025-01-01", "dateTo": "2025-06-30"}
    mine = api.get("/api/prebook.list", params=params).json()["prebooks"]
    assert mine and all(p["customerId"] == ME for p in mine)
    assert all(p["details"] and p["type"] in ("P", "S") for p in mine)
    everyone = api.get("/api/prebook.list", params=params, who=COMPANY).json()["prebooks"]
    drafts = api.get("/api/prebook.list", params={**params, "checkOutStatus": 0}, who=COMPANY).json()["prebooks"]
    assert drafts and all(p["checkOutStatus"] == 0 for p in drafts) and len(drafts) < len(everyone)
    one = everyone[0]
    assert [p["id"] for p in api.get("/api/prebook.list", params={**params, "prebook": one["number"]},
                                     who=COMPANY).json()["prebooks"]] == [one["id"]]
    r = api.get("/api/prebook.list", 400, params={"dateFrom": "2025-01-01", "dateTo": "2025-08-01"})
    assert r.json()["message"] == "dateFrom..dateTo: the range may not exceed six months."
    api.get("/api/prebook.list", 403, params={**params, "customerId": OTHER})
