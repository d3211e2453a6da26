"""The client journey of the issue, as a client following the SKU.io docs makes it, and one call
of every operation so none is left without an HTTP test."""

from __future__ import annotations

import pytest


def test_client_journey(api):
    # create a customer; its root address is its default shipping address
    customer = api.post("", 201, json={
        "name": "Jane Smith", "company": "Smith Industries", "email": "jane.smith@smithindustries.example.com",
        "phone": "+1-555-0200", "address1": "456 Commerce Ave", "address2": "Suite 100", "city": "Los Angeles",
        "province": "California", "province_code": "CA", "zip": "07001", "country": "United States",
        "country_code": "US"}).json()["data"]
    cid = customer["id"]
    # add an address and make it the default billing address
    address = api.post(f"/{cid}/addresses", 201, json={
        "label": "Accounts", "name": "Jane Smith", "email": "ap@smithindustries.example.com",
        "address1": "789 Billing Blvd", "city": "Los Angeles", "province_code": "CA", "zip": "90002",
        "country_code": "US"}).json()["data"]
    customer = api.put(f"/{cid}/set-default-billing-address/{address['id']}").json()["data"]
    assert customer["default_billing_address"]["address1"] == "789 Billing Blvd"
    assert customer["default_shipping_address"]["address1"] == "456 Commerce Ave"
    # archive it: listed with archived=1, not without
    api.put(f"/{cid}/archive")
    assert cid in [r["id"] for r in api.get(params={"archived": 1, "search": "Smith Industries"}).json()["data"]]
    assert cid not in [r["id"] for r in api.get(params={"search": "Smith Industries"}).json()["data"]]
    # unarchive it (the single path says `unarchived`)
    api.put(f"/{cid}/unarchived")
    assert cid in [r["id"] for r in api.get(params={"search": "Smith Industries"}).json()["data"]]
    # find it by name, zip (leading zero) and a misspelled address1
    found = api.get("/find-match", params={"name": "Jane Smith", "zip": "07001",
                                           "address1": "456 Comerce Ave"}).json()["data"]
    assert found["id"] == cid
    # allocate a credit across two unpaid orders (John Doe's seeded credit and orders)
    credit = api.get("/1/open-sales-credits").json()["data"][0]
    first, second = api.get("/1/unpaid-orders").json()["data"][:2]
    result = api.post(f"/1/sales-credits/{credit['id']}/allocate", json={"sales_orders": [
        {"id": first["id"], "amount": 150}, {"id": second["id"], "amount": 200}]}).json()["data"]
    assert result["sales_credit"]["unallocated_amount"] == credit["unallocated_amount"] - 350
    assert [o["balance"] for o in result["sales_orders"]] == [first["balance"] - 150, 0.0]
    assert [o["id"] for o in api.get("/1/unpaid-orders").json()["data"]] == [first["id"]]
    # preview, then import, a CSV with one good and one bad row
    csv = b"name,email,address1,zip,country_code\nLee Ortiz,lee@ortiz.example.com,8 Oak Ave,60601,US\nBad Row,nope,1 X St,60601,US\n"
    files = {"file": ("customers.csv", csv, "text/csv")}
    preview = api.post("/import/preview", files=files).json()["data"]
    assert (preview["created"], preview["failed"]) == (1, 1)
    assert preview["errors"] == [{"row": 3, "field": "email", "message": "The email must be a valid email address."}]
    assert api.get(params={"search": "Lee Ortiz"}).json()["total"] == 0
    done = api.post("/import", files=files).json()["data"]
    assert (done["created"], done["failed"]) == (1, 1)
    assert api.get(params={"search": "Lee Ortiz"}).json()["data"][0]["id"] == done["rows"][0]["customer_id"]


CSV = {"files": {"file": ("c.csv", b"name,zip,address1\nNew Person,10001,1 Penn Plaza\n", "text/csv")}}
EVERY = [  # (method, path, status, request kwargs); ids are seeded records (seed 0)
    ("GET", "", 200, {}),
    ("POST", "", 201, {"json": {"name": "Solo Buyer"}}),
    ("DELETE", "", 200, {"json": {"ids": [2]}}),
    ("GET", "/1", 200, {}),
    ("PUT", "/1", 200, {"json": {"phone": "310-555-0110"}}),
    ("DELETE", "/31", 200, {}),  # the customer created above
    ("GET", "/1/addresses", 200, {}),
    ("POST", "/1/addresses", 201, {"json": {"address1": "1 Dock Rd", "zip": "90731"}}),
    ("PUT", "/1/set-default-shipping-address/2", 200, {}),
    ("PUT", "/1/set-default-billing-address/1", 200, {}),
    ("PUT", "/archive", 200, {"json": {"ids": [1]}}),
    ("PUT", "/unarchive", 200, {"json": {"ids": [3]}}),
    ("POST", "/deletable", 200, {"json": {"ids": [1], "scope": "ids"}}),
    ("PUT", "/4/archive", 200, {}),
    ("PUT", "/3/unarchived", 200, {}),
    ("POST", "/import/preview", 200, CSV),
    ("POST", "/import", 200, CSV),
    ("GET", "/find-match", 200, {"params": {"name": "John Doe", "zip": "90210", "address1": "123 Main St"}}),
    ("GET", "/1/open-sales-credits", 200, {}),
    ("GET", "/1/unpaid-orders", 200, {}),
    ("POST", "/1/sales-credits/1/allocate", 200, {"json": {"sales_orders": [{"id": 1, "amount": 10}]}}),
    ("GET", "/starshipit/submit-orders", 200, {}),
    ("PUT", "/starshipit/update-order/2", 200, {}),
    ("GET", "/starshipit/view-order/2", 200, {}),
]


def test_every_operation_answers_as_documented(api):
    for method, path, status, kwargs in EVERY:
        api.call(method, path, status, **kwargs)
    assert set(api.seen) == set(api.partner.operations), set(api.partner.operations) - set(api.seen)


@pytest.mark.parametrize("method,path,kwargs", [
    ("PUT", "/1", {"json": {"name": None}}),
    ("POST", "/1/sales-credits/1/allocate", {"json": {"sales_orders": [{"id": 1}]}}),
    ("PUT", "/archive", {"json": {"ids": "1"}}),
    ("POST", "/deletable", {"json": {"ids": [1], "scope": "all"}}),
    ("POST", "", {"content": b"{not json", "headers": {"Content-Type": "application/json"}}),
])
def test_malformed_requests_are_422_or_400_and_change_nothing(api, method, path, kwargs):
    before = api.get("/1").json()["data"]
    if "headers" in kwargs:
        kwargs = {**kwargs, "headers": {**api.headers_for(), **kwargs["headers"]}}
    r = api.call(method, path, None, **kwargs)
    assert r.status_code in (400, 422), r.text
    assert api.get("/1").json()["data"] == before
