"""Flow Retail's business rules (the vendor's Customer, CustomerContact and CustomerGroup pages).

CRUD is declared in ``spec/flowretail.yaml``; here only what the docs state as rules, or what a
rule needs that a declaration cannot say: the checks of a customer write (country code, VAT
number of a Norwegian customer, display name), the search and the external search, customer
extensions, the store view, and who created or changed a customer group. Each rule checks
everything before it writes.
"""

from __future__ import annotations

import typing as t

from sparring.engine.actions import Action, Call, Result
from sparring.engine.errors import ApiError
from sparring.engine.paging import Page, paging_style
from sparring.engine.store import Range, Record
from sparring.partners.flowretail.norway import COUNTRY_CODES, organisation_number
from sparring.partners.flowretail.search import Criteria

EXTERNAL_SEARCH = "EXTERNAL_CUSTOMER_SEARCH"


def _invalid(field: str, message: str) -> ApiError:
    return ApiError.validation({field: [message]}, f"{field}: {message}")


# -- the caller and its tenant -----------------------------------------------------------------------


def caller(call: Call) -> str:
    """The client id of the token (who created or changed a record)."""
    return str((call.token_info or {}).get("sub") or "")


def caller_tenant(action: Action, call: Call) -> str | None:
    """The tenant the caller's token belongs to."""
    sub = caller(call)
    for client in (action.env.auth.declaration.get("clients") or []):
        if client.get("client_id") == sub:
            return client.get("tenant")
    return None


def tenant_of(action: Action, call: Call) -> Record:
    """The tenant of the path, which must be the caller's: another tenant is not found (404)."""
    uid = call.params.get("tenantUid")
    tenant = action.namespace["tenants"].get(uid)
    if tenant is None or uid != caller_tenant(action, call):
        raise ApiError.not_found("tenant")
    return tenant


# -- customers -------------------------------------------------------------------------------------


def display_name(record: Record) -> str:
    if record.get("customerType") == "COMPANY" and record.get("companyName"):
        return record["companyName"]
    name = " ".join(p for p in (record.get("firstname"), record.get("lastname")) if p)
    return name or record.get("companyName") or record.get("email") or ""


def customer_before_save(action: Action, call: Call, record: Record, old: Record | None) -> Record:
    """A customer write: country code ISO 3166-1 alpha-2 (stored upper case), a Norwegian
    customer's VAT number an organisation number with a valid check digit, a company its name,
    a person a name; the display name follows."""
    body = call.body if isinstance(call.body, dict) else {}
    if old is None:
        tenant = tenant_of(action, call)
        record["countryCode"] = record.get("countryCode") or tenant.get("countryCode") or "NO"
    country = str(record.get("countryCode") or "").upper()
    if country not in COUNTRY_CODES:
        raise _invalid("countryCode", f"{record.get('countryCode')!r} is not an ISO 3166-1 alpha-2 country code.")
    record["countryCode"] = country
    vat = record.get("vatNumber") or ""
    if vat and country == "NO" and ("vatNumber" in body or "countryCode" in body or old is None):
        if organisation_number(vat) is None:
            raise _invalid("vatNumber", f"{vat!r} is not a Norwegian organisation number "
                                        "(nine digits with a valid check digit, optionally NO...MVA).")
    kind = record.get("customerType") or "PERSON"
    if kind == "COMPANY" and not (record.get("companyName") or "").strip():
        raise _invalid("companyName", "A COMPANY customer needs a companyName.")
    if kind == "PERSON" and not ((record.get("firstname") or "").strip() or (record.get("lastname") or "").strip()):
        raise _invalid("firstname", "A PERSON customer needs a firstname or a lastname.")
    record["displayName"] = display_name(record)
    return record


def _customer(action: Action, call: Call) -> Record:
    tenant_of(action, call)
    return action.find(call)


def _contacts_of(action: Action, customer_uid: str) -> list[Record]:
    found, _ = action.namespace["contacts"].query(sort="createdAt", where=[Range.equal("customerUid", customer_uid)])
    spec = action.env.collections["contacts"]
    return [spec.project(c) for c in found]


def customer_out(action: Action, record: Record) -> Record:
    """The customer as responses show it, with its contacts."""
    body = action.env.collections["customers"].project(record)
    body["contacts"] = _contacts_of(action, record["customerUid"])
    return body


def _out(action: Action, record: Record) -> Record:
    if action.spec.name == "customers":
        return customer_out(action, record)
    return action.spec.project(record)


def add_extension(action: Action, call: Call) -> Result:
    """``POST .../extensions`` of a customer or a contact: attach an extension; a code the record
    already has gets the new organizationUid (never two entries for one code)."""
    record = _customer(action, call)
    body = call.body or {}
    entry = {"extensionCode": body["extensionCode"], "organizationUid": body["organizationUid"]}
    extensions = [e for e in record.get("extensions") or [] if e.get("extensionCode") != entry["extensionCode"]]
    record["extensions"] = [*extensions, entry]
    action.stamp(record, created=False)
    saved = action.collection.put(record)
    return Result(200, _out(action, saved))


def delete_extension(action: Action, call: Call) -> Result:
    """``DELETE .../extensions/{extensionCode}``: 204, or 404 when the record does not have it."""
    record = _customer(action, call)
    code = call.params.get("extensionCode")
    extensions = record.get("extensions") or []
    kept = [e for e in extensions if e.get("extensionCode") != code]
    if len(kept) == len(extensions):
        what = "customer" if action.spec.name == "customers" else "contact"
        raise ApiError(404, f"The {what} has no {code} extension.", "not_found")
    record["extensions"] = kept
    action.stamp(record, created=False)
    action.collection.put(record)
    return Result(204)


def store_customer(action: Action, call: Call) -> Result:
    """``GET .../stores/{storeUid}/customers/{customerUid}``: the customer seen from one of the
    tenant's stores; a store of another tenant is as unknown as a store that does not exist."""
    tenant = tenant_of(action, call)
    store = action.namespace["stores"].get(call.params.get("storeUid"))
    if store is None or store.get("tenantUid") != tenant["tenantUid"]:
        raise ApiError.not_found("store")
    record = action.find(call)
    body = customer_out(action, record)
    body["store"] = action.env.collections["stores"].project(store)
    body["storeDetails"] = {
        "effectivePricelistUid": record.get("pricelistUid") or store.get("pricelistUid") or "",
        "invoiceAllowed": any(e.get("extensionCode") == "TWO_INVOICE" for e in record.get("extensions") or [])
        or bool(record.get("paymentTerms")),
    }
    return Result(200, body)


# -- search ----------------------------------------------------------------------------------------


def _page(action: Action, call: Call, collection: str, where: list[Range], predicate) -> Result:
    decl = action.decl
    paging = paging_style(decl["paging"])
    number, size = paging.window(call.params)
    sorting = decl.get("sorting") or {}
    spec = action.env.collections[collection]
    sort = call.params.get(sorting.get("field")) or spec.default_sort
    descending = str(call.params.get(sorting.get("direction")) or "ASC").upper() == "DESC"
    items, total = action.namespace[collection].query(sort=sort, descending=descending, where=where,
                                                      predicate=predicate, offset=(number - 1) * size, limit=size)
    shaped = [customer_out(action, r) if collection == "customers" else spec.project(r) for r in items]
    body, headers = paging.render(Page(shaped, total, number, size, call.params, call.url))
    return Result(200, body, headers)


def search_customers(action: Action, call: Call) -> Result:
    """``POST .../customers/search``: the tenant's customers matching the body (see ``search``)."""
    tenant = tenant_of(action, call)
    criteria = Criteria(call.body if isinstance(call.body, dict) else {})
    where = [Range.equal("tenantUid", tenant["tenantUid"])]
    if criteria.scope == "CONTACT" and not criteria.empty:
        customers = action.namespace["customers"]
        hits = set()
        contacts, _ = action.namespace["contacts"].query(sort="customerUid", where=[Range.equal("tenantUid", tenant["tenantUid"])],
                                                         copy=False)
        for contact in contacts:
            owner = customers.get(contact["customerUid"])
            if owner is not None and criteria.matches(contact, vat_source=owner):
                hits.add(contact["customerUid"])
        return _page(action, call, "customers", where, lambda r: r["customerUid"] in hits)
    return _page(action, call, "customers", where, None if criteria.empty else criteria.matches)


def search_customers_external(action: Action, call: Call) -> Result:
    """``POST .../customers/search/external``: the tenant's external register, only with an
    active EXTERNAL_CUSTOMER_SEARCH tenant extension (403 otherwise)."""
    tenant = tenant_of(action, call)
    if not any(e.get("extensionCode") == EXTERNAL_SEARCH and e.get("active") for e in tenant.get("extensions") or []):
        raise ApiError(403, f"Tenant {tenant['tenantUid']} has no active {EXTERNAL_SEARCH} extension: "
                            "external customer search is not available.", "forbidden")
    criteria = Criteria(call.body if isinstance(call.body, dict) else {})
    where = [Range.equal("tenantUid", tenant["tenantUid"])]
    return _page(action, call, "external_customers", where, None if criteria.empty else criteria.matches)


# -- contacts and groups ---------------------------------------------------------------------------


def _client_uid(action: Action, call: Call, record: Record, field: str) -> None:
    """A uid the client chose replaces the generated one; one in use is a 409."""
    chosen = (call.body or {}).get(field) if isinstance(call.body, dict) else None
    if chosen:
        if chosen in action.collection:
            raise action.conflict(field, f"{field} {chosen} is already in use.")
        record[field] = chosen


def contact_before_save(action: Action, call: Call, record: Record, old: Record | None) -> Record:
    """A contact belongs to its customer's tenant; the display name follows the names."""
    if old is None:
        _client_uid(action, call, record, "customerContactUid")
        owner = action.namespace["customers"].get(record.get("customerUid"))
        record["tenantUid"] = owner and owner.get("tenantUid")
    record["displayName"] = " ".join(p for p in (record.get("firstname"), record.get("lastname")) if p)
    return record


def group_before_save(action: Action, call: Call, record: Record, old: Record | None) -> Record:
    """Who created and who last changed the group."""
    if old is None:
        _client_uid(action, call, record, "customerGroupUid")
        record["createdBy"] = caller(call)
    else:
        record["createdBy"] = old.get("createdBy") or ""
    record["lastModifiedBy"] = caller(call)
    return record


# fixture hooks (``finish:`` in fixtures/flowretail.yaml)
from sparring.partners.flowretail.fixtures import fixture_contact, fixture_customer, fixture_external  # noqa: E402,F401
