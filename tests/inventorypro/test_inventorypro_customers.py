"""InventoryPro customers through HTTP, as the vendor's docs describe them."""

from __future__ import annotations

import asyncio
import base64

import httpx
import pytest
from inventorypro_kit import IP, token

ACME = {
    "shortID": "ACME-CORP",
    "name": "Acme Corporation",
    "address1": "123 Industrial Way",
    "address2": "",
    "city": "Springfield",
    "state": "IL",
    "zip": "62701",
    "country": "US",
    "phone": "555-0100",
    "fax": "",
    "email": "orders@acme.example.com",
    "contact": "Jane Smith",
    "active": True,
    "created": "2023-04-15T08:30:00",
    "modified": "2024-11-02T14:22:00",
}


def all_customers(client, auth) -> list[dict]:
    out, page = [], 1
    while True:
        body = client.get(f"{IP}/Customer/All", params={"page": page, "pageSize": 250}, headers=auth).json()
        out += body["value"]
        if not body["hasMore"]:
            return out
        page += 1


# -- token endpoint -----------------------------------------------------------------------------


def test_token_from_form_fields(client):
    r = client.post(f"{IP}/Token", data={"grant_type": "client_credentials", "client_id": "demo-warehouse",
                                          "client_secret": "demo-warehouse-secret"})
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 14399
    assert body["access_token"].count(".") == 2  # a JWT


def test_token_from_http_basic(client):
    basic = base64.b64encode(b"demo-readonly:demo-readonly-secret").decode()
    r = client.post(f"{IP}/Token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"})
    assert r.status_code == 200
    assert r.json()["access_token"]


def test_token_refused_for_a_wrong_secret(client):
    r = client.post(f"{IP}/Token", data={"grant_type": "client_credentials", "client_id": "demo-warehouse",
                                          "client_secret": "guess"})
    assert r.status_code == 401
    assert r.json() == {"statusCode": 401, "error": "unauthorized", "message": r.json()["message"], "details": None}


def test_token_refused_for_another_grant(client):
    r = client.post(f"{IP}/Token", data={"grant_type": "password", "client_id": "demo-warehouse"})
    assert r.status_code == 400
    assert r.json()["error"] == "validation_error"
    assert "grant_type" in r.json()["details"]


# -- authentication and permissions ---------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic Zm9vOmJhcg=="}])
def test_calls_without_a_valid_token_get_401(client, headers):
    r = client.get(f"{IP}/Customer/All", headers=headers)
    assert r.status_code == 401
    assert r.json()["error"] == "unauthorized"
    assert r.json()["statusCode"] == 401


def test_token_expires_after_four_hours(client, auth):
    assert client.get(f"{IP}/Customer/ACME-CORP", headers=auth).status_code == 200
    assert client.post("/__sparring/clock", json={"advance": 4 * 3600}).status_code == 200
    r = client.get(f"{IP}/Customer/ACME-CORP", headers=auth)
    assert r.status_code == 401
    assert r.json()["error"] == "unauthorized"


def test_readonly_user_reads_but_cannot_write(client, readonly):
    assert client.get(f"{IP}/Customer/All", headers=readonly).status_code == 200
    assert client.get(f"{IP}/Customer/ACME-CORP", headers=readonly).status_code == 200
    for r in (
        client.post(f"{IP}/Customer", json={"shortID": "NEW-ONE"}, headers=readonly),
        client.delete(f"{IP}/Customer/ACME-CORP", headers=readonly),
    ):
        assert r.status_code == 403
        assert r.json()["error"] == "forbidden"
    assert client.get(f"{IP}/Customer/NEW-ONE", headers=readonly).status_code == 404
    assert client.get(f"{IP}/Customer/ACME-CORP", headers=readonly).json()["active"] is True


# -- reads ------------------------------------------------------------------------------------------


def test_get_customer_is_exactly_the_documented_record(client, auth):
    r = client.get(f"{IP}/Customer/ACME-CORP", headers=auth)
    assert r.status_code == 200
    assert r.json() == ACME


def test_unknown_customer_is_404(client, auth):
    r = client.get(f"{IP}/Customer/NO-SUCH-CO", headers=auth)
    assert r.status_code == 404
    assert r.json() == {"statusCode": 404, "error": "not_found", "message": r.json()["message"], "details": None}


def test_list_envelope_and_headers_match_the_docs_example(client, auth):
    r = client.get(f"{IP}/Customer/All", headers=auth)
    assert r.status_code == 200
    body = r.json()
    assert {k: body[k] for k in ("totalCount", "page", "pageSize", "pageCount", "hasMore")} == {
        "totalCount": 48, "page": 1, "pageSize": 25, "pageCount": 2, "hasMore": True}
    assert len(body["value"]) == 25
    assert r.headers["X-Total-Count"] == "48"
    assert r.headers["X-Page"] == "1"
    assert r.headers["X-Page-Size"] == "25"
    assert r.headers["X-API-Version"] == "v1"


def test_second_page_holds_the_rest(client, auth):
    body = client.get(f"{IP}/Customer/All", params={"page": 2}, headers=auth).json()
    assert len(body["value"]) == 23
    assert body["hasMore"] is False
    first = client.get(f"{IP}/Customer/All", headers=auth).json()["value"]
    ids = [c["shortID"] for c in first + body["value"]]
    assert len(set(ids)) == 48
    assert ids == sorted(ids)  # default order: shortID ascending


def test_page_past_the_end_is_empty(client, auth):
    body = client.get(f"{IP}/Customer/All", params={"page": 9}, headers=auth).json()
    assert body["value"] == [] and body["hasMore"] is False and body["totalCount"] == 48


def test_both_documented_customers_are_seeded(client, auth):
    customers = {c["shortID"]: c for c in all_customers(client, auth)}
    assert len(customers) == 48
    assert customers["ACME-CORP"] == ACME
    assert customers["BRIGHT-MFG"]["name"] == "Bright Manufacturing LLC"
    assert customers["BRIGHT-MFG"]["address2"] == "Suite 200"


def test_seeded_customers_look_real(client, auth):
    for c in all_customers(client, auth):
        domain = c["email"].split("@")[1]
        assert domain.endswith(".example.com")
        assert c["country"] == "US" and len(c["state"]) == 2
        assert c["zip"].isdigit() and len(c["zip"]) == 5
        assert c["created"] <= c["modified"]


@pytest.mark.parametrize("field", ["name", "city", "modified"])
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_sorting(client, auth, field, direction):
    body = client.get(f"{IP}/Customer/All", params={"sort": field, "direction": direction, "pageSize": 250},
                      headers=auth).json()
    values = [c[field] for c in body["value"]]
    assert values == sorted(values, reverse=direction == "DESC")


def test_modified_since_filters_and_counts(client, auth):
    everyone = all_customers(client, auth)
    since = "2025-01-01T00:00:00"
    expected = sorted(c["shortID"] for c in everyone if c["modified"] >= since)
    assert 0 < len(expected) < 48
    body = client.get(f"{IP}/Customer/All", params={"modifiedSince": since, "pageSize": 250}, headers=auth).json()
    assert sorted(c["shortID"] for c in body["value"]) == expected
    assert body["totalCount"] == len(expected)
    # a zone is accepted too; server time is UTC
    body = client.get(f"{IP}/Customer/All", params={"modifiedSince": since + "Z", "pageSize": 250}, headers=auth).json()
    assert body["totalCount"] == len(expected)


# -- upsert -------------------------------------------------------------------------------------------


def test_upsert_creates_then_updates(client, auth):
    r = client.post(f"{IP}/Customer", json={"shortID": "GLOBEX", "name": "Globex", "city": "Cypress Creek"}, headers=auth)
    assert r.status_code == 201
    created = r.json()
    assert created["active"] is True
    assert created["address1"] == "" and created["fax"] == ""
    assert created["created"] == created["modified"]

    client.post("/__sparring/clock", json={"advance": 90})
    r = client.post(f"{IP}/Customer", json={"shortID": "GLOBEX", "phone": "555-0199"}, headers=auth)
    assert r.status_code == 200
    updated = r.json()
    assert updated["name"] == "Globex" and updated["city"] == "Cypress Creek"  # fields not sent are kept
    assert updated["phone"] == "555-0199"
    assert updated["created"] == created["created"]
    assert updated["modified"] > created["modified"]

    assert client.get(f"{IP}/Customer/GLOBEX", headers=auth).json() == updated
    assert client.get(f"{IP}/Customer/All", headers=auth).json()["totalCount"] == 49


def test_upsert_of_a_documented_customer_updates_it(client, auth):
    body = {k: v for k, v in ACME.items() if k not in ("active", "created", "modified")}
    body["contact"] = "John Doe"
    r = client.post(f"{IP}/Customer", json=body, headers=auth)
    assert r.status_code == 200
    assert r.json()["contact"] == "John Doe"
    assert r.json()["created"] == ACME["created"]


# Server-owned fields sent back by a client are ignored (or refused under --strict):
# tests/inventorypro/test_inventorypro_leniency.py


# -- soft delete --------------------------------------------------------------------------------------


def test_delete_discontinues_and_keeps_the_record(client, auth):
    r = client.delete(f"{IP}/Customer/BRIGHT-MFG", headers=auth)
    assert r.status_code == 204
    assert r.content == b""
    kept = client.get(f"{IP}/Customer/BRIGHT-MFG", headers=auth)
    assert kept.status_code == 200
    assert kept.json()["active"] is False
    assert kept.json()["name"] == "Bright Manufacturing LLC"
    assert client.get(f"{IP}/Customer/All", headers=auth).json()["totalCount"] == 48


def test_delete_unknown_is_404(client, auth):
    r = client.delete(f"{IP}/Customer/NO-SUCH-CO", headers=auth)
    assert r.status_code == 404
    assert r.json()["error"] == "not_found"


def test_documented_client_journey(client):
    """Token, list, upsert twice, read back, delete, list again: what the docs describe."""
    auth = {"Authorization": f"Bearer {token(client)}"}
    before = client.get(f"{IP}/Customer/All", headers=auth).json()
    assert before["totalCount"] == 48
    assert client.post(f"{IP}/Customer", json={"shortID": "INITECH", "name": "Initech"}, headers=auth).status_code == 201
    assert client.post(f"{IP}/Customer", json={"shortID": "INITECH", "contact": "Bill Lumbergh"}, headers=auth).status_code == 200
    read = client.get(f"{IP}/Customer/INITECH", headers=auth).json()
    assert (read["name"], read["contact"], read["active"]) == ("Initech", "Bill Lumbergh", True)
    assert client.delete(f"{IP}/Customer/INITECH", headers=auth).status_code == 204
    after = client.get(f"{IP}/Customer/All", params={"sort": "modified", "direction": "DESC"}, headers=auth).json()
    assert after["totalCount"] == 49
    assert after["value"][0]["shortID"] == "INITECH"
    assert after["value"][0]["active"] is False


# -- bad input: a clear 4xx in the vendor's shape, and no change ---------------------------------------

BAD_REQUESTS = [
    ("malformed JSON", dict(content=b'{"shortID": "X",', headers={"Content-Type": "application/json"}), 400, "bad_request"),
    ("non-UTF-8 bytes", dict(content=b'{"shortID": "\xff\xfe"}', headers={"Content-Type": "application/json"}), 400, "bad_request"),
    ("unpaired surrogate", dict(content=b'{"shortID": "X", "name": "a\\udc00"}', headers={"Content-Type": "application/json"}), 400, "bad_request"),
    ("wrong type", dict(json={"shortID": "TYPO-CO", "name": 42}), 400, "validation_error"),
    ("null for a string", dict(json={"shortID": "TYPO-CO", "city": None}), 400, "validation_error"),
    ("missing shortID", dict(json={"name": "No Key"}), 400, "validation_error"),
    ("empty shortID", dict(json={"shortID": ""}), 400, "validation_error"),
    ("shortID with a slash", dict(json={"shortID": "A/B"}), 400, "validation_error"),
    ("array body", dict(json=[{"shortID": "TYPO-CO"}]), 400, "validation_error"),
    ("empty body", dict(content=b"", headers={"Content-Type": "application/json"}), 400, "bad_request"),
    ("wrong content type", dict(content=b"shortID=X", headers={"Content-Type": "text/plain"}), 415, "unsupported_media_type"),
    ("oversized body", dict(json={"shortID": "BIG-CO", "name": "x" * (2 * 1024 * 1024)}), 413, "payload_too_large"),
]


@pytest.mark.parametrize("case, kwargs, status, kind", BAD_REQUESTS, ids=[c[0] for c in BAD_REQUESTS])
def test_bad_upserts_are_refused_and_change_nothing(client, auth, case, kwargs, status, kind):
    before = all_customers(client, auth)
    headers = {**auth, **kwargs.pop("headers", {})}
    r = client.post(f"{IP}/Customer", headers=headers, **kwargs)
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"statusCode", "error", "message", "details"}
    assert (body["statusCode"], body["error"]) == (status, kind)
    assert body["message"]
    if kind == "validation_error":
        assert body["details"] and all(isinstance(v, list) and v for v in body["details"].values())
    assert all_customers(client, auth) == before


BAD_QUERIES = [
    ({"page": 0}, "page"),
    ({"page": -1}, "page"),
    ({"page": "first"}, "page"),
    ({"pageSize": 0}, "pageSize"),
    ({"pageSize": 251}, "pageSize"),
    ({"sort": "password"}, "sort"),
    ({"direction": "UP"}, "direction"),
    ({"modifiedSince": "yesterday"}, "modifiedSince"),
]


@pytest.mark.parametrize("params, field", BAD_QUERIES, ids=[str(p) for p, _ in BAD_QUERIES])
def test_bad_list_parameters_are_named(client, auth, params, field):
    r = client.get(f"{IP}/Customer/All", params=params, headers=auth)
    assert r.status_code == 400
    assert r.json()["error"] == "validation_error"
    assert field in r.json()["details"]


def test_wrong_method_is_405_with_the_allowed_ones(client, auth):
    r = client.put(f"{IP}/Customer/ACME-CORP", json={}, headers=auth)
    assert r.status_code == 405
    assert r.headers["Allow"] == "DELETE, GET"
    assert r.json()["error"] == "method_not_allowed"


def test_unknown_path_is_404_in_vendor_shape(client, auth):
    r = client.get(f"{IP}/Warehouse/All", headers=auth)
    assert r.status_code == 404
    assert r.json()["error"] == "not_found"


# -- concurrency ----------------------------------------------------------------------------------------


def test_concurrent_upserts_lose_nothing(app, client, auth):
    async def burst():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sparring") as http:
            calls = [http.post(f"{IP}/Customer", json={"shortID": f"RUSH-{i:02d}", "name": f"Rush {i}"}, headers=auth)
                     for i in range(50)]
            return await asyncio.gather(*calls)

    responses = asyncio.run(burst())
    assert [r.status_code for r in responses] == [201] * 50
    customers = all_customers(client, auth)
    assert len(customers) == 98
    assert {f"RUSH-{i:02d}" for i in range(50)} <= {c["shortID"] for c in customers}


def test_concurrent_updates_of_one_record_keep_every_field(app, client, auth):
    fields = ["name", "address1", "address2", "city", "state", "zip", "country", "phone", "fax", "email", "contact"]

    async def burst():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sparring") as http:
            return await asyncio.gather(*[
                http.post(f"{IP}/Customer", json={"shortID": "ACME-CORP", f: f"new {f}"}, headers=auth) for f in fields])

    assert {r.status_code for r in asyncio.run(burst())} == {200}
    record = client.get(f"{IP}/Customer/ACME-CORP", headers=auth).json()
    assert all(record[f] == f"new {f}" for f in fields)
