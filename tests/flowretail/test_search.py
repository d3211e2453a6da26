"""Search over the tenant's customers, and the external register behind its tenant extension."""

from __future__ import annotations

import re

from flowretail_kit import A, B


def search(api, body, tenant=A, status=200, **params):
    return api.post(f"/tenants/{tenant}/customers/search", status, json=body, params=params).json()


def uids(body):
    return [c["customerUid"] for c in body["items"]]


def test_empty_search_pages_every_customer_of_the_tenant(api):
    body = search(api, {}, pageSize=10)
    assert body["paging"] == {"pageNumber": 1, "pageSize": 10, "totalCount": 30}


def test_phone_number_matches_whatever_spacing_or_prefix(api):
    c = api.customers(A)[5]
    digits = re.sub(r"\D", "", c["mobile"])[-8:]
    for written in (digits, f"+47{digits}", f"+47 {digits[:3]} {digits[3:5]} {digits[5:]}", f"0047 {digits}",
                    f"{digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}"):
        assert c["customerUid"] in uids(search(api, {"mobile": written, "exactMatch": True})), written
        assert c["customerUid"] in uids(search(api, {"query": written})), written
    partial = search(api, {"mobile": digits[:5]})
    assert c["customerUid"] in uids(partial)
    assert search(api, {"mobile": digits[:5], "exactMatch": True})["items"] == []


def test_query_matches_names_city_postal_code_company_email_and_vat(api):
    customers = api.customers(A)
    company = next(c for c in customers if c["customerType"] == "COMPANY")
    for field in ("firstname", "lastname", "city", "postalCode", "companyName", "email", "vatNumber"):
        found = uids(search(api, {"query": company[field]}))
        assert company["customerUid"] in found, field
    both = search(api, {"query": f"{company['firstname']} {company['lastname']}"})
    assert all(company["firstname"].lower() in (x["firstname"] + x["lastname"] + x["companyName"] + x["city"]).lower()
               for x in both["items"])
    assert search(api, {"query": "zzzz-nobody"})["items"] == []


def test_exact_match_switches_between_whole_values_and_parts(api):
    company = api.company(A)
    part = company["companyName"][:4]
    assert company["customerUid"] in uids(search(api, {"query": part}))
    assert company["customerUid"] not in uids(search(api, {"query": part, "exactMatch": True}))
    assert company["customerUid"] in uids(search(api, {"query": company["companyName"], "exactMatch": True}))


def test_dedicated_email_and_vat_fields_match_on_their_own(api):
    company = api.company(A)
    assert uids(search(api, {"email": company["email"].upper(), "exactMatch": True})) == [company["customerUid"]]
    assert uids(search(api, {"vatNumber": f"NO {company['vatNumber']} MVA", "exactMatch": True})) == [company["customerUid"]]
    # the email criterion is not matched against other fields, and both criteria must hold
    assert search(api, {"email": company["city"], "exactMatch": True})["items"] == []
    assert search(api, {"email": company["email"], "vatNumber": "999999999", "exactMatch": True})["items"] == []


def test_contact_scope_finds_the_customers_of_matching_contacts(api):
    owner = next(c for c in api.customers(A) if c["contacts"])
    contact = owner["contacts"][0]
    found = search(api, {"query": contact["lastname"], "scope": "CONTACT"})
    assert owner["customerUid"] in uids(found)
    assert all(any(contact["lastname"].lower() in k["lastname"].lower() for k in c["contacts"]) for c in found["items"])
    assert uids(search(api, {"mobile": contact["mobile"], "scope": "CONTACT", "exactMatch": True})) == [owner["customerUid"]]


def test_search_sorts_and_pages(api):
    body = search(api, {}, sortBy="city", sortDirection="DESC", pageSize=50)
    cities = [c["city"] for c in body["items"]]
    assert cities == sorted(cities, reverse=True)
    search(api, {}, status=400, sortBy="mobile")
    search(api, {"scope": "EVERYONE"}, status=400)


def test_search_never_crosses_tenants(api):
    theirs = api.as_("b-pos").customers(B)[0]
    assert search(api, {"query": theirs["email"], "exactMatch": True})["items"] == [] or \
        theirs["customerUid"] not in uids(search(api, {"query": theirs["email"], "exactMatch": True}))


def test_external_search_reads_the_external_register_only(api):
    body = api.post(f"/tenants/{A}/customers/search/external", json={}).json()
    assert body["paging"]["totalCount"] == 20
    assert all(x["externalId"].startswith("EXT-") for x in body["items"])
    first = body["items"][0]
    hit = api.post(f"/tenants/{A}/customers/search/external", json={"query": first["lastname"]}).json()
    assert first["externalId"] in [x["externalId"] for x in hit["items"]]
    own = api.company(A)
    miss = api.post(f"/tenants/{A}/customers/search/external", json={"email": own["email"], "exactMatch": True}).json()
    assert miss["items"] == []


def test_external_search_needs_the_tenant_extension(api):
    r = api.as_("b-backoffice").post(f"/tenants/{B}/customers/search/external", 403, json={"query": "Hansen"})
    assert "EXTERNAL_CUSTOMER_SEARCH" in r.json()["message"]
