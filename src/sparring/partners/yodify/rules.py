"""Yodify's business rules (the research notes on Yodify, section 6; L-numbers point into the vendor's reference).

Everything CRUD-shaped is declared in ``spec/overlays/yodify.overlay.yaml``; here only what the
docs state as rules: order confirm / cancel, shipments of confirmed orders that take the unshipped
items, the quote state machine, relative vs absolute stock, the sale price rule, free shipping
flags, uploaded quote documents. Each rule checks everything before it writes.
"""

from __future__ import annotations

import base64
import datetime as dt
import typing as t

from sparring.engine.actions import Action, Call, Result
from sparring.engine.errors import ApiError
from sparring.engine.paging import paging_style
from sparring.engine import timestamps
from sparring.engine.registry import Rules
from sparring.engine.store import Filter, Record

rules = Rules("yodify")

# Orders a shipment may be added to: confirmed by the seller (L7145) and not finished.
SHIPPABLE = {"Processing", "PartiallyShipped", "StockConfirmed", "StockPartiallyConfirmed", "ReadyForPickup",
             "PartiallyReadyForPickup"}
# Orders that may still be cancelled (and only while they have no shipment, L6904).
CANCELLABLE = {"New", "Processing", "StockConfirmed", "StockPartiallyConfirmed", "ReadyForPickup",
               "PartiallyReadyForPickup"}

# Quote transitions the seller can make (L18548-18558): status -> allowed targets.
QUOTE_MOVES = {
    "send": {"New", "Active", "Draft", "QuoteSent"},  # QuoteSent again: a resend
    "decline": {"New", "Active", "Draft"},
    "cancel": {"New", "Active", "Draft", "QuoteSent", "Accepted"},
}


def _invalid(field: str, message: str) -> ApiError:
    return ApiError.validation({field: [message]})


def _now(action: Action) -> str:
    return action.now()


def _money(value: float) -> float:
    return round(float(value), 2)


# -- account users ---------------------------------------------------------------------------------


@rules.before_save()
def account_user_defaults(action: Action, call: Call, record: Record, old: Record | None) -> Record:
    """A user without a discount level gets its account's."""
    if not record.get("discount_level_id") and record.get("account_id") is not None:
        account = call.state["accounts"].get(record["account_id"])
        if account is not None and account.get("discount_level_id"):
            record["discount_level_id"] = account["discount_level_id"]
    return record


# -- orders ----------------------------------------------------------------------------------------


@rules.before_save()
def order_before_save(action: Action, call: Call, record: Record, old: Record | None) -> Record:
    """Defaults of a new order, items completed from their SKU, totals from the items."""
    skus = call.state["skus"]
    bad = {}
    for n, item in enumerate(record.get("items") or []):
        sku = skus.get(item.get("sku_id")) if item.get("sku_id") is not None else None
        if item.get("sku_id") is not None and sku is None:
            bad[f"items[{n}].sku_id"] = [f"No SKU has the id {item['sku_id']}."]
            continue
        if sku is not None:
            item.setdefault("product_id", sku.get("store_product_id"))
            if not item.get("price_per_unit"):
                item["price_per_unit"] = _unit_price(sku)
            item.setdefault("model_number", sku.get("manufacturer_part_number"))
            item.setdefault("unit_of_measure", sku.get("unit_of_measure"))
        item.setdefault("quantity", 1)
        item.setdefault("price_per_unit", 0)
        item["seller_price_per_unit"] = _money(item["price_per_unit"] * (record.get("exchange_rate") or 1))
    old_items = {i.get("id"): i for i in (old or {}).get("items") or [] if isinstance(i, dict)}
    for item in record.get("items") or []:
        _item_add_ons(item, old_items.get(item.get("id")), record.get("exchange_rate") or 1)
    if bad:
        raise ApiError.validation(bad)
    if old is None:
        record.setdefault("order_status", "New")
        record.setdefault("payment_method", "Account")
        record.setdefault("currency_code", "USD")
        record.setdefault("seller_currency_code", record.get("currency_code") or "USD")
        record.setdefault("exchange_rate", 1.0)
        record.setdefault("ordered_date", _now(action))
        if not record.get("order_number"):
            record["order_number"] = f"SO-{record['id']:06d}"
        record["url"] = f"https://store.yodify.example.com/orders/{record['id']}"
    if record.get("account_id") is None and record.get("customer_id"):
        customer = call.state["customers"].get(record["customer_id"])
        record["account_id"] = customer and customer.get("account_id")
    return totals(record)


def _item_add_ons(item: Record, old_item: Record | None, rate: float) -> None:
    """An order item's add-ons (OrderItemAddOn): ids kept when the item already had them, else
    ``item id * 100 + n``; one add-on per unit of the item unless a quantity is sent."""
    known = {a.get("id") for a in (old_item or {}).get("add_ons") or [] if isinstance(a, dict)}
    add_ons = [a for a in item.get("add_ons") or [] if isinstance(a, dict)]
    taken: set = set()
    for add_on in add_ons:
        if add_on.get("id") in known and add_on["id"] not in taken:
            taken.add(add_on["id"])
        else:
            add_on["id"] = None
    next_id = item["id"] * 100 + 1
    for add_on in add_ons:
        if add_on["id"] is None:
            while next_id in taken or next_id in known:
                next_id += 1
            add_on["id"] = next_id
            taken.add(next_id)
        add_on["object"] = "orderitem"  # sic: the vendor's example of an OrderItemAddOn
        add_on.setdefault("add_on_id", 0)
        for name in ("client_identifier", "model_number", "configuration"):
            add_on.setdefault(name, None)
        add_on.setdefault("quantity", item.get("quantity") or 1)
        add_on.setdefault("price_per_unit", 0)
        add_on["seller_price_per_unit"] = _money(add_on["price_per_unit"] * rate)
        add_on.setdefault("items", [])
    item["add_ons"] = add_ons


def totals(order: Record) -> Record:
    """Subtotal from the items and their add-ons; total = subtotal + freight + tax - discount;
    seller amounts by the rate."""
    subtotal = sum((i.get("quantity") or 0) * (i.get("price_per_unit") or 0)
                   + sum((a.get("quantity") or 0) * (a.get("price_per_unit") or 0) for a in i.get("add_ons") or [])
                   for i in order.get("items") or [])
    order["subtotal"] = _money(subtotal)
    for name in ("freight", "tax", "discount", "transaction_fee"):
        order[name] = _money(order.get(name) or 0)
    order["total"] = _money(order["subtotal"] + order["freight"] + order["tax"] - order["discount"])
    rate = order.get("exchange_rate") or 1
    for name in ("subtotal", "freight", "tax", "discount", "transaction_fee", "total"):
        order[f"seller_{name}"] = _money(order[name] * rate)
    return order


def _unit_price(sku: Record) -> float:
    if sku.get("is_on_sale") and sku.get("sale_price") is not None:
        return sku["sale_price"]
    return sku.get("list_price") or 0


@rules.rule()
def confirm_order(action: Action, call: Call) -> Result:
    """``PUT /Orders/confirm/{id}``: a New order becomes Processing; ``confirm_stock`` takes the
    items out of stock (L17985)."""
    order = action.find(call)
    if order.get("order_status") != "New":
        raise _invalid("order_status", f"Only a New order can be confirmed; this one is {order.get('order_status')}.")
    body = call.body if isinstance(call.body, dict) else {}
    order["order_status"] = "Processing"
    if body.get("confirm_stock"):
        skus = call.state["skus"]
        for item in order.get("items") or []:
            sku = skus.get(item.get("sku_id"))
            if sku is not None and not sku.get("always_in_stock"):
                sku["inventory"] = (sku.get("inventory") or 0) - (item.get("quantity") or 0)
                skus.put(action.env.touch("skus", sku))
        order["order_status"] = "StockConfirmed"
    return Result(200, action.out(action.collection(call).put(order), call))


@rules.rule()
def cancel_order(action: Action, call: Call) -> Result:
    """``PUT /Orders/cancel/{id}``: not once the order has a shipment (it must be refunded, L6904)."""
    order = action.find(call)
    shipments, count = call.state["shipments"].query(where=[_eq("order_id", order["id"])], limit=1)
    if count:
        raise _invalid("id", "An order with shipments cannot be cancelled; refund it instead.")
    if order.get("order_status") not in CANCELLABLE:
        raise _invalid("order_status", f"An order in status {order.get('order_status')} cannot be cancelled.")
    body = call.body if isinstance(call.body, dict) else {}
    order["order_status"] = "Cancelled"
    order["cancel_message"] = body.get("message")
    return Result(200, action.out(action.collection(call).put(order), call))


def _eq(field: str, value: t.Any) -> Filter:
    return Filter.equal(field, value)


# -- shipments -------------------------------------------------------------------------------------

# An order's status once shipments exist; the status it had before the first one is kept on the
# order (not shown) so that deleting every shipment gives it back.
SHIPPED_STATES = {"Shipped", "PartiallyShipped"}


@rules.before_save()
def shipment_before_save(action: Action, call: Call, record: Record, old: Record | None) -> Record:
    """Shipments of confirmed orders only; no items means every unshipped item and add-on; a null
    quantity ships what remains; add-ons ship with their item; Tracked shipments need a known
    carrier (L7145, L19157-19166, L19225, L19256)."""
    orders = call.state["orders"]
    order = orders.get(record["order_id"])
    if old is None and order.get("order_status") not in SHIPPABLE:
        raise _invalid("order_id", f"Shipments can only be added to a confirmed order; this one is {order.get('order_status')}.")
    record.setdefault("shipment_type", "Custom")
    if record.get("shipment_type") == "Tracked":
        carrier = str(record.get("carrier") or "").casefold()
        known = {c.get(f, "").casefold() for c in call.state["carriers"].records() for f in ("name", "slug")}
        if not carrier or carrier not in known:
            raise _invalid("carrier", "A Tracked shipment needs the name of a known carrier (GET /Carriers).")
    if record.get("address_id") is not None and record["address_id"] not in call.state["addresses"]:
        raise _invalid("address_id", f"No address has the id {record['address_id']}.")
    body = call.body if isinstance(call.body, dict) else {}
    if old is None or body.get("items") is not None:
        record["items"], record["add_ons"] = _shipment_lines(call, order, body.get("items") or [], record["id"])
    else:
        record["items"], record["add_ons"] = old.get("items") or [], old.get("add_ons") or []
    record.setdefault("trackings", [])
    record.setdefault("status", "New")
    if old is None and record.get("shipped_date") is None:
        record["shipped_date"] = _now(action)
    if _order_status_after(call, order, record["id"], record):
        orders.put(action.env.touch("orders", order))
    return record


@rules.rule()
def delete_shipment(action: Action, call: Call) -> Result:
    """``DELETE /Shipments/{id}``: the shipment's items and add-ons are to be shipped again, and
    the order's status follows: PartiallyShipped while other shipments remain, else the status it
    had before its first shipment."""
    shipment = action.find(call)
    action.collection(call).remove(shipment["id"])
    orders = call.state["orders"]
    order = orders.get(shipment.get("order_id"))
    if order is not None and _order_status_after(call, order, shipment["id"], None):
        orders.put(order)
    return Result(200, action.out(shipment, call))


def _shipped(call: Call, order_id: int, skip: int | None) -> tuple[dict, dict]:
    """Quantities shipped per order item and per order item add-on, leaving out shipment ``skip``."""
    items: dict[int, int] = {}
    add_ons: dict[int, int] = {}
    shipments, _ = call.state["shipments"].query(where=[_eq("order_id", order_id)], copy=False)
    for shipment in shipments:
        if shipment.get("id") != skip:
            _count(shipment, items, add_ons)
    return items, add_ons


def _count(shipment: Record, items: dict, add_ons: dict) -> None:
    for line in shipment.get("items") or []:
        items[line.get("order_item_id")] = items.get(line.get("order_item_id"), 0) + (line.get("quantity") or 0)
    for line in shipment.get("add_ons") or []:
        key = line.get("order_item_add_on_id")
        add_ons[key] = add_ons.get(key, 0) + (line.get("quantity") or 0)


def _order_add_ons(order: Record) -> dict[int, tuple[int, Record]]:
    """Order item add-on id -> (its order item's id, the add-on)."""
    return {a.get("id"): (i.get("id"), a) for i in order.get("items") or [] for a in i.get("add_ons") or []}


def _shipment_lines(call: Call, order: Record, requested: list, shipment_id: int) -> tuple[list, list]:
    """The shipment's items and add-ons, checked against what remains to be shipped of the order."""
    shipped_items, shipped_add_ons = _shipped(call, order["id"], shipment_id)
    by_id = {i.get("id"): i for i in order.get("items") or []}
    add_ons = _order_add_ons(order)
    remaining = {k: (i.get("quantity") or 0) - shipped_items.get(k, 0) for k, i in by_id.items()}
    remaining_add = {k: (a.get("quantity") or 0) - shipped_add_ons.get(k, 0) for k, (_, a) in add_ons.items()}
    if not requested:  # everything that remains, add-ons included (L19160-19163)
        requested = [{"order_item_id": k, "add_ons": [{"order_item_add_on_id": a} for a, (owner, _) in add_ons.items()
                                                       if owner == k and remaining_add[a] > 0]}
                     for k in by_id]
        requested = [r for r in requested if remaining[r["order_item_id"]] > 0 or r["add_ons"]]
        if not requested:
            raise _invalid("items", "Every item of this order has been shipped already.")
    items: list[Record] = []
    lines: list[Record] = []
    bad: dict[str, list[str]] = {}
    base = shipment_id * 1000
    for n, want in enumerate(requested):
        item_id = want.get("order_item_id")
        if item_id not in by_id:
            bad[f"items[{n}].order_item_id"] = [f"The order has no item {item_id}."]
            continue
        wanted_add_ons = want.get("add_ons") or []
        quantity = want.get("quantity")
        if quantity is None:
            quantity = remaining[item_id]
            if quantity < 1 and not wanted_add_ons:
                bad[f"items[{n}].quantity"] = [f"Item {item_id} has been shipped in full."]
                continue
        elif quantity < 1 or quantity > remaining[item_id]:
            bad[f"items[{n}].quantity"] = [f"{remaining[item_id]} of item {item_id} remain to be shipped."]
            continue
        for m, wanted in enumerate(wanted_add_ons):
            add_on_id = wanted.get("order_item_add_on_id")
            owner = add_ons.get(add_on_id)
            where = f"items[{n}].add_ons[{m}]"
            if owner is None or owner[0] != item_id:
                bad[f"{where}.order_item_add_on_id"] = [f"Item {item_id} has no add-on {add_on_id}."]
                continue
            count = wanted.get("quantity")
            count = remaining_add[add_on_id] if count is None else count
            if count < 1 or count > remaining_add[add_on_id]:
                bad[f"{where}.quantity"] = [f"{remaining_add[add_on_id]} of add-on {add_on_id} remain to be shipped."]
                continue
            remaining_add[add_on_id] -= count
            lines.append({"id": base + 500 + len(lines) + 1, "object": "shipmentitem",  # sic, as the vendor's example
                          "order_item_id": item_id, "order_item_add_on_id": add_on_id, "quantity": count})
        if quantity > 0:
            remaining[item_id] -= quantity
            items.append({"id": base + len(items) + 1, "object": "shipmentitem", "order_item_id": item_id,
                          "sku_id": by_id[item_id].get("sku_id"), "quantity": quantity})
    if bad:
        raise ApiError.validation(bad)
    return items, lines


def _order_status_after(call: Call, order: Record, shipment_id: int, shipment: Record | None) -> bool:
    """Set the order's status from its shipments once shipment ``shipment_id`` is saved as
    ``shipment`` (None: deleted): Shipped when every item and add-on has shipped, PartiallyShipped
    while some has, else the status it had before its first shipment. An order past shipping
    (Complete, Received, refunds) keeps its status. True when the status changed."""
    status = order.get("order_status")
    if status not in SHIPPABLE | SHIPPED_STATES:
        return False
    items, add_ons = _shipped(call, order["id"], shipment_id)
    if shipment is not None:
        _count(shipment, items, add_ons)
    if not any(items.values()) and not any(add_ons.values()):
        if status not in SHIPPED_STATES:
            return False
        order["order_status"] = order.pop("confirmed_status", None) or "Processing"
        return True
    if status not in SHIPPED_STATES:
        order["confirmed_status"] = status
    done = all(items.get(i.get("id"), 0) >= (i.get("quantity") or 0) for i in order.get("items") or []) and \
        all(add_ons.get(k, 0) >= (a.get("quantity") or 0) for k, (_, a) in _order_add_ons(order).items())
    order["order_status"] = "Shipped" if done else "PartiallyShipped"
    return True


# -- quotes ----------------------------------------------------------------------------------------


@rules.before_save()
def quote_before_save(action: Action, call: Call, record: Record, old: Record | None) -> Record:
    if old is None:
        record.setdefault("quote_status", "New")
        if not record.get("quote_number"):
            record["quote_number"] = f"Q-{record['id']:06d}"
        record["url"] = f"https://store.yodify.example.com/quotes/{record['id']}"
        record.setdefault("currency_code", "USD")
        record.setdefault("seller_currency_code", record.get("currency_code") or "USD")
    item_schema = action.spec.schema["properties"]["items"]["items"]
    add_on_schema = item_schema["properties"]["add_ons"]["items"]
    for item in record.get("items") or []:
        item.pop("type", None)  # QuoteItemRequest only: library vs exclusive product
        item.setdefault("add_ons", [])
        item.setdefault("options", [])
        for n, add_on in enumerate(item.get("add_ons") or []):
            if add_on.get("id") is None:
                add_on["id"] = item["id"] * 100 + n + 1
            add_on.setdefault("object", "quoteitem")
            _drop_nulls(add_on, add_on_schema)
        _drop_nulls(item, item_schema)
    return record


def _drop_nulls(entry: Record, schema: dict) -> None:
    """Request fields that may be null but are never null in the response: left out when null."""
    for name, prop in schema.get("properties", {}).items():
        if entry.get(name, 0) is None and not prop.get("nullable"):
            del entry[name]


def _move_quote(action: Action, call: Call, move: str, status: str) -> Result:
    quote = action.find(call)
    if quote.get("quote_status") not in QUOTE_MOVES[move]:
        verb = {"send": "sent to the customer", "decline": "declined", "cancel": "cancelled"}.get(move, move)
        raise _invalid("quote_status", f"A quote in status {quote.get('quote_status')} cannot be {verb}.")
    body = call.body if isinstance(call.body, dict) else {}
    quote["quote_status"] = status
    quote["seller_message"] = body.get("message")
    if move == "send":
        now = _now(action)
        quote["sent_to_customer_date"] = now
        if body.get("expiry_date"):
            quote["expiry_date"] = body["expiry_date"]
        elif quote.get("expiry_days"):
            moment = action.clock.now() + dt.timedelta(days=quote["expiry_days"])
            quote["expiry_date"] = action.spec.format_time(moment)
    return Result(200, action.out(action.collection(call).put(quote), call))


@rules.rule()
def send_quote_to_customer(action: Action, call: Call) -> Result:
    return _move_quote(action, call, "send", "QuoteSent")


@rules.rule()
def decline_quote(action: Action, call: Call) -> Result:
    return _move_quote(action, call, "decline", "Declined")


@rules.rule()
def cancel_quote(action: Action, call: Call) -> Result:
    return _move_quote(action, call, "cancel", "Cancelled")


@rules.before_save()
def quote_document_upload(action: Action, call: Call, record: Record, old: Record | None) -> Record:
    """The multipart file part (``quoteDocument`` on create, ``document`` on update) becomes the
    document's content; ``url`` is a data: URL, so the file reads back from the API itself."""
    part = record.pop("quoteDocument", None) or record.pop("document", None)
    record.pop("quoteDocument", None)
    if isinstance(part, dict):
        record["content"] = part["content"]
        record["content_type"] = part.get("content_type") or "application/octet-stream"
        if not record.get("file_name") or (old is not None and "file_name" not in (call.body or {})):
            record["file_name"] = part.get("filename") or "document"
    elif old is None:
        raise _invalid("quoteDocument", "Upload the document as the multipart part quoteDocument.")
    record["url"] = f"data:{record['content_type']};base64,{base64.b64encode(record['content']).decode()}"
    return record


# -- SKUs ------------------------------------------------------------------------------------------


@rules.before_save()
def sku_before_save(action: Action, call: Call, record: Record, old: Record | None) -> Record:
    """Brand from the product; the sale flag only holds while the sale is real (L19720-19723)."""
    product = call.state["products"].get(record.get("store_product_id"))
    if record.get("store_product_id") is not None and product is None:
        raise _invalid("store_product_id", f"No product has the id {record['store_product_id']}.")
    record["brand_id"] = product and product.get("brand_id")
    if old is None:
        for name, default in (("inventory", 0), ("is_on_sale", False), ("always_in_stock", False),
                              ("allow_backorders", False), ("is_featured", False), ("is_non_refundable", False),
                              ("price_visibility", "InheritFromProduct"), ("store_product_id", 0)):
            if record.get(name) is None:
                record[name] = default
    for name in ("is_on_sale", "always_in_stock", "allow_backorders", "is_featured", "is_non_refundable",
                 "inventory", "store_product_id"):
        if record.get(name) is None:  # nullable in the request, not in the response
            record[name] = (old or {}).get(name, 0 if name in ("inventory", "store_product_id") else False)
    if "sale_requested" not in record or "is_on_sale" in (call.body or {}):
        record["sale_requested"] = bool(record.get("is_on_sale"))
    record["is_on_sale"] = sale_in_effect(record, _now(action))
    return record


def sale_in_effect(sku: Record, now: str) -> bool:
    """On sale only if asked for, below the list price, and within the sale's dates."""
    if not sku.get("sale_requested") or sku.get("sale_price") is None:
        return False
    if sku.get("list_price") is not None and sku["sale_price"] >= sku["list_price"]:
        return False
    start, end = sku.get("sale_start_date"), sku.get("sale_end_date")
    return (not start or _instant(start) <= _instant(now)) and (not end or _instant(end) > _instant(now))


def _instant(text: str) -> dt.datetime:
    return timestamps.parse(str(text))


@rules.rule()
def adjust_inventory(action: Action, call: Call) -> Result:
    """``PUT /SKUs/AdjustInventory/{id}``: a signed change of the stock (L16184)."""
    sku = action.find(call)
    delta = (call.body or {}).get("inventory_adjustment") if isinstance(call.body, dict) else None
    if delta is None:
        raise _invalid("inventory_adjustment", "The change of stock is required.")
    sku["inventory"] = (sku.get("inventory") or 0) + delta
    action.stamp(sku, created=False)
    return Result(200, action.out(action.collection(call).put(sku), call))


# -- shipping rates --------------------------------------------------------------------------------

_FREE = {
    "is_free_shipping": ("shipping_economy", "shipping_economy_additional"),
    "is_free_shipping_priority": ("shipping_priority", "shipping_priority_additional"),
    "is_free_international_shipping": ("international_shipping_economy", "international_shipping_economy_additional"),
    "is_free_international_shipping_priority": ("international_shipping_priority",
                                                "international_shipping_priority_additional"),
}


@rules.before_save()
def shipping_rate_free_flags(action: Action, call: Call, record: Record, old: Record | None) -> Record:
    """An ``is_free_*`` flag puts its base and additional rates to 0 (L19468-19483)."""
    for flag, rates in _FREE.items():
        if record.get(flag):
            for rate in rates:
                record[rate] = 0.0
    return record


# -- search ----------------------------------------------------------------------------------------

_SEARCH = {  # type -> (collection, fields searched)
    "Product": ("products", ("name", "short_name", "short_description")),
    "Brand": ("brands", ("name", "alias")),
    "Category": ("categories", ("name", "other_name", "short_description")),
    "Inventory": ("skus", ("sku_identifier", "manufacturer_part_number", "short_description", "description")),
}


@rules.rule()
def search(action: Action, call: Call) -> Result:
    """``GET /Search``: free text over products, brands, categories and inventory (L13069)."""
    paging = paging_style(action.decl.paging)
    term = str(call.params.get("Term") or "").casefold()
    types = call.params.get("Types") or list(_SEARCH)
    unknown = [t_ for t_ in types if t_ not in _SEARCH]
    if unknown:
        raise _invalid("Types", f"Unknown type(s) {', '.join(map(str, unknown))}; use {', '.join(_SEARCH)}.")
    ns = call.state
    brands = {b["id"]: b.get("name") for b in ns["brands"].records()}
    found: list[Record] = []
    for kind in _SEARCH:
        if kind not in types:
            continue
        name, fields = _SEARCH[kind]
        for r in ns[name].records():
            if term and not any(term in str(r.get(f) or "").casefold() for f in fields):
                continue
            found.append(_result(kind, r, brands))
    body, headers = paging.page_of(found, call.params, call.url)
    return Result(200, body, headers)


def _result(kind: str, r: Record, brands: dict) -> Record:
    name = r.get("name") or r.get("short_description") or r.get("sku_identifier")
    return {
        "id": r["id"], "object": "search_result", "name": name,
        "short_name": r.get("short_name") or r.get("alias") or r.get("sku_identifier"),
        "primary_image": r.get("primary_image"), "url": r.get("url"),
        "short_description": r.get("short_description"),
        "brand_name": brands.get(r.get("brand_id")) if kind in ("Product", "Inventory") else None,
        "type": kind, "related": [],
    }


# -- fixtures (``finish:`` rules of fixtures/yodify.yaml) ------------------------------------------


@rules.fixture()
def fixture_sku(record: Record, fake: t.Any, namespace: t.Any) -> Record:
    product = namespace["products"].get(record.get("store_product_id")) or {}
    record["brand_id"] = product.get("brand_id")
    record["library_product_id"] = product.get("library_product_id")
    if record.get("list_price") is not None:
        on_sale = fake.random.random() < 0.25
        record["sale_price"] = _money(record["list_price"] * fake.random_element([0.8, 0.85, 0.9])) if on_sale else None
        record["is_on_sale"] = record["sale_requested"] = on_sale
        record["sale_label"] = "Sale" if on_sale else None
    return record


@rules.fixture()
def fixture_order(record: Record, fake: t.Any, namespace: t.Any) -> Record:
    record["order_number"] = f"SO-{record['id']:06d}"
    record["url"] = f"https://store.yodify.example.com/orders/{record['id']}"
    record["ordered_date"] = record["created_on"]
    customer = namespace["customers"].get(record.get("customer_id")) or {}
    record["account_id"] = customer.get("account_id")
    for n, item in enumerate(record.get("items") or []):
        item["seller_price_per_unit"] = item.get("price_per_unit") or 0
        if n == 0 and record["id"] % 4 == 0:  # every fourth order: an add-on on its first item (no randomness used)
            price = _money((item.get("price_per_unit") or 0) * 0.1)
            item["add_ons"] = [{"id": item["id"] * 100 + 1, "add_on_id": 1, "object": "orderitem", "client_identifier": None,
                                "quantity": item.get("quantity") or 1, "model_number": "WARRANTY-2Y",
                                "price_per_unit": price, "seller_price_per_unit": price,
                                "configuration": None, "items": []}]
    totals(record)
    status = record.get("order_status")
    if status in ("Shipped", "PartiallyShipped", "Complete", "Received", "RefundRequested", "Refunded",
                  "RefundRejected"):
        _fixture_shipment(record, fake, namespace, partial=status == "PartiallyShipped")
    return record


def _fixture_shipment(order: Record, fake: t.Any, namespace: t.Any, partial: bool) -> None:
    shipments = namespace["shipments"]
    carriers = [c for c in namespace["carriers"].records()]
    carrier = fake.random_element(carriers) if carriers else {"name": "UPS"}
    sid = shipments.next_id()
    items = order.get("items") or []
    qty = {i["id"]: i.get("quantity") or 1 for i in items}
    if partial:
        if len(items) > 1:
            qty.pop(items[-1]["id"])
        elif items and qty[items[0]["id"]] > 1:
            qty[items[0]["id"]] -= 1
        else:
            qty = {}
    chosen = [i for i in items if i["id"] in qty]
    if not chosen:
        order["order_status"] = "Processing"
        return
    delivered = order.get("order_status") in ("Complete", "Received", "RefundRequested", "Refunded", "RefundRejected")
    shipments.put({
        "id": sid, "object": "shipment", "client_identifier": None, "order_id": order["id"],
        "shipped_date": order["created_on"], "estimated_delivery_date": None,
        "tracking_number": fake.bothify("1Z###?##########").upper(),
        "tracking_url": f"https://track.example.com/{carrier.get('slug', 'ups')}", "carrier": carrier.get("name"),
        "items": [{"id": sid * 1000 + n + 1, "object": "shipmentitem", "order_item_id": i["id"],
                   "sku_id": i.get("sku_id"), "quantity": qty[i["id"]]} for n, i in enumerate(chosen)],
        "add_ons": [{"id": sid * 1000 + 500 + n + 1, "object": "shipmentitem", "order_item_id": item_id,
                     "order_item_add_on_id": a["id"], "quantity": min(a.get("quantity") or 0, qty[item_id])}
                    for n, (item_id, a) in enumerate((i["id"], a) for i in chosen for a in i.get("add_ons") or [])],
        "shipment_type": "Tracked", "created_on": order["created_on"], "trackings": [],
        "address_id": None, "status": "Delivered" if delivered else "InTransit",
    })


@rules.fixture()
def fixture_quote(record: Record, fake: t.Any, namespace: t.Any) -> Record:
    record["quote_number"] = f"Q-{record['id']:06d}"
    record["url"] = f"https://store.yodify.example.com/quotes/{record['id']}"
    status = record.get("quote_status")
    created = record["created_on"]
    record["activation_date"] = None if status in ("New", "Draft") else created
    record["sent_to_customer_date"] = created if status in ("QuoteSent", "Accepted", "AcceptedOrdered", "Complete",
                                                            "Expired", "Closed", "CustomerCancelled") else None
    record["completion_date"] = created if status in ("AcceptedOrdered", "Complete") else None
    if status not in ("AcceptedOrdered", "Complete"):
        record["order_id"] = None
    return record


@rules.fixture()
def fixture_quote_document(record: Record, fake: t.Any, namespace: t.Any) -> Record:
    content = f"Quote {record['quote_id']}: {record['file_name']}\n".encode()
    record["content"], record["content_type"] = content, "application/pdf"
    record["url"] = f"data:application/pdf;base64,{base64.b64encode(content).decode()}"
    return record
