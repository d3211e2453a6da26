"""Addresses (by role, add with de-duplication, defaults) and Find Customer Match."""

from __future__ import annotations

from skuio_kit import new_customer

WAREHOUSE = {"label": "Warehouse Address", "name": "John Doe", "company": "Acme Corp",
             "email": "warehouse@acmecorp.example.com", "phone": "+1-555-0102", "address1": "500 Industrial Way",
             "city": "Glendale", "province": "California", "province_code": "CA", "zip": "91201",
             "country": "United States", "country_code": "US", "is_default_shipping": False,
             "is_default_billing": False}


def test_addresses_by_role(api):
    data = api.get("/1/addresses").json()["data"]
    assert data["default_shipping_address"]["id"] == 1 and data["default_billing_address"]["id"] == 2
    assert data["other_addresses"] == []
    api.get("/9999/addresses", status=404)


def test_add_address_then_the_same_one_again_is_deduplicated(api):
    r = api.post("/1/addresses", 201, json=WAREHOUSE)
    address = r.json()["data"]
    assert address["customer_id"] == 1 and address["label"] == "Warehouse Address"
    again = api.post("/1/addresses", 200, json={**WAREHOUSE, "address1": " 500 industrial  WAY ", "label": "Other"})
    assert again.json()["data"]["id"] == address["id"]
    data = api.get("/1/addresses").json()["data"]
    assert [a["id"] for a in data["other_addresses"]] == [address["id"]]


def test_add_address_as_new_default(api):
    address = api.post("/2/addresses", 201, json={**WAREHOUSE, "email": None, "is_default_shipping": True,
                                                  "is_default_billing": True}).json()["data"]
    customer = api.get("/2").json()["data"]
    assert customer["default_shipping_address_id"] == customer["default_billing_address_id"] == address["id"]
    assert customer["address1"] == "500 Industrial Way" and customer["zip"] == "91201"  # root follows shipping


def test_add_address_refusals(api):
    api.post("/1/addresses", 422, json={"label": "empty"})
    body = api.post("/2/addresses", 422, json={**WAREHOUSE, "email": "john.doe@acmecorp.example.com"}).json()
    assert body["errors"] == {"email": ["The email has already been taken."]}
    api.post("/9999/addresses", 404, json=WAREHOUSE)
    assert api.get("/2/addresses").json()["data"]["other_addresses"] == []


def test_set_default_shipping_and_billing(api):
    address = api.post("/1/addresses", 201, json=WAREHOUSE).json()["data"]
    customer = api.put(f"/1/set-default-billing-address/{address['id']}").json()["data"]
    assert customer["default_billing_address"]["id"] == address["id"]
    assert customer["default_shipping_address_id"] == 1
    customer = api.put(f"/1/set-default-shipping-address/{address['id']}").json()["data"]
    assert customer["default_shipping_address_id"] == address["id"] and customer["address1"] == "500 Industrial Way"


def test_an_address_of_another_customer_is_404_and_changes_nothing(api):
    body = api.put("/1/set-default-shipping-address/3", status=404).json()
    assert body["message"] == "No query results for model [App\\Models\\Address] 3"
    api.put("/1/set-default-billing-address/3", status=404)
    api.put("/1/set-default-billing-address/99999", status=404)
    api.put("/9999/set-default-billing-address/1", status=404)
    customer = api.get("/1").json()["data"]
    assert (customer["default_shipping_address_id"], customer["default_billing_address_id"]) == (1, 2)


# -- find match ------------------------------------------------------------------------------------


def test_find_match_with_a_misspelled_address1(api):
    found = api.get("/find-match", params={"name": "john doe", "zip": "90210", "address1": "123 Mian St"}).json()["data"]
    assert found["id"] == 1 and 90 <= found["match_score"] < 100
    exact = api.get("/find-match", params={"name": "John Doe", "zip": "90210", "address1": "123 Main St."}).json()
    assert exact["data"]["match_score"] == 100


def test_find_match_keeps_leading_zeros_of_the_zip(api):
    params = {"name": "Harbor Supply Co", "address1": "12 Harbour Way"}
    assert api.get("/find-match", params={**params, "zip": "02134"}).json()["data"]["id"] == 2
    assert api.get("/find-match", params={**params, "zip": "2134"}).json()["data"] is None


def test_find_match_below_ninety_percent_or_another_name_is_null(api):
    assert api.get("/find-match", params={"name": "John Doe", "zip": "90210",
                                          "address1": "125 Maine Street"}).json()["data"] is None
    assert api.get("/find-match", params={"name": "Jane Doe", "zip": "90210",
                                          "address1": "123 Main St"}).json()["data"] is None


def test_find_match_needs_all_three_parameters(api):
    body = api.get("/find-match", params={"name": "John Doe", "zip": "90210"}, status=422).json()
    assert "address1" in body["errors"]


def test_find_match_sees_other_addresses_too(api):
    customer = new_customer(api, name="Kim Park", zip="10001", address1="1 Penn Plaza")
    api.post(f"/{customer['id']}/addresses", 201, json={"name": "Kim Park", "address1": "350 Fifth Avenue",
                                                         "zip": "10118"})
    found = api.get("/find-match", params={"name": "Kim Park", "zip": "10118", "address1": "350 Fith Avenue"}).json()
    assert found["data"]["id"] == customer["id"]
