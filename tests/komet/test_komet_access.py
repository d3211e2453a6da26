"""Komet's tokens through HTTP: Company, Customer and User tokens, where each goes, X-ACCOUNT, login,
and every refusal in the vendor's ``{status: 0, message}`` envelope with the documented statuses."""

from __future__ import annotations

from komet_kit import ACCOUNT, COMPANY, INVOICES, ME, OTHER, TOKENS

DETAILS = "/api/customer.details.get"
INVENTORY = "/api/ecommerce/inventory.list"


def test_a_missing_or_unknown_token_is_401_wherever_the_token_goes(api):
    missing, unknown = ({"customerId": ME}, {"customerId": ME, "authenticationToken": "nope"})
    for params, message in ((missing, "An authentication token is required."),
                            (unknown, "The authentication token is not valid.")):
        r = api.get(DETAILS, 401, params=params, headers={})
        assert r.json() == {"status": 0, "message": message}
        assert "www-authenticate" not in r.headers  # an API key has no HTTP authentication scheme
    r = api.get(INVENTORY, 401, params={"customerId": ME}, headers={"X-ACCOUNT": ACCOUNT, "authenticationToken": "nope"})
    assert r.json()["status"] == 0
    api.get(INVENTORY, 401, params={"customerId": ME}, headers={"authenticationToken": TOKENS["customer-token"]})


def test_x_account_must_be_the_company_of_the_token(api):
    r = api.get(INVENTORY, 403, params={"customerId": ME},
                headers={"X-ACCOUNT": "999", "authenticationToken": TOKENS["customer-token"]})
    assert r.json()["status"] == 0 and "X-ACCOUNT" in r.json()["message"]


def test_a_customer_token_acts_for_its_customer_only(api):
    api.get(DETAILS, 200, params={"customerId": ME})
    r = api.get(DETAILS, 403, params={"customerId": OTHER})
    assert r.json()["status"] == 0
    api.get(INVENTORY, 403, params={"customerId": OTHER})
    api.post("/api/web-order.create", 403, json={"customerId": OTHER, "companyId": int(ACCOUNT)})
    # a Company token may act for any customer
    assert api.get(DETAILS, params={"customerId": OTHER}, who=COMPANY).json()["customer"][0]["id"] == OTHER


def test_a_token_may_only_call_the_methods_it_was_made_for(api):
    assert api.get(DETAILS, params={"customerId": OTHER}, who=INVOICES).status_code == 200
    r = api.get(INVENTORY, 403, params={"customerId": OTHER}, who=INVOICES)
    assert r.json()["status"] == 0 and "ecommerce/inventory.list" in r.json()["message"]
    api.get("/api/prebook.list", 403, params={"dateFrom": "2025-01-01", "dateTo": "2025-02-01"}, who=INVOICES)


def test_login_gives_a_user_token_that_works_for_any_customer(api):
    r = api.post("/api/login", params={"username": "demo-user", "password": "demo-password"}, headers={})
    body = r.json()
    assert body["status"] == "1" and body["message"] == "OK"
    key = body["apiKey"]
    assert len(key) == 26 and key.isalnum() and key.islower() or key.isdigit()
    r = api.get(DETAILS, 200, params={"customerId": OTHER, "authenticationToken": key}, headers={})
    assert r.json()["customer"][0]["id"] == OTHER
    settings = api.get("/api/ecommerce-lite/settings", params={"customerId": ME},
                       headers={"authenticationToken": key, "X-ACCOUNT": ACCOUNT}).json()
    assert settings["userInfo"][0]["username"] == "demo-user" and settings["userInfo"][0]["isAdminSales"] is True
    r = api.post("/api/login", 401, params={"username": "demo-user", "password": "wrong"}, headers={})
    assert r.json() == {"status": 0, "message": "The username or password is not valid."}
    api.post("/api/login", 400, params={"username": "demo-user"}, headers={})


def test_refused_requests_change_nothing(api):
    before = api.get(INVENTORY, params={"customerId": ME, "rows": 1000}).json()
    line = before["inventory"][0]
    api.post("/api/web-order-item.add", 403, json={"customerId": OTHER, "inventoryIds": str(line["inventoryLineId"]),
                                                   "inventoryOrigin": line["inventoryOrigin"], "price": 1.0,
                                                   "quantity": 1, "carrierId": 2, "date": line["availableFrom"]})
    api.post("/api/web-order-item.add", 400, json={"customerId": ME, "inventoryIds": str(line["inventoryLineId"]),
                                                   "inventoryOrigin": line["inventoryOrigin"], "price": 1.0,
                                                   "quantity": 0, "carrierId": 2, "date": line["availableFrom"]})
    api.post("/api/web-order-item.add", 400, json={"customerId": ME, "inventoryIds": str(line["inventoryLineId"]),
                                                   "inventoryOrigin": line["inventoryOrigin"], "price": 1.0,
                                                   "quantity": 1, "carrierId": 2, "date": "07/01/2025"})
    assert api.get(INVENTORY, params={"customerId": ME, "rows": 1000}).json() == before


def test_credentials_list_the_tokens_their_bindings_and_the_login_user(capsys):
    from sparring.cli import main

    assert main(["credentials", "komet"]) == 0
    out = capsys.readouterr().out
    assert "customer-token" in out and "komet-customer-demo-token" in out and "customer=7349" in out
    assert "user demo-user" in out and "demo-password" in out and "account=12333" in out
