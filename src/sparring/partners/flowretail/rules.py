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
from sparring.engine.registry import Rules
from sparring.engine.store import Record
from sparring.partners.flowretail import fixture_hooks
from sparring.partners.flowretail.norway import country_codes, organisation_number
from sparring.partners.flowretail.search import Criteria

rules = Rules("flowretail")

EXTERNAL_SEARCH = "EXTERNAL_CUSTOMER_SEARCH"


def _invalid(field: str, message: str) -> ApiError:
    return ApiError.validation({field: [message]}, f"{field}: {message}")


# -- the caller and its tenant -----------------------------------------------------------------------
# The spec scopes every request to the tenant in its path (a namespace per tenant, seeded with that
# tenant's records) and refuses a token of another tenant with 404 before any rule runs.


def caller(call: Call) -> str:
    """The client id of the token (who created or changed a record)."""
    return call.caller.client_id if call.caller else ""


def tenant_of(call: Call) -> Record:
    """The tenant of the path; 404 when there is none."""
    tenant = call.state["tenants"].get(call.params.get("tenantUid"))
    if tenant is None:
        raise ApiError.not_found("tenant")
    return tenant


# -- customers -------------------------------------------------------------------------------------


def display_name(record: Record) -> str:
    if record.get("customerType") == "COMPANY" and record.get("companyName"):
        return record["companyName"]
    name = " ".join(p for p in (record.get("firstname"), record.get("lastname")) if p)
    return name or record.get("companyName") or record.get("email") or ""


@rules.before_save()
def customer_before_save(action: Action, call: Call, record: Record, old: Record | None) -> Record:
    """A customer write: country code ISO 3166-1 alpha-2 (stored upper case), a Norwegian
    customer's VAT number an organisation number with a valid check digit, a company its name,
    a person a name; the display name follows."""
    body = call.body if isinstance(call.body, dict) else {}
    if old is None:
        tenant = tenant_of(call)
        record["countryCode"] = record.get("countryCode") or tenant.get("countryCode") or "NO"
    country = str(record.get("countryCode") or "").upper()
    if country not in country_codes():
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


@rules.rule()
def add_extension(action: Action, call: Call) -> Result:
    """``POST .../extensions`` of a customer or a contact: attach an extension; a code the record
    already has gets the new organizationUid (never two entries for one code)."""
    record = action.find(call)
    body = call.body or {}
    entry = {"extensionCode": body["extensionCode"], "organizationUid": body["organizationUid"]}
    extensions = [e for e in record.get("extensions") or [] if e.get("extensionCode") != entry["extensionCode"]]
    record["extensions"] = [*extensions, entry]
    action.stamp(record, created=False)
    saved = action.collection(call).put(record)
    return Result(200, action.out(saved, call))


@rules.rule()
def delete_extension(action: Action, call: Call) -> Result:
    """``DELETE .../extensions/{extensionCode}``: 204, or 404 when the record does not have it."""
    record = action.find(call)
    code = call.params.get("extensionCode")
    extensions = record.get("extensions") or []
    kept = [e for e in extensions if e.get("extensionCode") != code]
    if len(kept) == len(extensions):
        what = "customer" if action.spec.name == "customers" else "contact"
        raise ApiError(404, f"The {what} has no {code} extension.", "not_found")
    record["extensions"] = kept
    action.stamp(record, created=False)
    action.collection(call).put(record)
    return Result(204)


@rules.rule()
def store_customer(action: Action, call: Call) -> Result:
    """``GET .../stores/{storeUid}/customers/{customerUid}``: the customer seen from one of the
    tenant's stores; a store of another tenant is as unknown as a store that does not exist."""
    store = call.state["stores"].get(call.params.get("storeUid"))
    if store is None:  # the namespace holds this tenant's stores only
        raise ApiError.not_found("store")
    record = action.find(call)
    body = action.out(record, call)
    body["store"] = action.env.collections["stores"].project(store)
    body["storeDetails"] = {
        "effectivePricelistUid": record.get("pricelistUid") or store.get("pricelistUid") or "",
        "invoiceAllowed": any(e.get("extensionCode") == "TWO_INVOICE" for e in record.get("extensions") or [])
        or bool(record.get("paymentTerms")),
    }
    return Result(200, body)


# -- search ----------------------------------------------------------------------------------------


def _page(action: Action, call: Call, collection: str, keep: t.Callable[[Record], bool] | None) -> Result:
    """The matches, sorted and paged like a list of that collection."""
    sorting = action.decl.sorting
    spec = action.env.collections[collection]
    sort = (call.params.get(sorting.field) if sorting else None) or spec.default_sort
    descending = str((call.params.get(sorting.direction) if sorting else None) or "ASC").upper() == "DESC"
    found, _ = call.state[collection].query(sort=sort, descending=descending)
    matches = [r for r in found if keep is None or keep(r)]
    paging = paging_style(action.decl.paging)
    number, size = paging.window(call.params)
    window = matches[(number - 1) * size:number * size]
    shaped = [action.out(r, call) if collection == action.spec.name else spec.project(r) for r in window]
    body, headers = paging.render(Page(shaped, len(matches), number, size, call.params, call.url))
    return Result(200, body, headers)


@rules.rule()
def search_customers(action: Action, call: Call) -> Result:
    """``POST .../customers/search``: the tenant's customers matching the body (see ``search``)."""
    tenant_of(call)
    criteria = Criteria(call.body if isinstance(call.body, dict) else {})
    if criteria.empty:
        return _page(action, call, "customers", None)
    if criteria.scope == "CONTACT":
        customers = call.state["customers"]
        hits = set()
        for contact in call.state["contacts"].records():
            owner = customers.get(contact.get("customerUid"))
            if owner is not None and criteria.matches(contact, vat_source=owner):
                hits.add(owner["customerUid"])
        return _page(action, call, "customers", lambda r: r["customerUid"] in hits)
    return _page(action, call, "customers", criteria.matches)


@rules.rule()
def search_customers_external(action: Action, call: Call) -> Result:
    """``POST .../customers/search/external``: the tenant's external register, only with an
    active EXTERNAL_CUSTOMER_SEARCH tenant extension (403 otherwise)."""
    tenant = tenant_of(call)
    if not any(e.get("extensionCode") == EXTERNAL_SEARCH and e.get("active") for e in tenant.get("extensions") or []):
        raise ApiError(403, f"Tenant {tenant['tenantUid']} has no active {EXTERNAL_SEARCH} extension: "
                            "external customer search is not available.", "forbidden")
    criteria = Criteria(call.body if isinstance(call.body, dict) else {})
    return _page(action, call, "external_customers", None if criteria.empty else criteria.matches)


# -- contacts and groups ---------------------------------------------------------------------------


def _client_uid(action: Action, call: Call, record: Record, field: str) -> None:
    """A uid the client chose replaces the generated one; one in use is a 409."""
    chosen = (call.body or {}).get(field) if isinstance(call.body, dict) else None
    if chosen:
        if chosen in action.collection(call):
            raise action.conflict(field, f"{field} {chosen} is already in use.")
        record[field] = chosen


@rules.before_save()
def contact_before_save(action: Action, call: Call, record: Record, old: Record | None) -> Record:
    """A contact belongs to its customer's tenant; the display name follows the names."""
    if old is None:
        _client_uid(action, call, record, "customerContactUid")
        owner = call.state["customers"].get(record.get("customerUid"))
        record["tenantUid"] = owner and owner.get("tenantUid")
    record["displayName"] = " ".join(p for p in (record.get("firstname"), record.get("lastname")) if p)
    return record


@rules.before_save()
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
rules.fixture()(fixture_hooks.fixture_customer)
rules.fixture()(fixture_hooks.fixture_contact)
rules.fixture()(fixture_hooks.fixture_external)
