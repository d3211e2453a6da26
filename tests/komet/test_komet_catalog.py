"""Komet's e-commerce catalog through HTTP: inventory list and detail, available dates, carriers and
the shop settings, all views of one set of inventory lines. Token in a header, with X-ACCOUNT."""

from __future__ import annotations

from kit import PartnerApi, fresh

from komet_kit import COMPANY, ME, OTHER

LIST = "/api/ecommerce/inventory.list"


def all_lines(api, **params) -> list[dict]:
    return api.get(LIST, params={"customerId": ME, "rows": 1000, **params}).json()["inventory"]


def test_inventory_list_pages_thirty_by_default_over_every_origin(api):
    body = api.get(LIST, params={"customerId": ME}).json()
    assert body["status"] == 1 and body["total"] > 30 and len(body["inventory"]) == 30
    every = all_lines(api)
    assert len(every) == body["total"] and body["inventory"] == every[:30]
    assert {line["inventoryOrigin"] for line in every} == {1, 2, 3}
    second = api.get(LIST, params={"customerId": ME, "page": 2, "rows": 10}).json()
    assert second["inventory"] == every[10:20] and second["total"] == body["total"]
    assert all(line["availableQuantity"] > 0 and line["availableFrom"] <= line["availableTo"] for line in every)


def test_inventory_list_filters(api):
    every = all_lines(api)
    roses = all_lines(api, searchText="freedom")
    assert roses and all("Freedom" in line["productDescription"] for line in roses)
    white = all_lines(api, color="WHITE")
    assert white and all(line["color"] == "White" for line in white)
    hydrangeas = all_lines(api, categoryId=3)
    assert hydrangeas and all(line["categoryName"] == "Hydrangeas" for line in hydrangeas)
    day = "2025-07-04"
    that_day = all_lines(api, availableDate=day)
    assert that_day and len(that_day) < len(every)
    assert all(line["availableFrom"] <= day <= line["availableTo"] for line in that_day)
    assert all_lines(api, reservedInventory="true") == []  # nothing in the demo catalog is reserved


def test_prices_follow_the_customer_price_list(api):
    """7349 buys on price list A, 7343 on B with an 8 % markup."""
    a = {line["inventoryLineId"]: line["price"] for line in all_lines(api)}
    b = {line["inventoryLineId"]: line["price"]
         for line in api.get(LIST, params={"customerId": OTHER, "rows": 1000}, who=COMPANY).json()["inventory"]}
    assert a.keys() == b.keys()
    assert all(abs(b[k] - round(a[k] * 1.08, 2)) <= 0.011 for k in a)


def test_inventory_get_gives_the_quantity_available_on_a_date(api):
    line = all_lines(api)[0]
    params = {"customerId": ME, "inventoryLineIds": str(line["inventoryLineId"]), "inventoryOrigin": line["inventoryOrigin"],
              "date": line["availableFrom"], "availableFrom": line["availableFrom"], "availableTo": line["availableTo"]}
    body = api.get("/api/ecommerce/inventory.get", params=params).json()
    (got,) = body["inventory"]
    assert body["date"] == line["availableFrom"] and got["availableQuantity"] == line["availableQuantity"]
    assert got["productDescription"] == line["productDescription"] and got["price"] == line["price"]
    # a day inside the window the client asks about but outside the line's own: nothing to buy
    before = api.get("/api/ecommerce/inventory.get", params={**params, "date": "2025-06-01",
                                                             "availableFrom": "2025-06-01"}).json()["inventory"][0]
    assert before["availableQuantity"] == 0
    r = api.get("/api/ecommerce/inventory.get", 400, params={**params, "date": "2025-09-30"})
    assert r.json()["status"] == 0 and "outside availableFrom..availableTo" in r.json()["message"]
    wrong_origin = 2 if line["inventoryOrigin"] != 2 else 1
    r = api.get("/api/ecommerce/inventory.get", 404, params={**params, "inventoryOrigin": wrong_origin})
    assert r.json()["message"] == f"Inventory line {line['inventoryLineId']} of origin {wrong_origin} was not found."
    api.get("/api/ecommerce/inventory.get", 400, params={**params, "inventoryLineIds": "12;13"})
    api.get("/api/ecommerce/inventory.get", 404, params={**params, "carrierId": 99})


def test_available_dates_are_the_days_of_the_line_window(api):
    line = all_lines(api)[0]
    body = api.get("/api/ecommerce/inventory-available-dates.list",
                   params={"customerId": ME, "inventoryLineIds": str(line["inventoryLineId"]),
                           "inventoryOrigin": line["inventoryOrigin"]}).json()
    assert body["availableDateFrom"] == line["availableFrom"] and body["availableDateTo"] == line["availableTo"]
    assert body["availableDates"][0] == line["availableFrom"] and body["availableDates"][-1] == line["availableTo"]
    assert body["availableDates"] == sorted(set(body["availableDates"]))


def test_customer_carriers_suggest_the_days_of_service_carrier(api):
    """7349 ships with Armellini Express (2) on Mondays; 2025-07-07 is a Monday."""
    body = api.get("/api/ecommerce/customer-carriers.list",
                   params={"customerId": ME, "date": "2025-07-07", "availableFrom": "2025-07-01",
                           "availableTo": "2025-07-20"}).json()
    assert (body["carrierId"], body["carrierName"], body["carrierCubeRate"]) == (2, "Armellini Express", 3.1)
    others = {c["carrierId"] for c in body["carriers"]}
    assert 2 not in others and {1, 3, 4, 6} <= others and 5 not in others  # the truck route runs Tue/Thu/Sat
    r = api.get("/api/ecommerce/customer-carriers.list", 400,
                params={"customerId": ME, "date": "2025-07-30", "availableFrom": "2025-07-01", "availableTo": "2025-07-20"})
    assert r.json()["status"] == 0


def test_carriers_by_ship_date_lists_us_dates_with_their_carriers(api):
    body = api.get("/api/carriers.by.customer.ship.date.list", params={"customerId": ME, "inventoryOrigin": 1}).json()
    days = body["deliverDates"]
    assert 0 < len(days) <= 14 and all(len(d) == 10 and d[2] == "/" and d[5] == "/" for d in days)
    assert set(body["defaultCarriersByDate"]) == set(days) == set(body["carrierDate"])
    monday = "07/07/2025"
    if monday in days:
        assert body["defaultCarriersByDate"][monday] == {"carrierId": 2, "carrierName": "Armellini Express"}
    for day in days:
        assert body["defaultCarriersByDate"][day] in body["carrierDate"][day]
    api.get("/api/carriers.by.customer.ship.date.list", 403, params={"customerId": OTHER})


def test_settings_describe_the_shop_without_a_message(api):
    body = api.get("/api/ecommerce-lite/settings", params={"customerId": ME}).json()
    assert set(body) == {"status", "userInfo"} and body["status"] == 1
    (info,) = body["userInfo"]
    assert info["companyName"] == "Miami Stems Wholesale" and info["customerName"] == "Bloom Street Florist"
    assert info["username"] == "shop@bloomstreet" and info["isAdminSales"] is False and info["companyLogo"] is None
    assert api.get("/api/ecommerce-lite/settings", params={"customerId": OTHER},
                   who=COMPANY).json()["userInfo"][0]["isAdminSales"] is True


def test_fixtures_are_the_same_for_a_seed_and_differ_between_seeds(app):
    def seeded(seed: int) -> tuple[dict, dict]:
        with fresh(app, seed) as client:
            api = PartnerApi(client, app, "komet", who=COMPANY)
            return (api.get(LIST, params={"customerId": ME, "rows": 1000}).json(),
                    api.get("/api/invoice.list", params={"orderDateFrom": "2025-01-01", "orderDateTo": "2025-06-30"}).json())

    first, other, again = seeded(0), seeded(1), seeded(0)
    assert first == again and first != other
