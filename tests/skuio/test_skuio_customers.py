"""Customers: list, create, read, update, archive, delete, bulk operations and deletability."""

from __future__ import annotations

from skuio_kit import new_customer


# -- list ------------------------------------------------------------------------------------------


def test_list_is_a_laravel_page_of_active_customers(api):
    body = api.get(params={"limit": 5}).json()
    assert body["per_page"] == 5 and body["current_page"] == 1 and body["from"] == 1 and body["to"] == 5
    assert body["total"] == 25  # 30 seeded, 5 archived
    assert all(row["archived_at"] is None for row in body["data"])
    assert "page=2" in body["next_page_url"] and body["prev_page_url"] is None
    assert len(api.get(params={"limit": 5, "page": 5}).json()["data"]) == 5
    assert api.get(params={"limit": 5, "page": 6}).json()["data"] == []


def test_default_page_size_is_ten(api):
    assert api.get().json()["per_page"] == 10


def test_archived_1_lists_archived_customers_only(api):
    body = api.get(params={"archived": 1, "limit": 50}).json()
    assert body["total"] == 5 and all(row["archived_at"] for row in body["data"])
    assert 3 in [row["id"] for row in body["data"]]


def test_sort_with_minus_for_descending(api):
    names = [r["name"] for r in api.get(params={"sort": "name", "limit": 50}).json()["data"]]
    assert names == sorted(names)
    assert [r["name"] for r in api.get(params={"sort": "-name", "limit": 50}).json()["data"]] == names[::-1]
    api.get(params={"sort": "phone"}, status=422)


def test_search_looks_in_name_email_and_address(api):
    assert [r["id"] for r in api.get(params={"search": "acmecorp"}).json()["data"]] == [1]
    assert [r["id"] for r in api.get(params={"search": "beverly"}).json()["data"]] == [1]
    assert [r["id"] for r in api.get(params={"search": "HARBOR supply"}).json()["data"]] == [2]
    assert api.get(params={"search": "no such customer anywhere"}).json()["total"] == 0


def test_included_and_excluded_columns(api):
    rows = api.get(params={"included[]": ["name,email", "zip"], "limit": 3}).json()["data"]
    assert all(set(r) == {"id", "name", "email", "zip"} for r in rows)
    rows = api.get(params={"excluded[]": "email,id", "limit": 3}).json()["data"]
    assert all("email" not in r and "id" in r and "name" in r for r in rows)
    api.get(params={"included[]": "password"}, status=422)


def test_table_specifications_instead_of_rows(api):
    specs = api.get(params={"table_specifications": 1}).json()["table_specifications"]
    by_name = {s["data_name"]: s for s in specs}
    assert by_name["name"]["sortable"] and not by_name["phone"]["sortable"]
    assert by_name["created_at"]["type"] == "datetime"


def test_bad_paging_is_a_laravel_422(api):
    body = api.get(params={"limit": "many"}, status=422).json()
    assert body["message"] == "The given data was invalid." and "limit" in body["errors"]
    api.get(params={"limit": 0}, status=422)
    api.get(params={"archived": 2}, status=422)


# -- create and read -------------------------------------------------------------------------------


def test_create_makes_default_shipping_address_from_root_fields(api):
    customer = new_customer(api)
    assert customer["name"] == "Jane Smith" and customer["archived_at"] is None
    shipping = customer["default_shipping_address"]
    assert shipping["address1"] == "456 Commerce Ave" and shipping["zip"] == "90001"
    assert customer["default_billing_address_id"] == shipping["id"]  # no separate billing address
    assert customer["lifetime_value"] == 0
    assert api.get(f"/{customer['id']}").json()["data"] == customer


def test_create_with_a_default_billing_address(api):
    customer = new_customer(api, default_billing_address={
        "name": "Jane Smith", "email": "billing@smithindustries.example.com", "address1": "789 Billing Blvd",
        "city": "Los Angeles", "province_code": "CA", "zip": "90002", "country_code": "US"})
    billing = customer["default_billing_address"]
    assert billing["address1"] == "789 Billing Blvd" and billing["id"] != customer["default_shipping_address_id"]
    assert len(customer["addresses"]) == 2


def test_default_settings_are_set_only_by_update(api):
    customer = new_customer(api, store_id=1, warehouse_id=1, default_sales_rep_id=2)
    assert (customer["store_id"], customer["warehouse_id"], customer["default_sales_rep_id"]) == (None, None, 2)


def test_duplicate_name_zip_address1_is_code_customer_exists(api):
    body = api.post("", 422, json={"name": "john doe", "zip": "90210", "address1": "123  MAIN ST"}).json()
    assert body["code"] == "CODE_CUSTOMER_EXISTS" and body["existing_customer_id"] == 1
    assert "name" in body["errors"]
    assert api.get(params={"search": "john doe"}).json()["total"] == 1


def test_email_is_unique_across_customer_addresses(api):
    body = api.post("", 422, json={"name": "Someone New", "email": "billing@acmecorp.example.com"}).json()
    assert body["errors"] == {"email": ["The email has already been taken."]}
    body = api.post("", 422, json={"name": "Someone New", "default_billing_address": {
        "email": "orders@harborsupply.example.com"}}).json()
    assert "default_billing_address.email" in body["errors"]


def test_create_refuses_unknown_references_and_bad_fields(api):
    body = api.post("", 422, json={"name": "X", "default_sales_rep_id": 99, "integration_instance_id": 42}).json()
    assert set(body["errors"]) == {"default_sales_rep_id", "integration_instance_id"}
    api.post("", 422, json={"company": "no name"})
    api.post("", 422, json={"name": "X", "email": "not-an-email"})
    api.post("", 422, json={"name": "X", "country_code": "USA"})
    assert api.get().json()["total"] == 25


def test_get_shows_addresses_sales_rep_and_lifetime_value(api):
    customer = api.get("/1").json()["data"]
    assert customer["default_shipping_address"]["id"] == 1 and customer["default_billing_address"]["id"] == 2
    assert [a["id"] for a in customer["addresses"]] == [1, 2]
    assert customer["default_sales_rep"] == {"id": 1, "name": "Dana Whitfield"}
    assert customer["lifetime_value"] == 1050.0


def test_unknown_customer_is_404(api):
    body = api.get("/9999", status=404).json()
    assert body["message"] == "No query results for model [App\\Models\\Customer] 9999"
    api.get("/abc", status=404)  # no route: the id is an integer


# -- update ----------------------------------------------------------------------------------------


def test_update_changes_only_the_fields_sent_and_sets_default_settings(api):
    before = api.get("/2").json()["data"]
    after = api.put("/2", json={"company": "Harbor Supply International", "product_pricing_tier_id": 2, "store_id": 1,
                                "shipping_method_domestic_id": 3, "shipping_method_international_id": 5,
                                "warehouse_id": 1}).json()["data"]
    assert after["company"] == "Harbor Supply International" and after["name"] == before["name"]
    assert (after["product_pricing_tier_id"], after["store_id"], after["warehouse_id"]) == (2, 1, 1)
    assert after["updated_at"] >= before["updated_at"]


def test_update_refuses_settings_that_do_not_exist_and_changes_nothing(api):
    body = api.put("/2", 422, json={"store_id": 7, "warehouse_id": 9, "company": "Changed"}).json()
    assert set(body["errors"]) == {"store_id", "warehouse_id"}
    assert api.get("/2").json()["data"]["company"] == "Harbor Supply Co"


def test_update_writes_root_address_through_to_default_shipping_address(api):
    customer = api.put("/2", json={"address1": "14 Harbor Way", "zip": "02135"}).json()["data"]
    assert customer["address1"] == "14 Harbor Way"
    assert customer["default_shipping_address"]["address1"] == "14 Harbor Way"
    assert customer["default_shipping_address"]["zip"] == "02135"


def test_update_email_taken_by_another_customer_is_422(api):
    api.put("/2", 422, json={"email": "john.doe@acmecorp.example.com"})
    api.put("/1", json={"email": "john.doe@acmecorp.example.com"})  # its own: fine


# -- archive ---------------------------------------------------------------------------------------


def test_archive_and_unarchive_one(api):
    customer = api.put("/1/archive").json()["data"]
    assert customer["archived_at"]
    assert api.put("/1/archive").json()["data"]["archived_at"] == customer["archived_at"]  # no change
    assert 1 not in [r["id"] for r in api.get(params={"limit": 100}).json()["data"]]
    assert api.put("/1/unarchived").json()["data"]["archived_at"] is None
    api.put("/9999/archive", status=404)
    api.put("/9999/unarchived", status=404)


def test_bulk_archive_and_unarchive_by_ids(api):
    body = api.put("/archive", json={"ids": [1, 2, 3], "apply_to_all": False, "filters": {}}).json()
    assert body["data"] == {"ids": [1, 2], "skipped": [{"id": 3, "reason": "already archived"}]}
    body = api.put("/unarchive", json={"ids": [1, 2]}).json()
    assert body["data"]["ids"] == [1, 2]
    assert api.get("/1").json()["data"]["archived_at"] is None


def test_bulk_archive_apply_to_all_with_filters(api):
    body = api.put("/archive", json={"apply_to_all": True, "filters": {"search": "acmecorp"}}).json()
    assert body["data"]["ids"] == [1]
    body = api.put("/unarchive", json={"apply_to_all": True}).json()  # all archived customers
    assert sorted(body["data"]["ids"])[:2] == [1, 3] and len(body["data"]["ids"]) == 6
    assert api.get(params={"archived": 1}).json()["total"] == 0


def test_bulk_needs_ids_or_apply_to_all_and_known_ids(api):
    assert "ids" in api.put("/archive", 422, json={}).json()["errors"]
    assert "ids.1" in api.put("/archive", 422, json={"ids": [1, 9999]}).json()["errors"]
    assert api.get("/1").json()["data"]["archived_at"] is None


# -- delete ----------------------------------------------------------------------------------------


def test_deletable_reports_why(api):
    rows = api.post("/deletable", json={"ids": [1, 2], "scope": "ids"}).json()["data"]
    assert rows == [{"id": 1, "deletable": False, "reason": "The customer is linked to sales orders."},
                    {"id": 2, "deletable": True, "reason": None}]
    assert "ids.0" in api.post("/deletable", 422, json={"ids": [9999]}).json()["errors"]


def test_delete_refused_while_the_customer_has_sales_orders(api):
    body = api.delete("/1", status=400).json()
    assert "sales orders" in body["message"]
    api.get("/1")


def test_delete_removes_the_customer_and_its_addresses(api):
    api.delete("/2")
    api.get("/2", status=404)
    api.delete("/2", status=404)
    assert api.get("/find-match", params={"name": "Harbor Supply Co", "zip": "02134",
                                          "address1": "12 Harbor Way"}).json()["data"] is None


def test_bulk_delete_skips_linked_customers(api):
    fresh = new_customer(api)
    body = api.delete("", json={"ids": [1, 2, fresh["id"]]}).json()
    assert body["data"]["ids"] == [2, fresh["id"]]
    assert body["data"]["skipped"] == [{"id": 1, "reason": "The customer is linked to sales orders."}]
    api.get("/1")
    api.get(f"/{fresh['id']}", status=404)
