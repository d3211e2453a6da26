"""InventoryPro at its edges: forged and expired tokens, the exact bound of ``modifiedSince``, the
last page, what a soft delete stamps, and which field a refused body names.

These are the boundaries a planted bug slipped through before (issue 14): each test compares the
server with what a client can compute itself from the data it reads.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from inventorypro_kit import IP, token


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _forge(jwt: str, signature: str | None = None, key: bytes = b"guessed-secret", **changes) -> str:
    """The token with its claims changed and signed again with a key that is not the server's
    (or with the given signature text)."""
    header = jwt.split(".")[0]
    payload = _b64(json.dumps({**_claims(jwt), **changes}, separators=(",", ":")).encode())
    if signature is None:
        signature = _b64(hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    return f"{header}.{payload}.{signature}"


def _status(client, jwt: str) -> int:
    return client.get(f"{IP}/Customer/ACME-CORP", headers={"Authorization": f"Bearer {jwt}"}).status_code


# -- forged tokens -------------------------------------------------------------------------------


def test_a_genuine_token_works_before_any_forgery_is_tried(client):
    assert _status(client, token(client)) == 200


@pytest.mark.parametrize("forgery", [
    "garbage signature",
    "empty signature",
    "original signature over another subject",
    "original signature over a later expiry",
    "re-signed with another key",
    "re-signed subject with another key",
    "alg none",
])
def test_forged_tokens_are_refused(client, forgery):
    genuine = token(client, "readonly")
    original_sig = genuine.split(".")[2]
    later = _claims(genuine)["exp"] + 365 * 86400
    forged = {
        "garbage signature": lambda: _forge(genuine, signature=_b64(b"not the signature at all, 32 byte")),
        "empty signature": lambda: _forge(genuine, signature=""),
        "original signature over another subject": lambda: _forge(genuine, signature=original_sig, sub="demo-warehouse"),
        "original signature over a later expiry": lambda: _forge(genuine, signature=original_sig, exp=later),
        "re-signed with another key": lambda: _forge(genuine),
        "re-signed subject with another key": lambda: _forge(genuine, sub="demo-warehouse"),
        "alg none": lambda: _b64(b'{"alg":"none","typ":"JWT"}') + "." + genuine.split(".")[1] + ".",
    }[forgery]()
    assert forged != genuine
    r = client.get(f"{IP}/Customer/ACME-CORP", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401, forgery
    assert r.json()["error"] == "unauthorized"
    # a forged write changes nothing
    r = client.post(f"{IP}/Customer", json={"shortID": "FORGED-CO"}, headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401
    assert client.get(f"{IP}/Customer/FORGED-CO", headers={"Authorization": f"Bearer {genuine}"}).status_code == 404


def test_a_token_first_used_after_it_expired_is_refused(client):
    """Never used before its four hours ran out: the expiry is checked on first sight too."""
    fresh_token = token(client)
    assert client.post("/__sparring/clock", json={"advance": 4 * 3600}).status_code == 200
    r = client.get(f"{IP}/Customer/ACME-CORP", headers={"Authorization": f"Bearer {fresh_token}"})
    assert r.status_code == 401
    assert r.json()["error"] == "unauthorized"
    # a token issued now is good again
    assert _status(client, token(client)) == 200


def test_a_token_is_good_until_just_before_its_expiry(client):
    jwt = token(client)
    client.post("/__sparring/clock", json={"advance": 4 * 3600 - 60})
    assert _status(client, jwt) == 200


# -- modifiedSince at its exact bound -----------------------------------------------------------


def all_customers(client, auth, **params) -> list[dict]:
    body = client.get(f"{IP}/Customer/All", params={"pageSize": 250, **params}, headers=auth).json()
    assert body["totalCount"] == len(body["value"])
    return body["value"]


def test_modified_since_includes_a_record_modified_at_exactly_that_time(client, auth):
    everyone = all_customers(client, auth)
    moments = sorted({c["modified"] for c in everyone})
    for moment in (moments[0], moments[len(moments) // 2], moments[-1]):
        expected = sorted(c["shortID"] for c in everyone if c["modified"] >= moment)
        got = all_customers(client, auth, modifiedSince=moment)
        assert sorted(c["shortID"] for c in got) == expected, moment
        assert any(c["modified"] == moment for c in got)
    # sorted by another field, the same filter still keeps its bound
    moment = moments[len(moments) // 3]
    got = all_customers(client, auth, modifiedSince=moment, sort="city", direction="DESC")
    assert sorted(c["shortID"] for c in got) == sorted(c["shortID"] for c in everyone if c["modified"] >= moment)


# -- the last page --------------------------------------------------------------------------------


@pytest.mark.parametrize("size, pages", [(24, 2), (16, 3), (48, 1), (10, 5), (250, 1)])
def test_has_more_is_false_on_the_last_page_even_when_it_ends_on_the_total(client, auth, size, pages):
    seen = []
    for page in range(1, pages + 1):
        r = client.get(f"{IP}/Customer/All", params={"page": page, "pageSize": size}, headers=auth)
        body = r.json()
        seen += [c["shortID"] for c in body["value"]]
        last = page == pages
        assert body["hasMore"] is (not last), (size, page)
        assert body["pageCount"] == pages
        assert len(body["value"]) == (48 - size * (pages - 1) if last else size)
        assert r.headers["X-Page"] == str(page) and r.headers["X-Total-Count"] == "48"
    assert len(set(seen)) == 48


# -- soft delete stamps modified ------------------------------------------------------------------


def test_soft_delete_stamps_modified_so_modified_since_clients_see_it(client, auth):
    before = client.get(f"{IP}/Customer/BRIGHT-MFG", headers=auth).json()
    client.post("/__sparring/clock", json={"advance": 3600})
    now = client.get("/__sparring/clock").json()["now"]
    since = now[:19]  # the customers' own style: no zone, seconds
    assert all_customers(client, auth, modifiedSince=since) == []
    assert client.delete(f"{IP}/Customer/BRIGHT-MFG", headers=auth).status_code == 204
    after = client.get(f"{IP}/Customer/BRIGHT-MFG", headers=auth).json()
    assert after["active"] is False
    assert after["modified"] > before["modified"] and after["modified"] >= since
    assert after["created"] == before["created"]
    assert [c["shortID"] for c in all_customers(client, auth, modifiedSince=since)] == ["BRIGHT-MFG"]


# -- which field a refused body names ------------------------------------------------------------


def test_a_missing_required_field_is_named_not_reported_as_the_body(client, auth):
    r = client.post(f"{IP}/Customer", json={"name": "No Key"}, headers=auth)
    assert r.status_code == 400
    assert r.json()["details"] == {"shortID": ["This field is required."]}
    r = client.post(f"{IP}/Customer", json={"shortID": 7}, headers=auth)
    assert list(r.json()["details"]) == ["shortID"]
