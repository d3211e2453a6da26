"""The e-commerce catalog: one set of inventory lines seen through every e-commerce method.

An inventory line is a product offered in boxes from one origin (1 On Hand, 2 Future Sales,
3 Vendor Availability) over an availability window, with the boxes left. inventory.list,
inventory.get, inventory-available-dates.list and the carrier methods all read these lines, and
web orders take boxes from them and give them back, so every view agrees.
"""

from __future__ import annotations

import datetime as dt
import typing as t

from sparring.engine.errors import ApiError
from sparring.partners.komet import dates
from sparring.partners.komet.access import Ask, ok
from sparring.partners.komet.dates import refuse

DEFAULT_ROWS = 30


def money(value: float) -> float:
    return round(float(value) + 1e-9, 2)


def customer_price(line: dict, customer: dict) -> float:
    """The unit price this customer pays: price list A, or B with the customer's markup."""
    price = float(line["price"])
    if customer.get("defaultPrice") == "B":
        try:
            price *= 1 + float(customer.get("priceBMarkup") or 0) / 100
        except ValueError:
            pass
    return money(price)


def window(line: dict) -> tuple[dt.date, dt.date]:
    return dt.date.fromisoformat(line["availableFrom"]), dt.date.fromisoformat(line["availableTo"])


def item(ask: Ask, line: dict, customer: dict, on: dt.date | None = None) -> dict:
    """The line as the shop sees it; with ``on``, the boxes that can be bought that day."""
    product = ask.store["products"].get(line["productId"]) or {}
    low, high = window(line)
    available = line["boxes"] if on is None or low <= on <= high else 0
    shown = ask.company().get("showVendorCodeOrName", 2)
    return {
        "inventoryLineId": line["id"],
        "inventoryOrigin": line["inventoryOrigin"],
        "productId": line["productId"],
        "productCode": product.get("code", ""),
        "productDescription": product.get("description", ""),
        "categoryId": product.get("categoryId", 0),
        "categoryName": product.get("categoryName", ""),
        "color": product.get("color", ""),
        "grade": product.get("grade", ""),
        "boxType": product.get("boxType", "HB"),
        "unitsPerBox": product.get("unitsPerBox", 1),
        "unitType": product.get("unitType", "Stems"),
        "stemsBunch": product.get("stemsBunch", 1),
        "price": customer_price(line, customer),
        "availableQuantity": available,
        "availableFrom": line["availableFrom"],
        "availableTo": line["availableTo"],
        "carrierId": default_carrier(ask, customer, low),
        "vendorName": {0: None, 1: line.get("vendorCode"), 2: line.get("vendorName")}.get(shown),
    }


# -- carriers --------------------------------------------------------------------------------------


def serving(ask: Ask, on: dt.date) -> list[dict]:
    """Carriers that run on that weekday, by id."""
    weekday = on.isoweekday()
    return [c for c in ask.store["carriers"].records() if weekday in (c.get("daysOfService") or [])]


def default_carrier(ask: Ask, customer: dict, on: dt.date) -> int | None:
    """The customer's carrier for that weekday (days of service), else the first one running."""
    running = serving(ask, on)
    chosen = (customer.get("daysOfService") or {}).get(str(on.isoweekday()))
    if chosen is not None and any(c["id"] == chosen for c in running):
        return chosen
    return running[0]["id"] if running else None


def ref(carrier: dict) -> dict:
    return {"carrierId": carrier["id"], "carrierName": carrier["name"]}


# -- the lines a request names ---------------------------------------------------------------------


def parse_ids(text: t.Any, name: str) -> list[int]:
    try:
        ids = [int(part) for part in str(text).split(",") if part.strip()]
    except ValueError:
        raise refuse(f"{name}: {text!r} is not a comma-separated list of ids.") from None
    if not ids:
        raise refuse(f"{name} is required.")
    return list(dict.fromkeys(ids))


def lines_named(ask: Ask, ids: list[int], origin: int) -> list[dict]:
    """The inventory lines of this origin; 404 naming the first id that is not one."""
    found = []
    for line_id in ids:
        line = ask.store["inventory"].get(line_id)
        if line is None or line["inventoryOrigin"] != origin:
            raise ApiError(404, f"Inventory line {line_id} of origin {origin} was not found.", "not_found")
        found.append(line)
    return found


def purchase_window(ask: Ask) -> tuple[dt.date, dt.date, dt.date]:
    """(date, availableFrom, availableTo): the date must fall inside the window."""
    on = dates.day(ask.params, "date", required=True)
    low = dates.day(ask.params, "availableFrom", required=True)
    high = dates.day(ask.params, "availableTo", required=True)
    dates.check_range(low, high, "availableFrom", "availableTo")
    if not low <= on <= high:
        raise refuse(f"date {on} is outside availableFrom..availableTo ({low}..{high}).")
    return on, low, high


# -- the methods -----------------------------------------------------------------------------------


def inventory_list(ask: Ask) -> dict:
    customer = ask.own_customer()
    on = dates.day(ask.params, "availableDate")
    page = ask.params.get("page") or 1
    rows = ask.params.get("rows") or DEFAULT_ROWS
    text = str(ask.params.get("searchText") or "").casefold()
    color = str(ask.params.get("color") or "").casefold()
    category = ask.params.get("categoryId")
    reserved = bool(ask.params.get("reservedInventory"))
    shown = []
    for line in ask.store["inventory"].records():
        if reserved or line["boxes"] <= 0:  # no line of the demo catalog is reserved for a customer
            continue
        low, high = window(line)
        if on is not None and not low <= on <= high:
            continue
        view = item(ask, line, customer)
        if text and text not in view["productDescription"].casefold():
            continue
        if color and color != view["color"].casefold():
            continue
        if category is not None and category != view["categoryId"]:
            continue
        shown.append(view)
    shown.sort(key=lambda v: (v["productDescription"], v["inventoryOrigin"], v["inventoryLineId"]))
    start = (page - 1) * rows
    return ok(total=len(shown), inventory=shown[start:start + rows])


def inventory_get(ask: Ask) -> dict:
    customer = ask.own_customer()
    on, _, _ = purchase_window(ask)
    carrier_id = ask.params.get("carrierId")
    if carrier_id is not None and ask.store["carriers"].get(carrier_id) is None:
        raise ApiError(404, f"Carrier {carrier_id} was not found.", "not_found")
    lines = lines_named(ask, parse_ids(ask.params.get("inventoryLineIds"), "inventoryLineIds"),
                        ask.params["inventoryOrigin"])
    return ok(date=dates.iso(on), inventory=[item(ask, line, customer, on) for line in lines])


def available_dates(ask: Ask) -> dict:
    """The days every named line can be bought: the overlap of their windows, while boxes are left."""
    ask.own_customer()
    lines = lines_named(ask, parse_ids(ask.params.get("inventoryLineIds"), "inventoryLineIds"),
                        ask.params["inventoryOrigin"])
    low = max(window(line)[0] for line in lines)
    high = min(window(line)[1] for line in lines)
    days = [] if any(line["boxes"] <= 0 for line in lines) or high < low else dates.days_between(low, high)
    return ok(availableDateFrom=dates.iso(low), availableDateTo=dates.iso(max(low, high)),
              availableDates=[dates.iso(d) for d in days])


def customer_carriers(ask: Ask) -> dict:
    customer = ask.own_customer()
    on, _, _ = purchase_window(ask)
    running = serving(ask, on)
    chosen = ask.store["carriers"].get(default_carrier(ask, customer, on)) if running else None
    return ok(carrierId=chosen and chosen["id"], carrierName=chosen and chosen["name"],
              carrierCubeRate=chosen and chosen.get("cubeRate"),
              carriers=[ref(c) for c in running if not chosen or c["id"] != chosen["id"]])


def carriers_by_ship_date(ask: Ask) -> dict:
    """Days with stock of the origin asked for (all when absent) that some carrier serves, at most
    the company's ordering horizon of them; arrival days when the customer shows arrival dates."""
    customer = ask.own_customer()
    origin = ask.params.get("inventoryOrigin")
    days: set[dt.date] = set()
    for line in ask.store["inventory"].records():
        if line["boxes"] > 0 and (origin is None or line["inventoryOrigin"] == origin):
            days.update(dates.days_between(*window(line)))
    horizon = ask.company().get("orderingHorizonDays") or 14
    shift = dt.timedelta(days=1 if customer.get("showArrivalDate") else 0)
    chosen = [d for d in sorted(days) if serving(ask, d)][:horizon]
    defaults, carriers = {}, {}
    for d in chosen:
        shown = dates.us(d + shift)
        default = ask.store["carriers"].get(default_carrier(ask, customer, d))
        defaults[shown] = ref(default)
        carriers[shown] = [ref(c) for c in serving(ask, d)]
    return ok(deliverDates=[dates.us(d + shift) for d in chosen], defaultCarriersByDate=defaults,
              carrierDate=carriers)


def settings(ask: Ask) -> dict:
    customer = ask.own_customer()
    company = ask.company()
    info = {
        "isMultilocation": bool(company.get("isMultilocation")),
        "showArrivalDate": bool(customer.get("showArrivalDate")),
        "chargeTax": bool(customer.get("chargeTax")),
        "isMultiCompany": False,
        "isEcommerceLite": bool(company.get("isEcommerceLite")),
        "isAdminSales": ask.kind != "customer",
        "showVendorCodeOrName": company.get("showVendorCodeOrName", 2),
        "companyName": company.get("name", ""),
        "customerName": customer.get("name", ""),
        "username": ask.username or customer.get("username") or "",
        "companyLogo": None,
        "enableAccessAppMobile": True,
    }
    return {"status": 1, "userInfo": [info]}  # the one method without a message: its envelope is bare
