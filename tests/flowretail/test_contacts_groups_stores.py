"""Customer contacts, customer groups and the read-only store list."""

from __future__ import annotations

from flowretail_kit import A, B


def test_contacts_create_read_patch_delete_and_show_on_the_customer(api, app):
    c = api.company(A)
    base = f"/tenants/{A}/customers/{c['customerUid']}/contacts"
    made = api.post(base, json={"firstname": "Kari", "lastname": "Nordmann", "mobile": "+47 913 00 000"}).json()
    assert made["displayName"] == "Kari Nordmann" and made["email"] == "" and made["extensions"] == []
    path = f"{base}/{made['customerContactUid']}"
    assert api.get(path).json() == made
    app.runtime.clock.advance(5)
    patched = api.patch(path, json={"email": "kari@firma.no"}).json()
    assert patched["email"] == "kari@firma.no" and patched["lastModifiedAt"] > made["lastModifiedAt"]
    assert patched["createdAt"] == made["createdAt"] and patched["mobile"] == made["mobile"]
    listed = api.get(base, params={"sortBy": "lastname"}).json()
    assert made["customerContactUid"] in [x["customerContactUid"] for x in listed["items"]]
    assert listed["paging"]["totalCount"] == len(listed["items"])
    on_customer = api.get(f"/tenants/{A}/customers/{c['customerUid']}").json()["contacts"]
    assert patched in on_customer
    api.delete(path)
    api.get(path, 404)
    assert made["customerContactUid"] not in [x["customerContactUid"]
                                              for x in api.get(f"/tenants/{A}/customers/{c['customerUid']}").json()["contacts"]]


def test_contact_uid_chosen_by_the_client_and_conflicts(api):
    c = api.company(A)
    base = f"/tenants/{A}/customers/{c['customerUid']}/contacts"
    made = api.post(base, json={"firstname": "Per", "lastname": "Hansen", "customerContactUid": "per-hansen-1"}).json()
    assert made["customerContactUid"] == "per-hansen-1"
    api.post(base, 409, json={"firstname": "Per", "lastname": "Hansen", "customerContactUid": "per-hansen-1"})
    api.post(base, 400, json={"firstname": "Per", "lastname": "Hansen", "customerContactUid": "per hansen"})
    api.post(base, 400, json={"firstname": "Per"})


def test_contact_of_another_customer_is_404(api):
    owners = [c for c in api.customers(A) if c["contacts"]]
    other = next(c for c in api.customers(A) if c["customerUid"] != owners[0]["customerUid"])
    ct = owners[0]["contacts"][0]["customerContactUid"]
    api.get(f"/tenants/{A}/customers/{other['customerUid']}/contacts/{ct}", 404)
    api.get(f"/tenants/{A}/customers/nope/contacts", 404)


def test_customer_groups(api, app):
    base = f"/tenants/{A}/customer-groups"
    listed = api.get(base).json()
    assert [g["name"] for g in listed["items"]] == ["Ansatte", "Bedriftskunder", "Kundeklubb VIP"]
    made = api.as_("a-pos").post(base, 201, json={"name": "Skoler"}).json()
    assert made["createdBy"] == made["lastModifiedBy"] == "nordlys-pos"
    app.runtime.clock.advance(5)
    renamed = api.put(f"{base}/{made['customerGroupUid']}", json={"name": "Skoler og barnehager"}).json()
    assert renamed["name"] == "Skoler og barnehager" and renamed["createdBy"] == "nordlys-pos"
    assert renamed["lastModifiedBy"] == "nordlys-backoffice" and renamed["createdAt"] == made["createdAt"]
    assert api.get(f"{base}/{made['customerGroupUid']}").json() == renamed
    chosen = api.post(base, 201, json={"name": "Lag", "customerGroupUid": "idrettslag"}).json()
    assert chosen["customerGroupUid"] == "idrettslag"
    api.post(base, 409, json={"name": "Lag", "customerGroupUid": "idrettslag"})
    api.post(base, 400, json={})
    api.put(f"{base}/nope", 404, json={"name": "x"})
    api.get(base, 400, params={"sortBy": "createdBy"})


def test_stores_are_listed_per_tenant_read_only(api):
    mine = api.get(f"/tenants/{A}/stores").json()
    assert [s["storeUid"] for s in mine["items"]] == ["nordlys-oslo-sentrum", "nordlys-bergen-bryggen", "nordlys-nettbutikk"]
    assert mine["paging"] == {"pageNumber": 1, "pageSize": 50, "totalCount": 3}
    by_name = api.get(f"/tenants/{A}/stores", params={"sortBy": "name", "sortDirection": "DESC"}).json()["items"]
    assert [s["name"] for s in by_name] == sorted((s["name"] for s in mine["items"]), reverse=True)
    theirs = api.as_("b-pos").get(f"/tenants/{B}/stores").json()["items"]
    assert {s["storeUid"] for s in theirs} == {"fjellsport-trondheim", "fjellsport-tromso"}
    assert api.post(f"/tenants/{A}/stores", 405, json={}, conforms=False).headers["allow"] == "GET"


def test_contact_extensions(api):
    c = api.company(A)
    contact = api.post(f"/tenants/{A}/customers/{c['customerUid']}/contacts",
                       json={"firstname": "Siri", "lastname": "Dahl"}).json()
    path = f"/tenants/{A}/customers/{c['customerUid']}/contacts/{contact['customerContactUid']}/extensions"
    api.post(path, json={"extensionCode": "TWO_INVOICE", "organizationUid": "923609016"})
    body = api.post(path, json={"extensionCode": "TWO_INVOICE", "organizationUid": c["vatNumber"]}).json()
    assert body["customerContactUid"] == contact["customerContactUid"]
    assert body["extensions"] == [{"extensionCode": "TWO_INVOICE", "organizationUid": c["vatNumber"]}]
    api.post(path, 400, json={"extensionCode": "VIPPS", "organizationUid": "1"})
    api.delete(f"{path}/TWO_INVOICE")
    assert api.delete(f"{path}/TWO_INVOICE", 404).json() == {"message": "The contact has no TWO_INVOICE extension."}
    other = next(x for x in api.customers(A) if x["customerUid"] != c["customerUid"])
    api.post(f"/tenants/{A}/customers/{other['customerUid']}/contacts/{contact['customerContactUid']}/extensions", 404,
             json={"extensionCode": "TWO_INVOICE", "organizationUid": "1"})
