"""Fixture hooks: what the recipe ``fixtures/komet.yaml`` cannot say by itself.

Customers get their days of service and an e-commerce username, ship-tos their carrier's name
and code, inventory lines their availability window, boxes and price by origin, and past
invoices and prebooks their lines from the catalog with matching totals. Every value comes from
the seeded ``fake``, so a seed gives the same records on any machine and any day.
"""

from __future__ import annotations

import datetime as dt

from sparring.partners.komet.catalog import money

CATALOG_START = dt.date(2025, 7, 1)  # the e-commerce inventory is offered from here
HISTORY = (dt.date(2025, 1, 2), dt.date(2025, 6, 30))  # ship dates of past invoices and prebooks
# origin -> (first day offset range, window length range): On Hand now, Vendor Availability
# soon, Future Sales later and for longer
WINDOWS = {1: ((0, 4), (6, 12)), 2: ((9, 20), (14, 30)), 3: ((2, 8), (10, 18))}


def _first_id(record: dict) -> dict:
    return {"id": record["id"], **record}


def _day(fake, low: dt.date, high: dt.date) -> dt.date:
    return low + dt.timedelta(days=fake.random_int(0, (high - low).days))


def _stamp(on: dt.date, fake, days_before: int = 2) -> str:
    moment = dt.datetime.combine(on - dt.timedelta(days=days_before), dt.time(fake.random_int(6, 18), fake.random_int(0, 59)))
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def fixture_customer(record: dict, fake, namespace) -> dict:
    record["code"] = "".join(ch for ch in str(record.get("code") or record["name"]).upper() if ch.isalnum())[:10] or "CUST"
    if "daysOfService" not in record:
        carriers = [c["id"] for c in namespace["carriers"].records()]
        record["daysOfService"] = {str(d): fake.random_element(carriers) for d in range(1, 7) if fake.random_int(0, 4)}
    record.setdefault("username", f"{record['code'].lower()}@shop")
    record["phone"] = str(record.get("phone") or "")[:20]
    record["fax"] = str(record.get("fax") or "")[:20]
    return _first_id(record)


def fixture_shipto(record: dict, fake, namespace) -> dict:
    carrier = namespace["carriers"].get(record.get("carrierId")) or {}
    customer = namespace["customers"].get(record.get("customerId")) or {}
    record["carrierName"] = carrier.get("name")
    record["carrierCode"] = carrier.get("code")
    record["shipToCode"] = f"{customer.get('code', 'CUST')}-{record['id']}"
    if not str(record.get("updatedAsOf") or "").startswith("2025"):
        record["updatedAsOf"] = _day(fake, *HISTORY).isoformat()
    record["phone"] = str(record.get("phone") or "")[:50]
    record["fax"] = str(record.get("fax") or "")[:50]
    return _first_id(record)


def fixture_inventory(record: dict, fake, namespace) -> dict:
    product = namespace["products"].get(record["productId"])
    (first_low, first_high), (length_low, length_high) = WINDOWS[record["inventoryOrigin"]]
    start = CATALOG_START + dt.timedelta(days=fake.random_int(first_low, first_high))
    record["availableFrom"] = start.isoformat()
    record["availableTo"] = (start + dt.timedelta(days=fake.random_int(length_low, length_high))).isoformat()
    record["boxes"] = fake.random_element([4, 6, 8, 10, 12, 15, 20, 25, 30, 40, 60])
    record["price"] = money(product["priceA"] * fake.random_element([0.9, 0.95, 1.0, 1.0, 1.05, 1.1]))
    record["vendorCode"] = "".join(w[0] for w in record["vendorName"].split()).upper()
    return _first_id(record)


def _lines(fake, namespace, owner_id: int, price_key: str = "unitPrice") -> list[dict]:
    products = list(namespace["products"].records())
    lines = []
    for n in range(fake.random_int(1, 4)):
        product = fake.random_element(products)
        boxes = fake.random_int(1, 6)
        units = product["unitsPerBox"] * boxes
        unit_price = money(product["priceA"] * fake.random_element([1.0, 1.05, 1.1]))
        lines.append({"detailId": owner_id * 1000 + n + 1, "productId": product["id"],
                      "productDescription": product["description"], "boxType": product["boxType"], "totalBoxes": boxes,
                      "unitsPerBox": product["unitsPerBox"], "totalUnits": units, "unitType": product["unitType"],
                      price_key: unit_price, "totalPrice": money(unit_price * units), "markCode": None,
                      "webOrderId": None})
    return lines


def fixture_invoice(record: dict, fake, namespace) -> dict:
    # the two demo customers get a share of the history, the rest is spread over all customers
    record["customerId"] = {0: 7349, 1: 7349, 2: 7343}.get(record["id"] % 5, record["customerId"])
    customer = namespace["customers"].get(record["customerId"])
    carrier = namespace["carriers"].get(record["carrierId"])
    ship = _day(fake, *HISTORY)
    record.update(number=1000 + record["id"], shipDate=ship.isoformat(), createdOn=_stamp(ship, fake),
                  updatedOn=_stamp(ship, fake, 0), customerName=customer["name"], customerCode=customer["code"],
                  carrierName=carrier["name"], locationId=None)
    record["details"] = _lines(fake, namespace, record["id"])
    for line in record["details"]:
        line["boxes"] = [{"boxNumber": n + 1, "boxType": line["boxType"]} for n in range(line["totalBoxes"])]
        line["breakdowns"] = []
    record["additionalChargesDetails"] = ([{"description": "Box charge", "amount": money(1.5 * sum(
        d["totalBoxes"] for d in record["details"]))}] if fake.random_int(0, 2) == 0 else [])
    subtotal = money(sum(d["totalPrice"] for d in record["details"]))
    charges = money(sum(c["amount"] for c in record["additionalChargesDetails"]))
    record.update(subtotal=subtotal, additionalCharges=charges, total=money(subtotal + charges))
    return _first_id(record)


def fixture_prebook(record: dict, fake, namespace) -> dict:
    record["customerId"] = {0: 7349, 1: 7343}.get(record["id"] % 4, record["customerId"])
    customer = namespace["customers"].get(record["customerId"])
    carrier = namespace["carriers"].get(record["carrierId"])
    truck = _day(fake, *HISTORY)
    checked_out = fake.random_int(0, 3) > 0
    record.update(number=5000 + record["id"], truckDate=truck.isoformat(), customerName=customer["name"],
                  customerCode=customer["code"], carrierName=carrier["name"],
                  customerPONumber=str(fake.random_int(100000, 999999)),
                  soNumber=700 + record["id"] if record["type"] == "S" else None,
                  checkOutStatus=1 if checked_out else 0, prebookStatus="Checked Out" if checked_out else "Draft")
    details = _lines(fake, namespace, record["id"])
    for line in details:
        line.update(vendorId=None, vendorName=fake.random_element(["Finca El Mirador", "Andean Petals", "Sabana Blooms"]),
                    units=line["unitsPerBox"], stemsBunch=1, bunches=line["totalUnits"])
    record["details"] = details
    return _first_id(record)


