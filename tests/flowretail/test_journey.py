"""The issue's client journey: a POS integration works with its own tenant's customers."""

from __future__ import annotations

import re

from flowretail_kit import A, B


def test_pos_client_journey(api):
    pos = api.as_("a-pos")  # integration token of tenant A without TENANT.BACKOFFICE
    listed = pos.get(f"/tenants/{A}/customers", params={"pageSize": 10, "sortBy": "lastname"}).json()
    assert listed["paging"]["totalCount"] == 30
    # a customer at the till gives a phone number, typed the way the cashier types it
    known = listed["items"][2]
    digits = re.sub(r"\D", "", known["mobile"])[-8:]
    found = pos.post(f"/tenants/{A}/customers/search", json={"mobile": f"+47 {digits[:3]} {digits[3:5]} {digits[5:]}",
                                                             "exactMatch": True}).json()
    assert [c["customerUid"] for c in found["items"]] == [known["customerUid"]]
    # a new company customer
    company = pos.post(f"/tenants/{A}/customers", 201, json={
        "customerType": "COMPANY", "companyName": "Havbris Bakeri AS", "email": "post@havbrisbakeri.no",
        "mobile": "+47 45 67 89 01", "address": "Torget 1", "postalCode": "5014", "city": "Bergen"}).json()
    uid = company["customerUid"]
    pos.patch(f"/tenants/{A}/customers/{uid}", 400, json={"vatNumber": "923609017"})
    patched = pos.patch(f"/tenants/{A}/customers/{uid}", json={"vatNumber": "923609016"}).json()
    assert patched["vatNumber"] == "923609016"
    with_two = pos.post(f"/tenants/{A}/customers/{uid}/extensions",
                        json={"extensionCode": "TWO_INVOICE", "organizationUid": "923609016"}).json()
    assert with_two["extensions"] == [{"extensionCode": "TWO_INVOICE", "organizationUid": "923609016"}]
    store = pos.get(f"/tenants/{A}/stores").json()["items"][0]
    view = pos.get(f"/tenants/{A}/stores/{store['storeUid']}/customers/{uid}").json()
    assert view["storeDetails"]["invoiceAllowed"] is True and view["vatNumber"] == "923609016"
    assert view["extensions"] == with_two["extensions"]
    # no delete without TENANT.BACKOFFICE, and nothing of tenant B
    assert "TENANT.BACKOFFICE" in pos.delete(f"/tenants/{A}/customers/{uid}", 403).json()["message"]
    theirs = api.as_("b-pos").customers(B)[0]
    pos.get(f"/tenants/{B}/customers", 404)
    pos.get(f"/tenants/{B}/customers/{theirs['customerUid']}", 404)
    pos.get(f"/tenants/{A}/customers/{theirs['customerUid']}", 404)
    assert pos.get(f"/tenants/{A}/customers/{uid}").json()["customerUid"] == uid
