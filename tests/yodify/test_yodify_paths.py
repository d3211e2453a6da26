"""Yodify's paths match whatever their case (ASP.NET routing), InventoryPro's still do not.

``routing: {case-insensitive: true}`` in Yodify's spec; responses to a respelled path are the
responses to the spec's spelling, 405s carry the right ``Allow`` header, and parameter values
keep their case.
"""

from __future__ import annotations

import pytest
from kit import PartnerApi, fresh

from sparring.app import create_app

Y = "/yodify/api/v1"


@pytest.fixture(scope="module")
def app():
    return create_app(["yodify", "inventorypro"], seed=0)


@pytest.fixture
def api(app):
    with fresh(app) as client:
        yield PartnerApi(client, app, "yodify")


def raw(api, method: str, url: str, **kw):
    """A call to a path the kit cannot map onto the spec's spelling (checked against the canonical call instead)."""
    return api.client.request(method, url, headers=api.headers_for(), **kw)


@pytest.mark.parametrize("spelling", [
    "/yodify/api/v1/accounts/1", "/yodify/api/v1/ACCOUNTS/1", "/Yodify/API/V1/aCcOuNtS/1",
])
def test_any_case_reaches_the_same_operation(api, spelling):
    canonical = api.get("/Accounts/1").json()
    r = raw(api, "GET", spelling)
    assert r.status_code == 200 and r.json() == canonical


def test_orders_and_orders_shipments_stay_apart_in_any_case(api):
    """/Orders/{id} and /orders/{orderId}/shipments differ only in case in the docs."""
    order = api.get("/Orders/3").json()
    assert raw(api, "GET", f"{Y}/orders/3").json() == order
    shipments = api.get("/orders/3/shipments").json()
    assert shipments["total_items"] >= 1
    assert raw(api, "GET", f"{Y}/Orders/3/Shipments").json() == shipments
    assert raw(api, "GET", f"{Y}/ORDERS/3/SHIPMENTS/{shipments['data'][0]['id']}").json() == shipments["data"][0]


def test_writes_through_another_case_read_back_through_the_spec_spelling(api):
    created = raw(api, "POST", f"{Y}/discountlevels", json={"name": "Lower Case", "description": "made in lower case"})
    assert created.status_code == 201
    level = created.json()
    assert api.get(f"/DiscountLevels/{level['id']}").json() == level
    assert api.get("/DiscountLevels/GetByName/Lower Case").json() == level

    order = api.post("/Orders", json={"items": [{"sku_id": 1, "quantity": 1}]}).json()
    confirmed = raw(api, "PUT", f"{Y}/orders/CONFIRM/{order['id']}", json={})
    assert confirmed.status_code == 200 and confirmed.json()["order_status"] == "Processing"
    assert api.get(f"/Orders/{order['id']}").json()["order_status"] == "Processing"

    # validation still applies to the respelled operation, in Yodify's error shape
    bad = raw(api, "PUT", f"{Y}/accounts/1", json={"payment_terms": "Whenever"})
    assert bad.status_code == 400 and "payment_terms" in bad.json()["errors"]
    assert api.get("/Accounts/1").json()["payment_terms"] != "Whenever"


@pytest.mark.parametrize("method,path,allow", [
    ("DELETE", "/accounts", "GET, POST"),
    ("PATCH", "/orders/1", "DELETE, GET, PUT"),
    ("DELETE", "/Orders/1/Shipments", "GET, POST"),
    ("POST", "/skus/updateprice/1", "PUT"),
])
def test_405_names_the_methods_of_the_matched_path(api, method, path, allow):
    r = raw(api, method, Y + path)
    assert r.status_code == 405
    assert r.headers["allow"] == allow


def test_values_keep_their_case_and_unknown_paths_are_404s(api):
    level = api.post("/DiscountLevels", 201, json={"name": "MiXeD CaSe"}).json()
    found = raw(api, "GET", f"{Y}/DISCOUNTLEVELS/GETBYNAME/MiXeD CaSe")  # the name is a value: passed on as sent
    assert found.status_code == 200 and found.json() == level
    missing = raw(api, "GET", f"{Y}/nothing/here")
    assert missing.status_code == 404 and missing.json()["status"] == 404


def test_a_partner_that_does_not_declare_it_stays_case_sensitive(api):
    ip = "/inventorypro/api/v1"
    assert api.client.get(f"{ip}/Customer/All").status_code == 401  # routed: wants a token
    assert api.client.get(f"{ip}/customer/all").status_code == 404
