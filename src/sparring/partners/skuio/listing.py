"""List Customers: SKU.io's DataTable list in the Laravel paginator envelope.

``archived`` picks active (0, the default) or archived (1) customers, ``search`` looks in the
name, email, company and address fields, ``sort`` takes a ``-`` for descending,
``included[]``/``excluded[]`` choose the columns (``id`` always stays), and
``table_specifications=1`` answers the table's columns instead of rows.
"""

from __future__ import annotations

import typing as t

from sparring.engine.actions import Action, List
from sparring.engine.context import Call, Result
from sparring.engine.store import Filter

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


def columns(values: t.Any) -> list[str]:
    """Column names from a repeated and/or comma-separated parameter (validated by the spec's pattern)."""
    values = values if isinstance(values, list) else [values] if values else []
    return [c.strip() for v in values for c in str(v).split(",") if c.strip()]


def table_specifications() -> dict:
    return {"table_specifications": [
        {"data_name": name, "label": name.replace("_", " ").title().replace("Id", "ID"), "type": kind,
         "sortable": name in SORTABLE, "filterable": filterable, "default_visible": visible}
        for name, (kind, filterable, visible) in COLUMNS.items()]}


_LISTS: dict[str, List] = {}


def list_customers(action: Action, call: Call) -> Result:
    """The declared list (paging, sort, ``archived`` and ``search`` filters), then the columns asked for."""
    if int(call.params.get("table_specifications") or 0) == 1:
        return Result(200, table_specifications())
    listing = _LISTS.get(action.operation.id)
    if listing is None or listing.env is not action.env:
        listing = _LISTS[action.operation.id] = List(action.operation, action.env)
    result = listing(call)
    included, excluded = columns(call.params.get("included[]")), set(columns(call.params.get("excluded[]")))
    if included or excluded:
        keep = [c for c in (included or COLUMNS) if c not in excluded or c == "id"]
        keep = ["id", *(c for c in dict.fromkeys(keep) if c != "id")]
        result.body["data"] = [{c: row.get(c) for c in keep} for row in result.body["data"]]
    return result


def selection(archived: t.Any, search: t.Any) -> list[Filter]:
    """The filters of a bulk request's ``filters``: as the list's ``archived`` and ``search``."""
    where = [Filter("archived_at", "present", int(archived or 0))]
    if search not in (None, ""):
        where.append(Filter("name", "contains", str(search), SEARCH_FIELDS))
    return where
