"""Customers: list, create, get, PATCH rules, delete, extensions, the store view."""

from __future__ import annotations

import uuid

from flowretail_kit import A, B

from sparring.partners.flowretail.norway import organisation_number


# -- list -------------------------------------------------------------------------------------------


def test_list_envelope_paging_and_the_tenants_own_customers(api):
    body = api.get(f"/tenants/{A}/customers", params={"pageNumber": 2, "pageSize": 7}).json()
    assert set(body) == {"items", "paging"}
    assert body["paging"] == {"pageNumber": 2, "pageSize": 7, "totalCount": 30}
    assert len(body["items"]) == 7
    everything = api.customers(A)
    assert len(everything) == 30
    assert not {c["customerUid"] for c in everything} & {c["customerUid"] for c in api.as_("b-pos").customers(B)}


def test_list_sorting_by_a_real_field_in_both_directions(api):
    up = [c["lastname"] for c in api.customers(A, sortBy="lastname")]
    down = [c["lastname"] for c in api.customers(A, sortBy="lastname", sortDirection="DESC")]
    assert up == sorted(up) and down == sorted(down, reverse=True)
    r = api.get(f"/tenants/{A}/customers", 400, params={"sortBy": "tenantUid"})
    assert list(r.json()["errors"]) == ["sortBy"]
    api.get(f"/tenants/{A}/customers", 400, params={"sortDirection": "UP"})
    api.get(f"/tenants/{A}/customers", 400, params={"pageSize": 0})


def test_list_filters_on_customer_external_id(api):
    one = api.customers(A)[3]
    found = api.customers(A, customerExternalId=one["externalId"])
    assert [c["customerUid"] for c in found] == [one["customerUid"]]
    assert api.customers(A, customerExternalId="no-such-ref") == []


# -- create, get ------------------------------------------------------------------------------------


def test_create_company_then_read_it_back(api):
    body = {"customerType": "COMPANY", "companyName": "Fjordkaffe AS", "email": "post@fjordkaffe.no",
            "mobile": "+47 912 34 567", "vatNumber": "923609016", "ledgerNumber": "000123", "paymentTerms": 14}
    created = api.post(f"/tenants/{A}/customers", 201, json=body).json()
    assert created["displayName"] == "Fjordkaffe AS" and created["countryCode"] == "NO"
    assert created["ledgerNumber"] == "000123" and created["extensions"] == [] and created["contacts"] == []
    assert created["createdAt"] == created["lastModifiedAt"] and created["createdAt"].endswith("Z")
    got = api.get(f"/tenants/{A}/customers/{created['customerUid']}").json()
    assert got == created
    assert "tenantUid" not in got


def test_created_keys_are_uuids_that_a_reset_gives_again(api):
    """The keys sparring makes for created records are version-4 uuids from the collection's
    sequence: distinct, and the same again after a reset, so a fuzz run replays exactly."""
    body = {"customerType": "PERSON", "firstname": "Ola", "lastname": "Nordmann"}
    path = f"/tenants/{A}/customers"
    before = [api.post(path, 201, json=body).json()["customerUid"] for _ in range(2)]
    assert api.client.post("/__sparring/reset").status_code == 200
    after = [api.post(path, 201, json=body).json()["customerUid"] for _ in range(2)]
    assert before == after and before[0] != before[1]
    assert {uuid.UUID(key).version for key in before} == {4}
    listed = [c["customerUid"] for c in api.customers(A)]
    assert [listed.count(key) for key in after] == [1, 1]


def test_create_refuses_what_a_customer_cannot_be(api):
    path = f"/tenants/{A}/customers"
    assert "companyName" in api.post(path, 400, json={"customerType": "COMPANY"}).json()["message"]
    assert "firstname" in api.post(path, 400, json={"customerType": "PERSON"}).json()["message"]
    r = api.post(path, 400, json={"customerType": "PERSON", "firstname": "Ola", "countryCode": "XX"})
    assert r.json()["errors"] == {"countryCode": ["'XX' is not an ISO 3166-1 alpha-2 country code."]}
    api.post(path, 400, json={"customerType": "ROBOT", "firstname": "Ola"})
    api.post(path, 400, json={"customerType": "PERSON", "firstname": "Ola", "paymentTerms": 400})
    assert len(api.customers(A)) == 30


def test_undocumented_fields_are_ignored_by_default(api):
    created = api.post(f"/tenants/{A}/customers", 201,
                       json={"customerType": "PERSON", "firstname": "Ola", "unknownField": 1}).json()
    assert "unknownField" not in created


def test_get_unknown_customer_is_404(api):
    r = api.get(f"/tenants/{A}/customers/nope", 404)
    assert r.json() == {"message": "The customer was not found."}


# -- PATCH ------------------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent_and_moves_last_modified(api, app):
    before = api.company(A)
    app.runtime.clock.advance(60)
    after = api.patch(f"/tenants/{A}/customers/{before['customerUid']}", json={"paymentTerms": 30}).json()
    assert after["paymentTerms"] == 30
    assert after["createdAt"] == before["createdAt"] and after["lastModifiedAt"] > before["lastModifiedAt"]
    same = {k: v for k, v in after.items() if k not in ("paymentTerms", "lastModifiedAt")}
    assert same == {k: v for k, v in before.items() if k not in ("paymentTerms", "lastModifiedAt")}


def test_patch_validates_country_ledger_vat_and_terms(api):
    c = api.company(A)
    path = f"/tenants/{A}/customers/{c['customerUid']}"
    assert api.patch(path, json={"countryCode": "se"}).json()["countryCode"] == "SE"
    api.patch(path, 400, json={"countryCode": "NOR"})
    api.patch(path, 400, json={"countryCode": "QQ"})
    assert api.patch(path, json={"ledgerNumber": "000042"}).json()["ledgerNumber"] == "000042"
    api.patch(path, 400, json={"ledgerNumber": "12a"})
    api.patch(path, 400, json={"paymentTerms": -1})
    api.patch(path, 400, json={"paymentTerms": "ten"})
    # VAT: a Norwegian organisation number with a valid check digit where the country is NO
    api.patch(path, json={"countryCode": "NO", "vatNumber": "923609016"})
    api.patch(path, json={"vatNumber": "NO923609016MVA"})
    r = api.patch(path, 400, json={"vatNumber": "923609017"})
    assert "organisation number" in r.json()["message"]
    api.patch(path, 400, json={"vatNumber": "12345"})
    assert api.get(path).json()["vatNumber"] == "NO923609016MVA"
    # elsewhere another country's form is kept as sent
    assert api.patch(path, json={"countryCode": "SE", "vatNumber": "SE556677889901"}).json()["vatNumber"] == "SE556677889901"


def test_patch_type_and_names_keep_the_display_name(api):
    p = api.person(A)
    path = f"/tenants/{A}/customers/{p['customerUid']}"
    assert api.patch(path, json={"firstname": "Kari"}).json()["displayName"] == f"Kari {p['lastname']}"
    api.patch(path, 400, json={"customerType": "COMPANY", "companyName": ""})
    assert api.patch(path, json={"customerType": "COMPANY", "companyName": "Kari Design AS"}).json()["displayName"] == "Kari Design AS"


# -- delete -----------------------------------------------------------------------------------------


def test_delete_needs_backoffice(api):
    c = api.person(A)
    path = f"/tenants/{A}/customers/{c['customerUid']}"
    r = api.as_("a-pos").delete(path, 403)
    assert "TENANT.BACKOFFICE" in r.json()["message"]
    api.get(path)
    api.delete(path, 204)
    api.get(path, 404)
    api.delete(path, 404)


def test_delete_takes_the_contacts_along(api):
    owner = next(c for c in api.customers(A) if c["contacts"])
    api.delete(f"/tenants/{A}/customers/{owner['customerUid']}")
    api.get(f"/tenants/{A}/customers/{owner['customerUid']}/contacts", 404)


# -- extensions -------------------------------------------------------------------------------------


def test_two_invoice_extension_added_once_replaced_and_deleted(api):
    c = api.company(A)
    path = f"/tenants/{A}/customers/{c['customerUid']}/extensions"
    body = api.post(path, json={"extensionCode": "TWO_INVOICE", "organizationUid": c["vatNumber"]}).json()
    assert body["extensions"] == [{"extensionCode": "TWO_INVOICE", "organizationUid": c["vatNumber"]}]
    again = api.post(path, json={"extensionCode": "TWO_INVOICE", "organizationUid": "923609016"}).json()
    assert again["extensions"] == [{"extensionCode": "TWO_INVOICE", "organizationUid": "923609016"}]
    assert api.get(f"/tenants/{A}/customers/{c['customerUid']}").json()["extensions"] == again["extensions"]
    api.delete(f"{path}/TWO_INVOICE", 204)
    assert api.get(f"/tenants/{A}/customers/{c['customerUid']}").json()["extensions"] == []
    api.delete(f"{path}/TWO_INVOICE", 404)


def test_unknown_extension_codes_are_400(api):
    c = api.company(A)
    path = f"/tenants/{A}/customers/{c['customerUid']}/extensions"
    api.post(path, 400, json={"extensionCode": "KLARNA", "organizationUid": "x"})
    api.post(path, 400, json={"extensionCode": "TWO_INVOICE"})
    api.delete(f"{path}/KLARNA", 400)
    assert api.get(f"/tenants/{A}/customers/{c['customerUid']}").json()["extensions"] == []


# -- store view -------------------------------------------------------------------------------------


def test_store_view_of_a_customer(api):
    stores = api.get(f"/tenants/{A}/stores").json()["items"]
    store = next(s for s in stores if s["storeUid"] == "nordlys-bergen-bryggen")
    c = next(x for x in api.customers(A) if x["customerType"] == "PERSON")
    body = api.get(f"/tenants/{A}/stores/{store['storeUid']}/customers/{c['customerUid']}").json()
    assert body["store"] == store
    assert body["storeDetails"] == {"effectivePricelistUid": c["pricelistUid"] or store["pricelistUid"],
                                    "invoiceAllowed": bool(c["paymentTerms"])}
    assert {k: v for k, v in body.items() if k not in ("store", "storeDetails")} == c


def test_store_view_unknown_store_or_other_tenants_store_is_404(api):
    c = api.company(A)
    api.get(f"/tenants/{A}/stores/no-such-store/customers/{c['customerUid']}", 404)
    r = api.get(f"/tenants/{A}/stores/fjellsport-trondheim/customers/{c['customerUid']}", 404)
    assert r.json() == {"message": "The store was not found."}
    api.get(f"/tenants/{A}/stores/nordlys-oslo-sentrum/customers/nope", 404)


def test_fixture_companies_have_valid_organisation_numbers(api):
    companies = [c for t, who in ((A, "a-pos"), (B, "b-pos")) for c in api.as_(who).customers(t)
                 if c["customerType"] == "COMPANY"]
    assert companies and all(organisation_number(c["vatNumber"]) for c in companies)
    assert all(c["countryCode"] == "NO" and len(c["postalCode"]) == 4 for c in companies)
