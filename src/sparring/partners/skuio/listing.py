"""List Customers: SKU.io's DataTable list in the Laravel paginator envelope.

``archived`` picks active (0, the default) or archived (1) customers, ``search`` looks in the
name, email, company and address fields, ``sort`` takes a ``-`` for descending,
``included[]``/``excluded[]`` choose the columns (``id`` always stays), and
``table_specifications=1`` answers the table's columns instead of rows.
"""

from __future__ import annotations

import typing as t

from sparring.engine.actions import Action, Call, Result
from sparring.engine.errors import ApiError
from sparring.engine.paging import Page, paging_style
from sparring.engine.store import Range, Record

SEARCH_FIELDS = ("name", "email", "company", "address1", "address2", "city", "province", "zip", "country")
SORTABLE = ("name", "email", "company", "created_at", "updated_at", "archived_at")
# column -> (type, filterable, visible by default)
COLUMNS: dict[str, tuple[str, bool, bool]] = {
    "id": ("integer", False, True),
    "name": ("string", True, True),
    "company": ("string", True, True),
    "email": ("string", True, True),
    "phone": ("string", True, True),
    "fax": ("string", False, False),
    "address1": ("string", True, True),
    "address2": ("string", True, False),
    "address3": ("string", True, False),
    "city": ("string", True, True),
    "province": ("string", True, False),
    "province_code": ("string", True, True),
    "zip": ("string", True, True),
    "country": ("string", True, False),
    "country_code": ("string", True, True),
    "integration_instance_id": ("integer", False, False),
    "default_sales_rep_id": ("integer", False, False),
    "default_shipping_address_id": ("integer", False, False),
    "default_billing_address_id": ("integer", False, False),
    "product_pricing_tier_id": ("integer", False, False),
    "store_id": ("integer", False, False),
    "shipping_method_domestic_id": ("integer", False, False),
    "shipping_method_international_id": ("integer", False, False),
    "warehouse_id": ("integer", False, False),
    "archived_at": ("datetime", True, False),
    "created_at": ("datetime", True, True),
    "updated_at": ("datetime", True, False),
}


def archived_range(archived: t.Any) -> Range:
    """Active customers (``archived_at`` null) for 0, archived ones for 1 (nulls sort before text)."""
    if int(archived or 0) == 1:
        return Range("archived_at", low="")
    return Range("archived_at", high="", high_inclusive=False)


def search_predicate(text: t.Any) -> t.Callable[[Record], bool] | None:
    if text in (None, ""):
        return None
    needle = str(text).casefold()
    return lambda record: any(needle in str(record.get(f) or "").casefold() for f in SEARCH_FIELDS)


def columns(values: t.Any) -> list[str]:
    """Column names from a repeated and/or comma-separated parameter (validated by the spec's pattern)."""
    values = values if isinstance(values, list) else [values] if values else []
    return [c.strip() for v in values for c in str(v).split(",") if c.strip()]


def table_specifications() -> dict:
    return {"table_specifications": [
        {"data_name": name, "label": name.replace("_", " ").title().replace("Id", "ID"), "type": kind,
         "sortable": name in SORTABLE, "filterable": filterable, "default_visible": visible}
        for name, (kind, filterable, visible) in COLUMNS.items()]}


def list_customers(action: Action, call: Call) -> Result:
    params = call.params
    if int(params.get("table_specifications") or 0) == 1:
        return Result(200, table_specifications())
    paging = paging_style(action.decl["paging"])
    number, size = paging.window(params)
    sort = params.get("sort") or "id"
    descending = sort.startswith("-")
    sort = sort.lstrip("-")
    if sort != "id" and sort not in SORTABLE:
        raise ApiError.validation({"sort": [f"Sorting by {sort} is not allowed."]})
    items, total = action.namespace["customers"].query(
        sort=sort, descending=descending, where=[archived_range(params.get("archived"))],
        predicate=search_predicate(params.get("search")), offset=(number - 1) * size, limit=size)
    included, excluded = columns(params.get("included[]")), set(columns(params.get("excluded[]")))
    if included or excluded:
        keep = [c for c in (included or COLUMNS) if c not in excluded or c == "id"]
        keep = ["id", *(c for c in dict.fromkeys(keep) if c != "id")]
        items = [{c: item.get(c) for c in keep} for item in items]
    body, headers = paging.render(Page(items, total, number, size, params, call.url))
    return Result(200, body, headers)
